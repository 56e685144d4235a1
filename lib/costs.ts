/**
 * Cost functions, each with `fn(a, y)` beside its output error `delta(z, a, y)`, as in the
 * book's network2.py: the quadratic cost of chapter 1, the cross-entropy cost of chapter 3, and
 * the log-likelihood cost that goes with a softmax output layer.
 *
 * @module
 */

import { activationByName, type ActivationName } from "./activations.ts";
import { Matrix } from "./matrix.ts";

/** The cost functions, by the class names network2.py saves in its JSON. */
export type CostName = "QuadraticCost" | "CrossEntropyCost" | "LogLikelihoodCost";

/** A cost function `C(a, y)` and the output error δᴸ it gives (BP1). */
export interface Cost {
  /** The name saved in JSON, network2.py's class name. */
  readonly name: CostName;
  /**
   * The output activations whose δᴸ `delta` computes; `undefined` for any activation.
   * `Network` refuses other pairings.
   */
  readonly outputActivations: readonly ActivationName[] | undefined;
  /**
   * The cost of output `a` for target `y`, summed over the entries (and columns). With `z`,
   * the weighted inputs with `a = f(z)`, costs with logarithms are computed from `z`, which
   * is exact even where `a` has rounded to 0 or 1.
   */
  fn(a: Matrix, y: Matrix, z?: Matrix): number;
  /**
   * The output error `δᴸ = ∂C/∂zᴸ` (BP1) for an output layer with activation `activation`
   * (default sigmoid, as in network2.py).
   */
  delta(z: Matrix, a: Matrix, y: Matrix, activation?: ActivationName): Matrix;
  /**
   * `∇ₐC`, the cost's derivative with respect to the output activations (network.py's
   * `cost_derivative`, which is the quadratic cost's `a − y`).
   */
  derivative(a: Matrix, y: Matrix): Matrix;
  /**
   * `fn` over a batch stored one example per row (the training workspace's layout): the cost
   * of `m` examples of `n` outputs, summed, computed from `z` as `fn(a, y, z)` is.
   */
  batchFn(m: number, n: number, a: Batch, z: Batch, y: Batch): number;
  /**
   * BP1 over a batch stored one example per row: writes into `d` either `δᴸ` itself and
   * returns `true` (where the cost's δ is simpler than the chain rule: cross-entropy with
   * sigmoid, log-likelihood with softmax), or `∇ₐC` and returns `false`, for the caller to
   * take through the output activation's derivative as `delta` does.
   */
  batchDelta(m: number, n: number, a: Batch, y: Batch, d: Batch): boolean;
  /** The name. */
  toString(): string;
}

/** A batch of values in the training workspace: float64, or float32 with `dtype: "float32"`. */
export type Batch = Float64Array | Float32Array;

function checkSameShape(a: Matrix, y: Matrix, what: string): void {
  if (a.rows !== y.rows || a.cols !== y.cols) {
    throw new RangeError(
      `Cannot compute ${what}: a is ${a.rows}×${a.cols} but y is ${y.rows}×${y.cols}, expected the same shape`,
    );
  }
}

// The one implementation of each cost's arithmetic, over flat arrays: the matrices of `fn` and
// `delta` (examples as columns, the book's layout) and the workspace's batches (examples as rows)
// both call these.

/** `½ Σ (a − y)²` over the first `len` entries. */
function quadraticSum(a: ArrayLike<number>, y: ArrayLike<number>, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += (a[i]! - y[i]!) ** 2;
  return s / 2;
}

/** `a − y` into `out`, over the first `len` entries. */
function subInto(a: ArrayLike<number>, y: ArrayLike<number>, out: Batch, len: number): void {
  for (let i = 0; i < len; i++) out[i] = a[i]! - y[i]!;
}

/** Cross-entropy from z: `Σ y·softplus(−z) + (1 − y)·softplus(z)`, as `−ln σ(z) = softplus(−z)`. */
function crossEntropyFromZ(z: ArrayLike<number>, y: ArrayLike<number>, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) {
    const v = z[i]!, t = y[i]!;
    s += t * softplus(-v) + (1 - t) * softplus(v);
  }
  return s;
}

/**
 * One example's log-likelihood from z, `Σy · logsumexp(z) − Σ y·z` (the maximum taken out for
 * stability), for `n` values stored from `offset` every `stride` entries.
 */
function logLikelihoodAt(
  z: ArrayLike<number>,
  y: ArrayLike<number>,
  offset: number,
  stride: number,
  n: number,
): number {
  let max = -Infinity;
  for (let i = 0, k = offset; i < n; i++, k += stride) max = Math.max(max, z[k]!);
  let sumExp = 0, sumY = 0, yz = 0;
  for (let i = 0, k = offset; i < n; i++, k += stride) {
    sumExp += Math.exp(z[k]! - max);
    sumY += y[k]!;
    yz += y[k]! * (z[k]! - max);
  }
  return sumY * Math.log(sumExp) - yz;
}

