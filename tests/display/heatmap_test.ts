import assert from "node:assert/strict";
import { heatmap, Matrix } from "../../mod.ts";
import { count, decodePng, hexRgb, layers, PLOTLY, VL } from "./_decode.ts";

Deno.test("heatmap() of a small matrix: vega-lite rects centred on 0", async (t) => {
  const m = Matrix.fromArray([[-1, 0, 0.5], [2, -0.25, 1]]);
  const fig = heatmap(m, { title: "w" });
  const bundle = await fig.bundle();
  const l = layers(bundle);
  await t.step("layers and summary", () => {
    assert.equal(l.mime, VL);
    assert.equal(l.staticMime, "image/svg+xml");
    assert.equal(l.text, "w: heatmap 2×3, values in [-1, 2]");
  });
  await t.step("one cell per entry, with its value for hover", () => {
    const values = l.interactive.data.values as { row: number; col: number; value: number }[];
    assert.equal(values.length, 6);
    for (const v of values) assert.equal(v.value, m.get(v.row, v.col));
    assert.ok(l.interactive.encoding.tooltip.some((f: { field: string }) => f.field === "value"));
  });
  await t.step("the colour domain is symmetric about 0, white in the middle", () => {
    const { domain, range } = l.interactive.encoding.color.scale as {
      domain: number[];
      range: string[];
    };
    assert.equal(domain.length, range.length);
    assert.deepEqual([domain[0], domain.at(-1)], [-2, 2]);
    assert.equal(domain[(domain.length - 1) / 2], 0);
    const mid = hexRgb(range[(range.length - 1) / 2]!);
    assert.ok(mid.every((c) => c > 240), `middle colour ${range[(range.length - 1) / 2]}`);
  });
  await t.step("the SVG draws one rect per cell", () => {
    assert.equal(count(bundle["image/svg+xml"] as string, 'aria-roledescription="rect mark"'), 6);
  });
});

Deno.test("heatmap() of a large matrix: plotly and a PNG, centred on 0", async (t) => {
  const rows = 30, cols = 100;
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) m.set(i, j, (j - 50) / 10 + i / 100);
  }
  const fig = heatmap(m, { width: 300, height: 90 });
  const bundle = await fig.bundle();
  const l = layers(bundle);
  assert.equal(l.mime, PLOTLY);
  assert.equal(l.staticMime, "image/png");
  const trace = l.interactive.data[0];
  await t.step("plotly centres its scale on 0", () => {
    assert.equal(trace.type, "heatmap");
    assert.equal(trace.zmid, 0);
    assert.equal(trace.zmin, -trace.zmax);
    assert.equal(trace.zmax, (cols - 1 - 50) / 10 + (rows - 1) / 100); // max |value|
    assert.equal(trace.z.length, rows);
    assert.equal(trace.z[3][7], m.get(3, 7));
  });
  await t.step("the PNG has 3×3-pixel cells coloured by value, 0 white", async () => {
    const png = await decodePng(Uint8Array.fromBase64(bundle["image/png"] as string));
    assert.deepEqual([png.width, png.height], [cols * 3, rows * 3]);
    const at = (i: number, j: number) => {
      const k = ((i * 3 + 1) * png.width + j * 3 + 1) * 3;
      return Array.from(png.rgb.subarray(k, k + 3));
    };
    // m(0, 50) = 0: the middle of the scale, near white.
    assert.ok(at(0, 50).every((c) => c > 235), `zero is ${at(0, 50)}`);
    // Most negative is dark red (red channel dominates), most positive dark blue.
    const [r0, , b0] = at(0, 0), [r1, , b1] = at(rows - 1, cols - 1);
    assert.ok(r0! > 90 && b0! < 60, `min is ${at(0, 0)}`);
    assert.ok(b1! > 90 && r1! < 60, `max is ${at(rows - 1, cols - 1)}`);
  });
});

Deno.test("heatmap() shows the values of when it was called", async () => {
  const m = Matrix.fromArray([[1, 2]]);
  const fig = heatmap(m);
  m.set(0, 0, 100);
  const bundle = await fig.bundle();
  const values = (bundle[VL] as { data: { values: { value: number }[] } }).data.values;
  assert.deepEqual(values.map((v) => v.value), [1, 2]);
});

Deno.test("heatmap() rejects bad input", () => {
  assert.throws(() => heatmap("w" as never), {
    name: "TypeError",
    message: "Cannot draw heatmap: matrix is a string, expected a Matrix",
  });
  assert.throws(() => heatmap([[1]], { scheme: "rainbow" as never }), {
    name: "RangeError",
    message: /scheme is "rainbow", expected one of redblue/,
  });
  assert.throws(() => heatmap([[1]], { width: -5 }), /width is -5, expected a number from 1/);
});
