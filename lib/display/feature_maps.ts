/**
 * What a convolutional network sees in one input: the feature maps after each conv layer.
 *
 * @module
 */

import type { Data, Vector } from "../dataset.ts";
import type { Network3 } from "../network3.ts";
import { checkOptions } from "../_validate.ts";
import { typeName } from "../_util.ts";
import { type ColorScheme, domainOf, round } from "./_color.ts";
import { gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { matrixPng } from "./_image.ts";
import { examples } from "./_data.ts";
import { checkLayered, colorWords, isConvLayer } from "./_layered.ts";
import { schemeOption, titleOf } from "./_options.ts";
import { pngDataUrl } from "./_png.ts";
import { Figure } from "./figure.ts";

/** Options for {@linkcode featureMaps}. */
export interface FeatureMapsOptions {
  /** With data rather than one input: which example to show (an index); default 0. */
  example?: number;
  /** A title above the figure. */
  title?: string;
  /** Maps per row; default 10. */
  columns?: number;
  /** Show at most this many maps of each layer; default all. */
  limit?: number;
  /**
   * About how many screen pixels a map's longer side takes, whatever its size (a 28×28 input
   * and a 4×4 map alike); default 56. Each value is drawn as a whole number of pixels.
   */
  size?: number;
  /** Colour scheme; default `"greys"`: darker is a larger activation, as the book draws digits. */
  scheme?: ColorScheme;
  /**
   * Colour range: `"layer"` (default) uses one range for all the maps of a layer, so a map
   * that barely responds shows pale; `"map"` spreads each map over its own range.
   */
  normalize?: "layer" | "map";
}

/** One row of the figure: the input, or one conv layer's output, as channels of h × w. */
interface Stage {
  title: string;
  line: string;
  maps: Float64Array[];
  shape: [number, number];
}

function checkInput(x: unknown, nIn: number, where: string): Float64Array {
  if (
    x === null || typeof x !== "object" || typeof (x as ArrayLike<number>).length !== "number"
  ) {
    throw new TypeError(`${where}: x is ${typeName(x)}, expected an input of ${nIn} numbers`);
  }
  const v = x as ArrayLike<number>;
  if (v.length !== nIn) {
    throw new RangeError(
      `${where}: x has length ${v.length}, expected ${nIn} (the first layer's nIn)`,
    );
  }
  const out = new Float64Array(nIn);
  for (let i = 0; i < nIn; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new TypeError(`${where}: x[${i}] is ${String(v[i])}, expected a finite number`);
    }
    out[i] = v[i]!;
  }
  return out;
}

/** Whether `x` is data (packed, or `[x, y]` pairs) rather than one input. */
function isData(x: unknown): x is Data {
  if (x === null || typeof x !== "object" || ArrayBuffer.isView(x)) return false;
  return Array.isArray(x) ? Array.isArray(x[0]) : "inputs" in x && "labels" in x;
}

/** The input to show, and its label and index when it came from data. */
function inputOf(
  x: unknown,
  example: unknown,
  sizes: [number, number],
  where: string,
): { input: Float64Array; from?: string } {
  if (!isData(x)) {
    if (example !== undefined) {
      throw new TypeError(
        `${where}: example is ${String(example)}, but one input was given rather than data`,
      );
    }
    return { input: checkInput(x, sizes[0], where) };
  }
  const ex = examples(x, where, sizes);
  const k = example ?? 0;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= ex.length) {
    throw new RangeError(
      `${where}: example is ${String(k)}, expected an index from 0 to ${ex.length - 1}`,
    );
  }
  return { input: ex.input(k), from: `example ${k} (label ${ex.label(k)})` };
}

function rangeOf(v: ArrayLike<number>): string {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  return `values in [${round(lo)}, ${round(hi)}]`;
}

/** Splits `c·h·w` values into c maps of h × w (copies). */
function split(v: Float64Array, c: number, h: number, w: number): Float64Array[] {
  return Array.from({ length: c }, (_, j) => v.slice(j * h * w, (j + 1) * h * w));
}

