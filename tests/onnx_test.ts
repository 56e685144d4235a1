// The exported models are run by an independent runtime, ONNX Runtime (onnxruntime-web, its
// WebAssembly build), and must give our feedforward's outputs within float32 rounding; their
// header fields are read back by a protobuf reader written here, not by onnx-proto.

import assert from "node:assert/strict";
import {
  type ActivationName,
  activationNames,
  ConvPoolLayer,
  costNames,
  FullyConnectedLayer,
  loadMnist,
  Network,
  Network3,
  Random,
  saveOnnx,
  slice,
  SoftmaxLayer,
  toOnnx,
} from "../mod.ts";
import { ort } from "../dev_deps.ts";
import { withTempDir } from "./_temp.ts";

ort.env.wasm.numThreads = 1;

/** ONNX Runtime's output for each row of `xs`, one batch of `xs.length` rows. */
async function runOnnx(model: Uint8Array, xs: readonly ArrayLike<number>[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(model);
  try {
    const n = xs.length, k = xs[0]!.length;
    const flat = new Float32Array(n * k);
    xs.forEach((x, i) => flat.set(Array.from(x), i * k));
    const { output } = await session.run({ input: new ort.Tensor("float32", flat, [n, k]) });
    const data = output!.data as Float32Array;
    const m = output!.dims[1]!;
    assert.deepEqual(output!.dims, [n, m]);
    return xs.map((_, i) => Array.from(data.subarray(i * m, (i + 1) * m)));
  } finally {
    await session.release();
  }
}

/** Asserts ONNX Runtime's outputs equal `feedforward` within float32 rounding. */
async function assertMatches(net: Network, xs: readonly ArrayLike<number>[], tol = 2e-5) {
  const got = await runOnnx(toOnnx(net), xs);
  xs.forEach((x, i) => {
    const want = net.feedforward(x).data;
    assert.equal(got[i]!.length, want.length);
    want.forEach((w, j) => {
      const g = got[i]![j]!;
      assert.ok(
        Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)),
        `${net}: example ${i}, output ${j}: ONNX Runtime ${g}, feedforward ${w}`,
      );
    });
  });
}

function randomInputs(n: number, k: number, seed: number): Float64Array[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
  return Array.from({ length: n }, () => Float64Array.from({ length: k }, next));
}

Deno.test("toOnnx() runs in ONNX Runtime as feedforward does, for every activation and cost", async (t) => {
  const xs = randomInputs(17, 5, 3);
  // Softmax is for the output layer only (the constructor refuses it elsewhere).
  for (const hidden of activationNames.filter((a) => a !== "softmax")) {
    for (const output of activationNames) {
      await t.step(`${hidden} hidden, ${output} output`, async () => {
        const net = new Network([5, 7, 6, 4], {
          seed: 11,
          activations: { hidden, output },
        });
        await assertMatches(net, xs);
      });
    }
  }
  for (const cost of costNames) {
    await t.step(`${cost}`, async () => {
      const output: ActivationName = cost === "LogLikelihoodCost" ? "softmax" : "sigmoid";
      const net = new Network([5, 3, 4], {
        seed: 2,
        cost,
        activations: { hidden: "tanh", output },
      });
      const model = toOnnx(net);
      await assertMatches(net, xs);
      assert.ok(new TextDecoder().decode(model).includes(cost), "the cost is in the metadata");
    });
  }
});

Deno.test("toOnnx() models match feedforward on MNIST images", async (t) => {
  const { test } = await loadMnist();
  const xs = Array.from({ length: 200 }, (_, i) => {
    const x = new Float64Array(784);
    for (let j = 0; j < 784; j++) x[j] = test.inputs[i * 784 + j]! * test.inputScale;
    return x;
  });
  const configs = [
    { activations: { hidden: "sigmoid", output: "sigmoid" }, cost: "QuadraticCost", eta: 3 },
    {
      activations: { hidden: "relu", output: "softmax" },
      cost: "LogLikelihoodCost",
      init: "he",
      eta: 0.1,
    },
    {
      activations: { hidden: "tanh", output: "sigmoid" },
      cost: "CrossEntropyCost",
      init: "xavier",
      eta: 0.5,
    },
    {
      activations: { hidden: "leakyRelu", output: "identity" },
      cost: "QuadraticCost",
      init: "he",
      eta: 0.001,
    },
  ] as const;
  for (const config of configs) {
    await t.step(`${config.activations.hidden}, ${config.activations.output}`, async () => {
      const { eta, ...options } = config;
      const net = new Network([784, 30, 10], { seed: 5, ...options });
      // A little training, so that the weights are not just the initial draws.
      await net.sgd({ ...test, length: 500 }, { epochs: 1, miniBatchSize: 10, eta, seed: 1 });
      await assertMatches(net, xs);
    });
  }
});

