import assert from "node:assert/strict";
import { assertClose, fill } from "./_kernel_checks.ts";
import {
  Act,
  type ActCode,
  type Buf,
  type Dtype,
  jsKernels,
  jsKernels32,
  type Kernels,
} from "../lib/_kernels.ts";
import { selectKernels, wasmKernels } from "../lib/_wasm_kernels.ts";
import { KERNELS_WASM_BASE64 } from "../lib/wasm/_kernels_wasm.ts";
import { Random } from "../lib/random.ts";

// The WebAssembly kernels are checked against the TypeScript kernels, which are the
// reference. float64: within 1e-12 of the reference, relative to the size of the terms
// (exact where both do the same operations in the same order). float32: inputs are rounded
// to float32 first and the reference is computed from them in float64, within a bound for
// float32 rounding.

const DTYPES: Dtype[] = ["float64", "float32"];
const U32 = 2 ** -24; // unit roundoff of float32
const ACTS: [string, ActCode][] = Object.entries(Act) as [string, ActCode][];

/** Shapes m × n, typed as pairs. */
const pairs = (...shapes: [number, number][]): [number, number][] => shapes;

// Shapes (m, n, k): the real ones of [784, 30, 10] at mini-batch 10, edge cases (1, odd
// sizes, sizes around the SIMD width and block sizes), and random ones.
const SHAPES: [number, number, number][] = [
  [10, 30, 784],
  [30, 784, 10],
  [10, 10, 30],
  [10, 30, 10],
  [1, 1, 1],
  [1, 7, 1],
  [7, 1, 3],
  [2, 4, 4],
  [3, 5, 7],
  [4, 8, 2],
  [5, 9, 13],
  [9, 17, 1],
  [1, 33, 31],
  [6, 3, 65],
];
{
  const rnd = new Random(7);
  for (let i = 0; i < 12; i++) SHAPES.push([1 + rnd.int(20), 1 + rnd.int(40), 1 + rnd.int(70)]);
}

Deno.test("wasm allocate() returns zero-filled, aligned, separate views", () => {
  for (const dtype of DTYPES) {
    const k = wasmKernels(dtype);
    assert.equal(k.name, "wasm");
    assert.equal(k.dtype, dtype);
    const lengths = [3, 0, 1, 17, 100_000];
    const bufs = k.allocate(lengths);
    const Arr = dtype === "float64" ? Float64Array : Float32Array;
    assert.deepEqual(bufs.map((b) => b.length), lengths);
    for (const b of bufs) {
      assert.ok(b instanceof Arr);
      assert.equal(b.byteOffset % 16, 0);
      assert.ok(b.every((v) => v === 0));
      assert.equal(b.buffer, bufs[0]!.buffer);
    }
    bufs.forEach((b, i) => b.fill(i + 1));
    bufs.forEach((b, i) => assert.ok(b.every((v) => v === i + 1), `buffer ${i} overlaps`));
    // A second allocation has its own memory: the first one's views stay valid.
    const [other] = k.allocate([5]);
    assert.notEqual(other!.buffer, bufs[0]!.buffer);
    assert.ok(bufs[4]!.every((v) => v === 5));
  }
});

Deno.test("wasm gemmNT(), gemmNN(), gemmTN() match the TypeScript kernels", async (t) => {
  for (const dtype of DTYPES) {
    await t.step(dtype, () => {
      const k = wasmKernels(dtype);
      const rnd = new Random(11);
      for (const [m, n, kk] of SHAPES) {
        for (const kernel of ["gemmNT", "gemmNN", "gemmTN"] as const) {
          const [a, b, c] = k.allocate([m * kk, n * kk, m * n]);
          const [a64, b64] = fill([a!, b!], () => rnd.uniform() * 2 - 1);
          c!.fill(NaN); // the kernels overwrite C
          k[kernel](m, n, kk, a!, b!, c!);
          const want = new Float64Array(m * n);
          jsKernels[kernel](m, n, kk, a64!, b64!, want);
          // Scale of C[r, s]: Σ_t |A(r,t)|·|B(s,t)|, the same products with absolute values.
          const scale = new Float64Array(m * n);
          jsKernels[kernel](m, n, kk, a64!.map(Math.abs), b64!.map(Math.abs), scale);
          const rel = dtype === "float64" ? 1e-12 : (kk + 2) * U32;
          assertClose(c!, want, (i) => rel * scale[i]!, `${kernel}(${m}, ${n}, ${kk})`);
        }
      }
    });
  }
});

