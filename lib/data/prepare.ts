/**
 * Preparing one's own data for training: a seeded split into training and test sets, and
 * standardisation of each input with the training set's mean and spread.
 *
 * @module
 */

import { typeName } from "../_util.ts";
import { checkNumber, checkOptions, checkSeed } from "../_validate.ts";
import { isPacked, type PackedData } from "../dataset.ts";
import { Random } from "../random.ts";

/** Options for {@linkcode splitData}. */
export interface SplitOptions {
  /** The share of examples that go to the test set, between 0 and 1; default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle; the same seed gives the same split. */
  seed?: number;
  /** A generator to shuffle with (instead of `seed`). */
  rng?: Random;
}

/** Data split in two by {@linkcode splitData}. */
export interface Split {
  /** The examples to train on. */
  readonly training: PackedData;
  /** The examples kept apart to measure the trained network. */
  readonly test: PackedData;
}

/** Each input's mean and standard deviation over a training set. */
export interface Standardization {
  /** Mean of each input, `inputSize` numbers. */
  readonly mean: Float64Array;
  /** Standard deviation of each input (1 where an input never changes). */
  readonly std: Float64Array;
}

/**
 * Shuffles the examples with a seeded generator and splits them: `round(testFraction × n)`
 * for the test set, the rest for training, each set in shuffled order. The data is copied;
 * inputs keep their type and scale.
 *
 * @param data The packed data (from {@linkcode loadCsv}, for example).
 * @param options `testFraction` (default 0.2), `seed` or `rng`.
 * @returns The `training` and `test` sets, both non-empty.
 *
 * @example
 * ```ts
 * import { packData, splitData } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = packData([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
 * const { training, test } = splitData(data, { testFraction: 0.3, seed: 1 });
 * assert.deepEqual([training.length, test.length], [7, 3]);
 * const again = splitData(data, { testFraction: 0.3, seed: 1 });
 * assert.deepEqual(again.test.inputs, test.inputs);
 * ```
 */
export function splitData(data: PackedData, options: SplitOptions = {}): Split {
  const where = "Cannot split data";
  checkPacked(data, where);
  const o = checkOptions(options, where, "an object such as { seed: 1 }", [
    "testFraction",
    "seed",
    "rng",
  ]);
  const fraction = o.testFraction === undefined
    ? 0.2
    : checkNumber(o.testFraction, "testFraction", where, {
      min: 0,
      max: 1,
      minOpen: true,
      maxOpen: true,
    });
  const seed = checkSeed(o.seed, where);
  if (o.rng !== undefined && !(o.rng instanceof Random)) {
    throw new TypeError(`${where}: rng is ${typeName(o.rng)}, expected a Random`);
  }
  const nTest = Math.round(fraction * data.length);
  if (nTest < 1 || nTest >= data.length) {
    throw new RangeError(
      `${where}: a test fraction of ${fraction} of ${data.length} examples leaves ${nTest} for testing and ${
        data.length - nTest
      } for training, expected at least one each`,
    );
  }
  const rng = (o.rng as Random | undefined) ?? new Random(seed);
  const order = rng.shuffle(Array.from({ length: data.length }, (_, i) => i));
  return { test: pick(data, order.slice(0, nTest)), training: pick(data, order.slice(nTest)) };
}

/**
 * Each input's mean and standard deviation (dividing by n) over a training set, to
 * standardise every set with (see {@linkcode standardize}). Compute it on the training set
 * alone: test data that shaped the scaling would no longer be unseen.
 *
 * @param training The training set.
 * @returns `mean` and `std`, `inputSize` numbers each; `std` is 1 for a constant input.
 *
 * @example
 * ```ts
 * import { packData, standardization } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const { mean, std } = standardization(packData([[1, 5], [3, 5]], [0, 1]));
 * assert.deepEqual([...mean], [2, 5]);
 * assert.deepEqual([...std], [1, 1]);
 * ```
 */
export function standardization(training: PackedData): Standardization {
  const where = "Cannot compute standardization";
  checkPacked(training, where);
  if (training.length === 0) throw new RangeError(`${where}: the data is empty`);
  const { length: n, inputSize: k, inputs, inputScale } = training;
  const mean = new Float64Array(k), std = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) mean[j] = mean[j]! + inputs[i * k + j]! * inputScale;
  }
  for (let j = 0; j < k; j++) mean[j] = mean[j]! / n;
  // Two passes: the sum of squared deviations, not E[x²] − E[x]², which cancels badly.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const d = inputs[i * k + j]! * inputScale - mean[j]!;
      std[j] = std[j]! + d * d;
    }
  }
  for (let j = 0; j < k; j++) {
    const s = Math.sqrt(std[j]! / n);
    std[j] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/**
 * Standardises each input: `(x − mean) / std`, with the mean and spread of the training set
 * ({@linkcode standardization}), so that every input has mean 0 and spread 1 there.
 *
 * @param data Any set with the training set's inputs.
 * @param s The training set's `mean` and `std`.
 * @returns A new packed set with float64 inputs (scale 1), the labels shared.
 *
 * @example
 * ```ts
 * import { packData, standardization, standardize } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const training = packData([[1], [3]], [0, 1]);
 * const s = standardization(training);
 * assert.deepEqual([...standardize(training, s).inputs], [-1, 1]);
 * assert.deepEqual([...standardize(packData([[4]], [0]), s).inputs], [2]);
 * ```
 */
export function standardize(data: PackedData, s: Standardization): PackedData {
  const where = "Cannot standardize";
  checkPacked(data, where);
  const k = data.inputSize;
  if (
    s === null || typeof s !== "object" || !(s.mean instanceof Float64Array) ||
    !(s.std instanceof Float64Array) || s.mean.length !== k || s.std.length !== k
  ) {
    throw new TypeError(
      `${where}: expected the mean and std of ${k} inputs (from standardization), got ${
        typeName(s)
      }`,
    );
  }
  const out = new Float64Array(data.length * k);
  for (let i = 0; i < data.length; i++) {
    for (let j = 0; j < k; j++) {
      out[i * k + j] = (data.inputs[i * k + j]! * data.inputScale - s.mean[j]!) / s.std[j]!;
    }
  }
  return { ...data, inputs: out, inputScale: 1 };
}

function checkPacked(data: unknown, where: string): asserts data is PackedData {
  if (
    data === null || typeof data !== "object" || !isPacked(data as PackedData) ||
    !ArrayBuffer.isView((data as PackedData).inputs)
  ) {
    throw new TypeError(`${where}: data is ${typeName(data)}, expected packed data`);
  }
}

/** The examples at `indices`, copied into new arrays of the same types. */
function pick(data: PackedData, indices: readonly number[]): PackedData {
  const k = data.inputSize;
  const inputs = new (data.inputs.constructor as new (n: number) => typeof data.inputs)(
    indices.length * k,
  );
  const labels = new (data.labels.constructor as new (n: number) => typeof data.labels)(
    indices.length,
  );
  indices.forEach((from, to) => {
    inputs.set(data.inputs.subarray(from * k, (from + 1) * k), to * k);
    labels[to] = data.labels[from]!;
  });
  return { ...data, length: indices.length, inputs, labels };
}
