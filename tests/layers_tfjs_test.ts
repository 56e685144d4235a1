// Cross-check of the layers against an independent implementation: the gradients of a stack
// of ConvPoolLayer, FullyConnectedLayer and SoftmaxLayer (lib/_layers.ts on the TypeScript
// kernels, float64) equal TensorFlow.js's autodiff gradients (cpu backend: conv2d, maxPool,
// matMul, logSoftmax) of the same log-likelihood cost, within float32's tolerance.

import assert from "node:assert/strict";
import { tf } from "./_tfjs.ts";
import {
  ConvPoolLayer,
  FullyConnectedLayer,
  type Layer,
  type LayerActivation,
  SoftmaxLayer,
} from "../lib/layers.ts";
import { LayerStack } from "../lib/_layer_stack.ts";
import { jsKernels } from "../lib/_kernels.ts";
import { Random } from "../lib/random.ts";

const ACT: Record<LayerActivation, (t: tf.Tensor) => tf.Tensor> = {
  sigmoid: tf.sigmoid,
  relu: tf.relu,
  tanh: tf.tanh,
  linear: (t) => t,
};

/** TensorFlow.js takes float32 arrays (and computes in float32). */
const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

/**
 * TensorFlow.js's gradients `[gw, gb]` per layer of `C = −Σ_e ln softmax(z_e)[y_e]`, for the
 * inputs `x` (m × C·H·W, channel-major as ours) and dropout masks `masks[i]` (or none).
 */
function tfGradients(
  layers: readonly Layer[],
  m: number,
  x: Float64Array,
  ys: readonly number[],
  masks: readonly (Float64Array | undefined)[],
): Float64Array[] {
  const out = tf.tidy(() => {
    const params: tf.Tensor[] = [];
    for (const l of layers) {
      if (l instanceof ConvPoolLayer) {
        // Ours: F × C × KH × KW; TensorFlow.js: KH × KW × C × F.
        params.push(tf.transpose(tf.tensor4d(f32(l.w), [...l.filterShape]), [2, 3, 1, 0]));
      } else params.push(tf.tensor2d(f32(l.w), [l.nOut, l.nIn]));
      params.push(tf.tensor1d(f32(l.b)));
    }
    const first = layers[0]!;
    const input = first instanceof ConvPoolLayer
      ? tf.transpose(tf.tensor4d(f32(x), [m, ...first.imageShape]), [0, 2, 3, 1]) // NHWC
      : tf.tensor2d(f32(x), [m, first.nIn]);
    const onehot = tf.oneHot(tf.tensor1d(ys as number[], "int32"), layers.at(-1)!.nOut);
    const cost = (...p: tf.Tensor[]) => {
      let a: tf.Tensor = input;
      layers.forEach((l, i) => {
        const [w, b] = [p[2 * i]!, p[2 * i + 1]!];
        if (l instanceof ConvPoolLayer) {
          if (a.rank === 2) a = tf.transpose(tf.reshape(a, [m, ...l.imageShape]), [0, 2, 3, 1]);
          const conv = tf.add(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, "valid"), b);
          const [ph, pw] = l.poolSize;
          a = ACT[l.activation](tf.maxPool(conv as tf.Tensor4D, [ph, pw], [ph, pw], "valid"));
          return;
        }
        // Dense: flatten an image batch channel-major (as ours), then the mask, then w·x + b.
        if (a.rank === 4) a = tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [m, l.nIn]);
        const mask = masks[i];
        if (mask !== undefined) a = tf.mul(a, tf.tensor2d(f32(mask), [m, l.nIn]));
        const z = tf.add(tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D, false, true), b);
        a = l instanceof SoftmaxLayer ? tf.logSoftmax(z) : ACT[l.activation](z);
      });
      return tf.neg(tf.sum(tf.mul(onehot, a)));
    };
    return tf.grads(cost)(params).map((g, j) =>
      layers[j >> 1] instanceof ConvPoolLayer && j % 2 === 0 ? tf.transpose(g, [3, 2, 0, 1]) : g
    );
  });
  const arrays = out.map((t) => Float64Array.from(t.dataSync()));
  tf.dispose(out);
  return arrays;
}

/** Largest elementwise difference relative to the largest entry of the reference. */
function relativeError(ours: ArrayLike<number>, ref: Float64Array): number {
  let scale = 0, worst = 0;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]!));
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
  return worst / Math.max(scale, 1e-30);
}

/**
 * Float32 sums of up to a few thousand products, through four layers: the worst seen on these
 * cases is 1.6e-6 of the largest entry; the tolerance leaves a factor of ten.
 */