/** Every kernel set, TypeScript and WebAssembly, in both float types. */
const ALL_SETS: [string, Kernels][] = [
  ["js float64", jsKernels],
  ["js float32", jsKernels32],
  ["wasm float64", wasmKernels("float64")],
  ["wasm float32", wasmKernels("float32")],
];

Deno.test("gemmTNAdd() adds Aᵀ·B to β·C_in, into another buffer or in place, in every kernel set", async (t) => {
  // Reference: the product by gemmTN in float64, then β·C_in + product; both kernel sets must
  // match it, the TypeScript one as closely as the WebAssembly one.
  for (const [name, k] of ALL_SETS) {
    await t.step(name, () => {
      const rnd = new Random(19);
      for (const [m, n, kk] of SHAPES) {
        for (const beta of [1, 0.75]) {
          for (const inPlace of [false, true]) {
            const [a, b, cIn, c] = k.allocate([kk * m, kk * n, m * n, m * n]);
            const [a64, b64, cIn64] = fill([a!, b!, cIn!], () => rnd.uniform() * 2 - 1);
            const out = inPlace ? cIn! : c!;
            if (!inPlace) out.fill(NaN); // overwritten
            k.gemmTNAdd(m, n, kk, a!, b!, beta, cIn!, out);
            const prod = new Float64Array(m * n), scale = new Float64Array(m * n);
            jsKernels.gemmTN(m, n, kk, a64!, b64!, prod);
            jsKernels.gemmTN(m, n, kk, a64!.map(Math.abs), b64!.map(Math.abs), scale);
            const want = prod.map((v, i) => beta * cIn64![i]! + v);
            const rel = k.dtype === "float64" ? 1e-12 : (kk + 3) * U32;
            assertClose(
              out,
              want,
              (i) => rel * (scale[i]! + Math.abs(cIn64![i]!)),
              `${name} gemmTNAdd(${m}, ${n}, ${kk}), β = ${beta}${inPlace ? ", in place" : ""}`,
            );
          }
        }
      }
    });
  }
});

Deno.test("gatherBytes() widens the chosen rows exactly, in every kernel set", async (t) => {
  // float64: byte · scale in float64. float32: byte · fround(scale), rounded to float32 (the
  // product of two float32 values is exact in float64, so fround of it is float32's product).
  for (const [name, k] of ALL_SETS) {
    await t.step(name, () => {
      const rnd = new Random(23);
      for (const n of [784, 1, 15, 16, 17, 33, 50]) {
        const examples = 40, m = 7, start = 3, scale = 1 / 255;
        const { bufs: [x], bytes, words } = k.allocateWith([m * n], examples * n, start + m);
        for (let i = 0; i < bytes.length; i++) bytes[i] = rnd.int(256);
        bytes[5] = 255; // the largest byte, and 0, always appear
        bytes[6] = 0;
        for (let j = 0; j < words.length; j++) words[j] = rnd.int(examples);
        words[start] = 0;
        words[start + m - 1] = examples - 1; // the last row: no read past the data
        x!.fill(NaN);
        k.gatherBytes(m, n, bytes, words, start, scale, x!);
        const s = k.dtype === "float64" ? scale : Math.fround(scale);
        const round = k.dtype === "float64" ? (v: number) => v : Math.fround;
        for (let j = 0; j < m; j++) {
          for (let i = 0; i < n; i++) {
            const want = round(bytes[words[start + j]! * n + i]! * s);
            assert.equal(x![j * n + i], want, `${name}, n = ${n}, row ${j}, element ${i}`);
          }
        }
      }
    });
  }
});

