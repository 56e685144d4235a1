import assert from "node:assert/strict";
import { assertClose, fill } from "./_kernel_checks.ts";
import { type Buf, convWorkLength, jsKernels, jsKernels32, type Kernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";
import { Random } from "../lib/random.ts";

// The convolution and max-pool kernels of every kernel set against plain float64 loops
// written here from the definitions (the gather form of each sum, where the kernels scatter
// or multiply matrices), and the gradient kernels against central finite differences of the
// forward kernels. float64: within 1e-12 of the reference, relative to the sum of the terms'
// magnitudes. float32: inputs are rounded to float32 first and the reference is computed from
// them in float64, within a bound for float32 rounding that grows with the number of terms.

const U32 = 2 ** -24; // unit roundoff of float32

/** Every kernel set, TypeScript and WebAssembly, in both float types. */
const ALL_SETS: [string, Kernels][] = [
  ["js float64", jsKernels],
  ["js float32", jsKernels32],
  ["wasm float64", wasmKernels("float64")],
  ["wasm float32", wasmKernels("float32")],
];
const F64_SETS = ALL_SETS.filter(([, k]) => k.dtype === "float64");

/** A convolution's shape: m images of c × h × w, f filters of c × kh × kw. */
interface ConvShape {
  m: number;
  c: number;
  h: number;
  w: number;
  f: number;
  kh: number;
  kw: number;
}
const conv = (m: number, c: number, h: number, w: number, f: number, kh: number, kw: number) => ({
  m,
  c,
  h,
  w,
  f,
  kh,
  kw,
});

// The book's two layers (the second at a mini-batch of 2 to keep the test short), odd sizes,
// channels > 1, non-square filters, a filter as large as the image, widths of 1, and sizes
// around the SIMD widths.
const CONV_SHAPES: ConvShape[] = [
  conv(2, 1, 28, 28, 20, 5, 5),
  conv(2, 20, 12, 12, 40, 5, 5),
  conv(1, 1, 5, 5, 1, 3, 3),
  conv(2, 3, 7, 6, 4, 3, 2),
  conv(3, 2, 9, 11, 5, 5, 4),
  conv(1, 2, 4, 4, 3, 4, 4),
  conv(2, 2, 5, 1, 3, 2, 1),
  conv(4, 3, 3, 8, 2, 1, 3),
  conv(3, 1, 6, 13, 7, 2, 5),
  conv(1, 5, 10, 7, 1, 1, 1),
];

const outShape = (s: ConvShape) => [s.h - s.kh + 1, s.w - s.kw + 1] as const;

/** Reference: `out[e, f, i, j] = bias[f] + Σ_{c,p,q} x[e, c, i + p, j + q] · w[f, c, p, q]`. */
function refConv(s: ConvShape, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>) {
  const [oh, ow] = outShape(s);
  const out = new Float64Array(s.m * s.f * oh * ow);
  for (let e = 0; e < s.m; e++) {
    for (let f = 0; f < s.f; f++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let sum = b[f]!;
          for (let c = 0; c < s.c; c++) {
            for (let p = 0; p < s.kh; p++) {
              for (let q = 0; q < s.kw; q++) {
                sum += x[((e * s.c + c) * s.h + i + p) * s.w + j + q]! *
                  w[((f * s.c + c) * s.kh + p) * s.kw + q]!;
              }
            }
          }
          out[((e * s.f + f) * oh + i) * ow + j] = sum;
        }
      }
    }
  }
  return out;
}

