import assert from "node:assert/strict";
import { Network, receptiveFields } from "../../mod.ts";
import { count, decodePng, layers, pngFromDataUrl } from "./_decode.ts";

Deno.test("receptiveFields() draws each neuron's incoming weights as an image", async (t) => {
  const net = new Network([12, 5, 2], { seed: 2 });
  const fig = receptiveFields(net, { shape: [3, 4], columns: 2 });
  const bundle = await fig.bundle();
  const l = layers(bundle);
  const tiles = l.interactive.data.values as { url: string; neuron: number; bias: number }[];
  await t.step("one image per hidden neuron, in a grid of 2 columns", () => {
    assert.deepEqual(tiles.map((v) => v.neuron), [0, 1, 2, 3, 4]);
    assert.equal(count(bundle["image/svg+xml"] as string, "<image"), 5);
    const xs = new Set((tiles as unknown as { x: number }[]).map((v) => v.x));
    assert.equal(xs.size, 2);
  });
  await t.step("pixel (r, c) shows weight r·4 + c: blue positive, red negative", async () => {
    for (const j of [0, 3]) {
      const png = await decodePng(pngFromDataUrl(tiles[j]!.url));
      assert.deepEqual([png.width, png.height], [4, 3]);
      const w = net.weights[0]!;
      let strongest = 0;
      for (let i = 0; i < 12; i++) {
        if (Math.abs(w.get(j, i)) > Math.abs(w.get(j, strongest))) strongest = i;
      }
      for (let i = 0; i < 12; i++) {
        const [r, , b] = png.rgb.subarray(i * 3, i * 3 + 3);
        const v = w.get(j, i);
        if (Math.abs(v) < 0.2 * Math.abs(w.get(j, strongest))) continue; // near white
        assert.equal(v > 0, b! > r!, `neuron ${j} weight ${i} = ${v} drawn as ${r},${b}`);
      }
    }
  });
  await t.step("hover shows the bias", () => {
    const b = net.biases[0]!.get(2, 0);
    assert.ok(Math.abs(tiles[2]!.bias - b) <= 1e-3 * Math.abs(b));
  });
  await t.step("summary", () => {
    assert.match(l.text, /^Receptive fields of layer 1: 5 neurons, 3×4 weights each, range \[/);
  });
});

Deno.test("receptiveFields() of a later layer, limited", async () => {
  const net = new Network([4, 9, 3], { seed: 1 });
  const fig = receptiveFields(net, { layer: 2, limit: 2 });
  const tiles = layers(await fig.bundle()).interactive.data.values as { neuron: number }[];
  assert.equal(tiles.length, 2);
  assert.match(String(fig), /layer 2: 2 of 3 neurons, 3×3 weights each/);
});

Deno.test("receptiveFields() of a weight matrix draws what the layer holding it draws", async () => {
  const net = new Network([12, 5, 2], { seed: 2 });
  const options = { shape: [3, 4] as [number, number], columns: 2 };
  const ofLayer = layers(await receptiveFields(net, { layer: 1, ...options }).bundle());
  const ofMatrix = layers(await receptiveFields(net.weights[0]!, options).bundle());
  type Tile = { url: string; neuron: number; bias?: number };
  const a = ofLayer.interactive.data.values as Tile[],
    b = ofMatrix.interactive.data.values as Tile[];
  assert.deepEqual(b.map((t) => t.url), a.map((t) => t.url));
  // A matrix has no biases to show.
  assert.ok(a.every((t) => typeof t.bias === "number") && b.every((t) => !("bias" in t)));
  assert.match(ofMatrix.text, /^Receptive fields of a 5×12 weight matrix: 5 neurons, 3×4 weights/);
  // The output layer's weights, weights[1], are layer 2.
  const last = layers(await receptiveFields(net, { layer: 2, shape: [1, 5] }).bundle());
  const direct = layers(await receptiveFields(net.weights[1]!, { shape: [1, 5] }).bundle());
  assert.deepEqual(
    (direct.interactive.data.values as Tile[]).map((t) => t.url),
    (last.interactive.data.values as Tile[]).map((t) => t.url),
  );
});

Deno.test("receptiveFields() rejects bad input", () => {
  const net = new Network([12, 5, 2], { seed: 2 });
  for (const layer of [0, 3]) {
    assert.throws(() => receptiveFields(net, { layer }), {
      name: "RangeError",
      message: `Cannot draw receptive fields: layer is ${layer}, expected 1 to 2 (layers count ` +
        "from the input as 0: layer 1 is the first hidden layer, weights[0]; or pass a weight " +
        "matrix such as net.weights[0])",
    });
  }
  assert.throws(() => receptiveFields(net.weights[0]!, { layer: 1 }), {
    name: "TypeError",
    message:
      "Cannot draw receptive fields: layer is 1, but a weight matrix was given (it is one layer)",
  });
  assert.throws(() => receptiveFields([[1, 2]] as never), {
    name: "TypeError",
    message: "Cannot draw receptive fields: net is an array, expected a Network or a weight " +
      "matrix such as net.weights[0]",
  });
  assert.throws(() => receptiveFields(net), {
    name: "RangeError",
    message:
      "Cannot draw receptive fields: images of 12 values are not square, expected a shape option",
  });
  assert.throws(() => receptiveFields(net, { shape: [28, 28] }), {
    name: "RangeError",
    message: "Cannot draw receptive fields: shape [28, 28] holds 784 values, expected 12",
  });
});