Deno.test("a released allocation's memory is reused, zeroed, and handed out once", () => {
  const k = wasmKernels("float32");
  const a = k.allocateWith([100, 7], 5000, 30);
  a.bufs.forEach((b) => b.fill(3));
  a.words.fill(9);
  k.release(a);
  // Smaller: the same memory, with every float and word zeroed again.
  const b = k.allocateWith([50], 1000, 10);
  assert.equal(b.bufs[0]!.buffer, a.bufs[0]!.buffer);
  assert.ok(b.bufs[0]!.every((v) => v === 0) && b.words.every((v) => v === 0));
  // While b is live, a new allocation gets memory of its own, and so does one after a
  // second release of a (ignored: the memory is b's now).
  k.release(a);
  const c = k.allocateWith([50], 1000, 10);
  assert.notEqual(c.bufs[0]!.buffer, b.bufs[0]!.buffer);
  // Larger after a release: the memory grows, and the new views work in the kernels.
  k.release(b);
  const big = 40_000;
  const d = k.allocateWith([4, 4, 4], big * 4, 2);
  assert.equal(d.bytes.length, big * 4);
  d.bytes.fill(2);
  d.words.set([big - 1, 0]);
  const [x] = k.allocateWith([8], 0, 0).bufs;
  assert.throws(() => k.gatherBytes(2, 4, d.bytes, d.words, 0, 0.5, x!), /different memories/);
  const [x2] = d.bufs;
  k.gatherBytes(1, 4, d.bytes, d.words, 0, 0.5, x2!);
  assert.deepEqual(Array.from(x2!), [1, 1, 1, 1]);
});

Deno.test("wasm kernels accept subarrays at any element offset", () => {
  for (const dtype of DTYPES) {
    const k = wasmKernels(dtype);
    const rnd = new Random(5);
    const [m, n, kk] = [3, 5, 7];
    const [big] = k.allocate([200]);
    const a = big!.subarray(1, 1 + m * kk);
    const b = big!.subarray(30, 30 + n * kk);
    const c = big!.subarray(101, 101 + m * n);
    const [a64, b64] = fill([a, b], () => rnd.uniform() - 0.5);
    k.gemmNT(m, n, kk, a, b, c);
    const want = new Float64Array(m * n);
    jsKernels.gemmNT(m, n, kk, a64!, b64!, want);
    assertClose(c, want, () => (dtype === "float64" ? 1e-15 : 1e-6), `gemmNT on subarrays`);
    assert.equal(big![0], 0, "gemmNT wrote outside C");
    assert.equal(big![101 + m * n], 0, "gemmNT wrote outside C");
  }
});

Deno.test("wasm biasActivate() matches the TypeScript kernel for every activation", async (t) => {
  const special = [0, -0, 1e-9, -1e-9, 0.17, -0.35, 20, -20, 40, -40, 700, -700, 800, -800, NaN];
  for (const dtype of DTYPES) {
    await t.step(dtype, () => {
      const k = wasmKernels(dtype);
      const ref = dtype === "float64" ? jsKernels : jsKernels32;
      const rnd = new Random(3);
      for (const [m, n] of pairs([1, 1], [10, 30], [10, 10], [3, 7], [5, special.length])) {
        for (const [name, act] of ACTS) {
          const [z, b, a] = k.allocate([m * n, n, m * n]);
          let i = 0;
          fill([z!], () => n === special.length ? special[i++ % n]! : (rnd.uniform() - 0.5) * 60);
          fill([b!], () => rnd.uniform() - 0.5);
          const [z2, b2, a2] = ref.allocate([m * n, n, m * n]);
          z2!.set(z!);
          b2!.set(b!);
          k.biasActivate(act, m, n, z!, b!, a!);
          ref.biasActivate(act, m, n, z2!, b2!, a2!);
          // z + b is one rounded addition in both.
          assert.deepEqual(Array.from(z!), Array.from(z2!), `${name} z (${m}×${n})`);
          // The exp of the TypeScript kernel is Math.exp; ours is within an ulp of it. For
          // σ(v) with v < 0 both compute 1 − 1/(1 + e^v), exact only to an ulp of 1.
          const tol = dtype === "float64"
            ? (j: number) => 1e-12 * Math.abs(a2![j]!) + 4e-16
            : (j: number) => 2 * U32 * Math.abs(a2![j]!) + 1e-45;
          assertClose(a!, a2!, tol, `${name} a (${m}×${n})`);
        }
      }
    });
  }
});

