import assert from "node:assert/strict";
import { decisionBoundary, Network, packData } from "../../mod.ts";
import { count, decodePng, hexRgb, layers, pngFromDataUrl } from "./_decode.ts";
import { referenceClass } from "./_reference.ts";

const points = packData([[0, 0], [1, 1], [0, 1], [1, 0]], [0, 0, 1, 1]);

Deno.test("decisionBoundary() colours the plane by the network's class", async (t) => {
  const net = new Network([2, 5, 2], { seed: 7 });
  const res = 16;
  const fig = decisionBoundary(net, points, { resolution: res, extent: [-1, 2, -1, 2] });
  const bundle = await fig.bundle();
  const l = layers(bundle);
  const [image, dots] = l.interactive.layer;
  await t.step("the regions image covers the extent", () => {
    const v = image.data.values[0];
    assert.deepEqual([v.x, v.x2, v.y, v.y2], [-1, 2, 2, -1]);
  });
  await t.step("each pixel takes the colour of the class at its centre", async () => {
    const png = await decodePng(pngFromDataUrl(image.data.values[0].url));
    assert.deepEqual([png.width, png.height], [res, res]);
    const colors = [hexRgb("#4c78a8"), hexRgb("#f58518")];
    for (let r = 0; r < res; r += 3) {
      for (let c = 0; c < res; c += 3) {
        const x = -1 + ((c + 0.5) / res) * 3, y = 2 - ((r + 0.5) / res) * 3;
        const k = referenceClass(net, [x, y]);
        const px = Array.from(png.rgb.subarray((r * res + c) * 3, (r * res + c) * 3 + 3));
        // A tint of the class colour: closer to it than to the other class's colour.
        const d = colors.map((col) =>
          col.reduce((s, v, i) => s + Math.abs(v - px[i]!) / (255 - Math.min(v, px[i]!) + 1), 0)
        );
        assert.ok(d[k]! < d[1 - k]!, `(${x}, ${y}) is class ${k} but drawn ${px}`);
      }
    }
  });
  await t.step("the points are on top with label and prediction", () => {
    const v = dots.data.values as { x: number; y: number; label: number; prediction: number }[];
    assert.equal(v.length, 4);
    for (const p of v) assert.equal(p.prediction, referenceClass(net, [p.x, p.y]));
    assert.deepEqual(v.map((p) => p.label), [0, 0, 1, 1]);
    assert.equal(count(bundle["image/svg+xml"] as string, 'aria-roledescription="circle"'), 4);
  });
});

Deno.test("decisionBoundary() with one output neuron splits at ½", async () => {
  const net = new Network([2, 1], { seed: 1 });
  const fig = decisionBoundary(net, points, { resolution: 4 });
  assert.match(
    String(fig),
    /^Decision regions of \[2, 1\] over \[-0\.1, 1\.1\] × \[-0\.1, 1\.1\], 4 points/,
  );
  const l = layers(await fig.bundle());
  for (const p of l.interactive.layer[1].data.values) {
    assert.equal(p.prediction, 0); // argmax of a single output is always 0
  }
});

Deno.test("decisionBoundary() rejects networks without two inputs", () => {
  assert.throws(() => decisionBoundary(new Network([3, 2]), points), {
    name: "RangeError",
    message:
      "Cannot draw decision boundary: the network has 3 inputs, expected 2 (points of the plane)",
  });
  assert.throws(() => decisionBoundary(new Network([2, 2]), points, { extent: [1, 0, 0, 1] }), {
    name: "RangeError",
    message: /extent is \[1, 0, 0, 1\], expected \[xMin, xMax, yMin, yMax\] with min < max/,
  });
});
