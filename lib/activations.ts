/**
 * Activation functions, each beside its derivative: the book's sigmoid, and tanh, ReLU,
 * leaky ReLU and softmax (chapter 3's output layer), plus the identity for regression.
 *
 * @module
 */

import { Act, LEAKY_SLOPE, sigmoidScalar } from "./_kernels.ts";
import { Matrix } from "./matrix.ts";

/** The activation functions a layer can use, by name (as they are saved in JSON). */
export type ActivationName = "sigmoid" | "tanh" | "relu" | "leakyRelu" | "softmax" | "identity";

/**
 * Every {@linkcode ActivationName}, in a fixed order.
 *
 * @example
 * ```ts
 * import { activationNames } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.ok(activationNames.includes("relu"));
 * ```
 */
export const activationNames: readonly ActivationName[] = Object.freeze([
  "sigmoid",
  "tanh",
  "relu",
  "leakyRelu",
  "softmax",
  "identity",
]);

function elementwise(f: (v: number) => number, z: number | Matrix): number | Matrix {
  if (typeof z === "number") return f(z);
  return new Matrix(z.rows, z.cols, z.data.map(f));
}

/**
 * The sigmoid function `σ(z) = 1 / (1 + e^{−z})`, applied elementwise to a matrix as the
 * book's numpy version is. Stable for large |z|: `σ(−1000)` is 0, not NaN.
 *
 * @param z A number or a matrix.
 * @returns `σ(z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { sigmoid, Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigmoid(0), 0.5);
 * assert.equal(sigmoid(-1000), 0);
 * assert.equal(sigmoid(Matrix.column([0])).get(0, 0), 0.5);
 * ```
 */
export function sigmoid(z: number): number;
/** `sigmoid` of each entry of a matrix. */
export function sigmoid(z: Matrix): Matrix;
export function sigmoid(z: number | Matrix): number | Matrix {
  return elementwise(sigmoidScalar, z);
}

function sigmoidPrimeScalar(v: number): number {
  const s = sigmoidScalar(v);
  return s * (1 - s);
}

/**
 * Derivative of the sigmoid, `σ'(z) = σ(z)(1 − σ(z))`, elementwise.
 *
 * @param z A number or a matrix.
 * @returns `σ'(z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { sigmoidPrime } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigmoidPrime(0), 0.25);
 * ```
 */
export function sigmoidPrime(z: number): number;
/** `sigmoidPrime` of each entry of a matrix. */
export function sigmoidPrime(z: Matrix): Matrix;
export function sigmoidPrime(z: number | Matrix): number | Matrix {
  return elementwise(sigmoidPrimeScalar, z);
}

/**
 * The hyperbolic tangent `tanh(z) = (e^z − e^{−z}) / (e^z + e^{−z}) = 2σ(2z) − 1`, elementwise:
 * a sigmoid stretched to outputs in (−1, 1).
 *
 * @param z A number or a matrix.
 * @returns `tanh(z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { tanh } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tanh(0), 0);
 * assert.equal(tanh(1000), 1);
 * ```
 */
export function tanh(z: number): number;
/** `tanh` of each entry of a matrix. */
export function tanh(z: Matrix): Matrix;
export function tanh(z: number | Matrix): number | Matrix {
  return elementwise(Math.tanh, z);
}

function tanhPrimeScalar(v: number): number {
  const t = Math.tanh(v);
  return 1 - t * t;
}

/**
 * Derivative of tanh, `tanh'(z) = 1 − tanh²(z)`, elementwise.
 *
 * @param z A number or a matrix.
 * @returns `tanh'(z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { tanhPrime } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tanhPrime(0), 1);
 * ```
 */
export function tanhPrime(z: number): number;
/** `tanhPrime` of each entry of a matrix. */
export function tanhPrime(z: Matrix): Matrix;
export function tanhPrime(z: number | Matrix): number | Matrix {
  return elementwise(tanhPrimeScalar, z);
}

const reluScalar = (v: number): number => (v > 0 ? v : 0);
const reluPrimeScalar = (v: number): number => (v > 0 ? 1 : 0);

/**
 * The rectified linear unit `max(0, z)`, elementwise (the book's chapter 3 and 6).
 *
 * @param z A number or a matrix.
 * @returns `max(0, z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { relu } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(relu(-2), 0);
 * assert.equal(relu(3), 3);
 * ```
 */
export function relu(z: number): number;
/** `relu` of each entry of a matrix. */
export function relu(z: Matrix): Matrix;
export function relu(z: number | Matrix): number | Matrix {
  return elementwise(reluScalar, z);
}

