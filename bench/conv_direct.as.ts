// Bench only (bench/conv_bench.ts appends this to lib/wasm/kernels.as.ts and compiles the
// two together): a direct valid convolution with SIMD lanes along each output row, the
// alternative to the im2col kernels that lib/wasm/kernels.as.ts ships.

/** `out[e, f, i, j] = bias[f] + Σ x[e, c, i + p, j + q] · w[f, c, p, q]`, 4 vectors of j at a time. */
@inline function convDirect<T>(
  m: i32,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  kh: i32,
  kw: i32,
  x: usize,
  filt: usize,
  bias: usize,
  out: usize,
): void {
  const S = sizeof<T>();
  const L = 16 / <i32> S;
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const rowB = <usize> w * S;
  const plane = <usize> h * rowB;
  const image = <usize> c * plane;
  const fB = <usize> (c * kh * kw) * S;
  let po = out;
  for (let e = 0; e < m; e++) {
    const xe = x + <usize> e * image;
    for (let fi = 0; fi < f; fi++) {
      const b = load<T>(bias + <usize> fi * S);
      const bv = v128.splat<T>(b);
      const wf = filt + <usize> fi * fB;
      for (let i = 0; i < oh; i++) {
        const orow = po + <usize> (i * ow) * S;
        let j = 0;
        for (; j + 4 * L <= ow; j += 4 * L) {
          let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
          for (let ci = 0; ci < c; ci++) {
            for (let p = 0; p < kh; p++) {
              const xr = xe + <usize> ci * plane + <usize> (i + p) * rowB + <usize> j * S;
              const wr = wf + <usize> ((ci * kh + p) * kw) * S;
              for (let q = 0; q < kw; q++) {
                const wv = v128.load_splat<T>(wr + <usize> q * S);
                const xq = xr + <usize> q * S;
                a0 = madd<T>(a0, wv, v128.load(xq));
                a1 = madd<T>(a1, wv, v128.load(xq, 16));
                a2 = madd<T>(a2, wv, v128.load(xq, 32));
                a3 = madd<T>(a3, wv, v128.load(xq, 48));
              }
            }
          }
          const o = orow + <usize> j * S;
          v128.store(o, a0);
          v128.store(o, a1, 16);
          v128.store(o, a2, 32);
          v128.store(o, a3, 48);
        }
        for (; j + L <= ow; j += L) {
          let a0 = bv;
          for (let ci = 0; ci < c; ci++) {
            for (let p = 0; p < kh; p++) {
              const xr = xe + <usize> ci * plane + <usize> (i + p) * rowB + <usize> j * S;
              const wr = wf + <usize> ((ci * kh + p) * kw) * S;
              for (let q = 0; q < kw; q++) {
                a0 = madd<T>(
                  a0,
                  v128.load_splat<T>(wr + <usize> q * S),
                  v128.load(xr + <usize> q * S),
                );
              }
            }
          }
          v128.store(orow + <usize> j * S, a0);
        }
        for (; j < ow; j++) {
          let s = b;
          for (let ci = 0; ci < c; ci++) {
            for (let p = 0; p < kh; p++) {
              const xr = xe + <usize> ci * plane + <usize> (i + p) * rowB + <usize> j * S;
              const wr = wf + <usize> ((ci * kh + p) * kw) * S;
              for (let q = 0; q < kw; q++) {
                s += load<T>(wr + <usize> q * S) * load<T>(xr + <usize> q * S);
              }
            }
          }
          store<T>(orow + <usize> j * S, s);
        }
      }
      po += <usize> (oh * ow) * S;
    }
  }
}

export function convDirect64(
  m: i32,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  kh: i32,
  kw: i32,
  x: usize,
  filt: usize,
  bias: usize,
  out: usize,
): void {
  convDirect<f64>(m, c, h, w, f, kh, kw, x, filt, bias, out);
}
export function convDirect32(
  m: i32,
  c: i32,
  h: i32,
  w: i32,
  f: i32,
  kh: i32,
  kw: i32,
  x: usize,
  filt: usize,
  bias: usize,
  out: usize,
): void {
  convDirect<f32>(m, c, h, w, f, kh, kw, x, filt, bias, out);
}
