// The training kernels of lib/_kernels.ts in AssemblyScript, compiled to WebAssembly with
// 128-bit SIMD by `deno task build:wasm` (see tools/build_wasm.ts and docs/wasm.md).
//
// Each kernel is written once, generic over the element type T (f64 or f32), and exported
// twice: `gemmNT64` works on float64 arrays with f64x2 lanes, `gemmNT32` on float32 arrays
// with f32x4 lanes. Arguments are element counts and byte offsets into the memory that the
// host imports (`env.memory`); the host (lib/_wasm_kernels.ts) allocates every buffer there
// once per training run, so no kernel call copies data in or out.
//
// Layout as in lib/_kernels.ts: every matrix is row-major, one example per row.

// ---------------------------------------------------------------------------------------
// Matrix products. Each output block is held in SIMD registers for the whole sum over k and
// stored once: 2×4 dot products in gemmNT, 4 rows × 2 vectors in gemmNN/gemmTN. Edge blocks
// (sizes that are not multiples of the block or of the lane count) take narrower paths.

/**
 * `acc + x·y` lane by lane, as one fused multiply-add where the CPU has one: relaxed SIMD's
 * `relaxed_madd` lets the engine choose (V8 emits FMA on x86-64 with FMA3, an unfused
 * multiply and add elsewhere), so a sum may differ in its last bit between machines, never
 * on one machine. The build enables relaxed SIMD; without it this is a multiply and an add.
 */
@inline function madd<T>(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (sizeof<T>() == 8) return f64x2.relaxed_madd(x, y, acc);
    return f32x4.relaxed_madd(x, y, acc);
  }
  return v128.add<T>(acc, v128.mul<T>(x, y));
}

/** Sum of the lanes of `v`. */
@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 8) {
    return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
  }
  return <T>(
    (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 2)) +
    (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3))
  );
}

/** Stores the lane sums of `x0..x3` at `dst[0..3]`, transposing in registers. */
@inline function storeSums4<T>(dst: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  if (sizeof<T>() == 8) {
    v128.store(dst, f64x2.add(v128.shuffle<f64>(x0, x1, 0, 2), v128.shuffle<f64>(x0, x1, 1, 3)));
    v128.store(dst, f64x2.add(v128.shuffle<f64>(x2, x3, 0, 2), v128.shuffle<f64>(x2, x3, 1, 3)), 16);
  } else {
    const u = f32x4.add(v128.shuffle<f32>(x0, x1, 0, 1, 4, 5), v128.shuffle<f32>(x0, x1, 2, 3, 6, 7));
    const w = f32x4.add(v128.shuffle<f32>(x2, x3, 0, 1, 4, 5), v128.shuffle<f32>(x2, x3, 2, 3, 6, 7));
    v128.store(dst, f32x4.add(v128.shuffle<f32>(u, w, 0, 2, 4, 6), v128.shuffle<f32>(u, w, 1, 3, 5, 7)));
  }
}

/** Scalar dot product of `a[from..to)` and `b[from..to)`: the part of k left over by SIMD. */
@inline function dotTail<T>(a: usize, b: usize, from: i32, to: i32): T {
  let sum = <T>0;
  for (let t = from; t < to; t++) {
    const o = <usize>t * sizeof<T>();
    sum += load<T>(a + o) * load<T>(b + o);
  }
  return sum;
}

/** Adds `v` to the element at `p`. */
@inline function addTo<T>(p: usize, v: T): void {
  store<T>(p, load<T>(p) + v);
}

/** Dot product of two rows of length k (`end` = bytes covered by whole vectors). */
@inline function dot<T>(a: usize, b: usize, end: usize, kv: i32, k: i32): T {
  let x0 = v128.splat<T>(<T>0);
  let x1 = x0;
  let t: usize = 0;
  for (; t + 32 <= end; t += 32) {
    x0 = madd<T>(x0, v128.load(a + t), v128.load(b + t));
    x1 = madd<T>(x1, v128.load(a + t, 16), v128.load(b + t, 16));
  }
  if (t < end) x0 = madd<T>(x0, v128.load(a + t), v128.load(b + t));
  return hsum<T>(v128.add<T>(x0, x1)) + dotTail<T>(a, b, kv, k);
}

/**
 * `C[m×n] = A[m×k] · B[n×k]ᵀ`: every output is a dot product of two contiguous rows. C's rows
 * are `ldc` elements apart (n, or more for a block of a product's columns). Which path computes
 * an element depends only on its row and on its column within the n: columns in whole groups
 * of 4 take the 2×4 (or 1×4) blocks, so a product split into blocks of columns at multiples
 * of 4 computes every element as the whole product does.
 */
@inline function gemmNT<T>(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ldc: i32): void {
  const S = sizeof<T>();
  const row = <usize>k * S;
  const kv = k - k % (16 / <i32>S); // elements covered by whole vectors
  const end = <usize>kv * S;
  const zero = v128.splat<T>(<T>0);
  let r = 0;
  for (; r + 2 <= m; r += 2) {
    const a0 = a + <usize>r * row;
    const a1 = a0 + row;
    const c0 = c + <usize>r * <usize>ldc * S;
    const c1 = c0 + <usize>ldc * S;
    let s = 0;
    for (; s + 4 <= n; s += 4) {
      const b0 = b + <usize>s * row;
      const b1 = b0 + row;
      const b2 = b1 + row;
      const b3 = b2 + row;
      let x00 = zero, x01 = zero, x02 = zero, x03 = zero;
      let x10 = zero, x11 = zero, x12 = zero, x13 = zero;
      // Two vectors of k per pass: the second loads use constant offsets, which cost no
      // address arithmetic (the loop is bound by instruction count, not by the FP units).
      let t: usize = 0;
      for (; t + 32 <= end; t += 32) {
        let u = v128.load(a0 + t);
        let v = v128.load(a1 + t);
        let w = v128.load(b0 + t);
        x00 = madd<T>(x00, u, w);
        x10 = madd<T>(x10, v, w);
        w = v128.load(b1 + t);
        x01 = madd<T>(x01, u, w);
        x11 = madd<T>(x11, v, w);
        w = v128.load(b2 + t);
        x02 = madd<T>(x02, u, w);
        x12 = madd<T>(x12, v, w);
        w = v128.load(b3 + t);
        x03 = madd<T>(x03, u, w);
        x13 = madd<T>(x13, v, w);
        u = v128.load(a0 + t, 16);
        v = v128.load(a1 + t, 16);
        w = v128.load(b0 + t, 16);
        x00 = madd<T>(x00, u, w);
        x10 = madd<T>(x10, v, w);
        w = v128.load(b1 + t, 16);
        x01 = madd<T>(x01, u, w);
        x11 = madd<T>(x11, v, w);
        w = v128.load(b2 + t, 16);
        x02 = madd<T>(x02, u, w);
        x12 = madd<T>(x12, v, w);
        w = v128.load(b3 + t, 16);
        x03 = madd<T>(x03, u, w);
        x13 = madd<T>(x13, v, w);
      }
      if (t < end) {
        const u = v128.load(a0 + t);
        const v = v128.load(a1 + t);
        let w = v128.load(b0 + t);
        x00 = madd<T>(x00, u, w);
        x10 = madd<T>(x10, v, w);
        w = v128.load(b1 + t);
        x01 = madd<T>(x01, u, w);
        x11 = madd<T>(x11, v, w);
        w = v128.load(b2 + t);
        x02 = madd<T>(x02, u, w);
        x12 = madd<T>(x12, v, w);
        w = v128.load(b3 + t);
        x03 = madd<T>(x03, u, w);
        x13 = madd<T>(x13, v, w);
      }
      const o = <usize>s * S;
      storeSums4<T>(c0 + o, x00, x01, x02, x03);
      storeSums4<T>(c1 + o, x10, x11, x12, x13);
      if (kv < k) {
        for (let j = 0; j < 4; j++) {
          const bj = b0 + <usize>j * row;
          addTo<T>(c0 + o + <usize>j * S, dotTail<T>(a0, bj, kv, k));
          addTo<T>(c1 + o + <usize>j * S, dotTail<T>(a1, bj, kv, k));
        }
      }
    }
    if (s + 2 <= n) {
      // Two columns left (n = 30 in the book's network): a 2×2 block.
      const b0 = b + <usize>s * row;
      const b1 = b0 + row;
      let x00 = zero, x01 = zero, x10 = zero, x11 = zero;
      for (let t: usize = 0; t < end; t += 16) {
        const u = v128.load(a0 + t);
        const v = v128.load(a1 + t);
        const w0 = v128.load(b0 + t);
        const w1 = v128.load(b1 + t);
        x00 = madd<T>(x00, u, w0);
        x01 = madd<T>(x01, u, w1);
        x10 = madd<T>(x10, v, w0);
        x11 = madd<T>(x11, v, w1);
      }
      const o = <usize>s * S;
      store<T>(c0 + o, hsum<T>(x00) + dotTail<T>(a0, b0, kv, k));
      store<T>(c0 + o + S, hsum<T>(x01) + dotTail<T>(a0, b1, kv, k));
      store<T>(c1 + o, hsum<T>(x10) + dotTail<T>(a1, b0, kv, k));
      store<T>(c1 + o + S, hsum<T>(x11) + dotTail<T>(a1, b1, kv, k));
      s += 2;
    }
    if (s < n) {
      const bs = b + <usize>s * row;
      store<T>(c0 + <usize>s * S, dot<T>(a0, bs, end, kv, k));
      store<T>(c1 + <usize>s * S, dot<T>(a1, bs, end, kv, k));
    }
  }
  if (r < m) {
    // The last row when m is odd: 1×4 blocks.
    const a0 = a + <usize>r * row;
    const c0 = c + <usize>r * <usize>ldc * S;
    let s = 0;
    for (; s + 4 <= n; s += 4) {
      const b0 = b + <usize>s * row;
      const b1 = b0 + row;
      const b2 = b1 + row;
      const b3 = b2 + row;
      let x0 = zero, x1 = zero, x2 = zero, x3 = zero;
      for (let t: usize = 0; t < end; t += 16) {
        const u = v128.load(a0 + t);
        x0 = madd<T>(x0, u, v128.load(b0 + t));
        x1 = madd<T>(x1, u, v128.load(b1 + t));
        x2 = madd<T>(x2, u, v128.load(b2 + t));
        x3 = madd<T>(x3, u, v128.load(b3 + t));
      }
      const o = <usize>s * S;
      storeSums4<T>(c0 + o, x0, x1, x2, x3);
      if (kv < k) {
        for (let j = 0; j < 4; j++) {
          addTo<T>(c0 + o + <usize>j * S, dotTail<T>(a0, b0 + <usize>j * row, kv, k));
        }
      }
    }
    for (; s < n; s++) store<T>(c0 + <usize>s * S, dot<T>(a0, b + <usize>s * row, end, kv, k));
  }
}