/** One example's log-likelihood δ with softmax, `a·Σy − y` (stored as for `logLikelihoodAt`). */
function logLikelihoodDeltaAt(
  a: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Batch,
  offset: number,
  stride: number,
  n: number,
): void {
  let sumY = 0;
  for (let i = 0, k = offset; i < n; i++, k += stride) sumY += y[k]!;
  for (let i = 0, k = offset; i < n; i++, k += stride) out[k] = a[k]! * sumY - y[k]!;
}

/** `f(aᵢ, yᵢ)` for every entry, shaped as `a`. */
function elementwise(a: Matrix, y: Matrix, f: (a: number, y: number) => number): Matrix {
  return new Matrix(a.rows, a.cols, a.data.map((v, i) => f(v, y.data[i]!)));
}

/** `ln(1 + e^x)` without overflow: `max(x, 0) + ln(1 + e^{−|x|})`. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * numpy's `nan_to_num` on one term: NaN (from `0 · ln 0`) counts 0 and +∞ counts as the
 * largest finite number.
 */
function nanToNum(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v === Infinity ? Number.MAX_VALUE : v;
}

/**
 * The quadratic cost `C = ½‖a − y‖²` (the book's equation 6, for one example). Its output
 * error is `δᴸ = (a − y) ⊙ σ'(zᴸ)` (BP1), for any output activation `f` in place of σ.
 *
 * @example
 * ```ts
 * import { Matrix, QuadraticCost } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const a = Matrix.column([0.5, 0.5]), y = Matrix.column([1, 0]);
 * assert.equal(QuadraticCost.fn(a, y), 0.25);
 * // δ = (a − y) ⊙ σ'(z), and σ'(0) = 1/4.
 * const z = Matrix.column([0, 0]);
 * assert.deepEqual(Array.from(QuadraticCost.delta(z, a, y).data), [-0.125, 0.125]);
 * ```
 */
export const QuadraticCost: Cost = Object.freeze<Cost>({
  name: "QuadraticCost",
  outputActivations: undefined,
  fn(a: Matrix, y: Matrix): number {
    checkSameShape(a, y, "QuadraticCost.fn");
    return quadraticSum(a.data, y.data, a.data.length);
  },
  delta(z: Matrix, a: Matrix, y: Matrix, activation: ActivationName = "sigmoid"): Matrix {
    checkSameShape(a, y, "QuadraticCost.delta");
    // BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), through the layer's own activation (its Jacobian for softmax).
    return activationByName(activation).backward(z, a, this.derivative(a, y));
  },
  derivative(a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "QuadraticCost.derivative");
    return a.sub(y);
  },
  batchFn: (m, n, a, _z, y) => quadraticSum(a, y, m * n),
  batchDelta(m, n, a, y, d) {
    subInto(a, y, d, m * n); // ∇ₐC; the caller applies the activation's derivative
    return false;
  },
  toString: () => "QuadraticCost",
});

/**
 * The cross-entropy cost `C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)]` (the book's equation 63),
 * for sigmoid outputs. Its output error is `δᴸ = a − y` (equation 66): the σ'(z) that slows
 * learning under the quadratic cost cancels.
 *
 * `fn(a, y)` follows network2.py's `np.nan_to_num`: a term `0 · ln 0` counts 0, and a
 * saturated wrong output (`ln 0` with weight) counts as the largest finite number, so the
 * result is never NaN or ∞. Given `z` it is exact instead: `Σ y·softplus(−z) + (1−y)·softplus(z)`.
 *
 * @example No NaN from ln 0, and an exact value from z
 * ```ts
 * import { CrossEntropyCost, Matrix, sigmoid } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const y = Matrix.column([1, 0]);
 * assert.equal(CrossEntropyCost.fn(Matrix.column([1, 0]), y), 0);
 * const z = Matrix.column([-1000, 1000]);
 * assert.equal(CrossEntropyCost.fn(sigmoid(z), y), Number.MAX_VALUE);
 * assert.equal(CrossEntropyCost.fn(sigmoid(z), y, z), 2000);
 * assert.deepEqual(Array.from(CrossEntropyCost.delta(z, sigmoid(z), y).data), [-1, 1]);
 * ```
 */
export const CrossEntropyCost: Cost = Object.freeze<Cost>({
  name: "CrossEntropyCost",
  outputActivations: Object.freeze(["sigmoid"]) as readonly ActivationName[],
  fn(a: Matrix, y: Matrix, z?: Matrix): number {
    checkSameShape(a, y, "CrossEntropyCost.fn");
    let s = 0;
    if (z !== undefined) {
      checkSameShape(z, y, "CrossEntropyCost.fn");
      return crossEntropyFromZ(z.data, y.data, z.data.length);
    }
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i]!, t = y.data[i]!;
      s += nanToNum(-t * Math.log(v) - (1 - t) * Math.log(1 - v));
    }
    return Math.min(s, Number.MAX_VALUE);
  },
  delta(_z: Matrix, a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "CrossEntropyCost.delta");
    // Equation 66 for sigmoid outputs: δᴸ = a − y (σ'(z) cancels ∇ₐC's a(1 − a)).
    return a.sub(y);
  },
  derivative(a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "CrossEntropyCost.derivative");
    // ∂C/∂a = (a − y) / (a(1 − a)).
    return elementwise(a, y, (v, t) => (v - t) / (v * (1 - v)));
  },
  batchFn: (m, n, _a, z, y) => crossEntropyFromZ(z, y, m * n),
  batchDelta(m, n, a, y, d) {
    subInto(a, y, d, m * n); // equation 66
    return true;
  },
  toString: () => "CrossEntropyCost",
});

