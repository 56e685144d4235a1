/**
 * A gallery of input images with their labels and the network's predictions.
 *
 * @module
 */

import type { Data } from "../dataset.ts";
import type { Network } from "../network.ts";
import { typeName } from "../_util.ts";
import { checkOptions } from "../_validate.ts";
import { type ColorScheme, domainOf } from "./_color.ts";
import { checkNetwork, examples, predictAll } from "./_data.ts";
import { checkShape, gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { schemeOption } from "./_options.ts";
import { pngDataUrl } from "./_png.ts";
import { Figure } from "./figure.ts";
import { matrixPng } from "./_image.ts";

/** Options for {@linkcode digits}. */
export interface DigitsOptions {
  /** A title above the gallery. */
  title?: string;
  /**
   * The predicted class of every example (same order as the data), or a network to predict
   * them; each image then shows `label → prediction`.
   */
  predictions?: ArrayLike<number> | Network;
  /** Which examples to show: `"all"` (default), or with predictions `"misclassified"` or `"correct"`. */
  only?: "all" | "misclassified" | "correct";
  /** Show these examples (indices into the data) rather than the first ones. */
  indices?: readonly number[];
  /** Show at most this many images; default 24. */
  limit?: number;
  /** Images per row; default 8. */
  columns?: number;
  /** Image shape `[height, width]`; default square (`[28, 28]` for MNIST). */
  shape?: [number, number];
  /** Screen pixels per image pixel; default 2. */
  scale?: number;
  /** Colour scheme; default `"greys"`, ink on paper. */
  scheme?: ColorScheme;
}

/**
 * A gallery of input images (MNIST digits) with each one's label and, given predictions,
 * what the network took it for: right ones in black, wrong ones in red.
 *
 * @param data The examples: `[x, y]` pairs or packed data.
 * @param options `predictions`, `only`, `indices`, `limit`, `columns`, `shape`, `scale`,
 *   `scheme`, `title`.
 * @returns The figure: a vega-lite grid of images, its SVG, and a summary.
 *
 * @example The misclassified examples
 * ```ts
 * import { digits, packData } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = packData([[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 0, 0]], [0, 1, 2]);
 * const fig = digits(data, { predictions: [0, 2, 2], only: "misclassified" });
 * assert.equal(String(fig), "Digits: 1 of 1 misclassified examples (of 3), label → prediction");
 * assert.match((await fig.bundle())["image/svg+xml"] as string, /<image/);
 * ```
 */
export function digits(data: Data, options: DigitsOptions = {}): Figure {
  const where = "Cannot draw digits";
  checkOptions(options, where, "an object", [
    "title",
    "predictions",
    "only",
    "indices",
    "limit",
    "columns",
    "shape",
    "scale",
    "scheme",
  ]);
  const ex = examples(data, where);
  const shape = checkShape(options.shape, ex.inputSize, where);
  const limit = positiveInt(options.limit, "limit", 24, where);
  const columns = positiveInt(options.columns, "columns", 8, where);
  const scale = positiveInt(options.scale, "scale", 2, where);
  const scheme = schemeOption(options.scheme, "greys", where);
  const only = options.only ?? "all";
  if (!["all", "misclassified", "correct"].includes(only)) {
    throw new RangeError(
      `${where}: only is ${JSON.stringify(only)}, expected "all", "misclassified" or "correct"`,
    );
  }
  let predicted: ArrayLike<number> | undefined;
  const p = options.predictions;
  if (p !== undefined) {
    if (typeof p === "object" && p !== null && "feedforward" in p) {
      const net = checkNetwork(p, where);
      // Checked again, now against the network's sizes.
      predicted = predictAll(net, examples(data, where, net.sizes));
    } else if (
      p !== null && typeof p === "object" && typeof (p as ArrayLike<number>).length === "number"
    ) {
      predicted = p as ArrayLike<number>;
      if (predicted.length !== ex.length) {
        throw new RangeError(
          `${where}: predictions has length ${predicted.length}, expected ${ex.length} (one per example)`,
        );
      }
    } else {
      throw new TypeError(
        `${where}: predictions is ${typeName(p)}, expected a list of classes or a Network`,
      );
    }
  } else if (only !== "all") {
    throw new TypeError(`${where}: only "${only}" needs predictions`);
  }
  let pool: number[];
  if (options.indices !== undefined) {
    if (!Array.isArray(options.indices)) {
      throw new TypeError(`${where}: indices is ${typeName(options.indices)}, expected an array`);
    }
    options.indices.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= ex.length) {
        throw new RangeError(
          `${where}: indices[${k}] is ${i}, expected an example index from 0 to ${ex.length - 1}`,
        );
      }
    });
    pool = [...options.indices];
  } else {
    pool = Array.from({ length: ex.length }, (_, i) => i);
  }
  const matches = pool.filter((i) =>
    only === "all" || (only === "misclassified") === (predicted![i] !== ex.label(i))
  );
  const shown = matches.slice(0, limit);
  const head = `${options.title ?? "Digits"}: ${shown.length} of `;
  const what = only === "all"
    ? `${pool.length} examples`
    : `${matches.length} ${only} examples (of ${pool.length})`;
  const text = `${head}${what}, ${predicted === undefined ? "labels" : "label → prediction"}`;
  const inputs = shown.map((i) => ex.input(i));
  const labels = shown.map((i) => ex.label(i));
  const guesses = predicted && shown.map((i) => predicted[i]!);
  return new Figure(text, async () => {
    const all = new Float64Array(inputs.length * ex.inputSize);
    inputs.forEach((x, k) => all.set(x, k * ex.inputSize));
    // Pixels in [0, 1] keep their meaning; other data is spread over its own range.
    const [lo, hi] = domainOf(all, scheme);
    const domain: [number, number] = lo >= 0 && hi <= 1 && scheme === "greys" ? [0, 1] : [lo, hi];
    const tiles: Tile[] = [];
    for (let k = 0; k < inputs.length; k++) {
      const png = await matrixPng(inputs[k]!, shape[0], shape[1], scheme, domain);
      const wrong = guesses !== undefined && guesses[k] !== labels[k];
      tiles.push({
        url: pngDataUrl(png),
        caption: guesses === undefined ? `${labels[k]}` : `${labels[k]} → ${guesses[k]}`,
        color: wrong ? "#d62728" : "#222222",
        info: {
          example: shown[k]!,
          label: labels[k]!,
          ...(guesses === undefined ? {} : { prediction: guesses[k]! }),
        },
      });
    }
    return { vegaLite: gallerySpec(tiles, shape, columns, scale, options.title) };
  });
}