/** Where an output block of C starts: 0, or with `upd` its old value (at p + d) times β. */
@inline function initV<T>(upd: bool, p: usize, d: usize, bv: v128, one: bool): v128 {
  if (!upd) return v128.splat<T>(<T>0);
  const old = v128.load(p + d);
  return one ? old : v128.mul<T>(bv, old);
}

/** `initV` for one element (β = 1 multiplies exactly). */
@inline function initS<T>(upd: bool, p: usize, d: usize, beta: f64): T {
  return upd ? <T>beta * load<T>(p + d) : <T>0;
}

/** `initV` on the first pass over t; on a later pass, the sums the pass before stored at p. */
@inline function startV<T>(first: bool, upd: bool, p: usize, d: usize, bv: v128, one: bool): v128 {
  return first ? initV<T>(upd, p, d, bv, one) : v128.load(p);
}

/** Rows of B per packed pass: KC rows of 96 bytes, 24 kB, in L1 beside the rows of A. */
const KC: i32 = 256;

/** Bytes of one thread's scratch: a packed slice of B. */
const SCRATCH: usize = <usize>KC * 96;

/**
 * Which thread's scratch this instance packs into: 0 on the main thread, 1 in the worker
 * (lib/_wasm_worker.ts), whose instance shares the memory and may run a product at the same
 * time. The scratches lie between this module's static data and `heapBase()`.
 */
let scratchSlot: usize = 0;

/** Where the scratches start: after the static data, aligned to a cache line. */
@inline function scratchBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/**
 * Whether gemmRows packs the slices of B: when m and k are large enough for the copies to
 * pay (measured: bench/blocking_bench.ts, docs/wasm.md).
 */
@inline function packs(m: i32, k: i32): bool {
  return m >= 64 && k >= 64;
}

/** Copies `kn` rows of 6 vectors, `stride` bytes apart from `src`, to contiguous rows at `dst`. */
@inline function packPanel(src: usize, stride: usize, dst: usize, kn: i32): void {
  for (let t = 0; t < kn; t++) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    v128.store(dst, v128.load(src, 32), 32);
    v128.store(dst, v128.load(src, 48), 48);
    v128.store(dst, v128.load(src, 64), 64);
    v128.store(dst, v128.load(src, 80), 80);
    src += stride;
    dst += 96;
  }
}

/**
 * The main block: rows r and r + 1 of C (from `c0`; rows `nB` bytes apart) × 6 vectors, summed
 * over `kn` values of t, A(r, t) at `pa` (+ `tsB` per t, row r + 1 at + `rsB`), the rows of B
 * `bStep` bytes apart from `pb`. `first`: the sums start from initV, else from C.
 */
@inline function rowPair<T>(
  first: bool, upd: bool, c0: usize, nB: usize, d: usize, bv: v128, one: bool,
  pa: usize, rs: i32, rsB: usize, tsB: usize, pb: usize, bStep: usize, kn: i32,
): void {
  const c1 = c0 + nB;
  let x00 = startV<T>(first, upd, c0, d, bv, one);
  let x01 = startV<T>(first, upd, c0 + 16, d, bv, one);
  let x02 = startV<T>(first, upd, c0 + 32, d, bv, one);
  let x03 = startV<T>(first, upd, c0 + 48, d, bv, one);
  let x04 = startV<T>(first, upd, c0 + 64, d, bv, one);
  let x05 = startV<T>(first, upd, c0 + 80, d, bv, one);
  let x10 = startV<T>(first, upd, c1, d, bv, one);
  let x11 = startV<T>(first, upd, c1 + 16, d, bv, one);
  let x12 = startV<T>(first, upd, c1 + 32, d, bv, one);
  let x13 = startV<T>(first, upd, c1 + 48, d, bv, one);
  let x14 = startV<T>(first, upd, c1 + 64, d, bv, one);
  let x15 = startV<T>(first, upd, c1 + 80, d, bv, one);
  for (let t = 0; t < kn; t++) {
    // A(r, t) and A(r + 1, t): adjacent in gemmTN (one load, two shuffles), else two splats.
    let u: v128, v: v128;
    if (rs == 1) {
      if (sizeof<T>() == 8) {
        const q = v128.load(pa);
        u = v128.shuffle<f64>(q, q, 0, 0);
        v = v128.shuffle<f64>(q, q, 1, 1);
      } else {
        const q = v128.load64_zero(pa);
        u = v128.shuffle<f32>(q, q, 0, 0, 0, 0);
        v = v128.shuffle<f32>(q, q, 1, 1, 1, 1);
      }
    } else {
      u = v128.load_splat<T>(pa);
      v = v128.load_splat<T>(pa + rsB);
    }
    let y = v128.load(pb);
    x00 = madd<T>(x00, u, y);
    x10 = madd<T>(x10, v, y);
    y = v128.load(pb, 16);
    x01 = madd<T>(x01, u, y);
    x11 = madd<T>(x11, v, y);
    y = v128.load(pb, 32);
    x02 = madd<T>(x02, u, y);
    x12 = madd<T>(x12, v, y);
    y = v128.load(pb, 48);
    x03 = madd<T>(x03, u, y);
    x13 = madd<T>(x13, v, y);
    y = v128.load(pb, 64);
    x04 = madd<T>(x04, u, y);
    x14 = madd<T>(x14, v, y);
    y = v128.load(pb, 80);
    x05 = madd<T>(x05, u, y);
    x15 = madd<T>(x15, v, y);
    pa += tsB;
    pb += bStep;
  }
  v128.store(c0, x00);
  v128.store(c0 + 16, x01);
  v128.store(c0 + 32, x02);
  v128.store(c0 + 48, x03);
  v128.store(c0 + 64, x04);
  v128.store(c0 + 80, x05);
  v128.store(c1, x10);
  v128.store(c1 + 16, x11);
  v128.store(c1 + 32, x12);
  v128.store(c1 + 48, x13);
  v128.store(c1 + 64, x14);
  v128.store(c1 + 80, x15);
}

/** The main block's last row when m is odd: one row × 6 vectors, as rowPair. */
@inline function rowOne<T>(
  first: bool, upd: bool, c0: usize, d: usize, bv: v128, one: bool,
  pa: usize, tsB: usize, pb: usize, bStep: usize, kn: i32,
): void {
  let x00 = startV<T>(first, upd, c0, d, bv, one);
  let x01 = startV<T>(first, upd, c0 + 16, d, bv, one);
  let x02 = startV<T>(first, upd, c0 + 32, d, bv, one);
  let x03 = startV<T>(first, upd, c0 + 48, d, bv, one);
  let x04 = startV<T>(first, upd, c0 + 64, d, bv, one);
  let x05 = startV<T>(first, upd, c0 + 80, d, bv, one);
  for (let t = 0; t < kn; t++) {
    const u = v128.load_splat<T>(pa);
    x00 = madd<T>(x00, u, v128.load(pb, 0));
    x01 = madd<T>(x01, u, v128.load(pb, 16));
    x02 = madd<T>(x02, u, v128.load(pb, 32));
    x03 = madd<T>(x03, u, v128.load(pb, 48));
    x04 = madd<T>(x04, u, v128.load(pb, 64));
    x05 = madd<T>(x05, u, v128.load(pb, 80));
    pa += tsB;
    pb += bStep;
  }
  v128.store(c0, x00);
  v128.store(c0 + 16, x01);
  v128.store(c0 + 32, x02);
  v128.store(c0 + 48, x03);
  v128.store(c0 + 64, x04);
  v128.store(c0 + 80, x05);
}