Deno.test("toOnnx() handles one-layer networks and any batch size", async (t) => {
  for (const output of activationNames) {
    await t.step(`[3, 2] with ${output}`, async () => {
      const net = new Network([3, 2], { seed: 4, activations: [output] });
      await assertMatches(net, randomInputs(1, 3, 1));
      await assertMatches(net, randomInputs(64, 3, 2));
    });
  }
});

// ---- an independent reader of the model's protobuf ----

type Field = { field: number; wire: number; value: bigint | Uint8Array };

/** The top-level fields of a protobuf message (varints and length-delimited only). */
function readFields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = bytes[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >> 3, wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: bytes.subarray(at, at + len) });
      at += len;
    } else throw new Error(`Unexpected wire type ${wire} for field ${field}`);
  }
  return out;
}

const text = (v: Field["value"]) => new TextDecoder().decode(v as Uint8Array);

Deno.test("toOnnx() writes IR version 8, operator set 13 and the network's shapes", () => {
  const net = new Network([4, 3, 2], { seed: 1, activations: ["leakyRelu", "softmax"] });
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8.
  const model = readFields(toOnnx(net));
  assert.equal(model.find((f) => f.field === 1)!.value, 8n);
  assert.equal(text(model.find((f) => f.field === 2)!.value), "backprop");
  const opsets = model.filter((f) => f.field === 8).map((f) => readFields(f.value as Uint8Array));
  assert.equal(opsets.length, 1);
  // OperatorSetIdProto: domain = 1 (absent or empty for the default domain), version = 2.
  assert.equal(opsets[0]!.find((f) => f.field === 2)!.value, 13n);
  assert.ok(opsets[0]!.every((f) => f.field !== 1 || text(f.value) === ""));
  // GraphProto: node = 1, initializer = 5; NodeProto: op_type = 4.
  const graph = readFields(model.find((f) => f.field === 7)!.value as Uint8Array);
  const ops = graph.filter((f) => f.field === 1).map((f) =>
    text(readFields(f.value as Uint8Array).find((g) => g.field === 4)!.value)
  );
  assert.deepEqual(ops, ["Gemm", "LeakyRelu", "Gemm", "Softmax"]);
  // TensorProto: dims = 1 (unpacked varints or packed), data_type = 2 (FLOAT is 1).
  const tensors = graph.filter((f) => f.field === 5).map((f) => readFields(f.value as Uint8Array));
  const dims = tensors.map((fs) =>
    fs.filter((f) => f.field === 1).flatMap((f) =>
      f.wire === 0 ? [Number(f.value)] : readPacked(f.value as Uint8Array)
    )
  );
  assert.deepEqual(dims, [[3, 4], [3], [2, 3], [2]]);
  assert.ok(tensors.every((fs) => fs.find((f) => f.field === 2)!.value === 1n));
});

function readPacked(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let v = 0, shift = 0;
  for (const b of bytes) {
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) [out[out.length], v, shift] = [v, 0, 0];
  }
  return out;
}

Deno.test("toOnnx() refuses what float32 cannot hold, naming the layer", async (t) => {
  for (const bad of [Infinity, NaN, 1e39, -4e38]) {
    await t.step(`a weight of ${bad}`, () => {
      const net = new Network([3, 4, 2], { seed: 1 });
      net.weights[1]!.data[5] = bad;
      assert.throws(
        () => toOnnx(net),
        (e: Error) =>
          e instanceof RangeError &&
          e.message ===
            `Cannot export to ONNX: layer 2 (sigmoid) has ${bad} at weights[1] row 1, column 1, expected a finite number within float32's range (±3.4e38)`,
      );
    });
  }
  await t.step("a bias of NaN", () => {
    const net = new Network([3, 4, 2], { seed: 1, activations: ["relu", "softmax"] });
    net.biases[0]!.data[2] = NaN;
    assert.throws(() => toOnnx(net), /layer 1 \(relu\) has NaN at biases\[0\]\[2\]/);
  });
  await t.step("the largest float32 is kept", async () => {
    const net = new Network([1, 1], { seed: 1, activations: ["identity"] });
    net.weights[0]!.data[0] = 3.4028234663852886e38;
    net.biases[0]!.data[0] = 0;
    const [[y]] = await runOnnx(toOnnx(net), [[0.5]]) as [[number]];
    assert.equal(y, Math.fround(3.4028234663852886e38 * 0.5));
  });
  await t.step("not a network", () => {
    assert.throws(
      () => toOnnx({ sizes: [2, 1] } as unknown as Network),
      (e: Error) =>
        e instanceof TypeError &&
        e.message === "Cannot export to ONNX: expected a Network or Network3, got an object",
    );
  });
});

