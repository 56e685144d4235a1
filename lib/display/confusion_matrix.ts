/**
 * The confusion matrix of a classifier: how often each class is taken for each other.
 *
 * @module
 */

import type { Data } from "../dataset.ts";
import type { Network } from "../network.ts";
import { type ColorScheme, stops } from "./_color.ts";
import { checkNetwork, examples, predictAll } from "./_data.ts";
import { checkFigureOptions, schemeOption, titleOf } from "./_options.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode confusionMatrix}. */
export interface ConfusionMatrixOptions extends FigureOptions {
  /** Colour scheme of the counts; default `"blues"`. */
  scheme?: ColorScheme;
  /** Class names for the axes; default `0, 1, …`. */
  classNames?: readonly string[];
}

/**
 * A confusion matrix as a figure, with its numbers: `counts[i][j]` examples of class `i`
 * were classified as `j`.
 */
export class ConfusionMatrix extends Figure {
  /** `counts[actual][predicted]`. */
  readonly counts: number[][];
  /** For each class, the fraction of its examples classified correctly (`NaN` if none). */
  readonly classAccuracy: number[];
  /** The fraction of all examples classified correctly. */
  readonly accuracy: number;

  /**
   * Wraps counts in a figure; {@linkcode confusionMatrix} makes them from a network.
   *
   * @param counts `counts[actual][predicted]`, a square array of counts.
   * @param options `title`, `width`, `height`, `scheme`, `classNames`.
   *
   * @example
   * ```ts
   * import { ConfusionMatrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const cm = new ConfusionMatrix([[8, 2], [1, 9]]);
   * assert.deepEqual(cm.classAccuracy, [0.8, 0.9]);
   * assert.equal(cm.accuracy, 17 / 20);
   * ```
   */
  constructor(counts: readonly (readonly number[])[], options?: ConfusionMatrixOptions) {
    const where = "Cannot draw confusion matrix";
    const k = Array.isArray(counts) ? counts.length : -1;
    if (k < 1 || counts.some((r) => !Array.isArray(r) || r.length !== k)) {
      throw new TypeError(`${where}: counts must be a square array of arrays of counts`);
    }
    const { title, width, height } = checkFigureOptions(options, where, {
      width: Math.min(400, 32 * k),
      height: Math.min(400, 32 * k),
    }, ["scheme", "classNames"]);
    const scheme = schemeOption(options?.scheme, "blues", where);
    const names = options?.classNames ?? counts.map((_, i) => String(i));
    if (!Array.isArray(names) || names.length !== k) {
      throw new TypeError(`${where}: classNames must be ${k} names`);
    }
    const copy = counts.map((r) => [...r]);
    const rowSums = copy.map((r) => r.reduce((s, c) => s + c, 0));
    const total = rowSums.reduce((s, c) => s + c, 0);
    const correct = copy.reduce((s, r, i) => s + r[i]!, 0);
    const classAccuracy = copy.map((r, i) => r[i]! / rowSums[i]!);
    const accuracy = total === 0 ? NaN : correct / total;
    const text = `${
      title === undefined ? "" : `${title}: `
    }confusion matrix of ${total} examples, ${(100 * accuracy).toFixed(2)}% correct; per class: ${
      classAccuracy.map((a, i) =>
        `${names[i]} ${Number.isNaN(a) ? "–" : `${(100 * a).toFixed(1)}%`}`
      )
        .join(", ")
    }`;
    super(text, () => build(copy, rowSums, classAccuracy, names, scheme, title, width, height));
    this.counts = copy;
    this.classAccuracy = classAccuracy;
    this.accuracy = accuracy;
  }
}