/**
 * `e^x` for each x by the kernels' own exp (float64): the module's `exp64` export, which no
 * kernel set exposes, run on an instance and a memory of its own.
 */
function wasmExp(xs: ArrayLike<number>): Float64Array {
  const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const heapBase = (exports.heapBase as () => number)();
  const size = 8 * xs.length;
  memory.grow(Math.ceil((heapBase + 2 * size) / 65536)); // before taking views: it detaches
  const x = new Float64Array(memory.buffer, heapBase, xs.length);
  x.set(Array.from(xs));
  const out = new Float64Array(memory.buffer, heapBase + size, xs.length);
  (exports.exp64 as (n: number, x: number, out: number) => void)(
    xs.length,
    heapBase,
    heapBase + size,
  );
  return out.slice();
}

Deno.test("wasm exp is within an ulp of Math.exp and equal to it in most cases", () => {
  const rnd = new Random(17);
  const xs: number[] = [];
  for (let i = 0; i < 20000; i++) xs.push((rnd.uniform() - 0.5) * 1400); // −700 … 700
  for (let i = 0; i < 20000; i++) xs.push((rnd.uniform() - 0.5) * 2);
  const got = wasmExp(xs);
  let equal = 0;
  for (let i = 0; i < xs.length; i++) {
    const want = Math.exp(xs[i]!);
    if (got[i] === want) equal++;
    // One ulp of want: 2^(exponent − 52).
    const ulp = 2 ** (Math.floor(Math.log2(want)) - 52);
    assert.ok(Math.abs(got[i]! - want) <= ulp, `exp(${xs[i]}): got ${got[i]}, expected ${want}`);
  }
  // Math.exp is correctly rounded nearly always; ours is within about 0.51 ulp, so the two
  // agree to the last bit in about 98.5% of cases (fdlibm's exp, for one, in about 93%).
  assert.ok(equal / xs.length >= 0.97, `equal in ${equal} of ${xs.length} cases`);
  const special = [0, -0, 1e-300, 709.78, 709.79, -745.13, -745.2, Infinity, -Infinity, NaN];
  assert.deepEqual(Array.from(wasmExp(special)), special.map(Math.exp));
});

Deno.test("wasm tanh and σ agree with Math.tanh and the exact sigmoid to 1e-14", () => {
  const k = wasmKernels("float64");
  const n = 4001;
  const [z, b, a] = k.allocate([n, n, n]);
  for (let i = 0; i < n; i++) z![i] = (i - 2000) / 50 + 1e-3; // −40 … 40, none exactly 0
  const z0 = Float64Array.from(z!);
  k.biasActivate(Act.tanh, 1, n, z!, b!, a!);
  assertClose(a!, z0.map(Math.tanh), (i) => 1e-14 * Math.abs(Math.tanh(z0[i]!)), "tanh");
  z!.set(z0);
  k.biasActivate(Act.sigmoid, 1, n, z!, b!, a!);
  // e/(1 + e) with e = e^v for v < 0 has no cancellation: the exact value to an ulp or two.
  const exact = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  // The kernel's 1 − 1/(1 + e) for v < 0 is exact only to about an ulp of 1 (2.2e-16).
  assertClose(a!, z0.map(exact), (i) => 1e-14 * exact(z0[i]!) + 2.3e-16, "sigmoid");
});

Deno.test("wasm softmaxRows() matches the TypeScript kernel", () => {
  for (const dtype of DTYPES) {
    const k = wasmKernels(dtype);
    const ref = dtype === "float64" ? jsKernels : jsKernels32;
    const rnd = new Random(9);
    for (const [m, n] of pairs([1, 1], [10, 10], [3, 7], [4, 31])) {
      const [z, a] = k.allocate([m * n, m * n]);
      fill([z!], () => (rnd.uniform() - 0.5) * 40);
      const [z2, a2] = ref.allocate([m * n, m * n]);
      z2!.set(z!);
      k.softmaxRows(m, n, z!, a!);
      ref.softmaxRows(m, n, z2!, a2!);
      const rel = dtype === "float64" ? 1e-12 : 4 * U32;
      assertClose(a!, a2!, (i) => rel * a2![i]!, `softmaxRows(${m}, ${n})`);
      for (let r = 0; r < m; r++) {
        let sum = 0;
        for (let i = r * n; i < r * n + n; i++) sum += a![i]!;
        assert.ok(Math.abs(sum - 1) <= n * (dtype === "float64" ? 1e-15 : U32), `row ${r} sum`);
      }
    }
  }
});