/**
 * The feature maps of one input: the input itself (in the first conv layer's `imageShape`,
 * one image per channel), then after each `ConvPoolLayer` its F maps of `outputShape`
 * (`F × OH/PH × OW/PW`: after the convolution, the bias, the max-pooling and the activation),
 * one row of images per layer. Layers are numbered as the network's layers from 1
 * (`net.layers[0]` is layer 1); fully connected and softmax layers have no maps and are left
 * out. The activations come from `net.layerOutputs(x)`.
 *
 * @param net The network of layers.
 * @param x One input, as many numbers as the first layer's `nIn` (784 for MNIST, pixels in
 *   [0, 1]); or data (`[x, y]` pairs or packed, such as MNIST's test set), of which the
 *   `example` option picks one, scaled as training scales it (bytes by `inputScale`).
 * @param options `example` (with data), `columns`, `limit`, `size`, `scheme`, `normalize`,
 *   `title`.
 * @returns The figure: a vega-lite chart of one gallery per row (each map's range on hover),
 *   its SVG, and a summary with a line per row.
 * @throws {TypeError} When `net` is not a network of layers, `x` not a list of finite numbers,
 *   the network has no `ConvPoolLayer`, or an option is unknown.
 * @throws {RangeError} When `x` has the wrong length, `example` is outside the data, or an
 *   option is out of range.
 *
 * @example The maps of the book's first conv layer
 * ```ts
 * import { ConvPoolLayer, featureMaps, Network3, SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network3([
 *   new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" }),
 *   new SoftmaxLayer({ nIn: 20 * 12 * 12, nOut: 10 }),
 * ], { seed: 1 });
 * const x = Array.from({ length: 784 }, (_, i) => (i % 28 > 8 && i % 28 < 20 ? 1 : 0));
 * const fig = featureMaps(net, x);
 * const lines = String(fig).split("\n");
 * assert.equal(lines[1], "input: 1 channel of 28×28, values in [0, 1]");
 * assert.match(lines[2]!, /^layer 1, ConvPoolLayer relu: 20 maps of 12×12, values in \[0, /);
 * const svg = (await fig.bundle())["image/svg+xml"] as string;
 * assert.equal(svg.match(/<image/g)?.length, 1 + 20);
 * ```
 *
 * @example An example of packed data (bytes, as MNIST's), by its index
 * ```ts
 * import { ConvPoolLayer, featureMaps, Network3, type PackedData, SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network3([
 *   new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 4, 4] }),
 *   new SoftmaxLayer({ nIn: 2 * 1 * 1, nOut: 3 }),
 * ], { seed: 1 });
 * const data: PackedData = {
 *   length: 2,
 *   inputSize: 16,
 *   numClasses: 3,
 *   inputs: Uint8Array.from({ length: 2 * 16 }, (_, i) => i * 8),
 *   inputScale: 1 / 255,
 *   labels: Uint8Array.from([0, 2]),
 * };
 * const lines = String(featureMaps(net, data, { example: 1 })).split("\n");
 * assert.match(lines[0]!, /^Feature maps of example 1 \(label 2\)/);
 * assert.equal(lines[1], "input: 1 channel of 4×4, values in [0.502, 0.9725]"); // 128/255, 248/255
 * ```
 */