/**
 * Derivative of ReLU: 1 for `z > 0`, else 0 (we take 0 at the kink `z = 0`).
 *
 * @param z A number or a matrix.
 * @returns `relu'(z)`, of the same shape.
 *
 * @example
 * ```ts
 * import { reluPrime } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(reluPrime(2), 1);
 * assert.equal(reluPrime(0), 0);
 * ```
 */
export function reluPrime(z: number): number;
/** `reluPrime` of each entry of a matrix. */
export function reluPrime(z: Matrix): Matrix;
export function reluPrime(z: number | Matrix): number | Matrix {
  return elementwise(reluPrimeScalar, z);
}

const leakyReluScalar = (v: number): number => (v > 0 ? v : LEAKY_SLOPE * v);
const leakyReluPrimeScalar = (v: number): number => (v > 0 ? 1 : LEAKY_SLOPE);

/**
 * Leaky ReLU, `z` for `z > 0` and `0.01·z` otherwise, elementwise: a ReLU whose negative side
 * still passes a small gradient.
 *
 * @param z A number or a matrix.
 * @returns The activations, of the same shape.
 *
 * @example
 * ```ts
 * import { leakyRelu } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(leakyRelu(-2), -0.02);
 * assert.equal(leakyRelu(3), 3);
 * ```
 */
export function leakyRelu(z: number): number;
/** `leakyRelu` of each entry of a matrix. */
export function leakyRelu(z: Matrix): Matrix;
export function leakyRelu(z: number | Matrix): number | Matrix {
  return elementwise(leakyReluScalar, z);
}

/**
 * Derivative of leaky ReLU: 1 for `z > 0`, else 0.01.
 *
 * @param z A number or a matrix.
 * @returns The derivative, of the same shape.
 *
 * @example
 * ```ts
 * import { leakyReluPrime } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(leakyReluPrime(-5), 0.01);
 * ```
 */
export function leakyReluPrime(z: number): number;
/** `leakyReluPrime` of each entry of a matrix. */
export function leakyReluPrime(z: Matrix): Matrix;
export function leakyReluPrime(z: number | Matrix): number | Matrix {
  return elementwise(leakyReluPrimeScalar, z);
}

/**
 * The softmax of each column, `aⱼ = e^{zⱼ} / Σₖ e^{zₖ}` (the book's equation 78): outputs
 * that are positive and sum to 1. Stable for large |z|: the column's maximum is subtracted
 * before exponentiating, which leaves the result unchanged.
 *
 * @param z A matrix; each column is one vector of weighted inputs.
 * @returns The softmax of each column, of the same shape.
 *
 * @example
 * ```ts
 * import { softmax, Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const a = softmax(Matrix.column([1000, 1000]));
 * assert.deepEqual(Array.from(a.data), [0.5, 0.5]);
 * ```
 */
export function softmax(z: Matrix): Matrix {
  const out = new Matrix(z.rows, z.cols);
  for (let j = 0; j < z.cols; j++) {
    let max = -Infinity;
    for (let i = 0; i < z.rows; i++) max = Math.max(max, z.data[i * z.cols + j]!);
    let sum = 0;
    for (let i = 0; i < z.rows; i++) {
      const e = Math.exp(z.data[i * z.cols + j]! - max);
      out.data[i * z.cols + j] = e;
      sum += e;
    }
    for (let i = 0; i < z.rows; i++) out.data[i * z.cols + j] = out.data[i * z.cols + j]! / sum;
  }
  return out;
}

/**
 * Backpropagates through softmax: given `g = ∂C/∂a` for a column `a = softmax(z)`, returns
 * `∂C/∂z = a ⊙ (g − (aᵀg))`, the product of softmax's Jacobian `diag(a) − a·aᵀ` with `g`.
 * Softmax is not elementwise: each output depends on every input of its column.
 *
 * @param a The softmax outputs (columns).
 * @param g `∂C/∂a`, of the same shape.
 * @returns `∂C/∂z`, of the same shape.
 *
 * @example With log-likelihood, `g = −y/a` and the result is `a − y` (the book's equation 84)
 * ```ts
 * import { softmax, softmaxBackward, Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const a = softmax(Matrix.column([1, 2, 3]));
 * const g = Matrix.column([0, -1 / a.get(1), 0]);
 * const d = softmaxBackward(a, g);
 * assert.ok(Math.abs(d.get(1) - (a.get(1) - 1)) < 1e-15);
 * assert.ok(Math.abs(d.get(0) - a.get(0)) < 1e-15);
 * ```
 */
export function softmaxBackward(a: Matrix, g: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols);
  // Column j of a `rows × cols` matrix: offset j, stride cols.
  for (let j = 0; j < a.cols; j++) softmaxJacobianAt(a.data, g.data, out.data, j, a.cols, a.rows);
  return out;
}