/**
 * `C[m×n] = Σ_t A(r, t) · B[t, :]` with `A(r, t)` at element `r·rs + t·ts`: gemmNN when A
 * is m×k (rs = k, ts = 1), gemmTN when A is k×m (rs = 1, ts = m). Each row of C is a
 * combination of rows of B, so the SIMD lanes run along the contiguous rows of B and C.
 * B and C have rows of `ld` elements, of which the n columns from `b` and `c` are computed.
 *
 * Which path computes an element depends only on its row and column within those n: every
 * SIMD path adds its k products with `madd` in order of t, and the last n % L columns take
 * the scalar path. Columns from 0 to a multiple of 6·L (the main blocks' width) take the
 * main blocks whatever n is, so a product split into blocks of columns at multiples of 6·L
 * computes every element as the whole product does. Whether the main blocks read B from a
 * packed copy depends on m and k alone, and changes no sum.
 */
@inline function gemmRows<T>(
  m: i32, n: i32, k: i32, a: usize, rs: i32, ts: i32, b: usize, c: usize,
  upd: bool, beta: f64, cIn: usize, ld: i32,
): void {
  const S = sizeof<T>();
  const d = cIn - c; // from an output to the same element of C's old value (wraps: fine)
  const bv = v128.splat<T>(<T>beta);
  const one = beta == 1.0;
  const L = 16 / <i32>S;
  const rsB = <usize>rs * S;
  const tsB = <usize>ts * S;
  const nB = <usize>ld * S; // the row stride of B and C (n, or more for a block of columns)
  // Main region: column blocks of 6 vectors in the outer loop, so that the slice of B they
  // read (k rows of 6 vectors) stays close while every pair of rows of C passes over it.
  // Where `packs` says so, the slice is first copied, KC rows at a time, into this thread's
  // scratch, where its rows are contiguous; the sums then run over t in passes of KC rows,
  // each pass starting from the sums the one before stored in C: the same madds in the same
  // order of t, only B is read from elsewhere.
  const W = 6 * L;
  const s0 = n - n % W; // the columns left to the narrower blocks below
  if (!packs(m, k)) {
    for (let s = 0; s < s0; s += W) {
      const o = <usize>s * S;
      const bs = b + o;
      let r = 0;
      for (; r + 2 <= m; r += 2) {
        const c0 = c + <usize>r * nB + o;
        rowPair<T>(true, upd, c0, nB, d, bv, one, a + <usize>r * rsB, rs, rsB, tsB, bs, nB, k);
      }
      if (r < m) {
        rowOne<T>(true, upd, c + <usize>r * nB + o, d, bv, one, a + <usize>r * rsB, tsB, bs, nB, k);
      }
    }
  } else {
    const panel = scratchBase() + scratchSlot * SCRATCH;
    for (let s = 0; s < s0; s += W) {
      const o = <usize>s * S;
      for (let kb = 0; kb < k; kb += KC) {
        const kn = min(KC, k - kb);
        packPanel(b + o + <usize>kb * nB, nB, panel, kn);
        const ak = a + <usize>kb * tsB;
        let r = 0;
        for (; r + 2 <= m; r += 2) {
          const c0 = c + <usize>r * nB + o;
          const ar = ak + <usize>r * rsB;
          if (kb == 0) rowPair<T>(true, upd, c0, nB, d, bv, one, ar, rs, rsB, tsB, panel, 96, kn);
          else rowPair<T>(false, upd, c0, nB, d, bv, one, ar, rs, rsB, tsB, panel, 96, kn);
        }
        if (r < m) {
          const c0 = c + <usize>r * nB + o;
          const ar = ak + <usize>r * rsB;
          if (kb == 0) rowOne<T>(true, upd, c0, d, bv, one, ar, tsB, panel, 96, kn);
          else rowOne<T>(false, upd, c0, d, bv, one, ar, tsB, panel, 96, kn);
        }
      }
    }
  }
  // Columns s0 … n: blocks of 4 rows, then 2, then 1.
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const ar = a + <usize>r * rsB;
    const c0 = c + <usize>r * nB;
    const c1 = c0 + nB;
    const c2 = c1 + nB;
    const c3 = c2 + nB;
    let s = s0;
    for (; s + 2 * L <= n; s += 2 * L) {
      const o = <usize>s * S;
      let x00 = initV<T>(upd, c0 + o, d, bv, one);
      let x01 = initV<T>(upd, c0 + o + 16, d, bv, one);
      let x10 = initV<T>(upd, c1 + o, d, bv, one);
      let x11 = initV<T>(upd, c1 + o + 16, d, bv, one);
      let x20 = initV<T>(upd, c2 + o, d, bv, one);
      let x21 = initV<T>(upd, c2 + o + 16, d, bv, one);
      let x30 = initV<T>(upd, c3 + o, d, bv, one);
      let x31 = initV<T>(upd, c3 + o + 16, d, bv, one);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        const y0 = v128.load(pb);
        const y1 = v128.load(pb, 16);
        let x = v128.load_splat<T>(pa);
        x00 = madd<T>(x00, x, y0);
        x01 = madd<T>(x01, x, y1);
        x = v128.load_splat<T>(pa + rsB);
        x10 = madd<T>(x10, x, y0);
        x11 = madd<T>(x11, x, y1);
        x = v128.load_splat<T>(pa + 2 * rsB);
        x20 = madd<T>(x20, x, y0);
        x21 = madd<T>(x21, x, y1);
        x = v128.load_splat<T>(pa + 3 * rsB);
        x30 = madd<T>(x30, x, y0);
        x31 = madd<T>(x31, x, y1);
        pa += tsB;
        pb += nB;
      }
      v128.store(c0 + o, x00);
      v128.store(c0 + o + 16, x01);
      v128.store(c1 + o, x10);
      v128.store(c1 + o + 16, x11);
      v128.store(c2 + o, x20);
      v128.store(c2 + o + 16, x21);
      v128.store(c3 + o, x30);
      v128.store(c3 + o + 16, x31);
    }
    for (; s + L <= n; s += L) {
      const o = <usize>s * S;
      let x0 = initV<T>(upd, c0 + o, d, bv, one);
      let x1 = initV<T>(upd, c1 + o, d, bv, one);
      let x2 = initV<T>(upd, c2 + o, d, bv, one);
      let x3 = initV<T>(upd, c3 + o, d, bv, one);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        const y = v128.load(pb);
        x0 = madd<T>(x0, v128.load_splat<T>(pa), y);
        x1 = madd<T>(x1, v128.load_splat<T>(pa + rsB), y);
        x2 = madd<T>(x2, v128.load_splat<T>(pa + 2 * rsB), y);
        x3 = madd<T>(x3, v128.load_splat<T>(pa + 3 * rsB), y);
        pa += tsB;
        pb += nB;
      }
      v128.store(c0 + o, x0);
      v128.store(c1 + o, x1);
      v128.store(c2 + o, x2);
      v128.store(c3 + o, x3);
    }
    for (; s < n; s++) {
      for (let i = 0; i < 4; i++) {
        let sum = initS<T>(upd, c0 + <usize>i * nB + <usize>s * S, d, beta);
        let pa = ar + <usize>i * rsB;
        let pb = b + <usize>s * S;
        for (let t = 0; t < k; t++) {
          sum += load<T>(pa) * load<T>(pb);
          pa += tsB;
          pb += nB;
        }
        store<T>(c0 + <usize>i * nB + <usize>s * S, sum);
      }
    }
  }
  if (r + 2 <= m) {
    // Two rows left (m = 30 or 10 in the book's network): 2 rows × 4 vectors.
    const ar = a + <usize>r * rsB;
    const c0 = c + <usize>r * nB;
    const c1 = c0 + nB;
    let s = s0;
    for (; s + 4 * L <= n; s += 4 * L) {
      const o = <usize>s * S;
      let x00 = initV<T>(upd, c0 + o, d, bv, one);
      let x01 = initV<T>(upd, c0 + o + 16, d, bv, one);
      let x02 = initV<T>(upd, c0 + o + 32, d, bv, one);
      let x03 = initV<T>(upd, c0 + o + 48, d, bv, one);
      let x10 = initV<T>(upd, c1 + o, d, bv, one);
      let x11 = initV<T>(upd, c1 + o + 16, d, bv, one);
      let x12 = initV<T>(upd, c1 + o + 32, d, bv, one);
      let x13 = initV<T>(upd, c1 + o + 48, d, bv, one);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        const u = v128.load_splat<T>(pa);
        const v = v128.load_splat<T>(pa + rsB);
        let y = v128.load(pb);
        x00 = madd<T>(x00, u, y);
        x10 = madd<T>(x10, v, y);
        y = v128.load(pb, 16);
        x01 = madd<T>(x01, u, y);
        x11 = madd<T>(x11, v, y);
        y = v128.load(pb, 32);
        x02 = madd<T>(x02, u, y);
        x12 = madd<T>(x12, v, y);
        y = v128.load(pb, 48);
        x03 = madd<T>(x03, u, y);
        x13 = madd<T>(x13, v, y);
        pa += tsB;
        pb += nB;
      }
      v128.store(c0 + o, x00);
      v128.store(c0 + o + 16, x01);
      v128.store(c0 + o + 32, x02);
      v128.store(c0 + o + 48, x03);
      v128.store(c1 + o, x10);
      v128.store(c1 + o + 16, x11);
      v128.store(c1 + o + 32, x12);
      v128.store(c1 + o + 48, x13);
    }
    for (; s + L <= n; s += L) {
      let x0 = initV<T>(upd, c0 + <usize>s * S, d, bv, one);
      let x1 = initV<T>(upd, c1 + <usize>s * S, d, bv, one);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        const y = v128.load(pb);
        x0 = madd<T>(x0, v128.load_splat<T>(pa), y);
        x1 = madd<T>(x1, v128.load_splat<T>(pa + rsB), y);
        pa += tsB;
        pb += nB;
      }
      v128.store(c0 + <usize>s * S, x0);
      v128.store(c1 + <usize>s * S, x1);
    }
    for (; s < n; s++) {
      for (let i = 0; i < 2; i++) {
        let sum = initS<T>(upd, c0 + <usize>i * nB + <usize>s * S, d, beta);
        let pa = ar + <usize>i * rsB;
        let pb = b + <usize>s * S;
        for (let t = 0; t < k; t++) {
          sum += load<T>(pa) * load<T>(pb);
          pa += tsB;
          pb += nB;
        }
        store<T>(c0 + <usize>i * nB + <usize>s * S, sum);
      }
    }
    r += 2;
  }
  if (r < m) {
    // The last row when m is odd.
    const ar = a + <usize>r * rsB;
    const cr = c + <usize>r * nB;
    let s = s0;
    for (; s + 2 * L <= n; s += 2 * L) {
      let x0 = initV<T>(upd, cr + <usize>s * S, d, bv, one);
      let x1 = initV<T>(upd, cr + <usize>s * S + 16, d, bv, one);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        const x = v128.load_splat<T>(pa);
        x0 = madd<T>(x0, x, v128.load(pb));
        x1 = madd<T>(x1, x, v128.load(pb, 16));
        pa += tsB;
        pb += nB;
      }
      v128.store(cr + <usize>s * S, x0);
      v128.store(cr + <usize>s * S + 16, x1);
    }
    for (; s < n; s++) {
      let sum = initS<T>(upd, cr + <usize>s * S, d, beta);
      let pa = ar;
      let pb = b + <usize>s * S;
      for (let t = 0; t < k; t++) {
        sum += load<T>(pa) * load<T>(pb);
        pa += tsB;
        pb += nB;
      }
      store<T>(cr + <usize>s * S, sum);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Elementary functions in f64x2. The float32 kernels promote to f64, call these and round
// once when they store, as the TypeScript kernels do on a Float32Array.

const INV_LN2: f64 = 1.4426950408889634; // 1/ln 2, rounded
const LN2_HI: f64 = 0.6931471803691238; // ln 2 cut to 32 significant bits: k·LN2_HI is exact
const LN2_LO: f64 = 1.9082149292705877e-10; // ln 2 − LN2_HI, rounded

/**
 * `q(r) = Σ_{j≥2} r^{j−2}/j!` to j = 14, so that e^r = 1 + r + r²·q(r) with an error below
 * 1e-19 for |r| ≤ ln2/2. Estrin's scheme (powers r², r⁴, r⁸) keeps the chain of dependent
 * operations short; `r2` is r².
 */
@inline function expTail(r: v128, r2: v128): v128 {
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p0 = f64x2.add(f64x2.splat(1.0 / 2.0), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const p1 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const p2 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const p3 = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r, f64x2.splat(1.0 / 362880.0)));
  const p4 = f64x2.add(f64x2.splat(1.0 / 3628800.0), f64x2.mul(r, f64x2.splat(1.0 / 39916800.0)));
  const p5 = f64x2.add(
    f64x2.splat(1.0 / 479001600.0),
    f64x2.mul(r, f64x2.splat(1.0 / 6227020800.0)),
  );
  const p6 = f64x2.splat(1.0 / 87178291200.0);
  const q0 = f64x2.add(p0, f64x2.mul(p1, r2)); // terms 0–3
  const q1 = f64x2.add(p2, f64x2.mul(p3, r2)); // terms 4–7
  const q2 = f64x2.add(f64x2.add(p4, f64x2.mul(p5, r2)), f64x2.mul(p6, r4)); // terms 8–12
  return f64x2.add(f64x2.add(q0, f64x2.mul(q1, r4)), f64x2.mul(q2, r8));
}