/**
 * The log-likelihood cost `C = −ln a_y` (the book's equation 80) for a softmax output layer,
 * written `−Σⱼ yⱼ ln aⱼ` so that `y` may be one-hot. With softmax its output error is
 * `δᴸ = a − y` (equation 84) when `y` sums to 1, as a one-hot vector does; in general
 * `δᴸ = a·Σⱼyⱼ − y`, which is what `delta` computes.
 *
 * `fn(a, y)` counts `0 · ln 0` as 0 and `−ln 0` as the largest finite number; given `z` it is
 * exact: `Σⱼyⱼ · logsumexp(z) − Σⱼ yⱼzⱼ`.
 *
 * @example
 * ```ts
 * import { LogLikelihoodCost, Matrix, softmax } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const z = Matrix.column([0, Math.log(3)]), a = softmax(z), y = Matrix.column([0, 1]);
 * assert.ok(Math.abs(LogLikelihoodCost.fn(a, y) + Math.log(0.75)) < 1e-15);
 * const d = LogLikelihoodCost.delta(z, a, y);
 * assert.ok(Math.abs(d.get(0) - 0.25) < 1e-15 && Math.abs(d.get(1) + 0.25) < 1e-15);
 * ```
 */
export const LogLikelihoodCost: Cost = Object.freeze<Cost>({
  name: "LogLikelihoodCost",
  outputActivations: Object.freeze(["softmax"]) as readonly ActivationName[],
  fn(a: Matrix, y: Matrix, z?: Matrix): number {
    checkSameShape(a, y, "LogLikelihoodCost.fn");
    let s = 0;
    if (z !== undefined) {
      checkSameShape(z, y, "LogLikelihoodCost.fn");
      // Column j of the book's layout: offset j, stride cols.
      for (let j = 0; j < z.cols; j++) s += logLikelihoodAt(z.data, y.data, j, z.cols, z.rows);
      return s;
    }
    for (let i = 0; i < a.data.length; i++) {
      s += nanToNum(-y.data[i]! * Math.log(a.data[i]!));
    }
    return Math.min(s, Number.MAX_VALUE);
  },
  delta(_z: Matrix, a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "LogLikelihoodCost.delta");
    // Equation 84, δᴸ = a − y, written a·Σy − y so that it holds for any y.
    const out = new Matrix(a.rows, a.cols);
    for (let j = 0; j < a.cols; j++) {
      logLikelihoodDeltaAt(a.data, y.data, out.data, j, a.cols, a.rows);
    }
    return out;
  },
  derivative(a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "LogLikelihoodCost.derivative");
    // ∂C/∂a = −y / a.
    return elementwise(a, y, (v, t) => -t / v);
  },
  batchFn(m, n, _a, z, y) {
    let s = 0;
    for (let r = 0; r < m; r++) s += logLikelihoodAt(z, y, r * n, 1, n); // row r: offset r·n
    return s;
  },
  batchDelta(m, n, a, y, d) {
    for (let r = 0; r < m; r++) logLikelihoodDeltaAt(a, y, d, r * n, 1, n); // equation 84
    return true;
  },
  toString: () => "LogLikelihoodCost",
});

/**
 * Every {@linkcode CostName}, in a fixed order.
 *
 * @example
 * ```ts
 * import { costNames } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(costNames, ["QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost"]);
 * ```
 */
export const costNames: readonly CostName[] = Object.freeze([
  "QuadraticCost",
  "CrossEntropyCost",
  "LogLikelihoodCost",
]);

/**
 * The cost with the given name: a fixed table, so that a name read from a file is looked up,
 * never evaluated (network2.py's `load` uses `getattr` on the module instead).
 *
 * @param name One of {@linkcode costNames}.
 * @returns The cost.
 *
 * @example
 * ```ts
 * import { costByName, CrossEntropyCost } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(costByName("CrossEntropyCost"), CrossEntropyCost);
 * assert.throws(() => costByName("constructor" as never), /Unknown cost "constructor"/);
 * ```
 */
export function costByName(name: CostName): Cost {
  switch (name) {
    case "QuadraticCost":
      return QuadraticCost;
    case "CrossEntropyCost":
      return CrossEntropyCost;
    case "LogLikelihoodCost":
      return LogLikelihoodCost;
    default:
      throw new RangeError(
        `Unknown cost ${JSON.stringify(name)}, expected one of ${costNames.join(", ")}`,
      );
  }
}
