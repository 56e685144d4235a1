/**
 * The record of a training run that `sgd` returns: one entry per epoch.
 *
 * @module
 */

import { afterMacrotask } from "./_util.ts";
import { jupyterDisplay, type MimeBundle } from "./displayable.ts";

/**
 * How the network did on one data set after an epoch. `total` is always there; the other
 * fields are there when the options asked for them.
 */
export interface Measured {
  /** Size of the data set. */
  readonly total: number;
  /** Examples classified correctly (the book's `Epoch j: correct / total`). */
  readonly correct?: number;
  /** `correct / total`. */
  readonly accuracy?: number;
  /**
   * Mean cost per example over the data set, with the regularization term of network2.py's
   * `total_cost` (whose n is the size of the data measured).
   */
  readonly cost?: number;
}

/** `‖∂C/∂bˡ‖` and `‖∂C/∂wˡ‖` of each layer after the input (`monitorGradientNorms`). */
export interface GradientNorms {
  /**
   * `‖∂C/∂bˡ‖` for each layer after the input, of the mean gradient over the first 1,000
   * training examples after the epoch: the book's "speed of learning" of each layer
   * (chapter 5).
   */
  readonly biases: readonly number[];
  /** `‖∂C/∂wˡ‖` for each layer after the input, measured alike. */
  readonly weights: readonly number[];
}

/**
 * What `sgd` records after each epoch: the running cost, and one {@linkcode Measured} per data
 * set that was measured.
 */
export interface EpochEntry {
  /** Epoch number, from 0 as in the book's `Epoch 0: …`. */
  readonly epoch: number;
  /**
   * Mean cost over the epoch's mini-batches, each measured during its own forward pass
   * (before its update) and without the regularization term: free to compute, but not
   * network2.py's `training_cost`, which is `training.cost` (`monitorTrainingCost`).
   */
  readonly runningCost: number;
  /** Wall time of the epoch in seconds (training and evaluation). */
  readonly seconds: number;
  /** The learning rate η used in this epoch (it changes when η is halved). */
  readonly eta?: number;
  /** The book's `test_data` after the epoch: `correct`, `total`, `accuracy`. */
  readonly test?: Measured;
  /**
   * network2.py's `evaluation_data` (validation data): `cost` with `monitorEvaluationCost`,
   * `correct` and `accuracy` with `monitorEvaluationAccuracy` (or a schedule).
   */
  readonly evaluation?: Measured;
  /**
   * The whole training data after the epoch: `cost` with `monitorTrainingCost` (network2.py's
   * `training_cost`), `correct` and `accuracy` with `monitorTrainingAccuracy`.
   */
  readonly training?: Measured;
  /** Gradient norms per layer, with `monitorGradientNorms`. */
  readonly gradientNorms?: GradientNorms;
}

/** Progress within a training run, passed to `onProgress` a few times a second. */
export interface Progress {
  /** Current epoch, from 0. */
  readonly epoch: number;
  /** Number of epochs in the run. */
  readonly epochs: number;
  /** Mini-batches done in this epoch. */
  readonly batch: number;
  /** Mini-batches per epoch. */
  readonly batches: number;
  /** Examples trained on since the start of the run. */
  readonly examplesSeen: number;
  /** Examples per second since the start of the run. */
  readonly examplesPerSecond: number;
  /** Estimated seconds to the end of the run. */
  readonly etaSeconds: number;
  /** Mean cost per example so far in this epoch. */
  readonly cost: number;
  /** Entries of the epochs finished so far. */
  readonly history: History;
  /** `true` on the run's last report, also when early stopping or η halving ends it. */
  readonly done: boolean;
}

/**
 * The per-epoch history of a training run.
 *
 * @example
 * ```ts
 * import { History } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const h = new History();
 * h.push({
 *   epoch: 0,
 *   runningCost: 0.09,
 *   seconds: 1.5,
 *   test: { correct: 9000, total: 10000, accuracy: 0.9 },
 * });
 * assert.equal(h.length, 1);
 * assert.equal(h.last?.test?.accuracy, 0.9);
 * assert.match(h.toString(), /Epoch 0: 9000 \/ 10000/);
 * ```
 */
