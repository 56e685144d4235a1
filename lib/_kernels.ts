// Numeric kernels for batched training: the only code in the hot loop.
//
// The interface is small and explicit so that another implementation (WebAssembly) can
// replace the TypeScript one without touching the public API. Kernels assume valid input:
// shapes and lengths are checked once, at the public entry points, never here.
//
// Layout: every matrix is row-major. A batch of m examples of n values is stored as an
// `m × n` matrix, one example per row: this is the book's `n × m` matrix (examples as
// columns) stored column by column, so that each example's vector is contiguous and packed
// inputs are copied, not transposed.

/**
 * Float arrays the kernels work on: `Float64Array` or `Float32Array`, as the kernel set's
 * `dtype` says (each backend has both; the float32 TypeScript kernels compute in float64 and
 * round on store).
 */
export type Buf = Float64Array | Float32Array;

/** Element type of a kernel set's buffers: `Float64Array` or `Float32Array`. */
export type { Dtype } from "./options.ts";
import type { Dtype } from "./options.ts";

/** Activation functions known to the kernels, by number so that WebAssembly can switch on it. */
export const Act = {
  sigmoid: 0,
  tanh: 1,
  relu: 2,
  leakyRelu: 3,
  identity: 4,
} as const;
/** One of the {@linkcode Act} codes. */
export type ActCode = typeof Act[keyof typeof Act];

/** Slope of leaky ReLU for negative inputs. */
export const LEAKY_SLOPE = 0.01;

/** Buffers from {@linkcode Kernels.allocateWith}. */
export interface Allocation {
  readonly bufs: Buf[];
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
}

