// The graph builder can express what a convolutional network needs (Conv, MaxPool,
// Reshape, integer-list attributes, int64 initializers): a small graph of them, run by ONNX
// Runtime, equals the same computation written out here.

import assert from "node:assert/strict";
import { GraphBuilder } from "../lib/_onnx_graph.ts";
import { ort } from "../dev_deps.ts";

ort.env.wasm.numThreads = 1;

function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => ((s = (s * 69069 + 1) % 2 ** 32) / 2 ** 32) * 2 - 1);
}

/** Conv (2 channels, 3 × 3, padding 1) → ReLU → 2 × 2 max-pool → flatten → Gemm → softmax. */
function reference(x: number[], k: number[], kb: number[], w: number[], b: number[]): number[] {
  const conv: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        let s = kb[c]!;
        for (let di = 0; di < 3; di++) {
          for (let dj = 0; dj < 3; dj++) {
            const y = i + di - 1, z = j + dj - 1;
            if (y >= 0 && y < 6 && z >= 0 && z < 6) s += k[c * 9 + di * 3 + dj]! * x[y * 6 + z]!;
          }
        }
        conv.push(Math.max(0, s));
      }
    }
  }
  const pooled: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const at = (y: number, z: number) => conv[c * 36 + (2 * i + y) * 6 + 2 * j + z]!;
        pooled.push(Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1)));
      }
    }
  }
  const z = b.map((bi, r) => bi + pooled.reduce((s, v, q) => s + w[r * 18 + q]! * v, 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  return e.map((v) => v / e.reduce((a, c) => a + c));
}

Deno.test("GraphBuilder expresses a convolutional network that ONNX Runtime runs", async () => {
  const k = values(18, 1), kb = values(2, 2), w = values(72, 3), b = values(4, 4);
  const g = new GraphBuilder();
  g.input("input", ["N", 1, 6, 6]);
  g.node("Conv", "conv", [
    "input",
    g.initializer("k", [2, 1, 3, 3], k),
    g.initializer("kb", [2], kb),
  ], [
    "c",
  ], { kernel_shape: [3n, 3n], pads: [1n, 1n, 1n, 1n], strides: [1n, 1n] });
  g.node("Relu", "relu", ["c"], ["r"]);
  g.node("MaxPool", "pool", ["r"], ["p"], { kernel_shape: [2n, 2n], strides: [2n, 2n] });
  g.node("Reshape", "flatten", ["p", g.int64Initializer("shape", [2], [-1n, 18n])], ["f"]);
  g.node("Gemm", "gemm", ["f", g.initializer("w", [4, 18], w), g.initializer("b", [4], b)], ["z"], {
    transB: 1n,
  });
  g.node("Softmax", "softmax", ["z"], ["output"], { axis: 1n });
  g.output("output", ["N", 4]);
  const model = g.toModel({ graphName: "conv", docString: "", metadata: {} });

  const session = await ort.InferenceSession.create(model);
  const xs = [values(36, 5), values(36, 6), values(36, 7)];
  const { output } = await session.run({
    input: new ort.Tensor("float32", Float32Array.from(xs.flat()), [3, 1, 6, 6]),
  });
  await session.release();
  const got = output!.data as Float32Array;
  const f = (a: number[]) => a.map(Math.fround);
  xs.forEach((x, n) => {
    const want = reference(f(x), f(k), f(kb), f(w), f(b));
    want.forEach((v, i) => {
      assert.ok(
        Math.abs(got[4 * n + i]! - v) < 1e-6,
        `example ${n}, output ${i}: ${got[4 * n + i]}, ${v}`,
      );
    });
  });
});

Deno.test("GraphBuilder refuses a value defined twice", () => {
  const g = new GraphBuilder();
  g.input("x", [1]);
  assert.throws(() => g.node("Relu", "r", ["x"], ["x"]), /ONNX value x is defined twice/);
});