Deno.test("saveOnnx() writes the model atomically", async () => {
  await withTempDir("backprop_onnx_", async (dir) => {
    const net = new Network([4, 5, 3], { seed: 9, activations: ["tanh", "softmax"] });
    await Deno.writeTextFile(`${dir}/net.onnx`, "old");
    await saveOnnx(net, new URL(`file://${dir}/net.onnx`));
    assert.deepEqual(await Deno.readFile(`${dir}/net.onnx`), toOnnx(net));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["net.onnx"]);
    const bad = new Network([2, 1], { seed: 1 });
    bad.weights[0]!.data[0] = Infinity;
    await assert.rejects(() => saveOnnx(bad, `${dir}/net.onnx`), RangeError);
    assert.deepEqual(await Deno.readFile(`${dir}/net.onnx`), toOnnx(net), "the old file stays");
    await assert.rejects(
      () => saveOnnx(net, 42 as unknown as string),
      /Cannot save ONNX model: path is a number, expected a path or file URL/,
    );
  });
});

// ---- Network3 (chapter 6): Conv, MaxPool, Flatten, Gemm, Softmax ----

type Act3 = "sigmoid" | "relu" | "tanh" | "linear";

/** The book's chapter-6 network: two conv-pool layers, a dense layer and the softmax. */
function chapter6(activation: Act3, pDropout = 0, seed = 1): Network3 {
  return new Network3([
    new ConvPoolLayer({
      filterShape: [20, 1, 5, 5],
      imageShape: [1, 28, 28],
      poolSize: [2, 2],
      activation,
    }),
    new ConvPoolLayer({
      filterShape: [40, 20, 5, 5],
      imageShape: [20, 12, 12],
      poolSize: [2, 2],
      activation,
    }),
    new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activation, pDropout }),
    new SoftmaxLayer({ nIn: 100, nOut: 10, pDropout }),
  ], { seed });
}

/** The book's first convolutional network, sigmoid throughout (network3.py's default). */
function firstConv(seed = 2): Network3 {
  return new Network3([
    new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] }),
    new FullyConnectedLayer({ nIn: 20 * 12 * 12, nOut: 100 }),
    new SoftmaxLayer({ nIn: 100, nOut: 10 }),
  ], { seed });
}

/**
 * Odd shapes: two input channels, non-square filters and pools, a conv layer after a conv layer
 * and after a dense one (a Reshape in the middle), dropout, tanh and linear.
 */
function oddShapes(seed = 3): Network3 {
  return new Network3([
    new ConvPoolLayer({
      filterShape: [3, 2, 2, 3],
      imageShape: [2, 7, 6],
      poolSize: [3, 2],
      activation: "tanh",
    }), // → 3×2×2
    new ConvPoolLayer({
      filterShape: [4, 3, 1, 2],
      imageShape: [3, 2, 2],
      poolSize: [2, 1],
      activation: "linear",
    }), // → 4×1×1
    new FullyConnectedLayer({ nIn: 4, nOut: 18, activation: "sigmoid", pDropout: 0.3 }),
    new ConvPoolLayer({
      filterShape: [2, 2, 2, 2],
      imageShape: [2, 3, 3],
      poolSize: [2, 1],
      activation: "relu",
    }), // → 2×1×2
    new SoftmaxLayer({ nIn: 4, nOut: 3, pDropout: 0.1 }),
  ], { seed });
}

