/**
 * backprop: the network of Michael Nielsen's "Neural Networks and Deep Learning"
 * (`network.py`), in TypeScript for Deno and its Jupyter kernel.
 *
 * This module exports everything. Two parts also have entry points of their own:
 * `@backprop/backprop/data` (MNIST, IDX files, toy datasets) and `@backprop/backprop/display`
 * (the figures and their notebook display).
 *
 * @example Learn XOR
 * ```ts
 * import { Network } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const xor = [
 *   [[0, 0], [1, 0]],
 *   [[0, 1], [0, 1]],
 *   [[1, 0], [0, 1]],
 *   [[1, 1], [1, 0]],
 * ] as const;
 * const net = new Network([2, 4, 2], { seed: 1 });
 * await net.sgd(xor, { epochs: 2000, miniBatchSize: 4, eta: 4, seed: 1 });
 * const test = xor.map(([x, y]) => [x, y.indexOf(1)] as const);
 * assert.equal(net.evaluate(test), 4);
 * ```
 *
 * @module
 */

export * from "./lib/matrix.ts";
export * from "./lib/random.ts";
export * from "./lib/dataset.ts";
export * from "./lib/activations.ts";
export * from "./lib/costs.ts";
export * from "./lib/initializers.ts";
export * from "./lib/history.ts";
export * from "./lib/options.ts";
export * from "./lib/divergence_error.ts";
export * from "./lib/network.ts";
export * from "./lib/layers.ts";
export * from "./lib/network3.ts";
export * from "./lib/serialize.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/display/mod.ts";
export * from "./lib/onnx.ts";
