/**
 * backprop: the network of Michael Nielsen's "Neural Networks and Deep Learning"
 * (`network.py`), in TypeScript for Deno and its Jupyter kernel.
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
export * from "./lib/network.ts";
export * from "./lib/serialize.ts";
export * from "./lib/data/idx.ts";
export * from "./lib/data/mnist.ts";
export * from "./lib/data/toy.ts";
export * from "./lib/displayable.ts";
export * from "./lib/display/figure.ts";
export * from "./lib/display/show.ts";
export * from "./lib/display/history_chart.ts";
export * from "./lib/display/heatmap.ts";
export * from "./lib/display/receptive_fields.ts";
export * from "./lib/display/confusion_matrix.ts";
export * from "./lib/display/digits.ts";
export * from "./lib/display/network_diagram.ts";
export * from "./lib/display/decision_boundary.ts";
export * from "./lib/display/network_summary.ts";
export * from "./lib/display/progress_bar.ts";
export * from "./lib/display/live.ts";
export * from "./lib/display/report.ts";
export * from "./lib/display/replay.ts";
