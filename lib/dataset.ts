/**
 * Training and test data in two forms: the book's list of `[x, y]` pairs, and a packed form
 * (all inputs in one typed array) that the loaders return and that trains without allocating
 * per example.
 *
 * @module
 */

import { typeName } from "./_util.ts";

/** An input vector: any list of numbers (a plain array, a typed array, ...). */
export type Vector = ArrayLike<number>;

/**
 * One example in the book's form: `[x, y]` where `x` is the input and `y` is either a target
 * vector (one-hot for classification, as in the book's training data) or a class index (as in
 * the book's test data).
 */
export type Example = readonly [x: Vector, y: Vector | number];

/** Typed arrays that may hold packed inputs; bytes are widened and scaled per mini-batch. */
export type PackedInputs = Uint8Array | Float32Array | Float64Array;

/**
 * A classification dataset packed in typed arrays: example `i` has input
 * `inputs[i * inputSize ... (i + 1) * inputSize) × inputScale` and class `labels[i]`.
 *
 * MNIST's 70,000 images stay bytes (55 MB rather than 440 MB as float64) and are widened one
 * mini-batch at a time.
 */
export interface PackedData {
  /** Number of examples. */
  readonly length: number;
  /** Length of each input vector (784 for MNIST). */
  readonly inputSize: number;
  /** Number of classes; labels are `0 … numClasses - 1`. */
  readonly numClasses: number;
  /** All inputs, example after example. */
  readonly inputs: PackedInputs;
  /** Factor applied to stored input values (1/255 for bytes holding pixels). */
  readonly inputScale: number;
  /** Class index of each example. */
  readonly labels: Uint8Array | Uint16Array | Int32Array;
}

/** Data accepted by training and evaluation: the book's pairs or the packed form. */
export type Data = readonly Example[] | PackedData;

/**
 * Packs arrays of inputs and labels into a {@linkcode PackedData}.
 *
 * @param inputs The input vectors, all of one length.
 * @param labels The class of each input, integers from 0.
 * @param numClasses Number of classes; defaults to the largest label plus one.
 * @returns The packed dataset (inputs as float64, scale 1).
 *
 * @example XOR as packed data
 * ```ts
 * import { packData } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const xor = packData([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
 * assert.equal(xor.length, 4);
 * assert.equal(xor.numClasses, 2);
 * ```
 */
export function packData(
  inputs: readonly Vector[],
  labels: ArrayLike<number>,
  numClasses?: number,
): PackedData {
  if (!Array.isArray(inputs)) {
    throw new TypeError(`Cannot pack data: expected an array of inputs, got ${typeName(inputs)}`);
  }
  if (inputs.length !== labels.length) {
    throw new RangeError(
      `Cannot pack data: ${inputs.length} inputs but ${labels.length} labels, expected as many of each`,
    );
  }
  const n = inputs.length;
  const inputSize = n === 0 ? 0 : inputs[0]!.length;
  let maxLabel = -1;
  const labelArray = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0) {
      throw new RangeError(`Cannot pack data: label ${i} is ${l}, expected an integer ≥ 0`);
    }
    labelArray[i] = l;
    if (l > maxLabel) maxLabel = l;
  }
  const k = numClasses ?? maxLabel + 1;
  if (maxLabel >= k) {
    throw new RangeError(
      `Cannot pack data: label ${maxLabel} is out of range, expected 0 to ${
        k - 1
      } (numClasses ${k})`,
    );
  }
  const packed = new Float64Array(n * inputSize);
  for (let i = 0; i < n; i++) {
    const x = inputs[i]!;
    if (x.length !== inputSize) {
      throw new RangeError(
        `Cannot pack data: input ${i} has length ${x.length}, expected ${inputSize}`,
      );
    }
    for (let j = 0; j < inputSize; j++) packed[i * inputSize + j] = x[j]!;
  }
  return { length: n, inputSize, numClasses: k, inputs: packed, inputScale: 1, labels: labelArray };
}

/**
 * Unpacks data into the book's form: `[x, y]` pairs with `y` one-hot (the book's training
 * data) or, with `oneHot: false`, `y` the class index (the book's test data).
 *
 * @param data The packed dataset.
 * @param options `oneHot` (default `true`) chooses the form of `y`.
 * @returns A new array of `[Float64Array, Float64Array | number]` pairs.
 *
 * @example
 * ```ts
 * import { packData, toPairs } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = packData([[0.5, 1]], [1], 3);
 * const [x, y] = toPairs(data)[0]!;
 * assert.deepEqual(Array.from(x), [0.5, 1]);
 * assert.deepEqual(Array.from(y as Float64Array), [0, 1, 0]);
 * assert.equal(toPairs(data, { oneHot: false })[0]![1], 1);
 * ```
 */
export function toPairs(
  data: PackedData,
  options: { oneHot?: boolean } = {},
): [Float64Array, Float64Array | number][] {
  const oneHot = options.oneHot ?? true;
  const out: [Float64Array, Float64Array | number][] = [];
  for (let i = 0; i < data.length; i++) {
    const x = new Float64Array(data.inputSize);
    const off = i * data.inputSize;
    for (let j = 0; j < data.inputSize; j++) x[j] = data.inputs[off + j]! * data.inputScale;
    const label = data.labels[i]!;
    if (oneHot) {
      const y = new Float64Array(data.numClasses);
      y[label] = 1;
      out.push([x, y]);
    } else {
      out.push([x, label]);
    }
  }
  return out;
}

/**
 * Takes examples `start … end - 1` of a packed dataset without copying the inputs.
 *
 * @param data The packed dataset.
 * @param start First example (inclusive).
 * @param end Last example (exclusive); defaults to the end.
 * @returns A packed dataset viewing the same memory.
 *
 * @example The book's split of MNIST's 60,000 training images
 * ```ts
 * import { packData, slice } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = packData([[0], [1], [2], [3]], [0, 1, 0, 1]);
 * assert.equal(slice(data, 1, 3).length, 2);
 * assert.equal(slice(data, 3).labels[0], 1);
 * ```
 */
export function slice(data: PackedData, start: number, end: number = data.length): PackedData {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > data.length) {
    throw new RangeError(
      `Cannot slice data: range ${start} to ${end} is outside 0 to ${data.length}`,
    );
  }
  const s = Math.min(start, end);
  return {
    length: end - s,
    inputSize: data.inputSize,
    numClasses: data.numClasses,
    inputs: data.inputs.subarray(s * data.inputSize, end * data.inputSize),
    inputScale: data.inputScale,
    labels: data.labels.subarray(s, end),
  };
}

/**
 * Tells packed data from the book's list of pairs.
 *
 * @param data Either form.
 * @returns `true` for {@linkcode PackedData}.
 *
 * @example
 * ```ts
 * import { isPacked, packData } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isPacked(packData([[1]], [0])), true);
 * assert.equal(isPacked([[[1], 0]]), false);
 * ```
 */
export function isPacked(data: Data): data is PackedData {
  return !Array.isArray(data);
}
