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
  /** The name. */
  toString(): string;
}

function checkSameShape(a: Matrix, y: Matrix, what: string): void {
  if (a.rows !== y.rows || a.cols !== y.cols) {
    throw new RangeError(
      `Cannot compute ${what}: a is ${a.rows}×${a.cols} but y is ${y.rows}×${y.cols}, expected the same shape`,
    );
  }
}

function minus(a: Matrix, y: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i]! - y.data[i]!;
  return out;
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
export const QuadraticCost: Cost = Object.freeze({
  name: "QuadraticCost",
  outputActivations: undefined,
  fn(a: Matrix, y: Matrix): number {
    checkSameShape(a, y, "QuadraticCost.fn");
    let s = 0;
    for (let i = 0; i < a.data.length; i++) s += (a.data[i]! - y.data[i]!) ** 2;
    return s / 2;
  },
  delta(z: Matrix, a: Matrix, y: Matrix, activation: ActivationName = "sigmoid"): Matrix {
    checkSameShape(a, y, "QuadraticCost.delta");
    // BP1: ∇ₐC = a − y, then through the activation: ⊙ σ'(z) for an elementwise one.
    return activationByName(activation).backward(z, a, minus(a, y));
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
export const CrossEntropyCost: Cost = Object.freeze({
  name: "CrossEntropyCost",
  outputActivations: Object.freeze(["sigmoid"]) as readonly ActivationName[],
  fn(a: Matrix, y: Matrix, z?: Matrix): number {
    checkSameShape(a, y, "CrossEntropyCost.fn");
    let s = 0;
    if (z !== undefined) {
      checkSameShape(z, y, "CrossEntropyCost.fn");
      // −ln σ(z) = softplus(−z) and −ln(1 − σ(z)) = softplus(z).
      for (let i = 0; i < z.data.length; i++) {
        const v = z.data[i]!, t = y.data[i]!;
        s += t * softplus(-v) + (1 - t) * softplus(v);
      }
      return s;
    }
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i]!, t = y.data[i]!;
      s += nanToNum(-t * Math.log(v) - (1 - t) * Math.log(1 - v));
    }
    return Math.min(s, Number.MAX_VALUE);
  },
  delta(_z: Matrix, a: Matrix, y: Matrix): Matrix {
    checkSameShape(a, y, "CrossEntropyCost.delta");
    // Equation 66 for sigmoid outputs: δᴸ = a − y.
    return minus(a, y);
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
export const LogLikelihoodCost: Cost = Object.freeze({
  name: "LogLikelihoodCost",
  outputActivations: Object.freeze(["softmax"]) as readonly ActivationName[],
  fn(a: Matrix, y: Matrix, z?: Matrix): number {
    checkSameShape(a, y, "LogLikelihoodCost.fn");
    let s = 0;
    if (z !== undefined) {
      checkSameShape(z, y, "LogLikelihoodCost.fn");
      for (let j = 0; j < z.cols; j++) {
        // ln aᵢ = zᵢ − logsumexp(z), with the column's maximum taken out for stability.
        let max = -Infinity, sumY = 0, yz = 0;
        for (let i = 0; i < z.rows; i++) max = Math.max(max, z.data[i * z.cols + j]!);
        let sumExp = 0;
        for (let i = 0; i < z.rows; i++) {
          const k = i * z.cols + j;
          sumExp += Math.exp(z.data[k]! - max);
          sumY += y.data[k]!;
          yz += y.data[k]! * (z.data[k]! - max);
        }
        s += sumY * Math.log(sumExp) - yz;
      }
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
      let sumY = 0;
      for (let i = 0; i < a.rows; i++) sumY += y.data[i * a.cols + j]!;
      for (let i = 0; i < a.rows; i++) {
        const k = i * a.cols + j;
        out.data[k] = a.data[k]! * sumY - y.data[k]!;
      }
    }
    return out;
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