/**
 * {@linkcode softmaxBackward} over a batch stored one example per row (the training
 * workspace's layout): for each of `m` rows of `n`, `out = a ⊙ (g − aᵀg)`. `out` may be `g`.
 *
 * @param m Number of examples (rows).
 * @param n Outputs per example.
 * @param a The softmax outputs, `m × n`.
 * @param g `∂C/∂a`, `m × n`.
 * @param out Where `∂C/∂z` goes, `m × n`.
 *
 * @example The same as softmaxBackward on each column
 * ```ts
 * import { Matrix, softmax, softmaxBackward, softmaxBackwardRows } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const a = softmax(Matrix.column([1, 2, 3])), g = Matrix.column([1, 0, -1]);
 * const out = new Float64Array(3);
 * softmaxBackwardRows(1, 3, a.data, g.data, out);
 * assert.deepEqual(Array.from(out), Array.from(softmaxBackward(a, g).data));
 * ```
 */
export function softmaxBackwardRows(
  m: number,
  n: number,
  a: Float64Array | Float32Array,
  g: Float64Array | Float32Array,
  out: Float64Array | Float32Array,
): void {
  for (let r = 0; r < m; r++) softmaxJacobianAt(a, g, out, r * n, 1, n);
}

/**
 * Softmax's Jacobian `diag(a) − a·aᵀ` times `g`, for one example of `n` values stored from
 * `offset` every `stride` entries: `out = a ⊙ (g − aᵀg)`. The one implementation, for columns
 * (the book's layout) and rows (the workspace's).
 */
function softmaxJacobianAt(
  a: ArrayLike<number>,
  g: ArrayLike<number>,
  out: { [i: number]: number },
  offset: number,
  stride: number,
  n: number,
): void {
  let dot = 0;
  for (let i = 0, k = offset; i < n; i++, k += stride) dot += a[k]! * g[k]!;
  for (let i = 0, k = offset; i < n; i++, k += stride) out[k] = a[k]! * (g[k]! - dot);
}

/** An activation function for a layer, as the per-example (book) path uses it. */
export interface Activation {
  /** Its name, as saved in JSON. */
  readonly name: ActivationName;
  /** Whether `aⱼ` depends on `zⱼ` alone (every activation here but softmax). */
  readonly elementwise: boolean;
  /**
   * Its code in the numeric kernels, which apply it to whole batches (softmax has the
   * identity's code: the workspace takes each row's softmax after it).
   */
  readonly kernel: number;
  /** The activations `a = f(z)` of a column (or of each column). */
  fn(z: Matrix): Matrix;
  /**
   * Backpropagates `g = ∂C/∂a` to `∂C/∂z`: `g ⊙ f'(z)` for an elementwise function (the
   * book's `⊙ σ'(z)` in BP1 and BP2), the Jacobian product for softmax.
   */
  backward(z: Matrix, a: Matrix, g: Matrix): Matrix;
}

function elementwiseActivation(
  name: Exclude<ActivationName, "softmax">,
  f: (z: Matrix) => Matrix,
  fPrime: (z: Matrix) => Matrix,
): Activation {
  return {
    name,
    elementwise: true,
    kernel: Act[name],
    fn: f,
    backward: (z, _a, g) => g.hadamard(fPrime(z)),
  };
}

// Adding an activation: its name in ActivationName and activationNames, its fn and fPrime
// above, a line here, and its case in the kernels (Act in _kernels.ts, kernels.as.ts).
const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  sigmoid: elementwiseActivation("sigmoid", sigmoid, sigmoidPrime),
  tanh: elementwiseActivation("tanh", tanh, tanhPrime),
  relu: elementwiseActivation("relu", relu, reluPrime),
  leakyRelu: elementwiseActivation("leakyRelu", leakyRelu, leakyReluPrime),
  identity: elementwiseActivation(
    "identity",
    (z) => z.clone(),
    (z) => new Matrix(z.rows, z.cols, new Float64Array(z.data.length).fill(1)),
  ),
  softmax: {
    name: "softmax",
    elementwise: false,
    kernel: Act.identity,
    fn: softmax,
    backward: (_z, a, g) => softmaxBackward(a, g),
  },
};

/**
 * The activation function with the given name, with its `fn` and `backward`.
 *
 * @param name One of {@linkcode activationNames}.
 * @returns The activation.
 *
 * @example
 * ```ts
 * import { activationByName, Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const tanh = activationByName("tanh");
 * const z = Matrix.column([0]);
 * assert.equal(tanh.fn(z).get(0), 0);
 * assert.equal(tanh.backward(z, tanh.fn(z), Matrix.column([2])).get(0), 2);
 * ```
 */
export function activationByName(name: ActivationName): Activation {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new RangeError(
      `Unknown activation ${JSON.stringify(name)}, expected one of ${activationNames.join(", ")}`,
    );
  }
  return ACTIVATIONS[name];
}