/**
 * `e^x` in both lanes, within about half an ulp plus a few hundredths (so it agrees with a
 * correctly rounded `Math.exp` to the last bit in most cases and to one ulp in all).
 *
 * Steps: x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite: r is carried as r + rLo), then
 * e^r = 1 + r + r²·q(r) summed so that the rounding of 1 + r is recovered exactly, and the
 * result is scaled by 2^k in two exact halves (so k = 1024 and subnormal results work).
 */
@inline function exp2v(x0: v128): v128 {
  // Clamp so that k stays small; pmin/pmax return their first operand for NaN.
  const x = f64x2.pmin(f64x2.pmax(x0, f64x2.splat(-746.0)), f64x2.splat(710.0));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))); // exact
  const kLo = f64x2.mul(k, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, kLo);
  const rLo = f64x2.sub(f64x2.sub(hi, r), kLo); // rounding error of r
  const one = f64x2.splat(1.0);
  const s = f64x2.add(one, r);
  const sLo = f64x2.sub(r, f64x2.sub(s, one)); // 1 + r = s + sLo exactly
  const r2 = f64x2.mul(r, r);
  const small = f64x2.add(
    f64x2.add(sLo, f64x2.mul(rLo, f64x2.add(one, r))),
    f64x2.mul(r2, expTail(r, r2)),
  );
  const y = f64x2.add(s, small);
  // 2^k = 2^k1 · 2^k2 with k1 = ⌊k/2⌋: both factors are normal numbers.
  const ki = i32x4.trunc_sat_f64x2_s_zero(k);
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const bias = i64x2.splat(1023);
  const p1 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k1), bias), 52);
  const p2 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k2), bias), 52);
  return f64x2.mul(f64x2.mul(y, p1), p2);
}

/** `e^y − 1` for |y| ≤ ln2/2, without the cancellation of `exp(y) − 1`. */
@inline function expm1Small(y: v128): v128 {
  const y2 = f64x2.mul(y, y);
  return f64x2.add(y, f64x2.mul(y2, expTail(y, y2)));
}

/**
 * `e^x` for x ≤ 0 to a relative error below 3e-9, for results that are rounded to float32
 * (half an ulp of float32 is 3e-8): a degree-8 polynomial after the same reduction as
 * `exp2v`, without its compensated sums. Below −104, e^x rounds to 0 in float32 anyway.
 */
@inline function expNeg32(x0: v128): v128 {
  const x = f64x2.pmax(x0, f64x2.splat(-104.0));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const r = f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))),
    f64x2.mul(k, f64x2.splat(LN2_LO)),
  );
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p0 = f64x2.add(f64x2.splat(1.0), r);
  const p1 = f64x2.add(f64x2.splat(1.0 / 2.0), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const p2 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const p3 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const q = f64x2.add(
    f64x2.add(p1, f64x2.mul(p2, r2)),
    f64x2.mul(f64x2.add(p3, f64x2.mul(f64x2.splat(1.0 / 40320.0), r2)), r4),
  );
  const y = f64x2.add(p0, f64x2.mul(r2, q));
  // 2^k for −151 ≤ k ≤ 0: a normal double, built in its exponent bits.
  const ki = i32x4.trunc_sat_f64x2_s_zero(k);
  const scale = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(ki), i64x2.splat(1023)), 52);
  return f64x2.mul(y, scale);
}

/**
 * `σ(v) = 1/(1 + e^{−v})`, the same formula per sign as the TypeScript kernel. For float32
 * results (T = f32) e^{−|v|} comes from `expNeg32`, which is accurate enough for them.
 */
@inline function sigmoid2<T>(v: v128): v128 {
  const one = f64x2.splat(1.0);
  const nv = f64x2.neg(f64x2.abs(v));
  const e = sizeof<T>() == 4 ? expNeg32(nv) : exp2v(nv); // e^{−|v|} ≤ 1, never overflows
  const r = f64x2.div(one, f64x2.add(one, e));
  // v ≥ 0: 1/(1 + e^{−v}); v < 0: e^{v}/(1 + e^{v}), which keeps its relative precision
  // where 1 − 1/(1 + e^{v}) would cancel.
  return v128.bitselect(r, f64x2.mul(e, r), f64x2.ge(v, f64x2.splat(0.0)));
}

