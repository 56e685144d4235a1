import assert from "node:assert/strict";
import {
  ConvPoolLayer,
  featureMaps,
  FullyConnectedLayer,
  Network3,
  type PackedData,
  Random,
  SoftmaxLayer,
} from "../../mod.ts";
import { count, decodePng, layers, pngFromDataUrl, vegaWarnings } from "./_decode.ts";
import { referenceConv } from "./_layered.ts";

type Tile = { url: string; map: number; min: number; max: number; x: number; y: number };

/** Asserts that a greys tile shows `values` (h × w, row-major) over `[lo, hi]`. */
async function assertGreys(
  url: string,
  values: ArrayLike<number>,
  [h, w]: [number, number],
  [lo, hi]: [number, number],
) {
  const png = await decodePng(pngFromDataUrl(url));
  assert.deepEqual([png.height, png.width], [h, w]);
  for (let i = 0; i < h * w; i++) {
    const grey = png.rgb[i * 3]!;
    const t = Math.min(1, Math.max(0, (values[i]! - lo) / (hi - lo)));
    assert.ok(Math.abs(255 - grey - t * 255) <= 1, `value ${i} = ${values[i]} drawn ${grey}`);
  }
}

const range = (
  v: ArrayLike<number>,
): [number, number] => [Math.min(...Array.from(v)), Math.max(...Array.from(v))];

