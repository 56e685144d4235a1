// Colour-mapped images of matrices, as indexed-colour PNGs.

import { type ColorScheme, colorTable } from "./_color.ts";
import { encodePng } from "./_png.ts";

/**
 * Paints a matrix as colour indices (0–255 into `colorTable(scheme)`), each value a cell of
 * `sx × sy` pixels, coloured over `[lo, hi]`. Used by the receptive fields, the digits and
 * the decision boundary too.
 */
export function matrixIndices(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  [lo, hi]: [number, number],
  sx = 1,
  sy = 1,
): Uint8Array {
  const w = cols * sx;
  const px = new Uint8Array(rows * sy * w);
  const span = hi - lo || 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const t = Math.min(1, Math.max(0, (data[i * cols + j]! - lo) / span));
      const k = Math.round(t * 255);
      for (let y = i * sy; y < (i + 1) * sy; y++) px.fill(k, y * w + j * sx, y * w + (j + 1) * sx);
    }
  }
  return px;
}

/**
 * A matrix as an indexed-colour PNG (see {@linkcode matrixIndices}). Greys, whose colour k is
 * the grey level 255 − k, are written as a greyscale PNG instead: the same pixels without the
 * 768-byte palette, which dominates a small image (a 5×5 filter).
 */
export function matrixPng(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  scheme: ColorScheme,
  domain: [number, number],
  sx = 1,
  sy = 1,
): Promise<Uint8Array> {
  const indices = matrixIndices(data, rows, cols, domain, sx, sy);
  if (scheme === "greys") {
    for (let i = 0; i < indices.length; i++) indices[i] = 255 - indices[i]!;
    return encodePng(cols * sx, rows * sy, indices, 1);
  }
  return encodePng(cols * sx, rows * sy, indices, 1, colorTable(scheme));
}
