/**
 * The record of a training run that `sgd` returns: one entry per epoch.
 *
 * @module
 */

import { jupyterDisplay, type MimeBundle } from "./displayable.ts";

/** What `sgd` records after each epoch. Optional fields are present when monitored. */
export interface EpochEntry {
  /** Epoch number, from 0 as in the book's `Epoch 0: …`. */
  readonly epoch: number;
  /**
   * Mean cost over the epoch's mini-batches, measured on each mini-batch during its forward
   * pass (before that mini-batch's update).
   */
  readonly trainingCost: number;
  /** Examples classified correctly in `testData` after the epoch. */
  readonly testCorrect?: number;
  /** Size of `testData`. */
  readonly testTotal?: number;
  /** `testCorrect / testTotal`. */
  readonly testAccuracy?: number;
  /** Wall time of the epoch in seconds (training and evaluation). */
  readonly seconds: number;
  /** The learning rate η used in this epoch (it changes when η is halved). */
  readonly eta?: number;
  /**
   * network2.py's `training_cost` (`monitorTrainingCost`): mean cost over the whole training
   * data after the epoch, with the regularization term.
   */
  readonly fullTrainingCost?: number;
  /** Training examples classified correctly after the epoch (`monitorTrainingAccuracy`). */
  readonly trainingCorrect?: number;
  /** Size of the training data, with `trainingCorrect`. */
  readonly trainingTotal?: number;
  /** `trainingCorrect / trainingTotal`. */
  readonly trainingAccuracy?: number;
  /**
   * network2.py's `evaluation_cost` (`monitorEvaluationCost`): mean cost over the evaluation
   * data after the epoch, with the regularization term.
   */
  readonly evaluationCost?: number;
  /** Evaluation examples classified correctly after the epoch (`monitorEvaluationAccuracy`). */
  readonly evaluationCorrect?: number;
  /** Size of the evaluation data, with `evaluationCorrect`. */
  readonly evaluationTotal?: number;
  /** `evaluationCorrect / evaluationTotal`. */
  readonly evaluationAccuracy?: number;
  /**
   * `‖∂C/∂bˡ‖` for each layer after the input, over the first 1,000 training examples after
   * the epoch (`monitorGradientNorms`): the book's "speed of learning" of each layer (chapter 5).
   */
  readonly gradientNorms?: readonly number[];
  /** `‖∂C/∂wˡ‖` for each layer after the input, measured alike. */
  readonly weightGradientNorms?: readonly number[];
  /** Further monitored series by name (evaluation cost, training accuracy, gradient norms…). */
  readonly [series: string]: number | readonly number[] | undefined;
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
 * h.push({ epoch: 0, trainingCost: 0.09, testCorrect: 9000, testTotal: 10000, testAccuracy: 0.9, seconds: 1.5 });
 * assert.equal(h.length, 1);
 * assert.equal(h.last?.testAccuracy, 0.9);
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
   * h.push({ epoch: 0, trainingCost: 0.5, seconds: 0.1 });
   * assert.equal(h.entries[0]?.trainingCost, 0.5);
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
   * @returns The highest `testAccuracy`, or `undefined` without test data.
   *
   * @example
   * ```ts
   * import { History } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const h = new History();
   * h.push({ epoch: 0, trainingCost: 1, testAccuracy: 0.8, seconds: 1 });
   * h.push({ epoch: 1, trainingCost: 1, testAccuracy: 0.7, seconds: 1 });
   * assert.equal(h.bestAccuracy(), 0.8);
   * ```
   */
  bestAccuracy(): number | undefined {
    let best: number | undefined;
    for (const e of this.entries) {
      if (e.testAccuracy !== undefined && (best === undefined || e.testAccuracy > best)) {
        best = e.testAccuracy;
      }
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
   * h.push({ epoch: 0, trainingCost: 0.25, seconds: 1 });
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
   * h.push({ epoch: 0, trainingCost: 0.25, seconds: 1 });
   * const bundle = await h[jupyterDisplay]();
   * assert.ok("application/vnd.vegalite.v5+json" in bundle);
   * assert.equal(bundle["text/plain"], "History: 1 epoch, training cost 0.25 → 0.25");
   * ```
   */
  async [jupyterDisplay](): Promise<MimeBundle> {
    // Display code sits above the math, which never imports it: it loads only when a
    // notebook shows a history.
    const { historyChart } = await import("./display/history_chart.ts");
    return historyChart(this).bundle();
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
 *   formatEpoch({ epoch: 3, trainingCost: 0.012, testCorrect: 9412, testTotal: 10000, seconds: 2 }),
 *   "Epoch 3: 9412 / 10000 (cost 0.012, 2.0 s)",
 * );
 * ```
 */
export function formatEpoch(e: EpochEntry): string {
  const head = e.testCorrect !== undefined
    ? `Epoch ${e.epoch}: ${e.testCorrect} / ${e.testTotal}`
    : `Epoch ${e.epoch} complete`;
  return `${head} (cost ${Number(e.trainingCost.toPrecision(4))}, ${e.seconds.toFixed(1)} s)`;
}