Deno.test("wasm activationPrimeMul(), sub(), columnSums(), axpby() match the TypeScript kernels", async (t) => {
  for (const dtype of DTYPES) {
    await t.step(dtype, () => {
      const k = wasmKernels(dtype);
      const ref = dtype === "float64" ? jsKernels : jsKernels32;
      const rnd = new Random(13);
      const gen = () => rnd.uniform() * 2 - 1;
      // float64: the same operations in the same order, so the results are equal. float32:
      // ours round after each operation, the reference once per stored value.
      const tol = (scale: ArrayLike<number>, ops: number) =>
        dtype === "float64" ? () => 0 : (i: number) => ops * U32 * Math.abs(scale[i]!);
      for (const len of [1, 2, 3, 4, 5, 7, 8, 9, 100, 301]) {
        for (const [name, act] of ACTS) {
          const [z, a, d] = k.allocate([len, len, len]);
          fill([z!, a!, d!], gen);
          const [z2, a2, d2] = ref.allocate([len, len, len]);
          z2!.set(z!), a2!.set(a!), d2!.set(d!);
          const d0 = d2!.map((v) => 2 * v); // |δ·f'| ≤ 2|δ| for |a| ≤ 1, with 1 − a² cancelling
          k.activationPrimeMul(act, len, z!, a!, d!);
          ref.activationPrimeMul(act, len, z2!, a2!, d2!);
          assertClose(d!, d2!, tol(d0, 5), `activationPrimeMul ${name} (${len})`);
        }
        const [x, y, out] = k.allocate([len, len, len]);
        fill([x!, y!], gen);
        const [x2, y2, out2] = ref.allocate([len, len, len]);
        x2!.set(x!), y2!.set(y!);
        k.sub(len, x!, y!, out!);
        ref.sub(len, x2!, y2!, out2!);
        assertClose(out!, out2!, () => 0, `sub (${len})`);
        for (const beta of [1, 0.9]) {
          const scale = y2!.map((v, i) => Math.abs(beta * v) + Math.abs(0.3 * x2![i]!));
          k.axpby(len, -0.3, x!, beta, y!);
          ref.axpby(len, -0.3, x2!, beta, y2!);
          assertClose(y!, y2!, tol(scale, 5), `axpby β = ${beta} (${len})`);
        }
      }
      for (const [m, n] of pairs([1, 1], [10, 30], [10, 10], [7, 3], [3, 9])) {
        const [dd, out] = k.allocate([m * n, n]);
        fill([dd!], gen);
        const [dd2, out2] = ref.allocate([m * n, n]);
        dd2!.set(dd!);
        out!.fill(NaN);
        k.columnSums(m, n, dd!, out!);
        ref.columnSums(m, n, dd2!, out2!);
        // Summed row after row in both, rounding alike: equal in both dtypes.
        assertClose(out!, out2!, () => 0, `columnSums(${m}, ${n})`);
      }
    });
  }
});

