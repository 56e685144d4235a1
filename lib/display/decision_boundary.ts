/**
 * What a network with two inputs does over the plane: its decision regions, data on top.
 *
 * @module
 */

import type { Data } from "../dataset.ts";
import type { Network } from "../network.ts";
import { argmax, typeName } from "../_util.ts";
import { CLASS_COLORS, rgb, round } from "./_color.ts";
import { checkNetwork, examples, predictAll } from "./_data.ts";
import { positiveInt } from "./_gallery.ts";
import { checkFigureOptions, titleOf } from "./_options.ts";
import { encodePng, pngDataUrl } from "./_png.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode decisionBoundary}. */
export interface DecisionBoundaryOptions extends FigureOptions {
  /** Grid cells per side over which the network is evaluated; default 100. */
  resolution?: number;
  /** The plotted region `[xMin, xMax, yMin, yMax]`; default the data's, with a margin. */
  extent?: [number, number, number, number];
  /** Colours of the classes; default vega's tableau10. */
  colors?: readonly string[];
  /** Draw at most this many data points; default 1000. */
  maxPoints?: number;
}

/** The class and confidence of the network's answer at one point. */
function decide(out: Float64Array): [cls: number, strength: number] {
  if (out.length === 1) return [out[0]! > 0.5 ? 1 : 0, Math.abs(2 * out[0]! - 1)];
  const top = argmax(out);
  let second = -Infinity;
  for (let k = 0; k < out.length; k++) if (k !== top) second = Math.max(second, out[k]!);
  const a = out[top]!;
  return [top, a + second > 0 ? (a - second) / (a + second) : 0];
}

/**
 * The decision regions of a network with two inputs: each point of the plane coloured by the
 * class the network picks there (the most active output; with one output neuron, whether it
 * exceeds ½), paler where it hesitates, and the data drawn on top in the same colours. The
 * regions are an image behind a vega-lite scatter plot; hover a point for its coordinates,
 * label and prediction.
 *
 * @param net A network with 2 inputs.
 * @param data Labelled points with 2 inputs (XOR, moons, circles, spirals...).
 * @param options `title`, `width`, `height`, `resolution`, `extent`, `colors`, `maxPoints`.
 * @returns The figure: vega-lite chart with the regions as a PNG, its SVG, and a summary.
 *
 * @example
 * ```ts
 * import { decisionBoundary, Network, xor } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([2, 4, 2], { seed: 1 });
 * const data = xor(20, { seed: 1 });
 * const fig = decisionBoundary(net, data, { resolution: 20 });
 * assert.match(String(fig), /^Decision regions of \[2, 4, 2\] over \[/);
 * const svg = (await fig.bundle())["image/svg+xml"] as string;
 * assert.match(svg, /<image/);
 * ```
 */
