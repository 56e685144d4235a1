/**
 * Activation functions, each beside its derivative.
 *
 * @module
 */

import { sigmoidScalar } from "./_kernels.ts";
import { Matrix } from "./matrix.ts";

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
export function sigmoid(z: Matrix): Matrix;
export function sigmoid(z: number | Matrix): number | Matrix {
  if (typeof z === "number") return sigmoidScalar(z);
  return new Matrix(z.rows, z.cols, z.data.map(sigmoidScalar));
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
export function sigmoidPrime(z: Matrix): Matrix;
export function sigmoidPrime(z: number | Matrix): number | Matrix {
  const f = (v: number) => {
    const s = sigmoidScalar(v);
    return s * (1 - s);
  };
  if (typeof z === "number") return f(z);
  return new Matrix(z.rows, z.cols, z.data.map(f));
}
