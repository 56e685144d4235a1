// The decision regions of a two-input network over a rectangle of the plane, as RGB pixels:
// shared by the decision boundary and the training replay.

import type { Network } from "../network.ts";
import { argmax, typeName } from "../_util.ts";

import { rgb } from "./_color.ts";

/** A rectangle of the plane, `[xMin, xMax, yMin, yMax]`. */
export type Extent = [number, number, number, number];

/** The class and confidence of the network's answer at one point. */
function decide(out: Float64Array): [cls: number, strength: number] {
  if (out.length === 1) return [out[0]! > 0.5 ? 1 : 0, Math.abs(2 * out[0]! - 1)];
  const top = argmax(out);
  let second = -Infinity;
  for (let k = 0; k < out.length; k++) if (k !== top) second = Math.max(second, out[k]!);
  const a = out[top]!;
  return [top, a + second > 0 ? (a - second) / (a + second) : 0];
}

/** The points' bounding box with a 10% margin (the unit square for no points). */
export function extentOf(xs: readonly Float64Array[]): Extent {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of xs) {
    x0 = Math.min(x0, p[0]!), x1 = Math.max(x1, p[0]!);
    y0 = Math.min(y0, p[1]!), y1 = Math.max(y1, p[1]!);
  }
  if (xs.length === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
  const mx = 0.1 * (x1 - x0 || 1), my = 0.1 * (y1 - y0 || 1);
  return [x0 - mx, x1 + mx, y0 - my, y1 + my];
}

/** Checks an `extent` option at a public entry. */
export function checkExtent(extent: unknown, where: string): Extent {
  const e = extent as number[];
  if (
    !Array.isArray(e) || e.length !== 4 || !e.every(Number.isFinite) ||
    !(e[0]! < e[1]! && e[2]! < e[3]!)
  ) {
    throw new RangeError(
      `${where}: extent is ${
        Array.isArray(e) ? `[${e.join(", ")}]` : typeName(e)
      }, expected [xMin, xMax, yMin, yMax] with min < max`,
    );
  }
  return [e[0]!, e[1]!, e[2]!, e[3]!];
}

/** Checks a `colors` option at a public entry. */
export function checkColors(colors: unknown, where: string): readonly string[] {
  if (
    !Array.isArray(colors) || colors.length === 0 ||
    colors.some((c) => typeof c !== "string" || !/^#[0-9a-f]{6}$/i.test(c))
  ) {
    throw new TypeError(`${where}: colors must be a non-empty array of "#rrggbb" colours`);
  }
  return colors;
}

/**
 * The network's class at the centre of each of `res × res` cells of the extent, row 0 at the
 * top (y max): RGB bytes, the class colour paler where the network hesitates.
 */
export function regionPixels(
  net: Network,
  [x0, x1, y0, y1]: Extent,
  res: number,
  colors: readonly string[],
): Uint8Array {
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
  return pixels;
}

/** How the points of a decision-region chart are drawn, and what hovering one shows. */
interface PointStyle {
  readonly size: number;
  readonly strokeWidth: number;
  readonly tooltip?: readonly Record<string, unknown>[];
}

/**
 * The two vega-lite layers of a decision-region chart over `extent`: the regions' images
 * (rows with `url`, `x`, `x2`, `y`, `y2`; `transform` picks a frame of several) and the points
 * over them, coloured by class (`label`) with `colors`. decisionBoundary and TrainingReplay
 * draw theirs with it.
 */
export function regionLayers(
  extent: Extent,
  images: readonly Record<string, unknown>[],
  points: readonly { readonly label: number }[],
  colors: readonly string[],
  style: PointStyle,
  transform?: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const [x0, x1, y0, y1] = extent;
  const xs = { type: "quantitative", scale: { domain: [x0, x1], nice: false, zero: false } };
  const ys = { type: "quantitative", scale: { domain: [y0, y1], nice: false, zero: false } };
  const classes = [...new Set(points.map((p) => p.label))].sort((a, b) => a - b);
  return [
    {
      data: { values: images },
      ...(transform === undefined ? {} : { transform }),
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
      mark: {
        type: "circle",
        size: style.size,
        stroke: "white",
        strokeWidth: style.strokeWidth,
        opacity: 0.9,
      },
      encoding: {
        x: { field: "x", ...xs },
        y: { field: "y", ...ys },
        color: {
          field: "label",
          type: "nominal",
          title: "class",
          scale: { domain: classes, range: classes.map((k) => colors[k % colors.length]) },
        },
        ...(style.tooltip === undefined ? {} : { tooltip: style.tooltip }),
      },
    },
  ];
}