const TOLERANCE = 2e-5;

function check(layers: Layer[], m: number, seed: number, pDropout = 0, corrupt = false): void {
  const rng = new Random(seed);
  const stack = new LayerStack(layers, jsKernels, m);
  for (let i = 0; i < stack.x.length; i++) stack.x[i] = rng.uniform();
  const ys = Array.from({ length: m }, () => rng.int(layers.at(-1)!.nOut));
  const training = pDropout > 0;
  if (training) stack.sampleMasks(m, rng);
  stack.backprop(m, ys, training);
  const ours = stack.buffers.flatMap((b) => [Float64Array.from(b.gw), Float64Array.from(b.gb)]);
  if (corrupt) ours[0]![0] = ours[0]![0]! + 1e-3 * Math.max(...ours[0]!.map(Math.abs));
  const masks = stack.buffers.map((b) => (b.mask ? Float64Array.from(b.mask) : undefined));
  const ref = tfGradients(layers, m, Float64Array.from(stack.x), ys, masks);
  ours.forEach((g, j) => {
    const what = `layer ${(j >> 1) + 1} ${j % 2 ? "∂C/∂b" : "∂C/∂w"}`;
    assert.equal(g.length, ref[j]!.length, `${what} length`);
    assert.ok(ref[j]!.some((v) => Math.abs(v) > 1e-6), `${what} is all but zero`);
    const err = relativeError(g, ref[j]!);
    assert.ok(err < TOLERANCE, `${what}: relative error ${err}, expected < ${TOLERANCE}`);
  });
}

/** Softmax starts at zero (as network3's): random values, so that every gradient is generic. */
function randomized(layers: Layer[], rng: Random): Layer[] {
  const soft = layers.at(-1)!;
  soft.w.forEach((_, i, w) => (w[i] = 0.3 * rng.gaussian()));
  soft.b.forEach((_, i, b) => (b[i] = rng.gaussian()));
  return layers;
}

Deno.test("the layers' gradients equal TensorFlow.js autodiff gradients (float32 tolerance)", async (t) => {
  for (const act of ["sigmoid", "relu", "tanh", "linear"] as const) {
    await t.step(`two conv-pool layers, ${act}, odd sizes, non-square filters and pools`, () => {
      const rng = new Random(83);
      const layers = randomized([
        new ConvPoolLayer({
          filterShape: [3, 2, 4, 3],
          imageShape: [2, 11, 10],
          poolSize: [2, 2],
          activation: act,
        }, rng),
        new ConvPoolLayer({
          filterShape: [5, 3, 3, 2],
          imageShape: [3, 4, 4],
          poolSize: [1, 3],
          activation: act,
        }, rng),
        new FullyConnectedLayer({ nIn: 10, nOut: 7, activation: act }, rng),
        new SoftmaxLayer({ nIn: 7, nOut: 4 }),
      ], rng);
      check(layers, 3, 89);
    });
  }

  await t.step("dropout on the dense layers' inputs (fixed masks)", () => {
    const rng = new Random(97);
    const layers = randomized([
      new ConvPoolLayer({ filterShape: [4, 1, 3, 3], imageShape: [1, 8, 8] }, rng),
      new FullyConnectedLayer({ nIn: 36, nOut: 9, activation: "relu", pDropout: 0.5 }, rng),
      new SoftmaxLayer({ nIn: 9, nOut: 3, pDropout: 0.5 }),
    ], rng);
    check(layers, 4, 101, 0.5);
  });

  await t.step("the book's network (ReLU), mini-batch 2", () => {
    const rng = new Random(103);
    const relu = "relu" as const;
    const layers = randomized([
      new ConvPoolLayer(
        { filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: relu },
        rng,
      ),
      new ConvPoolLayer(
        { filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12], activation: relu },
        rng,
      ),
      new FullyConnectedLayer({ nIn: 640, nOut: 100, activation: relu }, rng),
      new SoftmaxLayer({ nIn: 100, nOut: 10 }),
    ], rng);
    check(layers, 2, 107);
  });

  await t.step("the check fails for a wrong gradient", () => {
    const rng = new Random(109);
    const layers = randomized([
      new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 6, 6] }, rng),
      new SoftmaxLayer({ nIn: 8, nOut: 3 }),
    ], rng);
    check(layers, 2, 113);
    // Off by 1e-3 of the largest entry in one filter weight: 50 times the tolerance.
    assert.throws(() => check(layers, 2, 113, 0, true), /relative error/);
  });
});