/** A softmax layer starts at zero, which would hide every layer below: give it weights. */
function drawSoftmax(net: Network3, seed: number): Network3 {
  const rng = new Random(seed), out = net.layers.at(-1)!;
  const sd = 2 / Math.sqrt(out.nIn);
  out.w.forEach((_, i, w) => (w[i] = sd * rng.gaussian()));
  out.b.forEach((_, i, b) => (b[i] = rng.gaussian()));
  return net;
}

function uniformInputs(n: number, k: number, seed: number): Float64Array[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: k }, () => rng.uniform()));
}

/** Softmax outputs lie in [0, 1]: their float32 rounding is absolute. */
const TOL3 = 2e-5;

/** The largest difference between ONNX Runtime's outputs of `model` and `net.feedforward`. */
async function difference(model: Uint8Array, net: Network3, xs: readonly Float64Array[]) {
  const got = await runOnnx(model, xs);
  let worst = 0;
  xs.forEach((x, i) => {
    const want = net.feedforward(x).data;
    assert.equal(got[i]!.length, want.length);
    want.forEach((w, j) => (worst = Math.max(worst, Math.abs(got[i]![j]! - w))));
  });
  return worst;
}

/** The model of `net` with layer `l`'s parameters changed by `change`, which is then undone. */
function exportChanged(
  net: Network3,
  l: number,
  change: (w: Float64Array, b: Float64Array) => void,
) {
  const layer = net.layers[l]!, w = layer.w.slice(), b = layer.b.slice();
  try {
    change(layer.w, layer.b);
    return toOnnx(net);
  } finally {
    layer.w.set(w);
    layer.b.set(b);
  }
}

/**
 * ONNX Runtime gives `feedforward`'s outputs, and the comparison can fail: a model exported
 * with one layer's parameters changed, each layer in turn (its biases ± 0.5, or its weights ×
 * 1.1), is more than the tolerance away.
 */
async function assertMatches3(net: Network3, xs: readonly Float64Array[]) {
  const d = await difference(toOnnx(net), net, xs);
  assert.ok(d <= TOL3, `${net}\nONNX Runtime and feedforward differ by ${d}`);
  for (let l = 0; l < net.layers.length; l++) {
    const changes = {
      // Alternating signs: a softmax does not see the same shift of all its inputs.
      "b ± 0.5": exportChanged(net, l, (_, b) => b.forEach((v, i) => (b[i] = v + 0.5 - i % 2))),
      "w × 1.1": exportChanged(net, l, (w) => w.forEach((v, i) => (w[i] = 1.1 * v))),
    };
    for (const [what, model] of Object.entries(changes)) {
      const e = await difference(model, net, xs);
      assert.ok(e > TOL3, `layer ${l + 1}'s ${what} changes the outputs by only ${e}`);
    }
  }
}

/** Exporting a dropout network without its (1 − p) scaling would be caught. */
async function assertScalingMatters(net: Network3, xs: readonly Float64Array[]) {
  const json = net.toJSON();
  for (const l of json.layers) if ("pDropout" in l) l.pDropout = 0;
  const unscaled = Network3.fromJSON(json);
  const d = await difference(toOnnx(unscaled), net, xs);
  assert.ok(d > TOL3, `dropping the (1 − p) scaling changes the outputs by only ${d}`);
}

Deno.test("toOnnx() runs a Network3 in ONNX Runtime as feedforward does", async (t) => {
  await t.step("the book's chapter-6 network (relu)", async () => {
    await assertMatches3(drawSoftmax(chapter6("relu"), 1), uniformInputs(8, 784, 1));
  });
  await t.step("the book's first conv network (sigmoid)", async () => {
    await assertMatches3(drawSoftmax(firstConv(), 2), uniformInputs(8, 784, 2));
  });
  await t.step("pDropout 0.3 in the dense layers (tanh)", async () => {
    const net = drawSoftmax(chapter6("tanh", 0.3), 3), xs = uniformInputs(8, 784, 3);
    await assertMatches3(net, xs);
    await assertScalingMatters(net, xs);
  });
  await t.step(
    "odd shapes: 2 channels, non-square filters and pools, conv after dense",
    async () => {
      const net = drawSoftmax(oddShapes(), 4), xs = uniformInputs(8, 84, 4);
      await assertMatches3(net, xs);
      await assertScalingMatters(net, xs);
    },
  );
  await t.step("dense layers only (linear), any batch size", async () => {
    const net = drawSoftmax(
      new Network3([
        new FullyConnectedLayer({ nIn: 6, nOut: 5, activation: "linear" }),
        new SoftmaxLayer({ nIn: 5, nOut: 4 }),
      ], { seed: 5 }),
      5,
    );
    await assertMatches3(net, uniformInputs(1, 6, 5));
    await assertMatches3(net, uniformInputs(64, 6, 6));
  });
});

