/**
 * The error `sgd` throws when training diverges.
 *
 * @module
 */

/**
 * Thrown when training makes the cost or the gradients non-finite (usually η too large).
 * The network keeps its parameters from before the failing mini-batch.
 *
 * @example
 * ```ts
 * import { DivergenceError } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const e = new DivergenceError(2, 17);
 * assert.equal(e.epoch, 2);
 * assert.match(e.message, /epoch 2, mini-batch 17/);
 * ```
 */
export class DivergenceError extends Error {
  /** Epoch of the failing mini-batch, from 0. */
  readonly epoch: number;
  /** Index of the failing mini-batch within its epoch, from 0. */
  readonly batch: number;

  /**
   * Makes the error.
   *
   * @param epoch Epoch of the failing mini-batch.
   * @param batch Index of the mini-batch within the epoch.
   * @param eta The learning rate in use, to name in the message.
   *
   * @example
   * ```ts
   * import { DivergenceError } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DivergenceError(0, 3).batch, 3);
   * ```
   */
  constructor(epoch: number, batch: number, eta?: number) {
    super(
      `Training diverged at epoch ${epoch}, mini-batch ${batch}: the cost, gradient or weights ` +
        `became non-finite; try a smaller eta${
          eta === undefined ? "" : ` than ${eta}`
        } (the network keeps its weights from before this mini-batch)`,
    );
    this.name = "DivergenceError";
    this.epoch = epoch;
    this.batch = batch;
  }
}