// Two conv layers on 2 channels of 10×12 (odd pools, channels > 1), then dense layers.
function smallNet() {
  const rng = new Random(7);
  const conv1 = new ConvPoolLayer({
    filterShape: [3, 2, 3, 3],
    imageShape: [2, 10, 12],
    poolSize: [2, 2],
    activation: "tanh",
  }, rng);
  const conv2 = new ConvPoolLayer({
    filterShape: [4, 3, 2, 3],
    imageShape: [3, 4, 5],
    poolSize: [3, 1],
    activation: "relu",
  }, rng);
  const fc = new FullyConnectedLayer({ nIn: 4 * 1 * 3, nOut: 5 }, rng);
  const net = new Network3([conv1, conv2, fc, new SoftmaxLayer({ nIn: 5, nOut: 3 })]);
  const x = Array.from({ length: 240 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
  return { conv1, conv2, net, x };
}

Deno.test("featureMaps() draws the input and each conv layer's maps", async (t) => {
  const { conv1, conv2, net, x } = smallNet();
  const fig = featureMaps(net, x);
  const bundle = await fig.bundle();
  const l = layers(bundle);
  const rows = l.interactive.vconcat as { title: { text: string }; data: { values: Tile[] } }[];
  const a1 = referenceConv(conv1, x), a2 = referenceConv(conv2, a1);
  await t.step("a row for the input and one per conv layer, none for the dense ones", () => {
    assert.deepEqual(rows.map((r) => r.title.text), [
      "input 2×10×12",
      "layer 1, ConvPoolLayer tanh: 3×4×5 after 2×2 pooling",
      "layer 2, ConvPoolLayer relu: 4×1×3 after 3×1 pooling",
    ]);
    assert.deepEqual(rows.map((r) => r.data.values.length), [2, 3, 4]);
    assert.equal(count(bundle["image/svg+xml"] as string, "<image"), 9);
  });
  await t.step("the input's channels, as given", async () => {
    const tiles = rows[0]!.data.values;
    for (const c of [0, 1]) {
      await assertGreys(tiles[c]!.url, x.slice(c * 120, (c + 1) * 120), [10, 12], [0, 1]);
    }
  });
  await t.step(
    "each map is the layer's output by its definition, on the layer's range",
    async () => {
      for (
        const [row, a, [f, h, w]] of [[rows[1]!, a1, conv1.outputShape], [
          rows[2]!,
          a2,
          conv2.outputShape,
        ]] as const
      ) {
        const domain = range(a);
        for (let k = 0; k < f; k++) {
          const map = a.slice(k * h * w, (k + 1) * h * w);
          const tile = row.data.values[k]!;
          await assertGreys(tile.url, map, [h, w], domain);
          const [lo, hi] = range(map);
          assert.ok(
            Math.abs(tile.min - lo) <= 1e-3 * Math.abs(lo) &&
              Math.abs(tile.max - hi) <= 1e-3 * Math.abs(hi),
          );
        }
      }
    },
  );
  await t.step("summary, a line per row", () => {
    const lines = l.text.split("\n");
    assert.equal(lines[0], "Feature maps of one input, darker is larger");
    const [xlo, xhi] = range(x).map((v) => Number(v.toPrecision(4)));
    assert.equal(lines[1], `input: 2 channels of 10×12, values in [${xlo}, ${xhi}]`);
    assert.match(lines[2]!, /^layer 1, ConvPoolLayer tanh: 3 maps of 4×5, values in \[/);
    const [lo, hi] = lines[3]!.match(/values in \[(.*), (.*)\]$/)!.slice(1).map(Number);
    const [rlo, rhi] = range(a2);
    assert.ok(
      Math.abs(lo! - rlo) <= 1e-3 * Math.abs(rlo) + 1e-12 &&
        Math.abs(hi! - rhi) <= 1e-3 * Math.abs(rhi),
    );
    assert.equal(lines.length, 4);
  });
  await t.step("the spec compiles without vega warnings", async () => {
    assert.deepEqual(await vegaWarnings(l.interactive), []);
  });
});

Deno.test("featureMaps() per map, limited, in columns", async () => {
  const { conv1, net, x } = smallNet();
  const fig = featureMaps(net, x, { normalize: "map", limit: 2, columns: 1, title: "one digit" });
  const l = layers(await fig.bundle());
  const rows = l.interactive.vconcat as { data: { values: Tile[] } }[];
  assert.deepEqual(rows.map((r) => r.data.values.length), [2, 2, 2]);
  assert.ok(rows.every((r) => new Set(r.data.values.map((v) => v.x)).size === 1));
  const a1 = referenceConv(conv1, x);
  const map = a1.slice(20, 40);
  await assertGreys(rows[1]!.data.values[1]!.url, map, [4, 5], range(map));
  assert.equal(l.interactive.title.text, "one digit");
  assert.match(l.text, /^Feature maps of one input \(one digit\), darker is larger\n/);
  assert.match(
    l.text,
    /layer 1, ConvPoolLayer tanh: 3 maps of 4×5, values in \[.*\], the first 2 shown\n/,
  );
  assert.deepEqual(await vegaWarnings(l.interactive), []);
});

Deno.test("featureMaps() of an example of data: packed bytes scaled, or [x, y] pairs", async () => {
  const { conv1, net, x } = smallNet();
  const bytes = Uint8Array.from(x.map((v) => Math.round(v * 255)));
  const scaled = Array.from(bytes, (b) => b / 255);
  const packed: PackedData = {
    length: 3,
    inputSize: 240,
    numClasses: 3,
    inputs: Uint8Array.from([...new Array(240).fill(0), ...bytes, ...new Array(240).fill(9)]),
    inputScale: 1 / 255,
    labels: Uint8Array.from([0, 2, 1]),
  };
  const fig = featureMaps(net, packed, { example: 1 });
  const l = layers(await fig.bundle());
  assert.match(l.text, /^Feature maps of example 1 \(label 2\), darker is larger\n/);
  const rows = l.interactive.vconcat as { data: { values: Tile[] } }[];
  const a1 = referenceConv(conv1, scaled);
  await assertGreys(rows[1]!.data.values[2]!.url, a1.slice(40, 60), [4, 5], range(a1));
  // The same example as a pair, with a one-hot label: the same figure.
  const pairs = [[scaled, [0, 0, 1]] as const, [x, 1] as const];
  const same = layers(await featureMaps(net, pairs, { example: 0 }).bundle());
  assert.deepEqual(same.interactive, l.interactive);
  assert.match(same.text, /^Feature maps of example 0 \(label 2\)/);
  assert.match(String(featureMaps(net, pairs)), /^Feature maps of example 0 /);
});

Deno.test("featureMaps() rejects bad input", () => {
  const { net, x } = smallNet();
  assert.throws(() => featureMaps(net, x.slice(1)), {
    name: "RangeError",
    message: "Cannot draw feature maps: x has length 239, expected 240 (the first layer's nIn)",
  });
  assert.throws(() => featureMaps(net, [...x.slice(1), NaN]), {
    name: "TypeError",
    message: "Cannot draw feature maps: x[239] is NaN, expected a finite number",
  });
  assert.throws(() => featureMaps(net, 3 as never), {
    name: "TypeError",
    message: "Cannot draw feature maps: x is a number, expected an input of 240 numbers",
  });
  assert.throws(() => featureMaps({} as never, x), {
    name: "TypeError",
    message: "Cannot draw feature maps: net is an object, expected a Network3",
  });
  const rng = new Random(1);
  const dense = new Network3([
    new FullyConnectedLayer({ nIn: 4, nOut: 3 }, rng),
    new SoftmaxLayer({ nIn: 3, nOut: 2 }),
  ]);
  assert.throws(() => featureMaps(dense, [1, 2, 3, 4]), {
    name: "TypeError",
    message: "Cannot draw feature maps: the network has no ConvPoolLayer, expected at least one " +
      "(only conv layers have feature maps)",
  });
  assert.throws(() => featureMaps(net, x, { example: 0 }), {
    name: "TypeError",
    message: "Cannot draw feature maps: example is 0, but one input was given rather than data",
  });
  for (const example of [-1, 2, 0.5]) {
    assert.throws(() => featureMaps(net, [[x, 0], [x, 1]], { example }), {
      name: "RangeError",
      message: `Cannot draw feature maps: example is ${example}, expected an index from 0 to 1`,
    });
  }
  assert.throws(() => featureMaps(net, [[x.slice(1), 0]]), {
    name: "RangeError",
    message: /^Cannot draw feature maps: input 0 has length 239, expected 240/,
  });
  assert.throws(() => featureMaps(net, x, { normalise: "map" } as never), {
    name: "TypeError",
    message: "Cannot draw feature maps: unknown option `normalise`; did you mean `normalize`?",
  });
  assert.throws(() => featureMaps(net, x, { normalize: "filter" as never }), {
    name: "RangeError",
    message: 'Cannot draw feature maps: normalize is "filter", expected "layer" or "map"',
  });
  assert.throws(() => featureMaps(net, x, { size: -1 }), {
    name: "RangeError",
    message: "Cannot draw feature maps: size is -1, expected a positive integer",
  });
});