/** Reference: `gw[f, c, p, q] = Σ_{e,i,j} δ[e, f, i, j] · x[e, c, i + p, j + q]`, `gb[f] = Σ δ`. */
function refConvFilters(s: ConvShape, x: ArrayLike<number>, d: ArrayLike<number>) {
  const [oh, ow] = outShape(s);
  const gw = new Float64Array(s.f * s.c * s.kh * s.kw), gb = new Float64Array(s.f);
  for (let f = 0; f < s.f; f++) {
    for (let c = 0; c < s.c; c++) {
      for (let p = 0; p < s.kh; p++) {
        for (let q = 0; q < s.kw; q++) {
          let sum = 0;
          for (let e = 0; e < s.m; e++) {
            for (let i = 0; i < oh; i++) {
              for (let j = 0; j < ow; j++) {
                sum += d[((e * s.f + f) * oh + i) * ow + j]! *
                  x[((e * s.c + c) * s.h + i + p) * s.w + j + q]!;
              }
            }
          }
          gw[((f * s.c + c) * s.kh + p) * s.kw + q] = sum;
        }
      }
    }
    for (let e = 0; e < s.m; e++) {
      for (let i = 0; i < oh * ow; i++) gb[f] = gb[f]! + d[(e * s.f + f) * oh * ow + i]!;
    }
  }
  return { gw, gb };
}

/** Reference: `dx[e, c, y, z] = Σ_{f,p,q} δ[e, f, y − p, z − q] · w[f, c, p, q]` (gather form). */
function refConvInput(s: ConvShape, d: ArrayLike<number>, w: ArrayLike<number>) {
  const [oh, ow] = outShape(s);
  const dx = new Float64Array(s.m * s.c * s.h * s.w);
  for (let e = 0; e < s.m; e++) {
    for (let c = 0; c < s.c; c++) {
      for (let y = 0; y < s.h; y++) {
        for (let z = 0; z < s.w; z++) {
          let sum = 0;
          for (let f = 0; f < s.f; f++) {
            for (let p = 0; p < s.kh; p++) {
              for (let q = 0; q < s.kw; q++) {
                const i = y - p, j = z - q;
                if (i < 0 || i >= oh || j < 0 || j >= ow) continue;
                sum += d[((e * s.f + f) * oh + i) * ow + j]! *
                  w[((f * s.c + c) * s.kh + p) * s.kw + q]!;
              }
            }
          }
          dx[((e * s.c + c) * s.h + y) * s.w + z] = sum;
        }
      }
    }
  }
  return dx;
}

const name = (s: ConvShape) => `m ${s.m}, ${s.c}×${s.h}×${s.w} * ${s.f}×${s.c}×${s.kh}×${s.kw}`;

/** Buffers for one convolution's three kernels, in one allocation. */
function convBuffers(k: Kernels, s: ConvShape) {
  const [oh, ow] = outShape(s);
  const [x, w, b, out, d, gw, gb, dx, work] = k.allocate([
    s.m * s.c * s.h * s.w,
    s.f * s.c * s.kh * s.kw,
    s.f,
    s.m * s.f * oh * ow,
    s.m * s.f * oh * ow,
    s.f * s.c * s.kh * s.kw,
    s.f,
    s.m * s.c * s.h * s.w,
    convWorkLength(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw),
  ]) as [Buf, Buf, Buf, Buf, Buf, Buf, Buf, Buf, Buf];
  return { x, w, b, out, d, gw, gb, dx, work };
}

