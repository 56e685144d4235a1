/**
 * The chart of a training run: cost, accuracy and gradient norms per epoch.
 *
 * @module
 */

import type { EpochEntry, History } from "../history.ts";
import { typeName } from "../_util.ts";
import { checkFlag } from "../_validate.ts";
import { round } from "./_color.ts";
import { checkFigureOptions, titleOf } from "./_options.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode historyChart}. */
export interface HistoryChartOptions extends FigureOptions {
  /** Plot the cost on a logarithmic axis (default `false`). */
  logCost?: boolean;
  /**
   * Line colours, one per series in the chart's fixed order, cycled: running cost; cost on
   * the training, evaluation, test data; accuracy on the test, evaluation, training data;
   * then `‖∂C/∂b‖` of layer 1, 2, and so on. A series keeps its colour whichever others are
   * present.
   */
  colors?: readonly string[];
}

type Panel = "cost" | "accuracy" | "gradient";

/** One series of the chart: its legend label, its panel, and its value in an entry. */
interface Series {
  label: string;
  panel: Panel;
  value(e: EpochEntry): number | undefined;
}

/**
 * The chart's series, in legend order, with the book's names. network2.py's
 * `training_cost` is `training.cost`; the running cost is ours (the mean over the epoch's
 * mini-batches, before each update).
 */
const SERIES: readonly Series[] = [
  { label: "running cost (mini-batches)", panel: "cost", value: (e) => e.runningCost },
  { label: "cost on the training data", panel: "cost", value: (e) => e.training?.cost },
  { label: "cost on the evaluation data", panel: "cost", value: (e) => e.evaluation?.cost },
  { label: "cost on the test data", panel: "cost", value: (e) => e.test?.cost },
  { label: "accuracy on the test data", panel: "accuracy", value: (e) => e.test?.accuracy },
  {
    label: "accuracy on the evaluation data",
    panel: "accuracy",
    value: (e) => e.evaluation?.accuracy,
  },
  {
    label: "accuracy on the training data",
    panel: "accuracy",
    value: (e) => e.training?.accuracy,
  },
];

// A data set keeps one colour across panels (training blue, evaluation green, test orange);
// the running cost is a pale blue, and the layers' gradient norms follow.
const DEFAULT_COLORS = [
  "#9ecae1",
  "#4c78a8",
  "#54a24b",
  "#f58518",
  "#f58518",
  "#54a24b",
  "#4c78a8",
  "#e45756",
  "#b279a2",
  "#72b7b2",
  "#9d755d",
  "#eeca3b",
  "#ff9da6",
];

/**
 * The series of `‖∂C/∂bˡ‖`: `gradientNorms.biases[l − 1]` belongs to layer `l`, counting
 * the input layer as 0 (so layer 1 is the first hidden layer, whose biases are
 * `biases[0]`), the numbering of `receptiveFields`.
 */
function gradientSeries(history: History): Series[] {
  let layers = 0;
  for (const e of history.entries) layers = Math.max(layers, e.gradientNorms?.biases.length ?? 0);
  return Array.from({ length: layers }, (_, i) => ({
    label: `‖∂C/∂b‖ layer ${i + 1}${i === layers - 1 ? " (output)" : ""}`,
    panel: "gradient" as const,
    value: (e: EpochEntry) => e.gradientNorms?.biases[i],
  }));
}

/** One point of the chart: a series' value after one epoch. */
interface Point {
  epoch: number;
  series: string;
  value: number;
}

function pointsOf(history: History, series: readonly Series[]): Point[] {
  const points: Point[] = [];
  for (const s of series) {
    for (const e of history.entries) {
      const v = s.value(e);
      // Not finite: a diverged run's cost. Not positive: nothing to draw on a log axis.
      if (v === undefined || !Number.isFinite(v) || (s.panel === "gradient" && v <= 0)) continue;
      points.push({ epoch: e.epoch, series: s.label, value: round(v) });
    }
  }
  return points;
}

