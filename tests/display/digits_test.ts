import assert from "node:assert/strict";
import { digits, Network, packData } from "../../mod.ts";
import { count, decodePng, layers, pngFromDataUrl } from "./_decode.ts";
import { referenceClass } from "./_reference.ts";

// Four 2×2 "images" with labels 0..3.
const data = packData(
  [[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 0, 0], [0, 0, 0.5, 1]],
  [0, 1, 2, 3],
);

Deno.test("digits() shows images with labels and predictions", async (t) => {
  const fig = digits(data, { predictions: [0, 2, 2, 1], limit: 10, scale: 3, title: "Tiny" });
  const bundle = await fig.bundle();
  const l = layers(bundle);
  const values = l.interactive.data.values as {
    url: string;
    caption: string;
    color: string;
    example: number;
  }[];
  await t.step("one tile per example, captions label → prediction, wrong ones red", () => {
    assert.equal(l.text, "Tiny: 4 of 4 examples, label → prediction");
    assert.deepEqual(values.map((v) => v.caption), ["0 → 0", "1 → 2", "2 → 2", "3 → 1"]);
    assert.deepEqual(values.map((v) => v.color === "#d62728"), [false, true, false, true]);
  });
  await t.step("each image is the input, ink dark on white", async () => {
    const png = await decodePng(pngFromDataUrl(values[3]!.url));
    assert.deepEqual([png.width, png.height], [2, 2]);
    const grey = Array.from(png.rgb.filter((_, i) => i % 3 === 0));
    // Input [0, 0, 0.5, 1] in greys: 0 white, 1 black, 0.5 in between.
    assert.deepEqual([grey[0], grey[1], grey[3]], [255, 255, 0]);
    assert.ok(Math.abs(grey[2]! - 128) <= 2, `0.5 is ${grey[2]}`);
  });
  await t.step("the SVG embeds the four images, crisp", () => {
    const svg = bundle["image/svg+xml"] as string;
    assert.equal(count(svg, "<image"), 4);
    assert.match(svg, /image-rendering: pixelated/);
  });
});

Deno.test("digits() picks the misclassified examples of a network", async () => {
  const net = new Network([4, 4], { seed: 5 });
  const wrong = [0, 1, 2, 3].filter((i) =>
    referenceClass(net, data.inputs.subarray(i * 4, i * 4 + 4)) !== data.labels[i]
  );
  const fig = digits(data, { predictions: net, only: "misclassified" });
  const values = layers(await fig.bundle()).interactive.data.values as { example: number }[];
  assert.deepEqual(values.map((v) => v.example), wrong);
  assert.equal(
    String(fig),
    `Digits: ${wrong.length} of ${wrong.length} misclassified examples (of 4), label → prediction`,
  );
});

Deno.test("digits() honours indices and limit", async () => {
  const fig = digits(data, { indices: [3, 1, 2], limit: 2 });
  const values = layers(await fig.bundle()).interactive.data.values as { example: number }[];
  assert.deepEqual(values.map((v) => v.example), [3, 1]);
  assert.equal(String(fig), "Digits: 2 of 3 examples, labels");
});

Deno.test("digits() rejects bad input", () => {
  assert.throws(() => digits(data, { only: "misclassified" }), {
    name: "TypeError",
    message: 'Cannot draw digits: only "misclassified" needs predictions',
  });
  assert.throws(() => digits(data, { predictions: [1, 2] }), {
    name: "RangeError",
    message: "Cannot draw digits: predictions has length 2, expected 4 (one per example)",
  });
  assert.throws(() => digits(data, { shape: [3, 3] }), {
    name: "RangeError",
    message: "Cannot draw digits: shape [3, 3] holds 9 values, expected 4",
  });
  assert.throws(
    () => digits(data, { indices: [4] }),
    /indices\[0\] is 4, expected an example index from 0 to 3/,
  );
});

Deno.test("digits() checks data as training does, against the first input's length", () => {
  // The same checks as sgd's (lib/_validate.ts), with the sizes the data implies.
  assert.throws(() => digits([[[0, 1, 1, 0], 0], [[1, 0, 0], 1]]), {
    name: "RangeError",
    message: "Cannot draw digits: input 1 has length 3, expected 4 (sizes[0])",
  });
  assert.throws(() => digits([[[0, 1, NaN, 0], 0]]), {
    name: "TypeError",
    message: "Cannot draw digits: input 0[2] is a number NaN, expected a finite number",
  });
  assert.throws(() => digits("pixels" as never), {
    name: "TypeError",
    message:
      "Cannot draw digits: data is a string, expected an array of [x, y] pairs or packed data",
  });
});