export function decisionBoundary(
  net: Network,
  data: Data,
  options?: DecisionBoundaryOptions,
): Figure {
  const where = "Cannot draw decision boundary";
  checkNetwork(net, where);
  if (net.sizes[0] !== 2) {
    throw new RangeError(
      `${where}: the network has ${net.sizes[0]} inputs, expected 2 (points of the plane)`,
    );
  }
  // One output neuron tells two classes apart (whether it exceeds ½).
  const ex = examples(data, where, [2, Math.max(2, net.sizes.at(-1)!)]);
  const { title, width, height } = checkFigureOptions(
    options,
    where,
    { width: 320, height: 320 },
    ["resolution", "extent", "colors", "maxPoints"],
  );
  const res = positiveInt(options?.resolution, "resolution", 100, where);
  const maxPoints = positiveInt(options?.maxPoints, "maxPoints", 1000, where);
  const colors = options?.colors ?? CLASS_COLORS;
  if (
    !Array.isArray(colors) || colors.length === 0 ||
    colors.some((c) => typeof c !== "string" || !/^#[0-9a-f]{6}$/i.test(c))
  ) {
    throw new TypeError(`${where}: colors must be a non-empty array of "#rrggbb" colours`);
  }
  const n = Math.min(ex.length, maxPoints);
  const xs = Array.from({ length: n }, (_, i) => ex.input(i));
  let extent = options?.extent;
  if (extent === undefined) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const p of xs) {
      x0 = Math.min(x0, p[0]!), x1 = Math.max(x1, p[0]!);
      y0 = Math.min(y0, p[1]!), y1 = Math.max(y1, p[1]!);
    }
    if (n === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
    const mx = 0.1 * (x1 - x0 || 1), my = 0.1 * (y1 - y0 || 1);
    extent = [x0 - mx, x1 + mx, y0 - my, y1 + my];
  } else if (
    !Array.isArray(extent) || extent.length !== 4 || !extent.every(Number.isFinite) ||
    !(extent[0] < extent[1] && extent[2] < extent[3])
  ) {
    throw new RangeError(
      `${where}: extent is ${
        Array.isArray(extent) ? `[${extent.join(", ")}]` : typeName(extent)
      }, expected [xMin, xMax, yMin, yMax] with min < max`,
    );
  }
  const [x0, x1, y0, y1] = extent;
  // The network over the grid, now (not when first displayed): row 0 is the top, y1.
  const pixels = new Uint8Array(res * res * 3);
  const point = new Float64Array(2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      point[0] = x0 + ((c + 0.5) / res) * (x1 - x0);
      point[1] = y1 - ((r + 0.5) / res) * (y1 - y0);
      const [cls, strength] = decide(net.feedforward(point).data);
      const col = rgb(colors[cls % colors.length]!);
      const t = 0.15 + 0.5 * strength;
      for (let k = 0; k < 3; k++) {
        pixels[(r * res + c) * 3 + k] = Math.round(255 + (col[k]! - 255) * t);
      }
    }
  }
  const predicted = predictAll(net, { ...ex, length: n });
  const points = xs.map((x, i) => ({
    x: round(x[0]!),
    y: round(x[1]!),
    label: ex.label(i),
    prediction: predicted[i]!,
  }));
  const correct = points.filter((p) => p.label === p.prediction).length;
  const text = `Decision regions of [${net.sizes.join(", ")}] over [${round(x0)}, ${
    round(x1)
  }] × [${round(y0)}, ${round(y1)}], ${n} points, ${correct} classified correctly`;
  const classes = [...new Set(points.map((p) => p.label))].sort((a, b) => a - b);
  return new Figure(text, async () => {
    const png = await encodePng(res, res, pixels, 3);
    const xs = { type: "quantitative", scale: { domain: [x0, x1], nice: false, zero: false } };
    const ys = { type: "quantitative", scale: { domain: [y0, y1], nice: false, zero: false } };
    return {
      vegaLite: {
        ...titleOf(title),
        width,
        height,
        layer: [
          {
            data: { values: [{ url: pngDataUrl(png), x: x0, x2: x1, y: y1, y2: y0 }] },
            mark: { type: "image", aspect: false, aria: false, smooth: true },
            encoding: {
              url: { field: "url", type: "nominal" },
              x: { field: "x", ...xs, title: "x₁" },
              x2: { field: "x2" },
              y: { field: "y", ...ys, title: "x₂" },
              y2: { field: "y2" },
            },
          },
          {
            data: { values: points },
            mark: { type: "circle", size: 30, stroke: "white", strokeWidth: 0.7, opacity: 0.9 },
            encoding: {
              x: { field: "x", ...xs },
              y: { field: "y", ...ys },
              color: {
                field: "label",
                type: "nominal",
                title: "class",
                scale: { domain: classes, range: classes.map((k) => colors[k % colors.length]) },
              },
              tooltip: [
                { field: "x", type: "quantitative" },
                { field: "y", type: "quantitative" },
                { field: "label", type: "nominal" },
                { field: "prediction", type: "nominal" },
              ],
            },
          },
        ],
      },
    };
  });
}