function build(
  counts: number[][],
  rowSums: number[],
  classAccuracy: number[],
  names: readonly string[],
  scheme: ColorScheme,
  title: string | undefined,
  width: number,
  height: number,
) {
  const cells = [];
  let max = 0;
  for (let i = 0; i < counts.length; i++) {
    for (let j = 0; j < counts.length; j++) {
      const n = counts[i]![j]!;
      max = Math.max(max, n);
      cells.push({
        actual: names[i],
        predicted: names[j],
        count: n,
        share: rowSums[i]! === 0 ? 0 : n / rowSums[i]!,
      });
    }
  }
  const order = [...names];
  const axis = (field: string, title: string) => ({
    field,
    type: "ordinal",
    title,
    sort: order,
    axis: { labelAngle: 0 },
  });
  const colors = stops(scheme);
  return {
    vegaLite: {
      ...titleOf(title),
      hconcat: [
        {
          width,
          height,
          data: { values: cells },
          encoding: { x: axis("predicted", "predicted"), y: axis("actual", "actual") },
          layer: [
            {
              mark: { type: "rect", tooltip: true },
              encoding: {
                color: {
                  field: "count",
                  type: "quantitative",
                  scale: { domain: [0, Math.max(1, max)], range: [colors[0], colors.at(-1)] },
                  legend: null,
                },
                tooltip: [
                  { field: "actual", type: "ordinal" },
                  { field: "predicted", type: "ordinal" },
                  { field: "count", type: "quantitative" },
                  { field: "share", type: "quantitative", format: ".1%", title: "of the class" },
                ],
              },
            },
            {
              mark: { type: "text", fontSize: counts.length > 12 ? 7 : 10 },
              encoding: {
                text: { field: "count", type: "quantitative" },
                color: {
                  condition: { test: `datum.count > ${max / 2}`, value: "white" },
                  value: "black",
                },
              },
            },
          ],
        },
        {
          width: 120,
          height,
          data: {
            values: classAccuracy.map((a, i) => ({
              actual: names[i],
              accuracy: Number.isNaN(a) ? 0 : a,
              examples: rowSums[i],
            })),
          },
          mark: { type: "bar", tooltip: true, color: colors[Math.floor(colors.length * 0.7)] },
          encoding: {
            y: axis("actual", "actual"),
            x: {
              field: "accuracy",
              type: "quantitative",
              title: "accuracy per class",
              scale: { domain: [0, 1] },
              axis: { format: "%", tickCount: 2 },
            },
            tooltip: [
              { field: "actual", type: "ordinal", title: "class" },
              { field: "accuracy", type: "quantitative", format: ".2%" },
              { field: "examples", type: "quantitative" },
            ],
          },
        },
      ],
    },
  };
}

/**
 * The confusion matrix of a network on labelled data: for each class, how its examples were
 * classified (the most active output neuron, as `evaluate` decides), with the accuracy per
 * class beside it.
 *
 * @param net The network.
 * @param data Labelled data: `[x, y]` pairs or packed data.
 * @param options `title`, `width`, `height`, `scheme`, `classNames`.
 * @returns The figure, which also holds `counts`, `classAccuracy` and `accuracy`.
 *
 * @example The diagonal counts what `evaluate` counts
 * ```ts
 * import { confusionMatrix, Network, xor } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([2, 3, 2], { seed: 1 });
 * const data = xor(40, { seed: 2 });
 * const cm = confusionMatrix(net, data, { title: "XOR" });
 * assert.equal(cm.counts[0]![0]! + cm.counts[1]![1]!, net.evaluate(data));
 * assert.ok("image/svg+xml" in await cm.bundle());
 * ```
 */
export function confusionMatrix(
  net: Network,
  data: Data,
  options?: ConfusionMatrixOptions,
): ConfusionMatrix {
  const where = "Cannot draw confusion matrix";
  checkNetwork(net, where);
  const ex = examples(data, where, net.sizes);
  const k = net.sizes[net.sizes.length - 1]!;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const labels = Array.from({ length: ex.length }, (_, i) => ex.label(i));
  const predicted = predictAll(net, ex);
  labels.forEach((actual, i) => counts[actual]![predicted[i]!]!++);
  return new ConfusionMatrix(counts, options);
}