/** `tanh(v)`: −expm1(−2|v|)/(expm1(−2|v|) + 2) near 0, (1 − e^{−2|v|})/(1 + e^{−2|v|}) beyond. */
@inline function tanh2(v: v128): v128 {
  const one = f64x2.splat(1.0);
  const x = f64x2.abs(v);
  const y = f64x2.mul(x, f64x2.splat(-2.0));
  const em = expm1Small(f64x2.pmax(y, f64x2.splat(-0.34657359027997264))); // ln2/2
  const near = f64x2.div(f64x2.neg(em), f64x2.add(em, f64x2.splat(2.0)));
  const e = exp2v(y);
  const far = f64x2.div(f64x2.sub(one, e), f64x2.add(one, e));
  const t = v128.bitselect(near, far, f64x2.lt(x, f64x2.splat(0.17328679513998632))); // ln2/4
  return v128.or(t, v128.and(v, f64x2.splat(-0.0))); // the sign of v
}

const SIGMOID = 0;
const TANH = 1;
const RELU = 2;
const LEAKY_RELU = 3;
const IDENTITY = 4;
const LEAKY_SLOPE: f64 = 0.01;

/** The activation `f(v)` with the codes of `Act` in lib/_kernels.ts. */
@inline function activate2<T>(act: i32, v: v128): v128 {
  const zero = f64x2.splat(0.0);
  if (act == SIGMOID) return sigmoid2<T>(v);
  if (act == TANH) return tanh2(v);
  if (act == RELU) return v128.bitselect(v, zero, f64x2.gt(v, zero));
  if (act == LEAKY_RELU) {
    return v128.bitselect(v, f64x2.mul(v, f64x2.splat(LEAKY_SLOPE)), f64x2.gt(v, zero));
  }
  return v;
}

/** Two elements of a T array as f64x2. */
@inline function loadPair<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Stores f64x2 as two elements of a T array (rounding to float32 if T is f32). */
@inline function storePair<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 8) v128.store(p, v);
  else v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** One element of a T array in both lanes of an f64x2. */
@inline function loadOne<T>(p: usize): v128 {
  return f64x2.splat(<f64>load<T>(p));
}

/** Stores lane 0 of an f64x2 as one element of a T array. */
@inline function storeOne<T>(p: usize, v: v128): void {
  store<T>(p, <T>f64x2.extract_lane(v, 0));
}

// ---------------------------------------------------------------------------------------
// Elementwise kernels.

/** `z[r, i] += b[i]`, `a[r, i] = f(z[r, i])` over m rows of n. */
@inline function biasActivate<T>(act: i32, m: i32, n: i32, z: usize, b: usize, a: usize): void {
  // A constant `act` in each call lets the compiler drop the other activations from the loop.
  if (act == SIGMOID) biasActivateLoop<T>(SIGMOID, m, n, z, b, a);
  else if (act == TANH) biasActivateLoop<T>(TANH, m, n, z, b, a);
  else if (act == RELU) biasActivateLoop<T>(RELU, m, n, z, b, a);
  else if (act == LEAKY_RELU) biasActivateLoop<T>(LEAKY_RELU, m, n, z, b, a);
  else biasActivateLoop<T>(IDENTITY, m, n, z, b, a);
}

@inline function biasActivateLoop<T>(act: i32, m: i32, n: i32, z: usize, b: usize, a: usize): void {
  const S = sizeof<T>();
  for (let r = 0; r < m; r++) {
    const o = <usize>r * <usize>n * S;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const p = o + <usize>i * S;
      const v = f64x2.add(loadPair<T>(z + p), loadPair<T>(b + <usize>i * S));
      storePair<T>(z + p, v);
      storePair<T>(a + p, activate2<T>(act, v));
    }
    if (i < n) {
      const p = o + <usize>i * S;
      const v = f64x2.add(loadOne<T>(z + p), loadOne<T>(b + <usize>i * S));
      storeOne<T>(z + p, v);
      storeOne<T>(a + p, activate2<T>(act, v));
    }
  }
}

/** Softmax of each of m rows of n: `a = e^{z − max}/Σ e^{z − max}`. */
@inline function softmaxRows<T>(m: i32, n: i32, z: usize, a: usize): void {
  const S = sizeof<T>();
  for (let r = 0; r < m; r++) {
    const zr = z + <usize>r * <usize>n * S;
    const ar = a + <usize>r * <usize>n * S;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = <f64>load<T>(zr + <usize>i * S);
      if (v > max) max = v;
    }
    const mv = f64x2.splat(max);
    let sums = f64x2.splat(0.0);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const p = <usize>i * S;
      const e = exp2v(f64x2.sub(loadPair<T>(zr + p), mv));
      storePair<T>(ar + p, e);
      sums = f64x2.add(sums, e);
    }
    let sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
    if (i < n) {
      const p = <usize>i * S;
      const e = exp2v(f64x2.sub(loadOne<T>(zr + p), mv));
      storeOne<T>(ar + p, e);
      sum += f64x2.extract_lane(e, 0);
    }
    const sv = f64x2.splat(sum);
    for (i = 0; i + 2 <= n; i += 2) {
      const p = <usize>i * S;
      storePair<T>(ar + p, f64x2.div(loadPair<T>(ar + p), sv));
    }
    if (i < n) {
      const p = <usize>i * S;
      storeOne<T>(ar + p, f64x2.div(loadOne<T>(ar + p), sv));
    }
  }
}

/** `delta[i] *= f'(z[i])`, from `a = f(z)` for sigmoid and tanh, from `z` otherwise. */
@inline function activationPrimeMul<T>(act: i32, len: i32, z: usize, a: usize, d: usize): void {
  if (act == SIGMOID) primeMulLoop<T>(SIGMOID, len, z, a, d);
  else if (act == TANH) primeMulLoop<T>(TANH, len, z, a, d);
  else if (act == RELU) primeMulLoop<T>(RELU, len, z, a, d);
  else if (act == LEAKY_RELU) primeMulLoop<T>(LEAKY_RELU, len, z, a, d);
}

@inline function primeMulLoop<T>(act: i32, len: i32, z: usize, a: usize, d: usize): void {
  const S = sizeof<T>();
  const end = <usize>(len - len % (16 / <i32>S)) * S;
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  const slope = v128.splat<T>(<T>LEAKY_SLOPE);
  let p: usize = 0;
  for (; p < end; p += 16) {
    const dv = v128.load(d + p);
    let out: v128;
    if (act == SIGMOID) {
      const av = v128.load(a + p); // σ' = σ(1 − σ)
      out = v128.mul<T>(v128.mul<T>(dv, av), v128.sub<T>(one, av));
    } else if (act == TANH) {
      const av = v128.load(a + p); // tanh' = 1 − tanh²
      out = v128.mul<T>(dv, v128.sub<T>(one, v128.mul<T>(av, av)));
    } else if (act == RELU) {
      out = v128.and(dv, v128.gt<T>(v128.load(z + p), zero));
    } else {
      out = v128.bitselect(dv, v128.mul<T>(dv, slope), v128.gt<T>(v128.load(z + p), zero));
    }
    v128.store(d + p, out);
  }
  const last = <usize>len * S;
  for (; p < last; p += S) {
    const dv = load<T>(d + p);
    let out: T;
    if (act == SIGMOID) {
      const av = load<T>(a + p);
      out = dv * av * (<T>1 - av);
    } else if (act == TANH) {
      const av = load<T>(a + p);
      out = dv * (<T>1 - av * av);
    } else if (act == RELU) {
      out = load<T>(z + p) > <T>0 ? dv : <T>0;
    } else {
      out = load<T>(z + p) > <T>0 ? dv : dv * <T>LEAKY_SLOPE;
    }
    store<T>(d + p, out);
  }
}

/** `out[i] = a[i] − y[i]`. */
@inline function sub<T>(len: i32, a: usize, y: usize, out: usize): void {
  const S = sizeof<T>();
  const end = <usize>(len - len % (16 / <i32>S)) * S;
  let p: usize = 0;
  for (; p < end; p += 16) v128.store(out + p, v128.sub<T>(v128.load(a + p), v128.load(y + p)));
  const last = <usize>len * S;
  for (; p < last; p += S) store<T>(out + p, load<T>(a + p) - load<T>(y + p));
}

