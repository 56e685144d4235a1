// A grid of small images with a caption under each, as a vega-lite chart: the images are
// PNG data URLs placed in pixel coordinates, so the SVG that vega renders embeds them.

import { typeName } from "../_util.ts";
import { titleOf } from "./_options.ts";

/** One picture of a gallery. */
export interface Tile {
  /** The image, a PNG data URL. */
  url: string;
  /** Text under the image. */
  caption: string;
  /** Colour of the caption. */
  color: string;
  /** Further fields shown on hover. */
  info: Record<string, string | number>;
}

/**
 * The vega-lite spec of a gallery of `w × h`-pixel tiles shown at `scale`; with `frame`, a
 * thin grey outline around each image (so that a white one still shows where it is).
 */
export function gallerySpec(
  tiles: Tile[],
  [h, w]: readonly [number, number],
  columns: number,
  scale: number,
  title: string | undefined,
  frame = false,
): Record<string, unknown> {
  const cw = w * scale + 8, ch = h * scale + 18;
  const cols = Math.max(1, Math.min(columns, tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const values = tiles.map((t, i) => ({
    ...t.info,
    url: t.url,
    caption: t.caption,
    color: t.color,
    x: (i % cols) * cw,
    y: Math.floor(i / cols) * ch,
    tx: (i % cols) * cw + (w * scale) / 2,
    ty: Math.floor(i / cols) * ch + h * scale + 2,
  }));
  const tooltip = Object.keys(tiles[0]?.info ?? {}).map((field) => ({ field }));
  const px = (field: string) => ({ field, type: "quantitative", scale: null });
  return {
    ...titleOf(title),
    width: cols * cw,
    height: Math.max(1, rows * ch),
    view: { stroke: null },
    data: { values },
    layer: [
      {
        mark: {
          type: "image",
          width: w * scale,
          height: h * scale,
          aspect: false,
          smooth: false,
          align: "left",
          baseline: "top",
          aria: false,
        },
        encoding: { url: { field: "url", type: "nominal" }, x: px("x"), y: px("y"), tooltip },
      },
      {
        mark: { type: "text", align: "center", baseline: "top", fontSize: 11, aria: false },
        encoding: {
          x: px("tx"),
          y: px("ty"),
          text: { field: "caption", type: "nominal" },
          color: { field: "color", type: "nominal", scale: null },
        },
      },
      ...(frame ? [frameLayer(w * scale, h * scale)] : []),
    ],
  };
}

/** Outlines of `w × h` pixels at each tile's `x`, `y`. */
function frameLayer(w: number, h: number): Record<string, unknown> {
  const px = (field: string) => ({ field, type: "quantitative", scale: null });
  return {
    transform: [{ calculate: `datum.x + ${w}`, as: "x2" }, {
      calculate: `datum.y + ${h}`,
      as: "y2",
    }],
    mark: { type: "rect", fill: null, stroke: "#bbbbbb", strokeWidth: 0.5, aria: false },
    encoding: { x: px("x"), x2: { field: "x2" }, y: px("y"), y2: { field: "y2" } },
  };
}

/** Checks a gallery's `[height, width]` shape against the length of its images. */
export function checkShape(
  shape: unknown,
  size: number,
  where: string,
): readonly [number, number] {
  if (shape === undefined) {
    const side = Math.round(Math.sqrt(size));
    if (side * side !== size) {
      throw new RangeError(
        `${where}: images of ${size} values are not square, expected a shape option`,
      );
    }
    return [side, side];
  }
  if (
    !Array.isArray(shape) || shape.length !== 2 ||
    !shape.every((n) => Number.isInteger(n) && n > 0)
  ) {
    throw new TypeError(
      `${where}: shape is ${typeName(shape)}, expected [height, width] as two positive integers`,
    );
  }
  if (shape[0] * shape[1] !== size) {
    throw new RangeError(
      `${where}: shape [${shape[0]}, ${shape[1]}] holds ${
        shape[0] * shape[1]
      } values, expected ${size}`,
    );
  }
  return [shape[0], shape[1]];
}

/** Checks a positive integer option. */
export function positiveInt(v: unknown, name: string, fallback: number, where: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${where}: ${name} is ${String(v)}, expected a positive integer`);
  }
  return v;
}