Deno.test("convForward(), convBackwardFilters(), convBackwardInput() match the definitions in every kernel set", async (t) => {
  for (const [set, k] of ALL_SETS) {
    await t.step(set, () => {
      const rnd = new Random(31);
      for (const s of CONV_SHAPES) {
        const { x, w, b, out, d, gw, gb, dx, work } = convBuffers(k, s);
        const u = () => rnd.uniform() * 2 - 1;
        const [x64, w64, b64, d64] = fill([x, w, b, d], u);
        const abs = (a: Float64Array) => a.map(Math.abs);
        // Tolerances relative to Σ|terms| (the reference on absolute values).
        const rel = (terms: number) => (k.dtype === "float64" ? 1e-12 : (terms + 3) * U32);
        const [oh, ow] = outShape(s);
        const K = s.c * s.kh * s.kw;

        for (const v of [out, gw, gb, dx, work]) v.fill(NaN); // all overwritten
        k.convForward(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, x, w, b, out, work);
        const scaleOut = refConv(s, abs(x64!), abs(w64!), abs(b64!));
        const tolOut = rel(K + 1);
        assertClose(
          out,
          refConv(s, x64!, w64!, b64!),
          (i) => tolOut * scaleOut[i]!,
          `${set} convForward ${name(s)}`,
        );

        work.fill(NaN);
        k.convBackwardFilters(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, x, d, gw, gb, work);
        const want = refConvFilters(s, x64!, d64!), scale = refConvFilters(s, abs(x64!), abs(d64!));
        const tolW = rel(s.m * oh * ow);
        assertClose(
          gw,
          want.gw,
          (i) => tolW * scale.gw[i]!,
          `${set} convBackwardFilters ${name(s)}`,
        );
        assertClose(
          gb,
          want.gb,
          (i) => tolW * scale.gb[i]!,
          `${set} conv bias gradient ${name(s)}`,
        );

        work.fill(NaN);
        k.convBackwardInput(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, d, w, dx, work);
        const scaleX = refConvInput(s, abs(d64!), abs(w64!));
        const tolX = rel(s.f * s.kh * s.kw);
        assertClose(
          dx,
          refConvInput(s, d64!, w64!),
          (i) => tolX * scaleX[i]!,
          `${set} convBackwardInput ${name(s)}`,
        );
      }
    });
  }
});

/** A max-pool's shape: m·c planes of h × w, windows of ph × pw. */
type PoolShape = [m: number, c: number, h: number, w: number, ph: number, pw: number];
const POOL_SHAPES: PoolShape[] = [
  [2, 20, 24, 24, 2, 2],
  [2, 40, 8, 8, 2, 2],
  [1, 1, 4, 4, 2, 2],
  [2, 3, 6, 9, 3, 3],
  [2, 2, 5, 7, 2, 3], // rows and columns beyond the last window are ignored
  [3, 1, 8, 6, 1, 2],
  [1, 2, 6, 4, 3, 1],
  [1, 1, 3, 3, 3, 3],
];

/** Reference max-pool: each window's first maximum in row-major order, and its index. */
function refPool([m, c, h, w, ph, pw]: PoolShape, x: ArrayLike<number>) {
  const oh = Math.floor(h / ph), ow = Math.floor(w / pw);
  const out: number[] = [], arg: number[] = [];
  for (let pl = 0; pl < m * c; pl++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = -1;
        for (let p = 0; p < ph; p++) {
          for (let q = 0; q < pw; q++) {
            const idx = (pl * h + i * ph + p) * w + j * pw + q;
            if (best < 0 || x[idx]! > x[best]!) best = idx;
          }
        }
        out.push(x[best]!);
        arg.push(best);
      }
    }
  }
  return { out, arg };
}

function poolBuffers(k: Kernels, [m, c, h, w, ph, pw]: PoolShape) {
  const len = m * c * Math.floor(h / ph) * Math.floor(w / pw);
  const { bufs, words } = k.allocateWith([m * c * h * w, len, len, m * c * h * w], 0, len);
  const [x, out, d, dx] = bufs as [Buf, Buf, Buf, Buf];
  return { x, out, d, dx, argmax: words };
}

Deno.test("maxPoolForward(), maxPoolBackward() match the definitions in every kernel set", async (t) => {
  for (const [set, k] of ALL_SETS) {
    await t.step(set, () => {
      const rnd = new Random(37);
      for (const shape of POOL_SHAPES) {
        const { x, out, d, dx, argmax } = poolBuffers(k, shape);
        // Values from a small set, so that windows have ties (the first maximum wins).
        const [x64, d64] = fill([x, d], () => rnd.int(7) - 3 + 0.25 * rnd.int(2));
        out.fill(NaN);
        dx.fill(NaN);
        argmax.fill(0xffffffff);
        const [m, c, h, w, ph, pw] = shape;
        k.maxPoolForward(m, c, h, w, ph, pw, x, out, argmax);
        const want = refPool(shape, x64!);
        assert.deepEqual(Array.from(out), want.out, `${set} maxPoolForward ${shape}`);
        assert.deepEqual(Array.from(argmax), want.arg, `${set} argmax ${shape}`);
        k.maxPoolBackward(m, c, h, w, ph, pw, d, argmax, dx);
        const wantDx = new Float64Array(m * c * h * w);
        want.arg.forEach((idx, o) => (wantDx[idx] = d64![o]!));
        assert.deepEqual(Array.from(dx), Array.from(wantDx), `${set} maxPoolBackward ${shape}`);
      }
    });
  }
});