Deno.test("toOnnx() Network3 models match feedforward on MNIST images", async (t) => {
  const { training, test } = await loadMnist();
  const xs = Array.from({ length: 100 }, (_, i) => {
    const x = new Float64Array(784);
    for (let j = 0; j < 784; j++) x[j] = test.inputs[i * 784 + j]! * test.inputScale;
    return x;
  });
  const configs = [
    { name: "chapter 6, relu, trained", make: () => chapter6("relu"), eta: 0.1 },
    { name: "chapter 6, relu, pDropout 0.2, trained", make: () => chapter6("relu", 0.2), eta: 0.1 },
    // Sigmoid conv networks learn slowly: this one keeps its initial weights.
    { name: "first conv network, sigmoid", make: () => drawSoftmax(firstConv(), 7), eta: 0 },
  ];
  for (const { name, make, eta } of configs) {
    await t.step(name, async () => {
      const net = make();
      // A little training (a fiftieth of an epoch), so that the softmax layer is no longer
      // zero and the filters have moved from their initial draws.
      if (eta > 0) {
        await net.sgd(slice(training, 0, 1000), { epochs: 1, miniBatchSize: 10, eta, seed: 1 });
        assert.ok(net.evaluate(slice(test, 0, 100)) > 30, "the network has learned something");
      }
      await assertMatches3(net, xs);
      if (net.layers.some((l) => "pDropout" in l && l.pDropout > 0)) {
        await assertScalingMatters(net, xs);
      }
    });
  }
});

/** An initializer's name, dims, data type and raw bytes (TensorProto fields 8, 1, 2 and 9). */
function tensorOf(fields: Field[]) {
  return {
    name: text(fields.find((f) => f.field === 8)!.value),
    dims: fields.filter((f) => f.field === 1).flatMap((f) =>
      f.wire === 0 ? [Number(f.value)] : readPacked(f.value as Uint8Array)
    ),
    dataType: Number(fields.find((f) => f.field === 2)!.value),
    raw: fields.find((f) => f.field === 9)!.value as Uint8Array,
  };
}

Deno.test("toOnnx() writes a Network3 as Reshape, Conv, MaxPool, Flatten, Gemm and Softmax", async (t) => {
  const net = chapter6("relu", 0.3);
  const model = readFields(toOnnx(net));
  assert.equal(model.find((f) => f.field === 1)!.value, 8n, "IR version 8");
  const graph = readFields(model.find((f) => f.field === 7)!.value as Uint8Array);
  const nodes = graph.filter((f) => f.field === 1).map((f) => readFields(f.value as Uint8Array));
  await t.step("the nodes", () => {
    // NodeProto: op_type = 4.
    assert.deepEqual(nodes.map((n) => text(n.find((f) => f.field === 4)!.value)), [
      "Reshape",
      ...["Conv", "MaxPool", "Relu", "Conv", "MaxPool", "Relu"],
      ...["Flatten", "Gemm", "Relu", "Gemm", "Softmax"],
    ]);
  });
  await t.step("the input is flat: [N, 784]", () => {
    // GraphProto.input = 11 → ValueInfoProto.type = 2 → TypeProto.tensor_type = 1 →
    // shape = 2 → dim = 1, each dim_value = 1 or dim_param = 2.
    const input = readFields(graph.find((f) => f.field === 11)!.value as Uint8Array);
    const sub = (fs: Field[], n: number) =>
      readFields(fs.find((f) => f.field === n)!.value as Uint8Array);
    const shape = sub(sub(sub(input, 2), 1), 2);
    const dims = shape.filter((f) => f.field === 1).map((f) => {
      const d = readFields(f.value as Uint8Array)[0]!;
      return d.field === 1 ? Number(d.value) : text(d.value);
    });
    assert.deepEqual(dims, ["N", 784]);
  });
  const tensors = graph.filter((f) => f.field === 5).map((f) =>
    tensorOf(readFields(f.value as Uint8Array))
  );
  await t.step("the initializers: the image shape, then each layer's w and b", () => {
    assert.deepEqual(tensors.map((x) => [x.name, x.dims, x.dataType]), [
      ["layer1.shape", [4], 7], // INT64
      ["layers.0.w", [20, 1, 5, 5], 1], // FLOAT
      ["layers.0.b", [20], 1],
      ["layers.1.w", [40, 20, 5, 5], 1],
      ["layers.1.b", [40], 1],
      ["layers.2.w", [100, 640], 1],
      ["layers.2.b", [100], 1],
      ["layers.3.w", [10, 100], 1],
      ["layers.3.b", [10], 1],
    ]);
    const shape = new DataView(tensors[0]!.raw.buffer, tensors[0]!.raw.byteOffset);
    assert.deepEqual([0, 1, 2, 3].map((i) => shape.getBigInt64(8 * i, true)), [0n, 1n, 28n, 28n]);
  });
  await t.step("conv weights as they are, dense weights times 1 − p rounded once", () => {
    const floats = (raw: Uint8Array) =>
      Array.from(
        { length: raw.length / 4 },
        (_, i) => new DataView(raw.buffer, raw.byteOffset).getFloat32(4 * i, true),
      );
    const layers = net.layers;
    assert.deepEqual(floats(tensors[1]!.raw), Array.from(layers[0]!.w, Math.fround));
    assert.deepEqual(
      floats(tensors[5]!.raw),
      Array.from(layers[2]!.w, (v) => Math.fround(0.7 * v)),
    );
    assert.deepEqual(floats(tensors[6]!.raw), Array.from(layers[2]!.b, Math.fround), "b unscaled");
    assert.deepEqual(
      floats(tensors[7]!.raw),
      Array.from(layers[3]!.w, (v) => Math.fround(0.7 * v)),
    );
  });
});

