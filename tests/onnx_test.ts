// The exported models are run by an independent runtime, ONNX Runtime (onnxruntime-web, its
// WebAssembly build), and must give our feedforward's outputs within float32 rounding; their
// header fields are read back by a protobuf reader written here, not by onnx-proto.

import assert from "node:assert/strict";
import {
  type ActivationName,
  activationNames,
  costNames,
  loadMnist,
  Network,
  saveOnnx,
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
        e.message === "Cannot export to ONNX: expected a Network, got an object",
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