export class History {
  /** The entries, epoch by epoch. */
  readonly entries: EpochEntry[] = [];
  /**
   * Why training stopped before its last epoch (early stopping, or η halved down to its
   * floor), or `undefined` when it ran every epoch.
   */
  stopReason: string | undefined = undefined;

  /**
   * Appends an epoch's entry.
   *
   * @param entry The entry.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const h = new History();
   * h.push({ epoch: 0, runningCost: 0.5, seconds: 0.1 });
   * assert.equal(h.entries[0]?.runningCost, 0.5);
   * ```
   */
  push(entry: EpochEntry): void {
    this.entries.push(entry);
  }

  /**
   * Number of epochs recorded.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new History().length, 0);
   * ```
   */
  get length(): number {
    return this.entries.length;
  }

  /**
   * The last entry, if any.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new History().last, undefined);
   * ```
   */
  get last(): EpochEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /**
   * The best test accuracy over all epochs, as the book reports its results.
   *
   * @returns The highest `test.accuracy`, or `undefined` without test data.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const h = new History();
   * h.push({ epoch: 0, runningCost: 1, seconds: 1, test: { total: 10, correct: 8, accuracy: 0.8 } });
   * h.push({ epoch: 1, runningCost: 1, seconds: 1, test: { total: 10, correct: 7, accuracy: 0.7 } });
   * assert.equal(h.bestAccuracy(), 0.8);
   * ```
   */
  bestAccuracy(): number | undefined {
    let best: number | undefined;
    for (const e of this.entries) {
      const a = e.test?.accuracy;
      if (a !== undefined && (best === undefined || a > best)) best = a;
    }
    return best;
  }

  /**
   * The book's lines, `Epoch j: k / n` (or `Epoch j complete`), one per epoch.
   *
   * @returns The lines joined by newlines.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const h = new History();
   * h.push({ epoch: 0, runningCost: 0.25, seconds: 1 });
   * assert.equal(h.toString(), "Epoch 0 complete (cost 0.25, 1.0 s)");
   * ```
   */
  toString(): string {
    return this.entries.map(formatEpoch).join("\n");
  }

  /**
   * What a notebook shows for a history: the chart of cost and accuracy per epoch (see
   * `historyChart`).
   *
   * @returns A promise of the MIME bundle: vega-lite chart, SVG and summary.
   *
   * @example
   * ```ts
   * import { History, jupyterDisplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const h = new History();
   * h.push({ epoch: 0, runningCost: 0.25, seconds: 1 });
   * const bundle = await h[jupyterDisplay]();
   * assert.ok("application/vnd.vegalite.v5+json" in bundle);
   * assert.equal(bundle["text/plain"], "History: 1 epoch, running cost 0.25 → 0.25");
   * ```
   */
  async [jupyterDisplay](): Promise<MimeBundle> {
    // Display code sits above the math, which never imports it: it loads only when a
    // notebook shows a history.
    // A bundle ready at once may be filed under the next cell by Deno's kernel: see
    // afterMacrotask.
    const { historyChart } = await import("./display/history_chart.ts");
    return afterMacrotask(historyChart(this).bundle());
  }
}

/**
 * One epoch as the book prints it: `Epoch 3: 9412 / 10000`, with cost and time.
 *
 * @param e The entry.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { formatEpoch } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatEpoch({
 *     epoch: 3,
 *     runningCost: 0.012,
 *     seconds: 2,
 *     test: { correct: 9412, total: 10000 },
 *   }),
 *   "Epoch 3: 9412 / 10000 (cost 0.012, 2.0 s)",
 * );
 * ```
 */
export function formatEpoch(e: EpochEntry): string {
  const head = e.test?.correct !== undefined
    ? `Epoch ${e.epoch}: ${e.test.correct} / ${e.test.total}`
    : `Epoch ${e.epoch} complete`;
  return `${head} (cost ${Number(e.runningCost.toPrecision(4))}, ${e.seconds.toFixed(1)} s)`;
}