/** `out[i] = Σ_r d[r, i]` over m rows of n, summed in row order as the TypeScript kernel does. */
@inline function columnSums<T>(m: i32, n: i32, d: usize, out: usize): void {
  const S = sizeof<T>();
  const nB = <usize>n * S;
  const end = <usize>(n - n % (16 / <i32>S)) * S;
  let p: usize = 0;
  for (; p + 64 <= end; p += 64) {
    // Four vectors of columns at a time, so that each row is read a cache line at a time.
    let s0 = v128.splat<T>(<T>0), s1 = s0, s2 = s0, s3 = s0;
    let q = d + p;
    for (let r = 0; r < m; r++) {
      s0 = v128.add<T>(s0, v128.load(q));
      s1 = v128.add<T>(s1, v128.load(q, 16));
      s2 = v128.add<T>(s2, v128.load(q, 32));
      s3 = v128.add<T>(s3, v128.load(q, 48));
      q += nB;
    }
    v128.store(out + p, s0);
    v128.store(out + p, s1, 16);
    v128.store(out + p, s2, 32);
    v128.store(out + p, s3, 48);
  }
  for (; p < end; p += 16) {
    let sum = v128.splat<T>(<T>0);
    let q = d + p;
    for (let r = 0; r < m; r++) {
      sum = v128.add<T>(sum, v128.load(q));
      q += nB;
    }
    v128.store(out + p, sum);
  }
  for (; p < nB; p += S) {
    let sum = <T>0;
    let q = d + p;
    for (let r = 0; r < m; r++) {
      sum += load<T>(q);
      q += nB;
    }
    store<T>(out + p, sum);
  }
}

/** `y[i] = β·y[i] + α·x[i]` (`y[i] + α·x[i]` when β = 1, as in the TypeScript kernel). */
@inline function axpby<T>(len: i32, alpha: f64, x: usize, beta: f64, y: usize): void {
  const S = sizeof<T>();
  const end = <usize>(len - len % (16 / <i32>S)) * S;
  const last = <usize>len * S;
  const av = v128.splat<T>(<T>alpha);
  let p: usize = 0;
  if (beta == 1.0) {
    for (; p < end; p += 16) {
      v128.store(y + p, v128.add<T>(v128.load(y + p), v128.mul<T>(av, v128.load(x + p))));
    }
    for (; p < last; p += S) store<T>(y + p, load<T>(y + p) + <T>alpha * load<T>(x + p));
  } else {
    const bv = v128.splat<T>(<T>beta);
    for (; p < end; p += 16) {
      const u = v128.mul<T>(bv, v128.load(y + p));
      v128.store(y + p, v128.add<T>(u, v128.mul<T>(av, v128.load(x + p))));
    }
    for (; p < last; p += S) {
      store<T>(y + p, <T>beta * load<T>(y + p) + <T>alpha * load<T>(x + p));
    }
  }
}

/**
 * Four byte values (the i32 lanes of `q`, all below 256) times `scale`, stored as T at `p`.
 * float64: exact conversions and one rounded product, as in TypeScript. float32: the
 * product of the byte and `scale` rounded to float32, in float32 arithmetic (exact
 * conversions, so the TypeScript kernel gets the same bits from `fround(scale)`).
 */
@inline function widen4<T>(q: v128, sv: v128, p: usize): void {
  if (sizeof<T>() == 8) {
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(q), sv));
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(q, q, 2, 3, 2, 3)), sv), 16);
  } else {
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(q), sv));
  }
}

/**
 * A batch of byte inputs, widened: `x[j·n + i] = scale · src[order[start + j]·n + i]` for
 * j < m, i < n (`order` holds u32 example indices). Sixteen bytes at a time.
 */
@inline function gatherBytes<T>(
  m: i32, n: i32, src: usize, order: usize, start: i32, scale: f64, x: usize,
): void {
  const S = sizeof<T>();
  const nv = n & ~15;
  const sv = v128.splat<T>(<T>scale);
  let out = x;
  for (let j = 0; j < m; j++) {
    const p = src + <usize>load<u32>(order + (<usize>(start + j) << 2)) * <usize>n;
    let i = 0;
    for (; i < nv; i += 16) {
      const bytes = v128.load(p + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(bytes);
      const hi = i16x8.extend_high_i8x16_u(bytes);
      const o = out + <usize>i * S;
      widen4<T>(i32x4.extend_low_i16x8_u(lo), sv, o);
      widen4<T>(i32x4.extend_high_i16x8_u(lo), sv, o + 4 * S);
      widen4<T>(i32x4.extend_low_i16x8_u(hi), sv, o + 8 * S);
      widen4<T>(i32x4.extend_high_i16x8_u(hi), sv, o + 12 * S);
    }
    for (; i < n; i++) store<T>(out + <usize>i * S, <T>load<u8>(p + <usize>i) * <T>scale);
    out += <usize>n * S;
  }
}

// ---------------------------------------------------------------------------------------
// Convolutions (valid, stride 1) and max-pooling, batched over m images of C × H × W.
// A convolution is turned into products of the kernels above ("im2col"): the input's
// patches are copied into `col` (C·KH·KW rows, one column per output position), so that the
// convolution is `filters[F × C·KH·KW] · col` and its backward passes are products with the
// same matrices. The copies are small next to the products (a convolution 40×20×5×5 on
// 12×12 copies 500 values per 40·500 multiply-adds). bench/conv_bench.ts measured it against
// direct loops with the SIMD lanes along the output rows: 2–5× faster (docs/wasm.md).

/** `dst[0..len) = src[0..len)`, a vector at a time. */
@inline function copyRow<T>(src: usize, dst: usize, len: i32): void {
  const S = sizeof<T>();
  const end = <usize>len * S;
  const vend = end & ~15;
  let t: usize = 0;
  for (; t < vend; t += 16) v128.store(dst + t, v128.load(src + t));
  for (; t < end; t += S) store<T>(dst + t, load<T>(src + t));
}

/** `dst[0..len) += src[0..len)`. */
@inline function addRow<T>(src: usize, dst: usize, len: i32): void {
  const S = sizeof<T>();
  const end = <usize>len * S;
  const vend = end & ~15;
  let t: usize = 0;
  for (; t < vend; t += 16) v128.store(dst + t, v128.add<T>(v128.load(dst + t), v128.load(src + t)));
  for (; t < end; t += S) store<T>(dst + t, load<T>(dst + t) + load<T>(src + t));
}

/** `dst[0..len) = src[0..len) + v`. */
@inline function copyRowPlus<T>(src: usize, dst: usize, len: i32, v: T): void {
  const S = sizeof<T>();
  const end = <usize>len * S;
  const vend = end & ~15;
  const vv = v128.splat<T>(v);
  let t: usize = 0;
  for (; t < vend; t += 16) v128.store(dst + t, v128.add<T>(v128.load(src + t), vv));
  for (; t < end; t += S) store<T>(dst + t, load<T>(src + t) + v);
}

/** `Σ src[0..len)`. */
@inline function rowSum<T>(src: usize, len: i32): T {
  const S = sizeof<T>();
  const end = <usize>len * S;
  const vend = end & ~15;
  let x = v128.splat<T>(<T>0);
  let t: usize = 0;
  for (; t < vend; t += 16) x = v128.add<T>(x, v128.load(src + t));
  let sum = hsum<T>(x);
  for (; t < end; t += S) sum += load<T>(src + t);
  return sum;
}

/** `dst[0..len) = 0`. */
@inline function zeroRow<T>(dst: usize, len: i32): void {
  const S = sizeof<T>();
  const end = <usize>len * S;
  const vend = end & ~15;
  const z = v128.splat<T>(<T>0);
  let t: usize = 0;
  for (; t < vend; t += 16) v128.store(dst + t, z);
  for (; t < end; t += S) store<T>(dst + t, <T>0);
}

/**
 * The batch's patches: `col[(c·KH + p)·KW + q, e·OH·OW + i·OW + j] = x[e, c, i + p, j + q]`,
 * or with `back` the reverse, `x[e, c, i + p, j + q] += col[…]` (col2im; x zeroed first).
 * col's rows are `ld` elements apart (m·OH·OW, or more when these m examples are part of a
 * larger batch's columns).
 */
@inline function im2col<T>(
  m: i32, c: i32, h: i32, w: i32, kh: i32, kw: i32, x: usize, col: usize, back: bool, ld: i32,
): void {
  const S = sizeof<T>();
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const rowB = <usize>w * S;
  const owB = <usize>ow * S;
  const plane = <usize>h * rowB;
  const image = <usize>c * plane;
  if (back) zeroRow<T>(x, m * c * h * w);
  let row = col;
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        let pc = row;
        row += <usize>ld * S;
        const from = x + <usize>ci * plane + <usize>p * rowB + <usize>q * S;
        for (let e = 0; e < m; e++) {
          let px = from + <usize>e * image;
          for (let i = 0; i < oh; i++) {
            if (back) addRow<T>(pc, px, ow);
            else copyRow<T>(px, pc, ow);
            px += rowB;
            pc += owB;
          }
        }
      }
    }
  }
}

@inline function callGemmNN<T>(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  if (sizeof<T>() == 8) gemmNN64(m, n, k, a, b, c);
  else gemmNN32(m, n, k, a, b, c);
}

@inline function callGemmNT<T>(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  if (sizeof<T>() == 8) gemmNT64(m, n, k, a, b, c);
  else gemmNT32(m, n, k, a, b, c);
}

@inline function callGemmTN<T>(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  if (sizeof<T>() == 8) gemmTN64(m, n, k, a, b, c);
  else gemmTN32(m, n, k, a, b, c);
}

