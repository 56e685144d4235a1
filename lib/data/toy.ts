/**
 * Small seeded 2-D classification datasets for trying a network by hand: XOR, two moons,
 * circles and spirals. Points take turns between the classes, so any prefix of a dataset is
 * close to balanced.
 *
 * @module
 */

import { typeName } from "../_util.ts";
import type { PackedData } from "../dataset.ts";
import { Random } from "../random.ts";

/** Options shared by the toy datasets. */
export interface ToyOptions {
  /** Seed for the points; the same seed gives the same dataset. */
  seed?: number;
  /** A generator to draw the points from (instead of `seed`). */
  rng?: Random;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
}

/** Options for {@linkcode circles}. */
export interface CirclesOptions extends ToyOptions {
  /** Radius of the inner circle, the outer one having radius 1; default 0.5. */
  factor?: number;
}

/** Options for {@linkcode spiral}. */
export interface SpiralOptions extends ToyOptions {
  /** Number of arms, one class each; default 3. */
  arms?: number;
  /** Turns each arm makes from the centre to radius 1; default 0.75. */
  turns?: number;
}

/**
 * XOR: points near the corners of the unit square, class 1 where exactly one coordinate is 1.
 *
 * @param n Number of points, spread evenly over the four corners.
 * @param options `seed` or `rng`, and `noise` (default 0.1).
 * @returns `n` points with 2 inputs and 2 classes.
 *
 * @example
 * ```ts
 * import { xor } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = xor(8, { seed: 1, noise: 0 });
 * assert.deepEqual(Array.from(data.inputs.subarray(0, 8)), [0, 0, 0, 1, 1, 0, 1, 1]);
 * assert.deepEqual(Array.from(data.labels.subarray(0, 4)), [0, 1, 1, 0]);
 * ```
 */
export function xor(n: number, options: ToyOptions = {}): PackedData {
  const { rng, noise } = setup("xor", n, options, 0.1);
  const inputs = new Float64Array(2 * n), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = (i >> 1) & 1, b = i & 1;
    inputs[2 * i] = a + noise * rng.gaussian();
    inputs[2 * i + 1] = b + noise * rng.gaussian();
    labels[i] = a ^ b;
  }
  return packed(inputs, labels, 2);
}

/**
 * Two interleaving half circles: class 0 on the upper arc of the unit circle, class 1 on the
 * lower arc of the unit circle centred at (1, 0.5).
 *
 * @param n Number of points, alternating between the moons.
 * @param options `seed` or `rng`, and `noise` (default 0.1).
 * @returns `n` points with 2 inputs and 2 classes.
 *
 * @example Without noise the points lie on their arcs
 * ```ts
 * import { moons } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = moons(100, { seed: 1, noise: 0 });
 * const [x, y] = data.inputs;
 * assert.equal(data.labels[0], 0);
 * assert.ok(Math.abs(Math.hypot(x!, y!) - 1) < 1e-12);
 * ```
 */
export function moons(n: number, options: ToyOptions = {}): PackedData {
  const { rng, noise } = setup("moons", n, options, 0.1);
  const inputs = new Float64Array(2 * n), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.uniform(), c = i & 1;
    const x = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const y = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    inputs[2 * i] = x + noise * rng.gaussian();
    inputs[2 * i + 1] = y + noise * rng.gaussian();
    labels[i] = c;
  }
  return packed(inputs, labels, 2);
}

/**
 * Two concentric circles: class 0 on the outer circle (radius 1), class 1 on the inner one
 * (radius `factor`), both centred at the origin.
 *
 * @param n Number of points, alternating between the circles.
 * @param options `seed` or `rng`, `noise` (default 0.05) and `factor` (default 0.5).
 * @returns `n` points with 2 inputs and 2 classes.
 *
 * @example
 * ```ts
 * import { circles } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = circles(2, { seed: 1, noise: 0, factor: 0.3 });
 * const r = (i: number) => Math.hypot(data.inputs[2 * i]!, data.inputs[2 * i + 1]!);
 * assert.ok(Math.abs(r(0) - 1) < 1e-12);
 * assert.ok(Math.abs(r(1) - 0.3) < 1e-12);
 * ```
 */
