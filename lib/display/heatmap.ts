/**
 * Heatmaps of weight and gradient matrices.
 *
 * @module
 */

import { Matrix } from "../matrix.ts";
import { typeName } from "../_util.ts";
import {
  type ColorScheme,
  domainOf,
  isDiverging,
  plotlyScale,
  round,
  vegaScale,
} from "./_color.ts";
import { checkFigureOptions, schemeOption, titleOf } from "./_options.ts";
import { matrixPng } from "./_image.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode heatmap}. */
export interface HeatmapOptions extends FigureOptions {
  /** Colour scheme; default `"redblue"`, diverging and centred on 0. */
  scheme?: ColorScheme;
  /**
   * The interactive layer: vega-lite (small matrices, static SVG) or plotly (large ones,
   * static PNG). `"auto"` (the default) takes plotly above 2,500 cells.
   */
  interactive?: "auto" | "vega-lite" | "plotly";
  /** Axis title of the rows (default `"row"`). */
  rowTitle?: string;
  /** Axis title of the columns (default `"column"`). */
  columnTitle?: string;
}

/** Matrices with more cells than this get plotly and a PNG in `"auto"` mode. */
const LARGE = 2500;

function rangeText(values: Float64Array): string {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length === 0 ? "empty" : `values in [${round(lo)}, ${round(hi)}]`;
}

/**
 * A heatmap of a matrix (a weight matrix, a gradient...), rows down and columns across, on a
 * diverging colour scale centred on 0, with each cell's value on hover.
 *
 * Small matrices get a vega-lite chart and its SVG; large ones (more than 2,500 cells, such
 * as `[784, 30, 10]`'s first weight matrix) a plotly heatmap, which zooms, and a PNG.
 *
 * @param matrix The matrix: a {@linkcode Matrix} or nested rows of numbers.
 * @param options `title`, `width`, `height` (pixels), `scheme`, `interactive`, axis titles.
 * @returns The figure.
 *
 * @example The colour scale is centred on 0
 * ```ts
 * import { heatmap, Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const fig = heatmap(Matrix.fromArray([[-1, 0.5], [2, 0]]), { title: "w" });
 * assert.equal(String(fig), "w: heatmap 2×2, values in [-1, 2]");
 * const spec = (await fig.bundle())["application/vnd.vegalite.v5+json"] as {
 *   encoding: { color: { scale: { domain: number[] } } };
 * };
 * const domain = spec.encoding.color.scale.domain;
 * assert.deepEqual([domain[0], domain.at(-1)], [-2, 2]);
 * ```
 */
export function heatmap(
  matrix: Matrix | readonly (readonly number[])[],
  options?: HeatmapOptions,
): Figure {
  const where = "Cannot draw heatmap";
  if (!(matrix instanceof Matrix) && !Array.isArray(matrix)) {
    throw new TypeError(`${where}: matrix is ${typeName(matrix)}, expected a Matrix`);
  }
  // A copy: the figure shows the values of now, not of when it is first displayed.
  const m = matrix instanceof Matrix ? matrix.clone() : Matrix.fromArray(matrix);
  const scheme = schemeOption(options?.scheme, "redblue", where);
  const mode = options?.interactive ?? "auto";
  if (!["auto", "vega-lite", "plotly"].includes(mode)) {
    throw new RangeError(
      `${where}: interactive is ${JSON.stringify(mode)}, expected "auto", "vega-lite" or "plotly"`,
    );
  }
  const large = mode === "plotly" || (mode === "auto" && m.rows * m.cols > LARGE);
  const cell = large ? 1 : 16;
  const { title, width, height } = checkFigureOptions(options, where, {
    width: Math.min(large ? 800 : 480, Math.max(large ? 200 : 60, m.cols * cell)),
    height: Math.min(large ? 600 : 480, Math.max(large ? 150 : 60, m.rows * cell)),
  }, ["scheme", "interactive", "rowTitle", "columnTitle"]);
  const rowTitle = options?.rowTitle ?? "row", colTitle = options?.columnTitle ?? "column";
  const domain = domainOf(m.data, scheme);
  const text = `${title === undefined ? "" : `${title}: `}heatmap ${m.rows}×${m.cols}, ${
    rangeText(m.data)
  }`;
  if (!large) {
    return new Figure(text, () => {
      const values = [];
      for (let i = 0; i < m.rows; i++) {
        for (let j = 0; j < m.cols; j++) values.push({ row: i, col: j, value: round(m.get(i, j)) });
      }
      return {
        vegaLite: {
          ...titleOf(title),
          width,
          height,
          data: { values },
          mark: { type: "rect", tooltip: true },
          encoding: {
            x: { field: "col", type: "ordinal", title: colTitle },
            y: { field: "row", type: "ordinal", title: rowTitle },
            color: {
              field: "value",
              type: "quantitative",
              scale: vegaScale(scheme, domain),
              legend: { title: "value" },
            },
            tooltip: [
              { field: "row", type: "ordinal", title: rowTitle },
              { field: "col", type: "ordinal", title: colTitle },
              { field: "value", type: "quantitative", format: ".4g" },
            ],
          },
        },
      };
    });
  }
  return new Figure(text, async () => {
    const sx = Math.max(1, Math.floor(width / Math.max(1, m.cols)));
    const sy = Math.max(1, Math.floor(height / Math.max(1, m.rows)));
    const png = await matrixPng(m.data, m.rows, m.cols, scheme, domain, sx, sy);
    return {
      plotly: {
        data: [{
          type: "heatmap",
          z: m.toArray().map((r) => r.map(round)),
          colorscale: plotlyScale(scheme),
          zmin: domain[0],
          zmax: domain[1],
          ...(isDiverging(scheme) ? { zmid: 0 } : {}),
          hovertemplate: `${rowTitle} %{y}, ${colTitle} %{x}: %{z}<extra></extra>`,
        }],
        layout: {
          ...(title === undefined ? {} : { title: { text: title } }),
          width: width + 160,
          height: height + 120,
          xaxis: { title: { text: colTitle } },
          yaxis: { title: { text: rowTitle }, autorange: "reversed" },
        },
      },
      png,
    };
  });
}