/** δ (m × F × pos) laid out by filter: `dst[f, e·pos + i] = src[e, f, i]`. */
@inline function byFilter<T>(m: i32, f: i32, pos: i32, src: usize, dst: usize, ld: i32): void {
  const S = sizeof<T>();
  const posB = <usize>pos * S;
  const n = <usize>ld * S; // dst's rows (m·pos, or more for part of a batch)
  let ps = src;
  for (let e = 0; e < m; e++) {
    for (let fi = 0; fi < f; fi++) {
      copyRow<T>(ps, dst + <usize>fi * n + <usize>e * posB, pos);
      ps += posB;
    }
  }
}

/**
 * Valid convolution, stride 1: `out[e, f, i, j] = bias[f] + Σ x[e, c, i + p, j + q] ·
 * filters[f, c, p, q]`, one example at a time as `filters · col` (gemmNN, F × OH·OW, straight
 * into the example's output), then the bias added. (One product over the whole batch, F ×
 * m·OH·OW, was slower in float64 on the second layer: its patches, 2.5 MB, leave the cache.)
 */
@inline function convForward<T>(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, filters: usize, bias: usize, out: usize, work: usize,
): void {
  const S = sizeof<T>();
  const pos = (h - kh + 1) * (w - kw + 1);
  const K = c * kh * kw;
  const posB = <usize>pos * S;
  const image = <usize>(c * h * w) * S;
  for (let e = 0; e < m; e++) {
    const oe = out + <usize>e * <usize>f * posB;
    im2col<T>(1, c, h, w, kh, kw, x + <usize>e * image, work, false, pos);
    callGemmNN<T>(f, pos, K, filters, work, oe);
    for (let fi = 0; fi < f; fi++) {
      const o = oe + <usize>fi * posB;
      copyRowPlus<T>(o, o, pos, load<T>(bias + <usize>fi * S));
    }
  }
}

/**
 * The operands of a convolution's filter gradient: the batch's patches (col, C·KH·KW rows) and
 * δ laid out by filter (d, F rows), both with rows of `ld` elements, of which these m examples
 * fill m·OH·OW from `col` and `d` (all of them for the whole batch, ld = m·OH·OW; with threads,
 * the host lays out blocks of examples on both: lib/_wasm_kernels.ts).
 */
@inline function convPatches<T>(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, col: usize, d: usize, ld: i32,
): void {
  im2col<T>(m, c, h, w, kh, kw, x, col, false, ld);
  byFilter<T>(m, f, (h - kh + 1) * (w - kw + 1), delta, d, ld);
}

/** `gradBias[f] = Σ δ[·, f, ·]`, from δ laid out by filter (F rows of n, at `d`). */
@inline function convBiasSums<T>(f: i32, n: i32, d: usize, gradBias: usize): void {
  const S = sizeof<T>();
  for (let fi = 0; fi < f; fi++) {
    store<T>(gradBias + <usize>fi * S, rowSum<T>(d + <usize>fi * <usize>n * S, n));
  }
}

/**
 * `gradFilters = δ · colᵀ` (gemmNT, F × C·KH·KW, dot products of length m·OH·OW: the sum
 * over the batch is part of the product) and `gradBias[f] = Σ δ[·, f, ·]`. (With threads, the
 * host runs the same three steps with the product split: lib/_wasm_kernels.ts.)
 */
@inline function convBackwardFilters<T>(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, gradFilters: usize, gradBias: usize, work: usize,
): void {
  const n = m * (h - kh + 1) * (w - kw + 1);
  const K = c * kh * kw;
  const d = work + <usize>K * <usize>n * sizeof<T>();
  convPatches<T>(m, c, h, w, f, kh, kw, x, delta, work, d, n);
  callGemmNT<T>(f, K, n, d, work, gradFilters);
  convBiasSums<T>(f, n, d, gradBias);
}

/**
 * `dcol = filtersᵀ · δ` (gemmTN, C·KH·KW × OH·OW) one example at a time (δ of one example is
 * already F × OH·OW), then each patch added back into dx (col2im).
 */
@inline function convBackwardInput<T>(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  delta: usize, filters: usize, dx: usize, work: usize,
): void {
  const S = sizeof<T>();
  const pos = (h - kh + 1) * (w - kw + 1);
  const K = c * kh * kw;
  const image = <usize>(c * h * w) * S;
  for (let e = 0; e < m; e++) {
    callGemmTN<T>(K, pos, f, filters, delta + <usize>e * <usize>(f * pos) * S, work);
    im2col<T>(1, c, h, w, kh, kw, dx + <usize>e * image, work, true, pos);
  }
}

/** Max over each ph × pw window of m·c planes of h × w; `argmax` gets the winner's index. */
@inline function maxPoolForward<T>(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, x: usize, out: usize, argmax: usize,
): void {
  const S = sizeof<T>();
  const oh = h / ph;
  const ow = w / pw;
  let o: usize = 0;
  if (ph == 2 && pw == 2) {
    // The book's pool, in SIMD: which input wins is unpredictable, and V8 compiles a scalar
    // float `select` to a branch (4× slower on a convolution's output than on a regular
    // pattern), where compares and bitselects of vectors have none. A vector of windows at a
    // time: the left and right inputs of each window split out by shuffles, the larger kept
    // with its index (ties go to the first in row-major order, as in the TypeScript kernel).
    const rowB = <usize>w * S;
    const L = 16 / <i32>S; // windows per vector
    const owv = ow - ow % L;
    for (let plane = 0; plane < m * c; plane++) {
      const xo = plane * h * w;
      for (let i = 0; i < oh; i++) {
        let idx = xo + 2 * i * w;
        let p0 = x + <usize>idx * S;
        let j = 0;
        for (; j < owv; j += L) {
          const t0 = v128.load(p0), t1 = v128.load(p0, 16);
          const b0 = v128.load(p0 + rowB), b1 = v128.load(p0 + rowB, 16);
          if (sizeof<T>() == 4) {
            const base = i32x4.add(i32x4.splat(idx), i32x4(0, 2, 4, 6));
            const tl = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6), tr = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
            const bl = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), br = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
            const gt = f32x4.gt(tr, tl), gb = f32x4.gt(br, bl);
            const top = v128.bitselect(tr, tl, gt), bottom = v128.bitselect(br, bl, gb);
            const it = i32x4.sub(base, gt); // a true lane is −1: index + 1
            const ib = i32x4.sub(i32x4.add(base, i32x4.splat(w)), gb);
            const down = f32x4.gt(bottom, top);
            v128.store(out + o * S, v128.bitselect(bottom, top, down));
            v128.store(argmax + (o << 2), v128.bitselect(ib, it, down));
          } else {
            const base = i64x2.add(i64x2.splat(<i64>idx), i64x2(0, 2));
            const tl = v128.shuffle<f64>(t0, t1, 0, 2), tr = v128.shuffle<f64>(t0, t1, 1, 3);
            const bl = v128.shuffle<f64>(b0, b1, 0, 2), br = v128.shuffle<f64>(b0, b1, 1, 3);
            const gt = f64x2.gt(tr, tl), gb = f64x2.gt(br, bl);
            const top = v128.bitselect(tr, tl, gt), bottom = v128.bitselect(br, bl, gb);
            const it = i64x2.sub(base, gt);
            const ib = i64x2.sub(i64x2.add(base, i64x2.splat(<i64>w)), gb);
            const down = f64x2.gt(bottom, top);
            v128.store(out + o * S, v128.bitselect(bottom, top, down));
            const win = v128.bitselect(ib, it, down);
            v128.store64_lane(argmax + (o << 2), v128.shuffle<i32>(win, win, 0, 2, 0, 2), 0);
          }
          o += <usize>L;
          idx += 2 * L;
          p0 += <usize>(2 * L) * S;
        }
        for (; j < ow; j++) {
          const a = load<T>(p0), b = load<T>(p0 + S);
          const c0 = load<T>(p0 + rowB), d = load<T>(p0 + rowB + S);
          const ab = b > a, cd = d > c0;
          const top = select<T>(b, a, ab), bottom = select<T>(d, c0, cd);
          const down = bottom > top;
          const it = select<i32>(idx + 1, idx, ab), ib = select<i32>(idx + w + 1, idx + w, cd);
          store<T>(out + o * S, select<T>(bottom, top, down));
          store<u32>(argmax + (o << 2), select<i32>(ib, it, down));
          o++;
          idx += 2;
          p0 += 2 * S;
        }
      }
    }
    return;
  }
  for (let plane = 0; plane < m * c; plane++) {
    const xo = plane * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = xo + i * ph * w + j * pw;
        let bv = load<T>(x + <usize>best * S);
        for (let p = 0; p < ph; p++) {
          const r = xo + (i * ph + p) * w + j * pw;
          for (let q = 0; q < pw; q++) {
            const v = load<T>(x + <usize>(r + q) * S);
            const win = v > bv; // branch-free: which input wins is unpredictable
            bv = select<T>(v, bv, win);
            best = select<i32>(r + q, best, win);
          }
        }
        store<T>(out + o * S, bv);
        store<u32>(argmax + (o << 2), best);
        o++;
      }
    }
  }
}