const AXES: Record<Panel, { title: string; format?: string; tooltip: string }> = {
  cost: { title: "cost", tooltip: ".4g" },
  accuracy: { title: "accuracy", format: ".0%", tooltip: ".2%" },
  gradient: { title: "‖∂C/∂b‖ (speed of learning)", tooltip: ".3g" },
};

function panel(
  which: Panel,
  points: Point[],
  epochs: number[],
  color: { domain: string[]; range: string[] },
  width: number,
  height: number,
  logCost: boolean,
): Record<string, unknown> {
  const axis = AXES[which];
  const log = which === "gradient" || (which === "cost" && logCost);
  // Without points (a history with no epochs yet) vega would warn of an infinite extent:
  // the axes get domains of their own.
  const empty = points.length === 0 ? { domain: [0, 1] } : {};
  return {
    width,
    height,
    data: { values: points },
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        // Whole epochs only: every epoch for short runs, round steps for long ones.
        axis: epochs.length <= 20
          ? { values: epochs, format: "d" }
          : { tickMinStep: 1, format: "d" },
        scale: empty,
      },
      y: {
        field: "value",
        type: "quantitative",
        title: axis.title,
        scale: points.length === 0 ? empty : log ? { type: "log" } : { zero: false },
        axis: axis.format === undefined ? {} : { format: axis.format },
      },
      // The book's labels are long: room for them whole in the legend.
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: color,
        legend: { labelLimit: 320 },
      },
      tooltip: [
        { field: "epoch", type: "quantitative" },
        { field: "series", type: "nominal" },
        { field: "value", type: "quantitative", title: axis.title, format: axis.tooltip },
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
    `running cost ${round(first.runningCost)} → ${round(last.runningCost)}`,
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
 * A chart of a training run, one panel per quantity and one line per series, with the
 * book's names: the cost per epoch ("running cost (mini-batches)", the mean over the
 * epoch's mini-batches; "cost on the training data", network2.py's `training_cost`; "cost
 * on the evaluation data"), the accuracy ("accuracy on the test data", "… evaluation
 * data", "… training data"), and with `monitorGradientNorms` the speed of learning of each
 * layer, `‖∂C/∂bˡ‖` on a log axis ("‖∂C/∂b‖ layer 1" is the first hidden layer: layers count
 * from the input as 0, so layer `l`'s norm is `gradientNorms.biases[l − 1]`). Only the
 * series the history holds appear, each in a colour of its own. This is what a `History`
 * shows in a notebook.
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
 * assert.equal(String(chart), "History: 2 epochs, running cost 0.4 → 0.2, best test accuracy 90.00% (epoch 1)");
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
  const { title, width, height } = checkFigureOptions(
    options,
    where,
    { width: 420, height: 160 },
    ["logCost", "colors"],
  );
  const log = checkFlag(options?.logCost, "logCost", where);
  const colors = options?.colors ?? DEFAULT_COLORS;
  if (!Array.isArray(colors) || colors.length === 0 || colors.some((c) => typeof c !== "string")) {
    throw new TypeError(
      `${where}: colors is ${typeName(colors)}, expected a non-empty array of colours`,
    );
  }
  const epochs = history.entries.map((e) => e.epoch);
  const all = [...SERIES, ...gradientSeries(history)];
  const points = pointsOf(history, all);
  // Only the series with points, in the fixed order, each in its own colour.
  const present = new Set(points.map((p) => p.series));
  const color = { domain: [] as string[], range: [] as string[] };
  all.forEach((s, i) => {
    if (!present.has(s.label)) return;
    color.domain.push(s.label);
    color.range.push(colors[i % colors.length]!);
  });
  const panels: Record<string, unknown>[] = [];
  for (const which of ["cost", "accuracy", "gradient"] as const) {
    const own = new Set(all.filter((s) => s.panel === which).map((s) => s.label));
    const values = points.filter((p) => own.has(p.series));
    // The cost panel always, drawn empty for an empty history; the others when measured.
    if (which !== "cost" && values.length === 0) continue;
    panels.push(panel(which, values, epochs, color, width, height, log));
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