export function circles(n: number, options: CirclesOptions = {}): PackedData {
  const where = "Cannot make circles";
  const factor = options.factor ?? 0.5;
  if (typeof factor !== "number" || !(factor > 0 && factor < 1)) {
    throw new RangeError(`${where}: factor is ${String(factor)}, expected a number in (0, 1)`);
  }
  const { rng, noise } = setup("circles", n, options, 0.05);
  const inputs = new Float64Array(2 * n), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.uniform(), c = i & 1, r = c === 0 ? 1 : factor;
    inputs[2 * i] = r * Math.cos(t) + noise * rng.gaussian();
    inputs[2 * i + 1] = r * Math.sin(t) + noise * rng.gaussian();
    labels[i] = c;
  }
  return packed(inputs, labels, 2);
}

/**
 * Spiral arms around the origin, one class per arm: a point of arm `k` at radius `r` in
 * `[0, 1)` has angle `2π (k / arms + turns · r)`.
 *
 * @param n Number of points, taking turns between the arms.
 * @param options `seed` or `rng`, `noise` (default 0.02), `arms` (default 3) and `turns`
 * (default 0.75).
 * @returns `n` points with 2 inputs and `arms` classes.
 *
 * @example Three arms
 * ```ts
 * import { spiral } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = spiral(300, { seed: 1 });
 * assert.equal(data.numClasses, 3);
 * assert.deepEqual(Array.from(data.labels.subarray(0, 4)), [0, 1, 2, 0]);
 * ```
 */
export function spiral(n: number, options: SpiralOptions = {}): PackedData {
  const where = "Cannot make spiral";
  const arms = options.arms ?? 3;
  const turns = options.turns ?? 0.75;
  if (!Number.isInteger(arms) || arms < 2 || arms > 255) {
    throw new RangeError(`${where}: arms is ${String(arms)}, expected an integer from 2 to 255`);
  }
  if (typeof turns !== "number" || !Number.isFinite(turns)) {
    throw new RangeError(`${where}: turns is ${String(turns)}, expected a finite number`);
  }
  const { rng, noise } = setup("spiral", n, options, 0.02);
  const inputs = new Float64Array(2 * n), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % arms, r = rng.uniform();
    const t = 2 * Math.PI * (k / arms + turns * r);
    inputs[2 * i] = r * Math.cos(t) + noise * rng.gaussian();
    inputs[2 * i + 1] = r * Math.sin(t) + noise * rng.gaussian();
    labels[i] = k;
  }
  return packed(inputs, labels, arms);
}

/** Checks the arguments every toy dataset takes and returns the generator and noise. */
function setup(
  name: string,
  n: unknown,
  options: ToyOptions,
  defaultNoise: number,
): { rng: Random; noise: number } {
  const where = `Cannot make ${name}`;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`${where}: n is ${typeName(n)} ${String(n)}, expected an integer ≥ 1`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where}: options is ${typeName(options)}, expected an object`);
  }
  const noise = options.noise ?? defaultNoise;
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`${where}: noise is ${String(noise)}, expected a finite number ≥ 0`);
  }
  const { seed, rng } = options;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new TypeError(
      `${where}: seed is ${typeName(seed)} ${String(seed)}, expected a finite number`,
    );
  }
  if (rng !== undefined && !(rng instanceof Random)) {
    throw new TypeError(`${where}: rng is ${typeName(rng)}, expected a Random`);
  }
  return { rng: rng ?? new Random(seed), noise };
}

function packed(inputs: Float64Array, labels: Uint8Array, numClasses: number): PackedData {
  return { length: labels.length, inputSize: 2, numClasses, inputs, inputScale: 1, labels };
}
