/**
 * The chart of a training run: cost and accuracy per epoch, training against test.
 *
 * @module
 */

import type { History } from "../history.ts";
import { typeName } from "../_util.ts";
import { round } from "./_color.ts";
import { checkFigureOptions, titleOf } from "./_options.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode historyChart}. */
export interface HistoryChartOptions extends FigureOptions {
  /** Plot the cost on a logarithmic axis (default `false`). */
  logCost?: boolean;
  /** Line colours for the data sets, in the order training, test, then any other. */
  colors?: readonly string[];
}

/** One point of the chart: a metric of one data set after one epoch. */
interface Point {
  epoch: number;
  metric: "cost" | "accuracy";
  set: string;
  value: number;
}

const DEFAULT_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2"];

/** The points of a history: the running cost, and each data set's cost and accuracy. */
function pointsOf(history: History): Point[] {
  const points: Point[] = [];
  for (const e of history.entries) {
    const add = (metric: Point["metric"], set: string, value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value)) {
        points.push({ epoch: e.epoch, metric, set, value: round(value) });
      }
    };
    add("cost", "training", e.runningCost);
    for (const set of ["test", "evaluation", "training"] as const) {
      add("cost", set === "training" ? "fullTraining" : set, e[set]?.cost);
      add("accuracy", set, e[set]?.accuracy);
    }
  }
  return points;
}

function panel(
  metric: "cost" | "accuracy",
  points: Point[],
  epochs: number[],
  sets: string[],
  colors: readonly string[],
  width: number,
  height: number,
  log: boolean,
): Record<string, unknown> {
  const accuracy = metric === "accuracy";
  return {
    width,
    height,
    data: { values: points.filter((p) => p.metric === metric) },
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        // Whole epochs only: every epoch for short runs, round steps for long ones.
        axis: epochs.length <= 20
          ? { values: epochs, format: "d" }
          : { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: accuracy ? "accuracy" : "cost",
        scale: accuracy ? { zero: false } : log ? { type: "log" } : { zero: false },
        axis: accuracy ? { format: ".0%" } : {},
      },
      color: {
        field: "set",
        type: "nominal",
        title: "data",
        scale: { domain: sets, range: sets.map((_, i) => colors[i % colors.length]) },
      },
      tooltip: [
        { field: "epoch", type: "quantitative" },
        { field: "set", type: "nominal", title: "data" },
        { field: "value", type: "quantitative", title: metric, format: accuracy ? ".2%" : ".4g" },
      ],
    },
  };
}

function summary(history: History): string {
  const n = history.length;
  if (n === 0) return "History: no epochs yet";
  const first = history.entries[0]!, last = history.last!;
  const parts = [
    `History: ${n} epoch${n === 1 ? "" : "s"}`,
    `training cost ${round(first.runningCost)} → ${round(last.runningCost)}`,
  ];
  let best: { epoch: number; acc: number } | undefined;
  for (const e of history.entries) {
    const acc = e.test?.accuracy;
    if (acc !== undefined && (best === undefined || acc > best.acc)) best = { epoch: e.epoch, acc };
  }
  if (best !== undefined) {
    parts.push(`best test accuracy ${(100 * best.acc).toFixed(2)}% (epoch ${best.epoch})`);
  }
  return parts.join(", ");
}

/**
 * A chart of a training run: cost per epoch above, accuracy per epoch below, one line per
 * data set (training, test, and any monitored set). This is what a `History` shows in a
 * notebook.
 *
 * @param history The history that `sgd` returned (or one built by hand).
 * @param options `title`, `width` and `height` of each panel, `logCost`, `colors`.
 * @returns The figure: vega-lite chart, SVG and a one-line summary.
 *
 * @example
 * ```ts
 * import { History, historyChart } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const h = new History();
 * h.push({ epoch: 0, runningCost: 0.4, seconds: 1, test: { correct: 80, total: 100, accuracy: 0.8 } });
 * h.push({ epoch: 1, runningCost: 0.2, seconds: 1, test: { correct: 90, total: 100, accuracy: 0.9 } });
 * const chart = historyChart(h, { title: "XOR" });
 * assert.equal(String(chart), "History: 2 epochs, training cost 0.4 → 0.2, best test accuracy 90.00% (epoch 1)");
 * const bundle = await chart.bundle();
 * assert.ok("application/vnd.vegalite.v5+json" in bundle);
 * assert.match(bundle["image/svg+xml"] as string, /<svg/);
 * ```
 */
export function historyChart(history: History, options?: HistoryChartOptions): Figure {
  const where = "Cannot chart history";
  if (history === null || typeof history !== "object" || !Array.isArray(history.entries)) {
    throw new TypeError(`${where}: history is ${typeName(history)}, expected a History`);
  }
  const { title, width, height } = checkFigureOptions(options, where, { width: 420, height: 160 });
  const colors = options?.colors ?? DEFAULT_COLORS;
  if (!Array.isArray(colors) || colors.length === 0 || colors.some((c) => typeof c !== "string")) {
    throw new TypeError(
      `${where}: colors is ${typeName(colors)}, expected a non-empty array of colours`,
    );
  }
  const points = pointsOf(history);
  const sets = [...new Set(points.map((p) => p.set))].sort((a, b) => rank(a) - rank(b));
  const log = options?.logCost ?? false;
  const epochs = history.entries.map((e) => e.epoch);
  const panels = [panel("cost", points, epochs, sets, colors, width, height, log)];
  if (points.some((p) => p.metric === "accuracy")) {
    panels.push(panel("accuracy", points, epochs, sets, colors, width, height, log));
  }
  const text = summary(history);
  return new Figure(text, () => ({
    vegaLite: {
      ...titleOf(title),
      vconcat: panels,
      resolve: { scale: { color: "shared" } },
    },
  }));
}

// Training first, then test, then other sets alphabetically.
function rank(set: string): number {
  return set === "training" ? 0 : set === "test" ? 1 : 2 + set.charCodeAt(0) / 1000;
}
