// Cross-check against an independent implementation: the gradients of our matrix-based
// backprop (lib/_batch.ts with the TypeScript kernels) equal TensorFlow.js's autodiff gradients
// of the same quadratic cost, C = ½ Σ_x ‖σ(…σ(x·w₁ᵀ + b₁)…) − y‖², on random networks and
// batches. TensorFlow.js computes in float32, we in float64: the tolerance is float32's.

import assert from "node:assert/strict";
import { tf } from "./_tfjs.ts";
import { Network, packData, Random } from "../mod.ts";
import { type Source, Workspace } from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";

/** TensorFlow.js's gradients of the summed quadratic cost, and the cost, in float64 arrays. */
function tfGradients(
  net: Network,
  xs: readonly (readonly number[])[],
  ys: readonly (readonly number[])[],
): { nablaW: Float64Array[]; nablaB: Float64Array[]; cost: number } {
  const L = net.weights.length;
  const out = tf.tidy(() => {
    const x = tf.tensor2d(xs.map((r) => [...r]));
    const y = tf.tensor2d(ys.map((r) => [...r]));
    const ws = net.weights.map((w) => tf.tensor2d(w.toArray()));
    const bs = net.biases.map((b) => tf.tensor1d(Array.from(b.data)));
    // The cost as a plain function of all parameters; tf.grads differentiates it.
    const cost = (...params: tf.Tensor[]) => {
      let a: tf.Tensor = x;
      for (let l = 0; l < L; l++) {
        a = tf.sigmoid(tf.add(tf.matMul(a, params[l]!, false, true), params[L + l]!));
      }
      return tf.mul(0.5, tf.sum(tf.square(tf.sub(a, y))));
    };
    return [...tf.grads(cost)([...ws, ...bs]), cost(...ws, ...bs)];
  });
  const arrays = out.map((t) => Float64Array.from(t.dataSync()));
  tf.dispose(out);
  return { nablaW: arrays.slice(0, L), nablaB: arrays.slice(L, 2 * L), cost: arrays[2 * L]![0]! };
}

/** Our batched gradients: gather, forward and backward on a workspace with the JS kernels. */
function ourGradients(
  net: Network,
  src: Source,
  m: number,
): { nablaW: Float64Array[]; nablaB: Float64Array[]; cost: number } {
  const ws = new Workspace(net.sizes, m, jsKernels);
  ws.loadParams(net.weights, net.biases);
  ws.gather(src, Uint32Array.from({ length: m }, (_, i) => i), 0, m, true);
  ws.forward(m);
  const cost = ws.backward(m);
  return {
    nablaW: ws.view().nablaW.map((g) => Float64Array.from(g)),
    nablaB: ws.view().nablaB.map((g) => Float64Array.from(g)),
    cost,
  };
}

/**
 * Largest elementwise difference relative to the largest entry of the reference. Float32
 * sums of up to 784 products are good to about 1e-6 of their largest terms (the worst seen
 * here is 9e-7); the tolerance leaves a factor of ten.
 */
function relativeError(ours: Float64Array, ref: Float64Array): number {
  let scale = 0, worst = 0;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]!));
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
  return worst / Math.max(scale, 1e-30);
}

const TOLERANCE = 1e-5;

function assertClose(
  ours: ReturnType<typeof ourGradients>,
  ref: ReturnType<typeof tfGradients>,
): void {
  for (const key of ["nablaW", "nablaB"] as const) {
    ours[key].forEach((g, l) => {
      const r = ref[key][l]!;
      assert.equal(g.length, r.length, `${key}[${l}] length`);
      // A vanishing gradient would make the comparison empty.
      assert.ok(r.some((v) => Math.abs(v) > 1e-4), `${key}[${l}] is all but zero`);
      const err = relativeError(g, r);
      assert.ok(err < TOLERANCE, `${key}[${l}]: relative error ${err}, expected < ${TOLERANCE}`);
    });
  }
  const costErr = Math.abs(ours.cost - ref.cost) / Math.max(1, Math.abs(ref.cost));
  assert.ok(costErr < 1e-5, `cost ${ours.cost} vs ${ref.cost}`);
}

Deno.test("batched gradients equal TensorFlow.js autodiff gradients (float32 tolerance)", async (t) => {
  const rng = new Random(2024);
  const cases: [number[], number][] = [
    [[3, 4, 2], 1],
    [[5, 7, 6, 3], 4],
    [[8, 16, 4], 10],
    [[20, 9, 9, 9, 5], 7],
    [[784, 30, 10], 10],
  ];
  for (const [sizes, m] of cases) {
    await t.step(`sizes [${sizes}], batch ${m}, vector targets`, () => {
      const net = new Network(sizes, { seed: rng.int(1000) });
      const n0 = sizes[0]!, nL = sizes[sizes.length - 1]!;
      const xs = Array.from({ length: m }, () => Array.from({ length: n0 }, () => rng.uniform()));
      const ys = Array.from({ length: m }, () => Array.from({ length: nL }, () => rng.uniform()));
      assertClose(ourGradients(net, { kind: "pairs", xs, ys }, m), tfGradients(net, xs, ys));
    });
  }

  await t.step("packed bytes with class labels (one-hot targets)", () => {
    const sizes = [784, 30, 10], m = 10;
    const net = new Network(sizes, { seed: 5 });
    const bytes = Array.from({ length: m }, () => Array.from({ length: 784 }, () => rng.int(256)));
    const labels = Array.from({ length: m }, () => rng.int(10));
    const packed = { ...packData(bytes, labels, 10), inputs: Uint8Array.from(bytes.flat()) };
    const src: Source = { kind: "packed", data: { ...packed, inputScale: 1 / 255 } };
    const xs = bytes.map((r) => r.map((v) => v / 255));
    const ys = labels.map((k) => Array.from({ length: 10 }, (_, i) => (i === k ? 1 : 0)));
    assertClose(ourGradients(net, src, m), tfGradients(net, xs, ys));
  });

  await t.step("the check fails for a wrong gradient", () => {
    const sizes = [5, 4, 3], m = 3;
    const net = new Network(sizes, { seed: 8 });
    const xs = Array.from({ length: m }, () => Array.from({ length: 5 }, () => rng.uniform()));
    const ys = Array.from({ length: m }, () => Array.from({ length: 3 }, () => rng.uniform()));
    const ours = ourGradients(net, { kind: "pairs", xs, ys }, m);
    // Off by 0.01% in its largest entry: ten times the tolerance.
    const g = ours.nablaW[0]!;
    let big = 0;
    for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[big]!)) big = i;
    g[big] = g[big]! * 1.0001;
    assert.throws(() => assertClose(ours, tfGradients(net, xs, ys)), /relative error/);
  });
});
