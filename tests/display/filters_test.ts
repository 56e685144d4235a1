import assert from "node:assert/strict";
import {
  ConvPoolLayer,
  filters,
  FullyConnectedLayer,
  Network3,
  Random,
  SoftmaxLayer,
} from "../../mod.ts";
import { count, decodePng, layers, pngFromDataUrl, vegaWarnings } from "./_decode.ts";

type Tile = {
  url: string;
  filter: number;
  channel?: number;
  bias: number;
  x: number;
  y: number;
  caption: string;
};

/** Weight [f, c, p, q] of a conv layer, read by its definition (F × C × KH × KW, row-major). */
function weight(l: ConvPoolLayer, f: number, c: number, p: number, q: number): number {
  const [, C, KH, KW] = l.filterShape;
  return l.w[((f * C + c) * KH + p) * KW + q]!;
}

/** Asserts that a greys tile shows `values` (KH × KW) over `[lo, hi]`: white lo, black hi. */
async function assertGreys(url: string, values: number[][], [lo, hi]: [number, number]) {
  const png = await decodePng(pngFromDataUrl(url));
  assert.deepEqual([png.height, png.width], [values.length, values[0]!.length]);
  values.forEach((row, p) =>
    row.forEach((v, q) => {
      const grey = png.rgb[(p * png.width + q) * 3]!;
      const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
      assert.ok(Math.abs(255 - grey - t * 255) <= 1, `(${p}, ${q}) = ${v} drawn ${grey}`);
    })
  );
}

const range = (vs: number[]): [number, number] => [Math.min(...vs), Math.max(...vs)];

function channelOf(l: ConvPoolLayer, f: number, c: number): number[][] {
  const [, , kh, kw] = l.filterShape;
  return Array.from(
    { length: kh },
    (_, p) => Array.from({ length: kw }, (_, q) => weight(l, f, c, p, q)),
  );
}

Deno.test("filters() draws a conv layer's filters as images", async (t) => {
  const conv = new ConvPoolLayer(
    { filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] },
    new Random(3),
  );
  const fig = filters(conv);
  const bundle = await fig.bundle();
  const l = layers(bundle);
  const tiles = l.interactive.data.values as Tile[];
  await t.step("one image per filter, ten a row, as the book", () => {
    assert.deepEqual(tiles.map((v) => v.filter), Array.from({ length: 20 }, (_, i) => i));
    assert.equal(count(bundle["image/svg+xml"] as string, "<image"), 20);
    assert.equal(new Set(tiles.map((v) => v.x)).size, 10);
    assert.equal(new Set(tiles.map((v) => v.y)).size, 2);
    assert.ok(tiles.every((v) => !("channel" in v)));
  });
  await t.step("pixel (p, q) of image f is w[f, 0, p, q] in greys, darker larger", async () => {
    for (const f of [0, 7, 19]) {
      const values = channelOf(conv, f, 0);
      await assertGreys(tiles[f]!.url, values, range(values.flat()));
    }
  });
  await t.step("hover shows each filter's bias", () => {
    for (const f of [0, 19]) {
      assert.ok(Math.abs(tiles[f]!.bias - conv.b[f]!) <= 1e-3 * Math.abs(conv.b[f]!));
    }
  });
  await t.step("summary", () => {
    const all = Array.from(conv.w);
    assert.match(
      l.text,
      /^Filters of a ConvPoolLayer 20×1×5×5: 20 filters, 5×5 weights each, range \[-?[\d.]+, [\d.]+\], darker is larger$/,
    );
    const [lo, hi] = l.text.match(/range \[(.*), (.*)\]/)!.slice(1).map(Number);
    assert.ok(Math.abs(lo! - Math.min(...all)) <= 1e-3 && Math.abs(hi! - Math.max(...all)) <= 1e-3);
  });
  await t.step("the spec compiles without vega warnings", async () => {
    assert.deepEqual(await vegaWarnings(l.interactive), []);
  });
});