/** The kernel set. All lengths are element counts; arrays may be views (subarrays). */
export interface Kernels {
  /** A name for benchmarks and errors, e.g. `"js"` or `"wasm"`. */
  readonly name: string;
  /** Element type of the buffers that `allocate` returns and the kernels expect. */
  readonly dtype: Dtype;
  /**
   * Zero-filled buffers of the given lengths, all in the kernels' own memory. The buffers of
   * one call belong together: a kernel call takes its arrays from a single allocation (the
   * WebAssembly kernels keep each allocation in its own memory).
   */
  allocate(lengths: readonly number[]): Buf[];
  /**
   * What `allocate(lengths)` returns, plus a zero-filled `Uint32Array` of length `words` and a
   * byte array of length `bytes` (for the caller to fill: after a `release`, it may hold old
   * bytes), in the same memory: room for an order of examples and packed byte inputs, so
   * that `gatherBytes` reads both where the kernels run. With `threads` > 1 (default 1), the
   * WebAssembly kernels put the allocation in shared memory with a worker thread that runs
   * half of each product of at least `splitMacs` multiply-adds on its arrays, with results
   * equal to the bit to one thread's; `release` stops the worker. The TypeScript kernels
   * ignore it.
   */
  allocateWith(
    lengths: readonly number[],
    bytes: number,
    words: number,
    threads?: number,
  ): Allocation;
  /**
   * Products (`m·n·k` multiply-adds) from which an allocation made with threads splits across
   * them; `Infinity` where nothing splits.
   */
  readonly splitMacs: number;
  /**
   * Hands back an allocation from `allocateWith`, none of whose arrays may be used again:
   * the WebAssembly kernels keep its memory (at most one, the largest) for the next one, so
   * that the pages are not faulted in afresh. A no-op in the TypeScript kernels.
   */
  release(alloc: Allocation): void;
  /**
   * Whether kernel arguments must come from `allocate` (the WebAssembly kernels' memory). If
   * not, `gatherBytes` reads the caller's arrays where they are, and nothing need be copied.
   */
  readonly ownMemory: boolean;
  /** `C[m×n] = A[m×k] · B[n×k]ᵀ` (forward pass: `Z = A · Wᵀ`). */
  gemmNT(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void;
  /** `C[m×n] = A[m×k] · B[k×n]` (backward pass: `Δ_prev = Δ · W`). */
  gemmNN(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void;
  /** `C[m×n] = A[k×m]ᵀ · B[k×n]` (weight gradient: `∇W = Δᵀ · A`). */
  gemmTN(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void;
  /**
   * `C[m×n] = β·C_in + A[k×m]ᵀ · B[k×n]`: a weight gradient added straight into the weights
   * without being stored (`W ← β·W + (αΔ)ᵀ·A`, with Δ scaled by α = −η/m beforehand). Each
   * sum starts from `β·C_in` and adds the k products in order. `cIn` may be `c` itself, or
   * another buffer, so that the weights from before the step survive it.
   */
  gemmTNAdd(
    m: number,
    n: number,
    k: number,
    a: Buf,
    b: Buf,
    beta: number,
    cIn: Buf,
    c: Buf,
  ): void;
  /**
   * A batch of byte inputs, widened and scaled: `x[j·n + i] = scale · src[order[start + j]·n + i]`
   * for `j < m`, `i < n`. On float32 buffers, `scale` is first rounded to float32 (the
   * product is then float32 arithmetic's, the same in every kernel set).
   */
  gatherBytes(
    m: number,
    n: number,
    src: Uint8Array,
    order: Uint32Array,
    start: number,
    scale: number,
    x: Buf,
  ): void;
  /** Fused bias and activation over `m` rows of `n`: `z[r, i] += b[i]`, `a = f(z)`. */
  biasActivate(act: ActCode, m: number, n: number, z: Buf, b: Buf, a: Buf): void;
  /** Softmax of each of `m` rows of `n` (numerically stable: the row maximum is subtracted). */
  softmaxRows(m: number, n: number, z: Buf, a: Buf): void;
  /** `delta[i] *= f'(z[i])`, computed from `z` or `a = f(z)` (BP1/BP2's `⊙ σ'(z)`). */
  activationPrimeMul(act: ActCode, len: number, z: Buf, a: Buf, delta: Buf): void;
  /** `out[i] = a[i] - y[i]`. */
  sub(len: number, a: Buf, y: Buf, out: Buf): void;
  /** `out[i] = Σ_r d[r, i]` over `m` rows of `n` (BP3: bias gradient summed over the batch). */
  columnSums(m: number, n: number, d: Buf, out: Buf): void;
  /** `y[i] = beta · y[i] + alpha · x[i]` (the parameter update). */
  axpby(len: number, alpha: number, x: Buf, beta: number, y: Buf): void;

  // Convolutions and max-pooling. A batch of images is `m × C × H × W` (example, channel,
  // row, column), filters are `F × C × KH × KW`; outputs of a valid convolution with stride 1
  // are `m × F × OH × OW` with `OH = H − KH + 1`, `OW = W − KW + 1`. `work` is scratch of
  // `convWorkLength(…)` elements from the same allocation (the products run on copies laid
  // out for them, "im2col"); its contents on entry do not matter and on return are undefined.

  /** `out[e, f, i, j] = bias[f] + Σ_{c,p,q} x[e, c, i + p, j + q] · filters[f, c, p, q]`. */
  convForward(
    m: number,
    c: number,
    h: number,
    w: number,
    f: number,
    kh: number,
    kw: number,
    x: Buf,
    filters: Buf,
    bias: Buf,
    out: Buf,
    work: Buf,
  ): void;
  /**
   * The gradients of a convolution's filters and bias from its δ (`m × F × OH × OW`), summed
   * over the batch: `gradFilters[f, c, p, q] = Σ_{e,i,j} δ[e, f, i, j] · x[e, c, i + p, j + q]`
   * (a valid convolution of the input with δ), `gradBias[f] = Σ_{e,i,j} δ[e, f, i, j]`.
   */
  convBackwardFilters(
    m: number,
    c: number,
    h: number,
    w: number,
    f: number,
    kh: number,
    kw: number,
    x: Buf,
    delta: Buf,
    gradFilters: Buf,
    gradBias: Buf,
    work: Buf,
  ): void;
  /**
   * The error passed back through a convolution: `dx[e, c, y, z] = Σ_{f,p,q} δ[e, f, y − p,
   * z − q] · filters[f, c, p, q]` over the indices inside δ (a full convolution of δ with the
   * flipped filters), `m × C × H × W`.
   */
  convBackwardInput(
    m: number,
    c: number,
    h: number,
    w: number,
    f: number,
    kh: number,
    kw: number,
    delta: Buf,
    filters: Buf,
    dx: Buf,
    work: Buf,
  ): void;
  /**
   * Max-pooling of `m·c` planes of `h × w` in non-overlapping `ph × pw` windows (stride = the
   * pool; rows and columns beyond the last whole window are ignored): `out` is `m·c × ⌊h/ph⌋ ×
   * ⌊w/pw⌋`, and `argmax[o]` is the index in `x` of output o's winner (the first maximum in
   * row-major order within the window).
   */
  maxPoolForward(
    m: number,
    c: number,
    h: number,
    w: number,
    ph: number,
    pw: number,
    x: Buf,
    out: Buf,
    argmax: Uint32Array,
  ): void;
  /**
   * Max-pooling's backward pass: δ goes to each window's winner, every other input gets 0:
   * `dx` (`m × c × h × w`) is zeroed, then `dx[argmax[o]] += delta[o]`.
   */
  maxPoolBackward(
    m: number,
    c: number,
    h: number,
    w: number,
    ph: number,
    pw: number,
    delta: Buf,
    argmax: Uint32Array,
    dx: Buf,
  ): void;
}

/**
 * Elements of scratch that the convolution kernels need for a batch of m images (`work`):
 * room for the input's patches (`C·KH·KW` rows of `m·OH·OW`) and δ or the output laid out by
 * filter (`F` rows of `m·OH·OW`).
 */
export function convWorkLength(
  m: number,
  c: number,
  h: number,
  w: number,
  f: number,
  kh: number,
  kw: number,
): number {
  return (c * kh * kw + f) * m * (h - kh + 1) * (w - kw + 1);
}

function gemmNT(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void {
  // Each output is a dot product of two contiguous rows; four accumulators for throughput.
  const k4 = k - (k & 3);
  for (let r = 0; r < m; r++) {
    const ao = r * k;
    for (let s = 0; s < n; s++) {
      const bo = s * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let t = 0;
      for (; t < k4; t += 4) {
        s0 += a[ao + t]! * b[bo + t]!;
        s1 += a[ao + t + 1]! * b[bo + t + 1]!;
        s2 += a[ao + t + 2]! * b[bo + t + 2]!;
        s3 += a[ao + t + 3]! * b[bo + t + 3]!;
      }
      for (; t < k; t++) s0 += a[ao + t]! * b[bo + t]!;
      c[r * n + s] = (s0 + s1) + (s2 + s3);
    }
  }
}

function gemmNN(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void {
  // Row r of C is a combination of the rows of B: contiguous inner loops.
  for (let r = 0; r < m; r++) {
    const co = r * n;
    c.fill(0, co, co + n);
    for (let t = 0; t < k; t++) {
      const av = a[r * k + t]!;
      if (av === 0) continue;
      const bo = t * n;
      for (let s = 0; s < n; s++) c[co + s] = c[co + s]! + av * b[bo + s]!;
    }
  }
}

function gemmTN(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void {
  c.fill(0, 0, m * n);
  addTN(m, n, k, a, b, c);
}

/** `C += A[k×m]ᵀ · B[k×n]`: the k rank-one updates a[t,:]ᵀ b[t,:], in order of t. */
function addTN(m: number, n: number, k: number, a: Buf, b: Buf, c: Buf): void {
  for (let t = 0; t < k; t++) {
    const bo = t * n;
    for (let r = 0; r < m; r++) {
      const av = a[t * m + r]!;
      if (av === 0) continue;
      const co = r * n;
      for (let s = 0; s < n; s++) c[co + s] = c[co + s]! + av * b[bo + s]!;
    }
  }
}

/** `σ(z) = 1/(1+e^{−z})`, written so that neither branch overflows for large |z|. */
export function sigmoidScalar(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function activate(act: ActCode, v: number): number {
  switch (act) {
    case Act.sigmoid:
      return sigmoidScalar(v);
    case Act.tanh:
      return Math.tanh(v);
    case Act.relu:
      return v > 0 ? v : 0;
    case Act.leakyRelu:
      return v > 0 ? v : LEAKY_SLOPE * v;
    default:
      return v;
  }
}

function biasActivate(act: ActCode, m: number, n: number, z: Buf, b: Buf, a: Buf): void {
  for (let r = 0; r < m; r++) {
    const o = r * n;
    if (act === Act.sigmoid) {
      for (let i = 0; i < n; i++) {
        const v = z[o + i]! + b[i]!;
        z[o + i] = v;
        // For v < 0, e^{v}/(1 + e^{v}) keeps full relative precision (σ(−800) > 0).
        if (v >= 0) {
          a[o + i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          a[o + i] = e * (1 / (1 + e));
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = z[o + i]! + b[i]!;
        z[o + i] = v;
        a[o + i] = activate(act, v);
      }
    }
  }
}

function softmaxRows(m: number, n: number, z: Buf, a: Buf): void {
  for (let r = 0; r < m; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (z[o + i]! > max) max = z[o + i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(z[o + i]! - max);
      a[o + i] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) a[o + i] = a[o + i]! / sum;
  }
}

function activationPrimeMul(act: ActCode, len: number, z: Buf, a: Buf, delta: Buf): void {
  switch (act) {
    case Act.sigmoid: // σ'(z) = σ(z)(1 − σ(z))
      for (let i = 0; i < len; i++) delta[i] = delta[i]! * a[i]! * (1 - a[i]!);
      return;
    case Act.tanh: // tanh'(z) = 1 − tanh²(z)
      for (let i = 0; i < len; i++) delta[i] = delta[i]! * (1 - a[i]! * a[i]!);
      return;
    case Act.relu:
      for (let i = 0; i < len; i++) if (!(z[i]! > 0)) delta[i] = 0;
      return;
    case Act.leakyRelu:
      for (let i = 0; i < len; i++) if (!(z[i]! > 0)) delta[i] = delta[i]! * LEAKY_SLOPE;
      return;
    default:
      return;
  }
}

function sub(len: number, a: Buf, y: Buf, out: Buf): void {
  for (let i = 0; i < len; i++) out[i] = a[i]! - y[i]!;
}

function columnSums(m: number, n: number, d: Buf, out: Buf): void {
  out.fill(0, 0, n);
  for (let r = 0; r < m; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) out[i] = out[i]! + d[o + i]!;
  }
}

function gemmTNAdd(
  m: number,
  n: number,
  k: number,
  a: Buf,
  b: Buf,
  beta: number,
  cIn: Buf,
  c: Buf,
): void {
  // β·C_in, then each product added in order of t, as the WebAssembly kernel sums.
  for (let i = 0; i < m * n; i++) c[i] = beta * cIn[i]!;
  addTN(m, n, k, a, b, c);
}

// The two byte-widening loops are the same code on purpose: each sees one pair of array
// types, so V8 compiles a tight copy rather than generic element access.
function gatherBytes64(
  m: number,
  n: number,
  src: Uint8Array,
  order: Uint32Array,
  start: number,
  scale: number,
  x: Buf,
): void {
  const out = x as Float64Array;
  for (let j = 0; j < m; j++) {
    const from = order[start + j]! * n, to = j * n;
    for (let i = 0; i < n; i++) out[to + i] = src[from + i]! * scale;
  }
}

function gatherBytes32(
  m: number,
  n: number,
  src: Uint8Array,
  order: Uint32Array,
  start: number,
  scale: number,
  x: Buf,
): void {
  // The product of two float32 values is exact in float64: rounding it to float32 on store
  // gives float32 arithmetic's result, the WebAssembly kernel's bits.
  const out = x as Float32Array, s32 = Math.fround(scale);
  for (let j = 0; j < m; j++) {
    const from = order[start + j]! * n, to = j * n;
    for (let i = 0; i < n; i++) out[to + i] = src[from + i]! * s32;
  }
}

function axpby(len: number, alpha: number, x: Buf, beta: number, y: Buf): void {
  if (beta === 1) {
    for (let i = 0; i < len; i++) y[i] = y[i]! + alpha * x[i]!;
  } else {
    for (let i = 0; i < len; i++) y[i] = beta * y[i]! + alpha * x[i]!;
  }
}

// ---------------------------------------------------------------------------------------
// Convolutions and max-pooling. A convolution runs as products of the matrices above
// ("im2col", as the WebAssembly kernels do; bench/conv_bench.ts measured it against direct
// loops, docs/wasm.md): the patches of the input are copied into `col`, C·KH·KW rows of one
// value per output position, so that the convolution is `filters[F × C·KH·KW] · col`.

/**
 * The patches of m images: `col[(c·KH + p)·KW + q, e·OH·OW + i·OW + j] = x[e, c, i + p, j + q]`,
 * or with `back` the reverse, `x[e, c, i + p, j + q] += col[…]` (col2im; x zeroed first).
 */
function im2col(
  m: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  x: Buf,
  xo: number,
  col: Buf,
  back: boolean,
): void {
  const oh = h - kh + 1, ow = w - kw + 1;
  if (back) x.fill(0, xo, xo + m * c * h * w);
  let pc = 0;
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        for (let e = 0; e < m; e++) {
          let px = xo + ((e * c + ci) * h + p) * w + q;
          for (let i = 0; i < oh; i++) {
            if (back) { for (let j = 0; j < ow; j++) x[px + j] = x[px + j]! + col[pc + j]!; }
            else for (let j = 0; j < ow; j++) col[pc + j] = x[px + j]!;
            px += w;
            pc += ow;
          }
        }
      }
    }
  }
}

function convForward(
  m: number,
  c: number,
  h: number,
  w: number,
  f: number,
  kh: number,
  kw: number,
  x: Buf,
  filters: Buf,
  bias: Buf,
  out: Buf,
  work: Buf,
): void {
  // One example at a time: out_e[F × OH·OW] = filters · col_e, then the bias.
  const pos = (h - kh + 1) * (w - kw + 1), K = c * kh * kw;
  for (let e = 0; e < m; e++) {
    im2col(1, c, h, w, kh, kw, x, e * c * h * w, work, false);
    const oe = out.subarray(e * f * pos, (e + 1) * f * pos);
    gemmNN(f, pos, K, filters, work, oe);
    for (let fi = 0; fi < f; fi++) {
      const b = bias[fi]!;
      for (let i = fi * pos; i < (fi + 1) * pos; i++) oe[i] = oe[i]! + b;
    }
  }
}

function convBackwardFilters(
  m: number,
  c: number,
  h: number,
  w: number,
  f: number,
  kh: number,
  kw: number,
  x: Buf,
  delta: Buf,
  gradFilters: Buf,
  gradBias: Buf,
  work: Buf,
): void {
  // The whole batch in one product: gradFilters = δ · colᵀ with δ laid out by filter (F rows
  // of m·OH·OW), so that the sum over the examples is part of each dot product.
  const pos = (h - kh + 1) * (w - kw + 1), K = c * kh * kw, n = m * pos;
  const col = work.subarray(0, K * n), d = work.subarray(K * n, (K + f) * n);
  im2col(m, c, h, w, kh, kw, x, 0, col, false);
  for (let e = 0; e < m; e++) {
    for (let fi = 0; fi < f; fi++) {
      d.set(delta.subarray((e * f + fi) * pos, (e * f + fi + 1) * pos), fi * n + e * pos);
    }
  }
  gemmNT(f, K, n, d, col, gradFilters);
  for (let fi = 0; fi < f; fi++) {
    let sum = 0;
    for (let i = fi * n; i < (fi + 1) * n; i++) sum += d[i]!;
    gradBias[fi] = sum;
  }
}

function convBackwardInput(
  m: number,
  c: number,
  h: number,
  w: number,
  f: number,
  kh: number,
  kw: number,
  delta: Buf,
  filters: Buf,
  dx: Buf,
  work: Buf,
): void {
  // One example at a time: dcol = filtersᵀ · δ_e (δ_e is F × OH·OW), each patch added back.
  const pos = (h - kh + 1) * (w - kw + 1), K = c * kh * kw;
  for (let e = 0; e < m; e++) {
    gemmTN(K, pos, f, filters, delta.subarray(e * f * pos, (e + 1) * f * pos), work);
    im2col(1, c, h, w, kh, kw, dx, e * c * h * w, work, true);
  }
}

function maxPoolForward(
  m: number,
  c: number,
  h: number,
  w: number,
  ph: number,
  pw: number,
  x: Buf,
  out: Buf,
  argmax: Uint32Array,
): void {
  const oh = Math.floor(h / ph), ow = Math.floor(w / pw);
  for (let plane = 0; plane < m * c; plane++) {
    const xo = plane * h * w, oo = plane * oh * ow;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = xo + i * ph * w + j * pw, bv = x[best]!;
        for (let p = 0; p < ph; p++) {
          const r = xo + (i * ph + p) * w + j * pw;
          for (let q = 0; q < pw; q++) {
            if (x[r + q]! > bv) {
              bv = x[r + q]!;
              best = r + q;
            }
          }
        }
        out[oo + i * ow + j] = bv;
        argmax[oo + i * ow + j] = best;
      }
    }
  }
}

function maxPoolBackward(
  m: number,
  c: number,
  h: number,
  w: number,
  ph: number,
  pw: number,
  delta: Buf,
  argmax: Uint32Array,
  dx: Buf,
): void {
  const len = m * c * Math.floor(h / ph) * Math.floor(w / pw);
  dx.fill(0, 0, m * c * h * w);
  for (let o = 0; o < len; o++) dx[argmax[o]!] = dx[argmax[o]!]! + delta[o]!;
}

/** The TypeScript kernels: the reference implementation and the fallback. */
export const jsKernels: Kernels = {
  name: "js",
  dtype: "float64",
  allocate: (lengths) => lengths.map((n) => new Float64Array(n)),
  allocateWith: (lengths, bytes, words) => ({
    bufs: lengths.map((n) => new Float64Array(n)),
    bytes: new Uint8Array(bytes),
    words: new Uint32Array(words),
  }),
  release: () => {},
  ownMemory: false,
  splitMacs: Infinity,
  gemmNT,
  gemmNN,
  gemmTN,
  gemmTNAdd,
  gatherBytes: gatherBytes64,
  biasActivate,
  softmaxRows,
  activationPrimeMul,
  sub,
  columnSums,
  axpby,
  convForward,
  convBackwardFilters,
  convBackwardInput,
  maxPoolForward,
  maxPoolBackward,
};

/**
 * The TypeScript kernels on float32 buffers: arithmetic in float64, rounded to float32 where a
 * value is stored (a reference for the float32 WebAssembly kernels, not a fast path).
 */
export const jsKernels32: Kernels = {
  ...jsKernels,
  dtype: "float32",
  allocate: (lengths) => lengths.map((n) => new Float32Array(n)),
  allocateWith: (lengths, bytes, words) => ({
    bufs: lengths.map((n) => new Float32Array(n)),
    bytes: new Uint8Array(bytes),
    words: new Uint32Array(words),
  }),
  gatherBytes: gatherBytes32,
};