/** Forward and backward pass of a 3-layer network over a batch, as lib/_batch.ts does it. */
function gradients(k: Kernels, sizes: number[], m: number, init: Float64Array[]): Buf[] {
  const [n0, n1, n2] = sizes as [number, number, number];
  const bufs = k.allocate([m * n0, n1 * n0, n1, n2 * n1, n2, m * n2].concat(
    [m * n1, m * n1, m * n2, m * n2, m * n2, m * n1, n1 * n0, n1, n2 * n1, n2],
  ));
  bufs.slice(0, 6).forEach((b, i) => b.set(init[i]!));
  const [x, w1, b1, w2, b2, y, z1, a1, z2, a2, d2, d1, nw1, nb1, nw2, nb2] = bufs;
  k.gemmNT(m, n1, n0, x!, w1!, z1!);
  k.biasActivate(Act.sigmoid, m, n1, z1!, b1!, a1!);
  k.gemmNT(m, n2, n1, a1!, w2!, z2!);
  k.biasActivate(Act.sigmoid, m, n2, z2!, b2!, a2!);
  k.sub(m * n2, a2!, y!, d2!);
  k.activationPrimeMul(Act.sigmoid, m * n2, z2!, a2!, d2!);
  k.columnSums(m, n2, d2!, nb2!);
  k.gemmTN(n2, n1, m, d2!, a1!, nw2!);
  k.gemmNN(m, n1, n2, d2!, w2!, d1!);
  k.activationPrimeMul(Act.sigmoid, m * n1, z1!, a1!, d1!);
  k.columnSums(m, n1, d1!, nb1!);
  k.gemmTN(n1, n0, m, d1!, x!, nw1!);
  return [nw1!, nb1!, nw2!, nb2!];
}

Deno.test("wasm gradients of a mini-batch equal the TypeScript ones to 1e-12", () => {
  const rnd = new Random(21);
  const sizes = [784, 30, 10], m = 10;
  const [n0, n1, n2] = sizes as [number, number, number];
  const lengths = [m * n0, n1 * n0, n1, n2 * n1, n2, m * n2];
  const init = lengths.map((len, i) =>
    Float64Array.from({ length: len }, () => (i === 0 ? rnd.uniform() : rnd.gaussian()))
  );
  const want = gradients(jsKernels, sizes, m, init);
  const got64 = gradients(wasmKernels("float64"), sizes, m, init);
  const got32 = gradients(wasmKernels("float32"), sizes, m, init);
  for (let g = 0; g < want.length; g++) {
    const norm = Math.max(...want[g]!.map(Math.abs));
    assert.ok(norm > 1e-3, "gradients too small to compare");
    assertClose(got64[g]!, want[g]!, () => 1e-12 * norm, `float64 gradient ${g}`);
    assertClose(got32[g]!, want[g]!, () => 1e-4 * norm, `float32 gradient ${g}`);
  }
});

Deno.test("wasm kernels reject arrays outside their memory", () => {
  const k = wasmKernels("float64");
  const [a, b] = k.allocate([4, 4]);
  const [c] = k.allocate([4]);
  assert.throws(
    () => k.sub(4, a!, b!, new Float64Array(4)),
    (e) =>
      e instanceof TypeError &&
      /Cannot run wasm kernel sub: expected a Float64Array/.test(e.message),
  );
  assert.throws(
    () => k.sub(4, a!, b!, c!),
    (e) => e instanceof TypeError && /from one allocate call/.test(e.message),
  );
  const [f] = wasmKernels("float32").allocate([4]);
  assert.throws(() => k.axpby(4, 1, a!, 1, f!), TypeError);
  assert.throws(() => k.axpby(4, 1, f!, 1, a!), TypeError);
});

Deno.test("selectKernels() picks the backend and dtype", () => {
  assert.equal(selectKernels("js", "float64"), jsKernels);
  assert.equal(selectKernels("js", "float32"), jsKernels32);
  assert.equal(selectKernels("wasm", "float64"), wasmKernels("float64"));
  assert.equal(selectKernels("wasm", "float32").dtype, "float32");
  assert.ok(jsKernels32.allocate([2])[0] instanceof Float32Array);
});

Deno.test("the sigmoid kernels keep relative precision for large negative z", () => {
  // σ(z) ≈ e^z for z ≪ 0: the cancelling form 1 − 1/(1 + e^z) would give 0 or few digits.
  const zs = [-30, -40, -100, -700];
  for (const k of [jsKernels, wasmKernels("float64")]) {
    const [z, b, a] = k.allocate([zs.length, 1, zs.length]);
    z!.set(zs);
    k.biasActivate(Act.sigmoid, zs.length, 1, z!, b!, a!);
    zs.forEach((v, i) => {
      const expected = Math.exp(v) / (1 + Math.exp(v));
      const rel = Math.abs(a![i]! - expected) / expected;
      assert.ok(rel < 1e-14, `${k.name}: σ(${v}) = ${a![i]}, expected ${expected}`);
    });
  }
});