/** `dx = 0`, then `dx[argmax[o]] += delta[o]`: δ goes to each window's winner. */
@inline function maxPoolBackward<T>(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, delta: usize, argmax: usize, dx: usize,
): void {
  const S = sizeof<T>();
  const len = <usize>(m * c * (h / ph) * (w / pw));
  zeroRow<T>(dx, m * c * h * w);
  for (let o: usize = 0; o < len; o++) {
    const p = dx + <usize>load<u32>(argmax + (o << 2)) * S;
    store<T>(p, load<T>(p) + load<T>(delta + o * S));
  }
}

// ---------------------------------------------------------------------------------------
// Exports: one float64 and one float32 entry per kernel. Pointers are byte offsets.

/** First byte the host may use for its buffers (after this module's static data and scratch). */
export function heapBase(): usize {
  return scratchBase() + 2 * SCRATCH;
}

/** Makes this instance pack into thread `slot`'s scratch (0 or 1; 0 unless called). */
export function useScratch(slot: i32): void {
  scratchSlot = <usize>(slot & 1);
}

/** `out[i] = e^{x[i]}` (float64): exposes the exp of the activations to the tests. */
export function exp64(len: i32, x: usize, out: usize): void {
  let p: usize = 0;
  const last = <usize>len * 8;
  for (; p + 16 <= last; p += 16) v128.store(out + p, exp2v(v128.load(x + p)));
  if (p < last) storeOne<f64>(out + p, exp2v(loadOne<f64>(x + p)));
}

export function gemmNT64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmNT<f64>(m, n, k, a, b, c, n);
}
export function gemmNT32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmNT<f32>(m, n, k, a, b, c, n);
}
/** gemmNT on n columns of C (rows of B), whose rows are `ldc` long: a block of its columns. */
export function gemmNTs64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ldc: i32): void {
  gemmNT<f64>(m, n, k, a, b, c, ldc);
}
export function gemmNTs32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ldc: i32): void {
  gemmNT<f32>(m, n, k, a, b, c, ldc);
}
export function gemmNN64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmRows<f64>(m, n, k, a, k, 1, b, c, false, 1, c, n);
}
export function gemmNN32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmRows<f32>(m, n, k, a, k, 1, b, c, false, 1, c, n);
}
export function gemmTN64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmRows<f64>(m, n, k, a, 1, m, b, c, false, 1, c, n);
}
export function gemmTN32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  gemmRows<f32>(m, n, k, a, 1, m, b, c, false, 1, c, n);
}
/** gemmTN on n columns of B and C, whose rows are `ld` long: a block of a product's columns. */
export function gemmTNs64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ld: i32): void {
  gemmRows<f64>(m, n, k, a, 1, m, b, c, false, 1, c, ld);
}
export function gemmTNs32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ld: i32): void {
  gemmRows<f32>(m, n, k, a, 1, m, b, c, false, 1, c, ld);
}
/** gemmTNAdd on a block of columns, as gemmTNs. */
export function gemmTNAdds64(
  m: i32, n: i32, k: i32, a: usize, b: usize, beta: f64, cIn: usize, c: usize, ld: i32,
): void {
  gemmRows<f64>(m, n, k, a, 1, m, b, c, true, beta, cIn, ld);
}
export function gemmTNAdds32(
  m: i32, n: i32, k: i32, a: usize, b: usize, beta: f64, cIn: usize, c: usize, ld: i32,
): void {
  gemmRows<f32>(m, n, k, a, 1, m, b, c, true, beta, cIn, ld);
}
export function gemmTNAdd64(
  m: i32, n: i32, k: i32, a: usize, b: usize, beta: f64, cIn: usize, c: usize,
): void {
  gemmRows<f64>(m, n, k, a, 1, m, b, c, true, beta, cIn, n);
}
export function gemmTNAdd32(
  m: i32, n: i32, k: i32, a: usize, b: usize, beta: f64, cIn: usize, c: usize,
): void {
  gemmRows<f32>(m, n, k, a, 1, m, b, c, true, beta, cIn, n);
}
export function biasActivate64(act: i32, m: i32, n: i32, z: usize, b: usize, a: usize): void {
  biasActivate<f64>(act, m, n, z, b, a);
}
export function biasActivate32(act: i32, m: i32, n: i32, z: usize, b: usize, a: usize): void {
  biasActivate<f32>(act, m, n, z, b, a);
}
export function softmaxRows64(m: i32, n: i32, z: usize, a: usize): void {
  softmaxRows<f64>(m, n, z, a);
}
export function softmaxRows32(m: i32, n: i32, z: usize, a: usize): void {
  softmaxRows<f32>(m, n, z, a);
}
export function activationPrimeMul64(act: i32, len: i32, z: usize, a: usize, d: usize): void {
  activationPrimeMul<f64>(act, len, z, a, d);
}
export function activationPrimeMul32(act: i32, len: i32, z: usize, a: usize, d: usize): void {
  activationPrimeMul<f32>(act, len, z, a, d);
}
export function sub64(len: i32, a: usize, y: usize, out: usize): void {
  sub<f64>(len, a, y, out);
}
export function sub32(len: i32, a: usize, y: usize, out: usize): void {
  sub<f32>(len, a, y, out);
}
export function columnSums64(m: i32, n: i32, d: usize, out: usize): void {
  columnSums<f64>(m, n, d, out);
}
export function columnSums32(m: i32, n: i32, d: usize, out: usize): void {
  columnSums<f32>(m, n, d, out);
}
export function axpby64(len: i32, alpha: f64, x: usize, beta: f64, y: usize): void {
  axpby<f64>(len, alpha, x, beta, y);
}
export function axpby32(len: i32, alpha: f64, x: usize, beta: f64, y: usize): void {
  axpby<f32>(len, alpha, x, beta, y);
}
export function gatherBytes64(
  m: i32, n: i32, src: usize, order: usize, start: i32, scale: f64, x: usize,
): void {
  gatherBytes<f64>(m, n, src, order, start, scale, x);
}
export function gatherBytes32(
  m: i32, n: i32, src: usize, order: usize, start: i32, scale: f64, x: usize,
): void {
  gatherBytes<f32>(m, n, src, order, start, scale, x);
}
export function convForward64(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, filters: usize, bias: usize, out: usize, work: usize,
): void {
  convForward<f64>(m, c, h, w, f, kh, kw, x, filters, bias, out, work);
}
export function convBackwardFilters64(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, gradFilters: usize, gradBias: usize, work: usize,
): void {
  convBackwardFilters<f64>(m, c, h, w, f, kh, kw, x, delta, gradFilters, gradBias, work);
}
export function convBackwardInput64(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  delta: usize, filters: usize, dx: usize, work: usize,
): void {
  convBackwardInput<f64>(m, c, h, w, f, kh, kw, delta, filters, dx, work);
}
export function maxPoolForward64(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, x: usize, out: usize, argmax: usize,
): void {
  maxPoolForward<f64>(m, c, h, w, ph, pw, x, out, argmax);
}
export function maxPoolBackward64(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, delta: usize, argmax: usize, dx: usize,
): void {
  maxPoolBackward<f64>(m, c, h, w, ph, pw, delta, argmax, dx);
}
export function convForward32(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, filters: usize, bias: usize, out: usize, work: usize,
): void {
  convForward<f32>(m, c, h, w, f, kh, kw, x, filters, bias, out, work);
}
export function convBackwardFilters32(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, gradFilters: usize, gradBias: usize, work: usize,
): void {
  convBackwardFilters<f32>(m, c, h, w, f, kh, kw, x, delta, gradFilters, gradBias, work);
}
export function convBackwardInput32(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  delta: usize, filters: usize, dx: usize, work: usize,
): void {
  convBackwardInput<f32>(m, c, h, w, f, kh, kw, delta, filters, dx, work);
}
export function maxPoolForward32(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, x: usize, out: usize, argmax: usize,
): void {
  maxPoolForward<f32>(m, c, h, w, ph, pw, x, out, argmax);
}
export function maxPoolBackward32(
  m: i32, c: i32, h: i32, w: i32, ph: i32, pw: i32, delta: usize, argmax: usize, dx: usize,
): void {
  maxPoolBackward<f32>(m, c, h, w, ph, pw, delta, argmax, dx);
}
export function convPatches64(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, col: usize, d: usize, ld: i32,
): void {
  convPatches<f64>(m, c, h, w, f, kh, kw, x, delta, col, d, ld);
}
export function convPatches32(
  m: i32, c: i32, h: i32, w: i32, f: i32, kh: i32, kw: i32,
  x: usize, delta: usize, col: usize, d: usize, ld: i32,
): void {
  convPatches<f32>(m, c, h, w, f, kh, kw, x, delta, col, d, ld);
}
export function convBiasSums64(f: i32, n: i32, d: usize, gradBias: usize): void {
  convBiasSums<f64>(f, n, d, gradBias);
}
export function convBiasSums32(f: i32, n: i32, d: usize, gradBias: usize): void {
  convBiasSums<f32>(f, n, d, gradBias);
}
