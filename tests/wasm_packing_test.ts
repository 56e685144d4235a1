import assert from "node:assert/strict";
import { assertClose, fill } from "./_kernel_checks.ts";
import { type Buf, type Dtype, jsKernels, type Kernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";
import { Random } from "../lib/random.ts";

// The row products (gemmNN, gemmTN, gemmTNAdd) copy the slices of B that their main blocks read
// into a contiguous scratch when m and k are large (at least 64 each; see `packs` in
// lib/wasm/kernels.as.ts) and sum over k in passes of 256 rows. That must change no sum: every
// element keeps its madds in order of t. The reference is the same product cut into slices of
// at most 32 rows of C, which take the unpacked path (m < 64): equal to the bit, row for row.
// A second reference, the TypeScript kernel, catches an error that both paths would share.

const ROWS = 32; // rows per slice: below the packing threshold
const SHAPES: [number, number, number][] = [
  [96, 29, 600], // three passes over k (256, 256, 88), main blocks and tails of columns
  [97, 50, 300], // odd m: the last row's block in the packed path
  [64, 24, 64], // the threshold, one pass
];

type Product = "gemmNN" | "gemmTN" | "gemmTNAdd";

/** Runs `p` on m × n × k with A as the product reads it (gemmNN: m×k, else k×m). */
function run(
  K: Kernels,
  p: Product,
  m: number,
  n: number,
  k: number,
  [a, b, c, cIn]: Buf[],
): void {
  if (p === "gemmNN") K.gemmNN(m, n, k, a!, b!, c!);
  else if (p === "gemmTN") K.gemmTN(m, n, k, a!, b!, c!);
  else K.gemmTNAdd(m, n, k, a!, b!, 0.75, cIn!, c!);
}

/** Rows r0 … r0 + rows of A, as a product of those rows reads them. */
function rowsOfA(p: Product, a: Float64Array, m: number, k: number, r0: number, rows: number) {
  if (p === "gemmNN") return a.subarray(r0 * k, (r0 + rows) * k);
  const out = new Float64Array(k * rows); // k × rows: columns r0 … of the k × m matrix
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < rows; i++) out[t * rows + i] = a[t * m + r0 + i]!;
  }
  return out;
}

for (const dtype of ["float64", "float32"] as Dtype[]) {
  Deno.test(`packed row products (${dtype}) equal their unpacked slices to the bit`, async (t) => {
    const K = wasmKernels(dtype);
    for (const p of ["gemmNN", "gemmTN", "gemmTNAdd"] as Product[]) {
      for (const [m, n, k] of SHAPES) {
        await t.step(`${p} ${m}×${n}×${k}`, () => {
          const rng = new Random(m * n + k);
          const whole = K.allocate([m * k, k * n, m * n, m * n]);
          const [a, b, , cIn] = fill(whole, () => rng.uniform() - 0.5);
          run(K, p, m, n, k, whole);
          const got = whole[2]!;
          const want = new Float64Array(m * n);
          for (let r0 = 0; r0 < m; r0 += ROWS) {
            const rows = Math.min(ROWS, m - r0);
            const part = K.allocate([rows * k, k * n, rows * n, rows * n]);
            part[0]!.set(rowsOfA(p, a!, m, k, r0, rows));
            part[1]!.set(b!);
            part[3]!.set(cIn!.subarray(r0 * n, (r0 + rows) * n));
            run(K, p, rows, n, k, part);
            want.set(part[2]!, r0 * n);
          }
          for (let i = 0; i < m * n; i++) {
            if (!Object.is(got[i], want[i])) {
              assert.fail(`${p} C[${i}]: packed ${got[i]}, unpacked ${want[i]}`);
            }
          }
          // The TypeScript kernel on the same (rounded) inputs, in float64.
          const ref = jsKernels.allocate([m * k, k * n, m * n, m * n]);
          ref[0]!.set(a!);
          ref[1]!.set(b!);
          ref[3]!.set(cIn!);
          run(jsKernels, p, m, n, k, ref);
          const tol = dtype === "float64" ? 1e-12 * k : 2 ** -24 * k;
          assertClose(got, ref[2]!, () => tol, `${p} ${dtype}`);
        });
      }
    }
  });
}
