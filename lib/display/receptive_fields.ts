/**
 * What hidden neurons respond to: each neuron's incoming weights drawn as an image.
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { Network } from "../network.ts";
import { checkOptions } from "../_validate.ts";
import { type ColorScheme, domainOf, round } from "./_color.ts";
import { checkNetwork } from "./_data.ts";
import { checkShape, gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { schemeOption } from "./_options.ts";
import { pngDataUrl } from "./_png.ts";
import { Figure } from "./figure.ts";
import { matrixPng } from "./_image.ts";

/** Options for {@linkcode receptiveFields}. */
export interface ReceptiveFieldsOptions {
  /**
   * The layer whose neurons to show, counting the input layer as 0: layer 1 (the default) is
   * the first hidden layer, whose incoming weights are `weights[0]`; layer `l` shows
   * `weights[l − 1]`. (The book counts the input as layer 1, so its `wˡ` is `weights[l − 2]`.)
   * Only with a network.
   */
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
 * The receptive fields of a layer: for each neuron, its incoming weights (a row of
 * `weights[layer − 1]`) laid out in the shape of the previous layer, in a grid. For MNIST's
 * hidden neurons this is the classic picture of the strokes each one looks for. Layers count
 * from the input as 0, so `layer: 1`, the default, is the first hidden layer and draws
 * `weights[0]`; a weight matrix may be given instead of the network
 * (`receptiveFields(net.weights[0])`, or a difference of two), one image per row.
 *
 * @param net The network, or a weight matrix (`sizes[l+1] × sizes[l]`, one neuron a row).
 * @param options `layer` (default 1, with a network), `shape`, `columns`, `limit`, `scale`,
 *   `scheme`, `normalize`, `title`.
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
 *
 * @example A weight matrix: the same layer, `weights[0]`
 * ```ts
 * import { Network, receptiveFields } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([784, 30, 10], { seed: 1 });
 * const fig = receptiveFields(net.weights[0]!, { shape: [28, 28] });
 * assert.match(String(fig), /^Receptive fields of a 30×784 weight matrix: 30 neurons/);
 * ```
 */
export function receptiveFields(
  net: Network | Matrix,
  options: ReceptiveFieldsOptions = {},
): Figure {
  const where = "Cannot draw receptive fields";
  checkOptions(options, where, "an object", [
    "layer",
    "shape",
    "title",
    "columns",
    "limit",
    "scale",
    "scheme",
    "normalize",
  ]);
  const { w, b, name } = incoming(net, options.layer, where);
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
  const biases = b === undefined ? undefined : Array.from(b.data.subarray(0, n));
  const layerDomain = domainOf(w.data, scheme);
  const text = `Receptive fields of ${name}: ${n}${n < w.rows ? ` of ${w.rows}` : ""} neurons, ${
    shape[0]
  }×${shape[1]} weights each, range [${round(layerDomain[0])}, ${round(layerDomain[1])}]${
    options.title === undefined ? "" : ` (${options.title})`
  }`;
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
          ...(biases === undefined ? {} : { bias: round(biases[j]!) }),
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
        options.title ?? `Receptive fields of ${name}`,
      ),
    };
  });
}

/** A weight matrix as the display layer reads it (by shape: it constructs none). */
function isMatrix(m: unknown): m is Matrix {
  const x = m as Partial<Matrix>;
  return m !== null && typeof m === "object" && Number.isInteger(x.rows) &&
    Number.isInteger(x.cols) && ArrayBuffer.isView(x.data) &&
    (x.data as Float64Array).length === x.rows! * x.cols!;
}

/** The incoming weights to draw, the biases when a network gave them, and their name. */
function incoming(
  net: Network | Matrix,
  layer: unknown,
  where: string,
): { w: Matrix; b: Matrix | undefined; name: string } {
  if (isMatrix(net)) {
    if (layer !== undefined) {
      throw new TypeError(
        `${where}: layer is ${String(layer)}, but a weight matrix was given (it is one layer)`,
      );
    }
    return { w: net, b: undefined, name: `a ${net.rows}×${net.cols} weight matrix` };
  }
  checkNetwork(net, where, "a Network or a weight matrix such as net.weights[0]");
  const l = layer ?? 1;
  const last = net.sizes.length - 1;
  if (typeof l !== "number" || !Number.isInteger(l) || l < 1 || l > last) {
    throw new RangeError(
      `${where}: layer is ${String(l)}, expected 1 to ${last} (layers count from the input as 0: ` +
        "layer 1 is the first hidden layer, weights[0]; or pass a weight matrix such as " +
        "net.weights[0])",
    );
  }
  return { w: net.weights[l - 1]!, b: net.biases[l - 1]!, name: `layer ${l}` };
}