export function featureMaps(
  net: Network3,
  x: Vector | Data,
  options: FeatureMapsOptions = {},
): Figure {
  const where = "Cannot draw feature maps";
  checkOptions(options, where, "an object", [
    "example",
    "title",
    "columns",
    "limit",
    "size",
    "scheme",
    "normalize",
  ]);
  const layers = checkLayered(net, where, "a Network3");
  if (!layers.some(isConvLayer)) {
    throw new TypeError(
      `${where}: the network has no ConvPoolLayer, expected at least one (only conv layers ` +
        "have feature maps)",
    );
  }
  const { input, from } = inputOf(
    x,
    options.example,
    [layers[0]!.nIn, layers.at(-1)!.nOut],
    where,
  );
  const columns = positiveInt(options.columns, "columns", 10, where);
  const limit = positiveInt(options.limit, "limit", Infinity, where);
  const size = positiveInt(options.size, "size", 56, where);
  const scheme = schemeOption(options.scheme, "greys", where);
  const normalize = options.normalize ?? "layer";
  if (normalize !== "layer" && normalize !== "map") {
    throw new RangeError(
      `${where}: normalize is ${JSON.stringify(normalize)}, expected "layer" or "map"`,
    );
  }
  const outputs = net.layerOutputs(input);
  if (
    !Array.isArray(outputs) || outputs.length !== layers.length + 1 ||
    !layers.every((l, i) => outputs[i + 1]?.length === l.nOut)
  ) {
    throw new TypeError(
      `${where}: net.layerOutputs(x) gave ${typeName(outputs)}, expected the input and each ` +
        `of the ${layers.length} layers' activations`,
    );
  }
  const stages: Stage[] = [];
  const first = layers[0]!;
  if (isConvLayer(first)) {
    const [c, h, w] = first.imageShape;
    stages.push({
      title: `input ${c}×${h}×${w}`,
      line: `input: ${c} channel${c === 1 ? "" : "s"} of ${h}×${w}, ${rangeOf(input)}`,
      maps: split(input, c, h, w),
      shape: [h, w],
    });
  }
  layers.forEach((l, i) => {
    if (!isConvLayer(l)) return;
    const [f, h, w] = l.outputShape;
    const out = Float64Array.from(outputs[i + 1]!);
    const name = `layer ${i + 1}, ConvPoolLayer ${l.activation}`;
    stages.push({
      title: `${name}: ${f}×${h}×${w} after ${l.poolSize.join("×")} pooling`,
      line: `${name}: ${f} maps of ${h}×${w}, ${rangeOf(out)}`,
      maps: split(out, f, h, w),
      shape: [h, w],
    });
  });
  const shown = (s: Stage) => Math.min(limit, s.maps.length);
  const text = [
    `Feature maps of ${from ?? "one input"}${
      options.title === undefined ? "" : ` (${options.title})`
    }, ${colorWords(scheme)}`,
    ...stages.map((s) =>
      `${s.line}${shown(s) < s.maps.length ? `, the first ${shown(s)} shown` : ""}`
    ),
  ].join("\n");
  return new Figure(text, async () => {
    const rows = [];
    for (const s of stages) {
      const maps = s.maps.slice(0, shown(s));
      const all = Float64Array.from(s.maps.flatMap((m) => Array.from(m)));
      // The input's pixels in [0, 1] keep their meaning, as in digits().
      let layerDomain = domainOf(all, scheme);
      if (s === stages[0] && isConvLayer(first) && scheme === "greys") {
        if (layerDomain[0] >= 0 && layerDomain[1] <= 1) layerDomain = [0, 1];
      }
      const tiles: Tile[] = [];
      for (let k = 0; k < maps.length; k++) {
        const m = maps[k]!;
        const domain = normalize === "map" ? domainOf(m, scheme) : layerDomain;
        let lo = Infinity, hi = -Infinity;
        for (const v of m) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        const png = await matrixPng(m, s.shape[0], s.shape[1], scheme, domain);
        tiles.push({
          url: pngDataUrl(png),
          caption: `${k}`,
          color: "#222222",
          info: { map: k, min: round(lo), max: round(hi) },
        });
      }
      const scale = Math.max(1, Math.round(size / Math.max(...s.shape)));
      rows.push(gallerySpec(tiles, s.shape, columns, scale, s.title, true));
    }
    return {
      vegaLite: {
        ...titleOf(options.title),
        vconcat: rows,
        spacing: 12,
        config: { view: { stroke: null } },
      },
    };
  });
}