Deno.test("toOnnx() refuses a Network3 layer float32 cannot hold, naming it", async (t) => {
  const expected = (layer: string, v: number, at: string) => (e: Error) =>
    e instanceof RangeError &&
    e.message ===
      `Cannot export to ONNX: ${layer} has ${v} at ${at}, expected a finite number within float32's range (±3.4e38)`;
  await t.step("a filter weight of NaN", () => {
    const net = chapter6("relu");
    net.layers[0]!.w[27] = NaN;
    assert.throws(
      () => toOnnx(net),
      expected("ConvPoolLayer 1", NaN, "w[27] (filter 1, channel 0, row 0, column 2)"),
    );
  });
  await t.step("a filter weight of 4e38 in a many-channel layer", () => {
    const net = oddShapes();
    net.layers[1]!.w[15] = 4e38; // filters 4×3×1×2: filter 2, channel 1, column 1
    assert.throws(
      () => toOnnx(net),
      expected("ConvPoolLayer 2", 4e38, "w[15] (filter 2, channel 1, row 0, column 1)"),
    );
  });
  await t.step("a dense weight and a softmax bias", () => {
    const net = chapter6("relu");
    net.layers[2]!.w[641] = -Infinity;
    assert.throws(
      () => toOnnx(net),
      expected("FullyConnectedLayer 3", -Infinity, "w[641] (row 1, column 1)"),
    );
    net.layers[2]!.w[641] = 0;
    net.layers[3]!.b[9] = 1e39;
    assert.throws(() => toOnnx(net), expected("SoftmaxLayer 4", 1e39, "b[9]"));
  });
  await t.step("parameters of the wrong length", () => {
    const net = chapter6("relu");
    net.layers[2]!.w = new Float64Array(3);
    assert.throws(
      () => toOnnx(net),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          "Cannot export to ONNX: FullyConnectedLayer 3 has w of 3 numbers, expected 64000 (nOut × nIn = 100 × 640)",
    );
    net.layers[0]!.b = new Float64Array(21);
    assert.throws(() => toOnnx(net), /ConvPoolLayer 1 has b of 21 numbers, expected 20/);
  });
});

Deno.test("saveOnnx() writes a Network3", async () => {
  await withTempDir("backprop_onnx3_", async (dir) => {
    const net = drawSoftmax(oddShapes(), 1);
    await saveOnnx(net, `${dir}/net3.onnx`);
    const model = await Deno.readFile(`${dir}/net3.onnx`);
    assert.deepEqual(model, toOnnx(net));
    assert.ok(await difference(model, net, uniformInputs(3, 84, 1)) <= TOL3);
  });
});
