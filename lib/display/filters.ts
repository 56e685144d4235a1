/**
 * What a convolutional layer looks for: its filters drawn as small images.
 *
 * @module
 */

import type { ConvPoolLayer } from "../layers.ts";
import type { Network3 } from "../network3.ts";
import { checkOptions } from "../_validate.ts";
import { typeName } from "../_util.ts";
import { type ColorScheme, domainOf, round } from "./_color.ts";
import { gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { matrixPng } from "./_image.ts";
import { checkLayered, colorWords, isConvLayer, isLayered, layerType } from "./_layered.ts";
import { schemeOption } from "./_options.ts";
import { pngDataUrl } from "./_png.ts";
import { Figure } from "./figure.ts";

/** Options for {@linkcode filters}. */
export interface FiltersOptions {
  /**
   * The layer whose filters to show, numbered as the network's layers from 1 (`net.layers[0]`
   * is layer 1); it must be a `ConvPoolLayer`. Default 1. Only with a network.
   */
  layer?: number;
  /**
   * A filter of C > 1 channels (a second conv layer's, say `40×20×5×5`): `"each"` (the
   * default) draws every channel, one filter a row of C images; `"mean"` draws one image per
   * filter, the mean of its channels.
   */
  channels?: "each" | "mean";
  /** A title above the grid. */
  title?: string;
  /** Images per row; default 10, or C when each of C > 1 channels is drawn. */
  columns?: number;
  /** Show at most this many filters; default all. */
  limit?: number;
  /** Screen pixels per weight; default about 40 pixels per filter side (8 for 5×5). */
  scale?: number;
  /** Colour scheme; default `"greys"`, the book's: darker is a larger weight, white smaller. */
  scheme?: ColorScheme;
  /**
   * Colour range: `"filter"` (default) spreads each filter (all its channels) over its own
   * range, `"layer"` uses one range for all, so strengths compare across filters.
   */
  normalize?: "filter" | "layer";
}

/** The filter and image sizes of a conv layer, and where its filters came from. */
interface Source {
  layer: ConvPoolLayer;
  name: string;
}

function sourceOf(from: ConvPoolLayer | Network3, layer: unknown, where: string): Source {
  if (isConvLayer(from)) {
    if (layer !== undefined) {
      throw new TypeError(
        `${where}: layer is ${String(layer)}, but a ConvPoolLayer was given (it is one layer)`,
      );
    }
    return { layer: from, name: `a ConvPoolLayer ${from.filterShape.join("×")}` };
  }
  if (!isLayered(from)) {
    throw new TypeError(
      `${where}: net is ${typeName(from)}, expected a ConvPoolLayer or a Network3`,
    );
  }
  const layers = checkLayered(from, where, "a ConvPoolLayer or a Network3");
  const l = layer ?? 1;
  const convs = layers.flatMap((x, i) => (isConvLayer(x) ? [i + 1] : []));
  const which = convs.length === 0
    ? "it has no ConvPoolLayer"
    : `its ConvPoolLayer${convs.length > 1 ? "s are" : " is"} ${convs.join(", ")}`;
  if (typeof l !== "number" || !Number.isInteger(l) || l < 1 || l > layers.length) {
    throw new RangeError(
      `${where}: layer is ${String(l)}, expected 1 to ${layers.length} (layers count from 1 as ` +
        `net.layers[0]; ${which})`,
    );
  }
  const chosen = layers[l - 1]!;
  if (!isConvLayer(chosen)) {
    throw new TypeError(
      `${where}: layer ${l} is a ${layerType(chosen)}, expected a ConvPoolLayer (layers count ` +
        `from 1 as net.layers[0]; ${which})`,
    );
  }
  return { layer: chosen, name: `layer ${l}, ConvPoolLayer ${chosen.filterShape.join("×")}` };
}

/**
 * The filters of a convolutional layer as small images in a grid: filter f's weights
 * `w[f, c, ·, ·]` (KH × KW) for each input channel c, in the book's grey scale (darker is a
 * larger weight, white a smaller, typically negative one) or a diverging one. The first layer of
 * the book's network has 20 filters of 5×5 on one channel, so 20 images; a layer on C > 1
 * channels draws each filter as a row of its C channels (`channels: "each"`, the default) or
 * as the mean of its channels (`channels: "mean"`), and the summary says which. Given a
 * network, `layer` picks the layer, numbered as the network's layers from 1 (`net.layers[0]`
 * is layer 1); it must be a `ConvPoolLayer`.
 *
 * The figure copies the weights: it shows them as they are now, even if training goes on.
 *
 * @param from The conv layer, or a network of layers (then `layer`, default 1).
 * @param options `layer`, `channels`, `columns`, `limit`, `scale`, `scheme`, `normalize`,
 *   `title`.
 * @returns The figure: a vega-lite grid of images (each filter's bias and range on hover), its
 *   SVG, and a summary.
 * @throws {TypeError} When `from` is neither a conv layer nor a network, or the chosen layer is
 *   not a `ConvPoolLayer`, or an option is unknown.
 * @throws {RangeError} When `layer` is outside the network, or an option is out of range.
 *
 * @example The book's first layer: 20 filters of 5×5
 * ```ts
 * import { ConvPoolLayer, filters } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const conv = new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] });
 * const fig = filters(conv);
 * assert.match(String(fig), /^Filters of a ConvPoolLayer 20×1×5×5: 20 filters, 5×5 weights each/);
 * const svg = (await fig.bundle())["image/svg+xml"] as string;
 * assert.equal(svg.match(/<image/g)?.length, 20);
 * ```
 *
 * @example A network's second layer, numbered from 1
 * ```ts
 * import { ConvPoolLayer, filters, Network3, SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network3([
 *   new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" }),
 *   new ConvPoolLayer({ filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12], activation: "relu" }),
 *   new SoftmaxLayer({ nIn: 40 * 4 * 4, nOut: 10 }),
 * ], { seed: 1 });
 * const fig = filters(net, { layer: 2, limit: 2 });
 * assert.match(String(fig), /^Filters of layer 2, ConvPoolLayer 40×20×5×5: 2 of 40 filters/);
 * assert.match(String(fig), /each filter's 20 channels in a row/);
 * assert.throws(() => filters(net, { layer: 3 }), /layer 3 is a SoftmaxLayer, expected a ConvPoolLayer/);
 * ```
 *
 * @example A second layer's filters, the mean of their 20 channels
 * ```ts
 * import { ConvPoolLayer, filters } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const conv = new ConvPoolLayer({ filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12] });
 * const fig = filters(conv, { channels: "mean" });
 * assert.match(String(fig), /: 40 filters, 5×5 weights each, the mean of their 20 channels/);
 * ```
 */
export function filters(from: ConvPoolLayer | Network3, options: FiltersOptions = {}): Figure {
  const where = "Cannot draw filters";
  checkOptions(options, where, "an object", [
    "layer",
    "channels",
    "title",
    "columns",
    "limit",
    "scale",
    "scheme",
    "normalize",
  ]);
  const { layer, name } = sourceOf(from, options.layer, where);
  const [f, c, kh, kw] = layer.filterShape;
  const channels = options.channels ?? "each";
  if (channels !== "each" && channels !== "mean") {
    throw new RangeError(
      `${where}: channels is ${JSON.stringify(channels)}, expected "each" or "mean"`,
    );
  }
  const each = channels === "each" && c > 1;
  const columns = positiveInt(options.columns, "columns", each ? c : 10, where);
  const limit = positiveInt(options.limit, "limit", f, where);
  const scale = positiveInt(
    options.scale,
    "scale",
    Math.max(1, Math.round(40 / Math.max(kh, kw))),
    where,
  );
  const scheme = schemeOption(options.scheme, "greys", where);
  const normalize = options.normalize ?? "filter";
  if (normalize !== "filter" && normalize !== "layer") {
    throw new RangeError(
      `${where}: normalize is ${JSON.stringify(normalize)}, expected "filter" or "layer"`,
    );
  }
  const n = Math.min(limit, f), size = kh * kw;
  // Copies: the figure shows the weights of now, even if training goes on. images[k][j] is
  // filter k's channel j (or, with "mean", its one mean image).
  const images = Array.from({ length: n }, (_, k) => {
    const filter = layer.w.slice(k * c * size, (k + 1) * c * size);
    if (c === 1 || each) {
      return Array.from({ length: c }, (_, j) => filter.subarray(j * size, (j + 1) * size));
    }
    const mean = new Float64Array(size);
    for (let j = 0; j < c; j++) {
      for (let i = 0; i < size; i++) mean[i]! += filter[j * size + i]! / c;
    }
    return [mean];
  });
  const biases = Array.from(layer.b.subarray(0, n));
  const all = Float64Array.from(images.flatMap((im) => im.flatMap((x) => Array.from(x))));
  const layerDomain = domainOf(all, scheme);
  const what = c === 1
    ? ""
    : each
    ? `, each filter's ${c} channels${columns === c ? " in a row" : ""}`
    : `, the mean of their ${c} channels`;
  const text = `Filters of ${name}: ${n}${n < f ? ` of ${f}` : ""} filters, ${kh}×${kw} weights ` +
    `each${what}, range [${round(layerDomain[0])}, ${round(layerDomain[1])}], ${
      colorWords(scheme)
    }${options.title === undefined ? "" : ` (${options.title})`}`;
  return new Figure(text, async () => {
    const tiles: Tile[] = [];
    for (let k = 0; k < n; k++) {
      const filter = Float64Array.from(images[k]!.flatMap((x) => Array.from(x)));
      const domain = normalize === "filter" ? domainOf(filter, scheme) : layerDomain;
      for (let j = 0; j < images[k]!.length; j++) {
        const im = images[k]![j]!;
        let lo = Infinity, hi = -Infinity;
        for (const v of im) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        const png = await matrixPng(im, kh, kw, scheme, domain);
        tiles.push({
          url: pngDataUrl(png),
          caption: each ? `${k}:${j}` : `${k}`,
          color: "#222222",
          info: {
            filter: k,
            ...(each ? { channel: j } : {}),
            bias: round(biases[k]!),
            [`min ${c > 1 && !each ? "mean " : ""}weight`]: round(lo),
            [`max ${c > 1 && !each ? "mean " : ""}weight`]: round(hi),
          },
        });
      }
    }
    return {
      vegaLite: gallerySpec(
        tiles,
        [kh, kw],
        columns,
        scale,
        options.title ?? `Filters of ${name}`,
        true,
      ),
    };
  });
}
