// What the kernel tests share: buffers filled with known values, and an elementwise comparison
// with a float64 reference.

import assert from "node:assert/strict";
import type { Buf } from "../lib/_kernels.ts";

/** Fills kernel buffers with values from `gen` and returns float64 copies (the stored values). */
export function fill(bufs: Buf[], gen: () => number): Float64Array[] {
  return bufs.map((b) => {
    for (let i = 0; i < b.length; i++) b[i] = gen();
    return Float64Array.from(b);
  });
}

/**
 * Asserts `|got − want| ≤ tol(i)` elementwise (NaN where NaN is wanted), naming the first element
 * that is not.
 */
export function assertClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: (i: number) => number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(g), `${what}[${i}]: got ${g}, expected NaN`);
      continue;
    }
    const err = Math.abs(g - w);
    assert.ok(err <= tol(i), `${what}[${i}]: got ${g}, expected ${w} (error ${err} > ${tol(i)})`);
  }
}
