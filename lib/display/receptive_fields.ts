/**
 * What hidden neurons respond to: each neuron's incoming weights drawn as an image.
 *
 * @module
 */

import type { Network } from "../network.ts";
import { typeName } from "../_util.ts";
import { type ColorScheme, domainOf, round } from "./_color.ts";
import { checkNetwork } from "./_data.ts";
import { checkShape, gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { schemeOption } from "./_options.ts";
import { pngDataUrl } from "./_png.ts";
import { Figure } from "./figure.ts";
import { matrixPng } from "./_image.ts";

/** Options for {@linkcode receptiveFields}. */
export interface ReceptiveFieldsOptions {
  /** The layer whose neurons to show, from 1 (the first hidden layer, the default). */
  layer?: number;
  /** Image shape `[height, width]` of the previous layer; default square (`[28, 28]`). */
  shape?: [number, number];
  /** A title above the grid. */
  title?: string;
  /** Images per row; default 10. */
  columns?: number;
  /** Show at most this many neurons; default all. */
  limit?: number;
  /** Screen pixels per weight; default 2. */
  scale?: number;
  /** Colour scheme; default `"redblue"`: negative red, 0 white, positive blue. */
  scheme?: ColorScheme;
  /**
   * Colour range: `"neuron"` (default) centres each image on its own largest weight,
   * `"layer"` uses one range for all, so strengths compare across neurons.
   */
  normalize?: "neuron" | "layer";
}

/**
 * The receptive fields of a layer: for each neuron, its incoming weights `weights[layer-1]`
 * row by row, laid out in the shape of the previous layer, in a grid. For MNIST's hidden
 * neurons this is the classic picture of the strokes each one looks for.
 *
 * @param net The network.
 * @param options `layer` (default 1), `shape`, `columns`, `limit`, `scale`, `scheme`,
 *   `normalize`, `title`.
 * @returns The figure: a vega-lite grid of images, its SVG, and a summary.
 *
 * @example The 30 hidden neurons of a `[784, 30, 10]` network
 * ```ts
 * import { Network, receptiveFields } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([784, 30, 10], { seed: 1 });
 * const fig = receptiveFields(net, { layer: 1, shape: [28, 28] });
 * assert.match(String(fig), /^Receptive fields of layer 1: 30 neurons, 28×28 weights each/);
 * const svg = (await fig.bundle())["image/svg+xml"] as string;
 * assert.equal(svg.match(/<image/g)?.length, 30);
 * ```
 */
export function receptiveFields(net: Network, options: ReceptiveFieldsOptions = {}): Figure {
  const where = "Cannot draw receptive fields";
  checkNetwork(net, where);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${where}: options is ${typeName(options)}, expected an object`);
  }
  const layer = options.layer ?? 1;
  if (!Number.isInteger(layer) || layer < 1 || layer >= net.sizes.length) {
    throw new RangeError(
      `${where}: layer is ${layer}, expected 1 to ${
        net.sizes.length - 1
      } (a layer after the input)`,
    );
  }
  const w = net.weights[layer - 1]!;
  const b = net.biases[layer - 1]!;
  const shape = checkShape(options.shape, w.cols, where);
  const columns = positiveInt(options.columns, "columns", 10, where);
  const limit = positiveInt(options.limit, "limit", w.rows, where);
  const scale = positiveInt(options.scale, "scale", 2, where);
  const scheme = schemeOption(options.scheme, "redblue", where);
  const normalize = options.normalize ?? "neuron";
  if (normalize !== "neuron" && normalize !== "layer") {
    throw new RangeError(
      `${where}: normalize is ${JSON.stringify(normalize)}, expected "neuron" or "layer"`,
    );
  }
  const n = Math.min(limit, w.rows);
  // Copies: the figure shows the weights of now, even if training goes on.
  const rows = Array.from({ length: n }, (_, j) => w.data.slice(j * w.cols, (j + 1) * w.cols));
  const biases = Array.from(b.data.subarray(0, n));
  const layerDomain = domainOf(w.data, scheme);
  const text = `Receptive fields of layer ${layer}: ${n}${
    n < w.rows ? ` of ${w.rows}` : ""
  } neurons, ${shape[0]}×${shape[1]} weights each, range [${round(layerDomain[0])}, ${
    round(layerDomain[1])
  }]${options.title === undefined ? "" : ` (${options.title})`}`;
  return new Figure(text, async () => {
    const tiles: Tile[] = [];
    for (let j = 0; j < n; j++) {
      const row = rows[j]!;
      const domain = normalize === "neuron" ? domainOf(row, scheme) : layerDomain;
      const png = await matrixPng(row, shape[0], shape[1], scheme, domain);
      let lo = Infinity, hi = -Infinity;
      for (const v of row) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      tiles.push({
        url: pngDataUrl(png),
        caption: `${j}`,
        color: "#222222",
        info: {
          neuron: j,
          bias: round(biases[j]!),
          "min weight": round(lo),
          "max weight": round(hi),
        },
      });
    }
    return {
      vegaLite: gallerySpec(
        tiles,
        shape,
        columns,
        scale,
        options.title ?? `Receptive fields of layer ${layer}`,
      ),
    };
  });
}