Deno.test("filters() of a layer on several channels", async (t) => {
  const rng = new Random(5);
  const conv = new ConvPoolLayer({
    filterShape: [3, 4, 3, 2],
    imageShape: [4, 7, 5],
    poolSize: [1, 2],
  }, rng);
  await t.step("each channel, a row per filter, coloured over the filter's range", async () => {
    const fig = filters(conv);
    const l = layers(await fig.bundle());
    const tiles = l.interactive.data.values as Tile[];
    assert.equal(tiles.length, 12);
    tiles.forEach((v, i) => {
      assert.deepEqual([v.filter, v.channel, v.caption], [
        Math.floor(i / 4),
        i % 4,
        `${Math.floor(i / 4)}:${i % 4}`,
      ]);
    });
    assert.equal(new Set(tiles.map((v) => v.y)).size, 3);
    for (const f of [0, 2]) {
      const whole = range([0, 1, 2, 3].flatMap((c) => channelOf(conv, f, c).flat()));
      for (const c of [1, 3]) {
        await assertGreys(tiles[f * 4 + c]!.url, channelOf(conv, f, c), whole);
      }
    }
    assert.match(l.text, /: 3 filters, 3×2 weights each, each filter's 4 channels in a row, range/);
    assert.deepEqual(await vegaWarnings(l.interactive), []);
  });
  await t.step("the mean of the channels", async () => {
    const fig = filters(conv, { channels: "mean", normalize: "layer" });
    const l = layers(await fig.bundle());
    const tiles = l.interactive.data.values as Tile[];
    assert.equal(tiles.length, 3);
    const means = [0, 1, 2].map((f) =>
      [0, 1, 2].map((p) =>
        [0, 1].map((q) => [0, 1, 2, 3].reduce((s, c) => s + weight(conv, f, c, p, q), 0) / 4)
      )
    );
    const all = range(means.flat(2));
    for (const f of [0, 1, 2]) {
      await assertGreys(tiles[f]!.url, means[f]!, all);
      const [lo, hi] = range(means[f]!.flat());
      const info = tiles[f] as unknown as Record<string, number>;
      assert.ok(Math.abs(info["min mean weight"]! - lo) <= 1e-3 * Math.abs(lo));
      assert.ok(Math.abs(info["max mean weight"]! - hi) <= 1e-3 * Math.abs(hi));
    }
    assert.match(l.text, /: 3 filters, 3×2 weights each, the mean of their 4 channels, range/);
    assert.ok(!String(fig).includes("in a row"));
  });
  await t.step("a diverging scheme: blue positive, red negative", async () => {
    const fig = filters(conv, { scheme: "redblue", limit: 1 });
    const l = layers(await fig.bundle());
    const tiles = l.interactive.data.values as Tile[];
    assert.equal(tiles.length, 4);
    assert.match(l.text, /: 1 of 3 filters, .*, blue positive, red negative$/);
    const png = await decodePng(pngFromDataUrl(tiles[2]!.url));
    const values = channelOf(conv, 0, 2).flat();
    const m = Math.max(...[0, 1, 2, 3].flatMap((c) => channelOf(conv, 0, c).flat()).map(Math.abs));
    values.forEach((v, i) => {
      const [r, , b] = png.rgb.subarray(i * 3, i * 3 + 3);
      if (Math.abs(v) >= 0.2 * m) {
        assert.equal(v > 0, b! > r!, `weight ${i} = ${v} drawn ${r},${b}`);
      }
    });
  });
});

Deno.test("filters() of a network's layer, numbered from 1", async () => {
  const rng = new Random(2);
  const convs = [
    new ConvPoolLayer(
      { filterShape: [2, 1, 3, 3], imageShape: [1, 8, 8], activation: "relu" },
      rng,
    ),
    new ConvPoolLayer({ filterShape: [3, 2, 3, 3], imageShape: [2, 3, 3], poolSize: [1, 1] }, rng),
  ];
  const net = new Network3([
    ...convs,
    new FullyConnectedLayer({ nIn: 3, nOut: 4 }, rng),
    new SoftmaxLayer({ nIn: 4, nOut: 2 }),
  ]);
  const [one, two] = await Promise.all(
    [filters(net), filters(net, { layer: 2 })].map((f) => f.bundle()),
  );
  const direct = await Promise.all(convs.map((c) => filters(c).bundle()));
  assert.deepEqual(
    layers(one!).interactive.data.values.map((v: Tile) => v.url),
    layers(direct[0]!).interactive.data.values.map((v: Tile) => v.url),
  );
  assert.deepEqual(
    layers(two!).interactive.data.values.map((v: Tile) => v.url),
    layers(direct[1]!).interactive.data.values.map((v: Tile) => v.url),
  );
  assert.match(layers(two!).text, /^Filters of layer 2, ConvPoolLayer 3×2×3×3: 3 filters/);
});

Deno.test("filters() shows the weights of when it was called", async () => {
  const conv = new ConvPoolLayer(
    { filterShape: [2, 1, 3, 3], imageShape: [1, 4, 4] },
    new Random(1),
  );
  const fig = filters(conv);
  const before = channelOf(conv, 1, 0);
  conv.w.fill(0);
  const tiles = layers(await fig.bundle()).interactive.data.values as Tile[];
  await assertGreys(tiles[1]!.url, before, range(before.flat()));
});

Deno.test("filters() rejects bad input", () => {
  const rng = new Random(2);
  const conv = new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 8, 8] }, rng);
  const net = new Network3([
    conv,
    new FullyConnectedLayer({ nIn: 18, nOut: 4 }, rng),
    new SoftmaxLayer({ nIn: 4, nOut: 2 }),
  ]);
  for (const layer of [0, 4, 1.5]) {
    assert.throws(() => filters(net, { layer }), {
      name: "RangeError",
      message: `Cannot draw filters: layer is ${layer}, expected 1 to 3 (layers count from 1 as ` +
        "net.layers[0]; its ConvPoolLayer is 1)",
    });
  }
  assert.throws(() => filters(net, { layer: 2 }), {
    name: "TypeError",
    message: "Cannot draw filters: layer 2 is a FullyConnectedLayer, expected a ConvPoolLayer " +
      "(layers count from 1 as net.layers[0]; its ConvPoolLayer is 1)",
  });
  const dense = new Network3([
    new FullyConnectedLayer({ nIn: 4, nOut: 3 }, rng),
    new SoftmaxLayer({ nIn: 3, nOut: 2 }),
  ]);
  assert.throws(() => filters(dense), {
    name: "TypeError",
    message: "Cannot draw filters: layer 1 is a FullyConnectedLayer, expected a ConvPoolLayer " +
      "(layers count from 1 as net.layers[0]; it has no ConvPoolLayer)",
  });
  assert.throws(() => filters(conv, { layer: 1 }), {
    name: "TypeError",
    message: "Cannot draw filters: layer is 1, but a ConvPoolLayer was given (it is one layer)",
  });
  assert.throws(() => filters([1, 2] as never), {
    name: "TypeError",
    message: "Cannot draw filters: net is an array, expected a ConvPoolLayer or a Network3",
  });
  assert.throws(() => filters(conv, { colums: 3 } as never), {
    name: "TypeError",
    message: "Cannot draw filters: unknown option `colums`; did you mean `columns`?",
  });
  assert.throws(() => filters(conv, { channels: "all" as never }), {
    name: "RangeError",
    message: 'Cannot draw filters: channels is "all", expected "each" or "mean"',
  });
  assert.throws(() => filters(conv, { normalize: "neuron" as never }), {
    name: "RangeError",
    message: 'Cannot draw filters: normalize is "neuron", expected "filter" or "layer"',
  });
  assert.throws(() => filters(conv, { scale: 0 }), {
    name: "RangeError",
    message: "Cannot draw filters: scale is 0, expected a positive integer",
  });
});
