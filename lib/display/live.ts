/**
 * Live training display: a progress bar and the cost curve that redraw in place in a
 * notebook while `sgd` runs, or a progress bar on stderr in a terminal.
 *
 * @module
 */

import type { MimeBundle } from "../displayable.ts";
import type { Progress } from "../history.ts";
import { round } from "./_color.ts";
import { jupyterKernel, type JupyterSink, sendDisplay } from "./_jupyter.ts";
import { checkFigureOptions, titleOf } from "./_options.ts";
import { Figure, type FigureOptions } from "./figure.ts";
import { historyChart } from "./history_chart.ts";
import {
  formatDuration,
  formatProgress,
  terminalProgress,
  type TerminalProgressOptions,
  type TrainingCallbacks,
} from "./progress_bar.ts";

export type { JupyterSink } from "./_jupyter.ts";

/** Options for {@linkcode liveTraining}. */
export interface LiveTrainingOptions extends FigureOptions {
  /** Minimum milliseconds between redraws in a notebook; default 250 (at most 4 a second). */
  interval?: number;
  /**
   * Largest share of the run's time that redrawing may take, default 0.05: after a redraw
   * that took `t` ms, training runs at least `t · (1 − budget) / budget` ms before the next.
   */
  budget?: number;
  /**
   * Where display messages go; default Deno's Jupyter kernel when running in one. Giving a
   * sink selects the notebook display even outside a kernel.
   */
  sink?: JupyterSink;
  /** Outside a notebook: options of the terminal progress bar, or `false` for none. */
  terminal?: TerminalProgressOptions | false;
}

/** What {@linkcode liveTraining} returns: `sgd` callbacks, and where they draw. */
export interface LiveTraining extends TrainingCallbacks {
  /**
   * `"notebook"`, `"terminal"` or `"off"`. Not enumerable, so that spreading the result
   * into `sgd`'s options passes only the callbacks (`sgd` refuses options it does not know).
   */
  readonly mode: "notebook" | "terminal" | "off";
}

/** The callbacks with their `mode`, which `{ ...live }` leaves out. */
function withMode(callbacks: TrainingCallbacks, mode: LiveTraining["mode"]): LiveTraining {
  return Object.defineProperty({ ...callbacks }, "mode", {
    value: mode,
    enumerable: false,
  }) as LiveTraining;
}

/** One point of the live cost curve. */
interface Sample {
  epoch: number;
  cost: number;
}

const MAX_SAMPLES = 600;

/** The live view: progress bar over the cost curve, as a vega-lite figure. */
function liveFigure(
  p: Progress,
  samples: Sample[],
  title: string | undefined,
  width: number,
  height: number,
): Figure {
  const done = (p.epoch + p.batch / Math.max(1, p.batches)) / p.epochs;
  const label = formatProgress(p, 0);
  const finite = (s: Sample) => Number.isFinite(s.cost);
  const ends = p.history.entries
    .map((e) => ({ epoch: e.epoch + 1, cost: round(e.runningCost) }))
    .filter(finite);
  // The mini-batch costs as a line, the ends of epochs as points. vega takes a scale's
  // domain from every layer's data and warns of an "Infinite extent" for a layer with none
  // (no epoch has ended on the first redraws): a layer is drawn only with data, and with
  // none at all the cost axis gets a domain of its own.
  const layers = [
    // A copy: the run goes on adding samples after this redraw.
    {
      data: { values: samples.filter(finite) },
      mark: { type: "line", color: "#9ecae1", tooltip: true },
    },
    {
      data: { values: ends },
      mark: { type: "point", filled: true, color: "#4c78a8", tooltip: true },
    },
  ].filter((l) => l.data.values.length > 0);
  return new Figure(formatProgress(p), () => ({
    vegaLite: {
      ...titleOf(title),
      vconcat: [
        {
          width,
          height: 16,
          data: { values: [{ start: 0, done, end: 1, label }] },
          layer: [
            {
              mark: { type: "bar", color: "#e6e6e6", height: 16 },
              encoding: {
                x: { field: "start", type: "quantitative", scale: { domain: [0, 1] }, axis: null },
                x2: { field: "end" },
              },
            },
            {
              mark: { type: "bar", color: "#4c78a8", height: 16 },
              encoding: {
                x: { field: "start", type: "quantitative", scale: { domain: [0, 1] }, axis: null },
                x2: { field: "done" },
              },
            },
          ],
          title: { text: label, fontSize: 12, fontWeight: "normal", anchor: "start" },
        },
        {
          width,
          height,
          encoding: {
            x: {
              field: "epoch",
              type: "quantitative",
              title: "epoch",
              scale: { domain: [0, p.epochs] },
            },
            y: {
              field: "cost",
              type: "quantitative",
              title: "running cost (mini-batches)",
              scale: layers.length > 0 ? { zero: false } : { domain: [0, 1] },
            },
          },
          layer: layers.length > 0 ? layers : [{ data: { values: [] }, mark: "point" }],
        },
      ],
    },
  }));
}

