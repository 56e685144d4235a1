/**
 * What a network with two inputs does over the plane: its decision regions, data on top.
 *
 * @module
 */

import type { Data } from "../dataset.ts";
import type { Network } from "../network.ts";
import { CLASS_COLORS, round } from "./_color.ts";
import { checkNetwork, examples, predictAll } from "./_data.ts";
import { checkColors, checkExtent, extentOf, regionLayers, regionPixels } from "./_regions.ts";
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
  const colors = checkColors(options?.colors ?? CLASS_COLORS, where);
  const n = Math.min(ex.length, maxPoints);
  const xs = Array.from({ length: n }, (_, i) => ex.input(i));
  const extent = options?.extent === undefined ? extentOf(xs) : checkExtent(options.extent, where);
  const [x0, x1, y0, y1] = extent;
  // The network over the grid, now (not when first displayed).
  const pixels = regionPixels(net, extent, res, colors);
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
  return new Figure(text, async () => {
    const png = await encodePng(res, res, pixels, 3);
    return {
      vegaLite: {
        ...titleOf(title),
        width,
        height,
        layer: regionLayers(
          extent,
          [{ url: pngDataUrl(png), x: x0, x2: x1, y: y1, y2: y0 }],
          points,
          colors,
          {
            size: 30,
            strokeWidth: 0.7,
            tooltip: [
              { field: "x", type: "quantitative" },
              { field: "y", type: "quantitative" },
              { field: "label", type: "nominal" },
              { field: "prediction", type: "nominal" },
            ],
          },
        ),
      },
    };
  });
}