/**
 * Central differences of `L(θ) = Σ g ⊙ forward(θ)` with respect to each element of `theta`
 * (changed in place and restored), against `grad`, within 1e-6 relative (of the largest
 * gradient element, so that elements near zero are not held to a relative bound of their own).
 */
function checkFD(
  theta: Buf,
  grad: ArrayLike<number>,
  loss: () => number,
  h: number,
  what: string,
): void {
  const big = Math.max(...Array.from(grad, Math.abs));
  assert.ok(big > 0, `${what}: the gradient is all zeros`);
  for (let i = 0; i < theta.length; i++) {
    const t0 = theta[i]!;
    theta[i] = t0 + h;
    const up = loss();
    theta[i] = t0 - h;
    const down = loss();
    theta[i] = t0;
    const fd = (up - down) / (2 * h);
    const err = Math.abs(fd - grad[i]!);
    assert.ok(err <= 1e-6 * big, `${what}[${i}]: finite difference ${fd}, kernel ${grad[i]}`);
  }
}

Deno.test("the convolution's gradient kernels match central differences of convForward() (float64)", async (t) => {
  for (const [set, k] of F64_SETS) {
    await t.step(set, () => {
      const rnd = new Random(41);
      for (const s of CONV_SHAPES.slice(2)) {
        const { x, w, b, out, d: g, gw, gb, dx, work } = convBuffers(k, s);
        fill([x, w, b, g], () => rnd.uniform() * 2 - 1);
        const loss = () => {
          k.convForward(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, x, w, b, out, work);
          let sum = 0;
          for (let i = 0; i < out.length; i++) sum += g[i]! * out[i]!;
          return sum;
        };
        // δ = ∂L/∂out = g.
        k.convBackwardFilters(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, x, g, gw, gb, work);
        k.convBackwardInput(s.m, s.c, s.h, s.w, s.f, s.kh, s.kw, g, w, dx, work);
        const gws = Float64Array.from(gw), gbs = Float64Array.from(gb), dxs = Float64Array.from(dx);
        checkFD(w, gws, loss, 1e-3, `${set} ∂L/∂filters ${name(s)}`);
        checkFD(b, gbs, loss, 1e-3, `${set} ∂L/∂bias ${name(s)}`);
        checkFD(x, dxs, loss, 1e-3, `${set} ∂L/∂x ${name(s)}`);
      }
    });
  }
});

Deno.test("maxPoolBackward() matches central differences of maxPoolForward() (float64)", async (t) => {
  for (const [set, k] of F64_SETS) {
    await t.step(set, () => {
      const rnd = new Random(43);
      for (const shape of POOL_SHAPES.slice(2)) {
        const { x, out, d: g, dx, argmax } = poolBuffers(k, shape);
        // Distinct values at least 1e-3 apart, so that a step of 1e-6 never changes a winner.
        const n = x.length, perm = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = rnd.int(i + 1);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
        perm.forEach((v, i) => (x[i] = (v - n / 2) * 1e-3));
        fill([g], () => rnd.uniform() * 2 - 1);
        const [m, c, h, w, ph, pw] = shape;
        const loss = () => {
          k.maxPoolForward(m, c, h, w, ph, pw, x, out, argmax);
          let sum = 0;
          for (let i = 0; i < out.length; i++) sum += g[i]! * out[i]!;
          return sum;
        };
        loss();
        k.maxPoolBackward(m, c, h, w, ph, pw, g, argmax, dx);
        checkFD(x, Float64Array.from(dx), loss, 1e-6, `${set} ∂L/∂x of max-pool ${shape}`);
      }
    });
  }
});