/**
 * Live progress for `sgd`: spread the result into its options. In a notebook a progress bar
 * (epoch, mini-batch, examples per second, time left) above the cost curve appears and
 * redraws in place through a `display_id` at most a few times a second, then turns into the
 * run's history chart when training ends. Each redraw goes out before training resumes, so
 * the front-end follows the run. In a terminal the same call draws {@linkcode terminalProgress}
 * on stderr.
 *
 * A redraw (vega-lite spec, SVG, text) costs a few tens of milliseconds; redraws are spaced
 * so that they take at most `budget` (5%) of the run.
 *
 * @param options `title`, `width`, `height` of the chart, `interval`, `budget`, `sink`,
 *   `terminal`.
 * @returns `onProgress` and `onEpoch` for `sgd`, and the `mode` in use.
 *
 * @example Recording the display messages
 * ```ts
 * import { liveTraining, Network } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const messages: string[] = [];
 * const sink = { broadcast: async (type: string) => void messages.push(type) };
 * const net = new Network([2, 2], { seed: 1 });
 * await net.sgd([[[0, 1], [1, 0]]], {
 *   epochs: 3, miniBatchSize: 1, eta: 1, ...liveTraining({ sink }),
 * });
 * assert.equal(messages[0], "display_data");
 * assert.equal(messages.at(-1), "update_display_data");
 * ```
 */
export function liveTraining(options: LiveTrainingOptions = {}): LiveTraining {
  const where = "Cannot show live training";
  const { title, width, height } = checkFigureOptions(
    options,
    where,
    { width: 420, height: 160 },
    ["interval", "budget", "sink", "terminal"],
  );
  const interval = options.interval ?? 250;
  const budget = options.budget ?? 0.05;
  if (typeof interval !== "number" || !(interval >= 0)) {
    throw new RangeError(`${where}: interval is ${String(interval)}, expected a number ≥ 0`);
  }
  if (typeof budget !== "number" || !(budget > 0 && budget <= 1)) {
    throw new RangeError(`${where}: budget is ${String(budget)}, expected a number in (0, 1]`);
  }
  const sink = options.sink ?? jupyterKernel();
  if (sink === undefined) {
    if (options.terminal === false) {
      return withMode({ onProgress() {}, onEpoch() {} }, "off");
    }
    return withMode(terminalProgress(options.terminal ?? {}), "terminal");
  }

  let displayId = "";
  let samples: Sample[] = [];
  let lastSeen = Infinity;
  let next = 0;
  const draw = async (bundle: MimeBundle, update: boolean) => {
    await sendDisplay(bundle, { displayId, update, sink });
  };
  return withMode({
    async onProgress(p) {
      const start = performance.now();
      const fresh = p.examplesSeen < lastSeen;
      lastSeen = p.done ? Infinity : p.examplesSeen;
      if (fresh) {
        // A new run: a new output.
        displayId = `backprop-live-${crypto.randomUUID()}`;
        samples = [];
        next = 0;
      }
      samples.push({
        epoch: round(p.epoch + p.batch / Math.max(1, p.batches)),
        cost: round(p.cost),
      });
      if (samples.length > MAX_SAMPLES) samples = samples.filter((_, i) => i % 2 === 0);
      if (p.done) {
        const seconds = p.examplesPerSecond > 0 ? p.examplesSeen / p.examplesPerSecond : 0;
        const chart = historyChart(p.history, {
          title: `${title === undefined ? "" : `${title}: `}${p.epochs} epochs in ${
            formatDuration(seconds)
          }`,
          width,
          height,
        });
        await draw(await chart.bundle(), !fresh);
        return;
      }
      if (!fresh && start < next) return;
      await draw(await liveFigure(p, samples, title, width, height).bundle(), !fresh);
      // Keep redrawing under `budget` of the time: after a redraw of `took` ms, train for at
      // least took·(1 − budget)/budget ms. The first redraw of a session also loads vega:
      // leave it out.
      const end = performance.now();
      const took = fresh ? 0 : end - start;
      next = end + Math.max(interval, (took * (1 - budget)) / budget);
    },
    onEpoch() {},
  }, "notebook");
}
