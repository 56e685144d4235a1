// The convolution kernels on the book's chapter-6 shapes (conv 20×1×5×5 on 28×28, conv
// 40×20×5×5 on 12×12, max-pool 2×2 of each, mini-batch 10): im2col onto the matrix products
// against direct loops, in TypeScript and in WebAssembly SIMD, side by side in one run.
//
//   deno run -A bench/conv_bench.ts            the table
//   deno run -A bench/conv_bench.ts --quick    shorter timings
//
// The WebAssembly direct convolution is bench-only (bench/conv_direct.as.ts): it is compiled
// here together with lib/wasm/kernels.as.ts, so that both run from one module and memory.

import { compile } from "../tools/build_wasm.ts";
import { type Buf, convWorkLength, jsKernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";
import { ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer } from "../lib/layers.ts";
import { LayerStack } from "../lib/_layer_stack.ts";
import { Random } from "../lib/random.ts";

const quick = Deno.args.includes("--quick");
const TARGET_MS = quick ? 2 : 5, REPEATS = quick ? 5 : 15, PASSES = quick ? 1 : 3;

/** Best time in µs of a call, over REPEATS measurements of about TARGET_MS each. */
function time(call: () => void): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    if (performance.now() - t0 >= TARGET_MS / 4) break;
    reps *= 2;
  }
  reps = Math.max(1, Math.round(reps * 4));
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best * 1000;
}

// ---------------------------------------------------------------------------------------
// Direct loops in TypeScript (the alternative to jsKernels' im2col): each inner loop runs
// along a row of the output.

type Shape = [m: number, c: number, h: number, w: number, f: number, kh: number, kw: number];

// the output, so every array is read contiguously.

function directForward(
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
): void {
  const oh = h - kh + 1, ow = w - kw + 1, pos = oh * ow;
  for (let e = 0; e < m; e++) {
    for (let fi = 0; fi < f; fi++) {
      const o = (e * f + fi) * pos;
      out.fill(bias[fi]!, o, o + pos);
      for (let ci = 0; ci < c; ci++) {
        const xo = (e * c + ci) * h * w, wo = (fi * c + ci) * kh * kw;
        for (let p = 0; p < kh; p++) {
          for (let q = 0; q < kw; q++) {
            const wv = filters[wo + p * kw + q]!;
            for (let i = 0; i < oh; i++) {
              const xr = xo + (i + p) * w + q, or = o + i * ow;
              for (let j = 0; j < ow; j++) out[or + j] = out[or + j]! + wv * x[xr + j]!;
            }
          }
        }
      }
    }
  }
}

function directFilters(
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
): void {
  const oh = h - kh + 1, ow = w - kw + 1, pos = oh * ow;
  for (let fi = 0; fi < f; fi++) {
    let sb = 0;
    for (let e = 0; e < m; e++) {
      const d = (e * f + fi) * pos;
      for (let i = 0; i < pos; i++) sb += delta[d + i]!;
    }
    gradBias[fi] = sb;
    for (let ci = 0; ci < c; ci++) {
      for (let p = 0; p < kh; p++) {
        for (let q = 0; q < kw; q++) {
          let s = 0;
          for (let e = 0; e < m; e++) {
            const d = (e * f + fi) * pos, xo = (e * c + ci) * h * w + p * w + q;
            for (let i = 0; i < oh; i++) {
              const dr = d + i * ow, xr = xo + i * w;
              for (let j = 0; j < ow; j++) s += delta[dr + j]! * x[xr + j]!;
            }
          }
          gradFilters[((fi * c + ci) * kh + p) * kw + q] = s;
        }
      }
    }
  }
}

function directInput(
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
): void {
  // The full convolution of δ with the flipped filters, written as its scatter: each δ[e, f,
  // i, j] adds δ · filters[f, c, p, q] to dx[e, c, i + p, j + q].
  const oh = h - kh + 1, ow = w - kw + 1, pos = oh * ow;
  dx.fill(0, 0, m * c * h * w);
  for (let e = 0; e < m; e++) {
    for (let ci = 0; ci < c; ci++) {
      const xo = (e * c + ci) * h * w;
      for (let fi = 0; fi < f; fi++) {
        const d = (e * f + fi) * pos, wo = (fi * c + ci) * kh * kw;
        for (let p = 0; p < kh; p++) {
          for (let q = 0; q < kw; q++) {
            const wv = filters[wo + p * kw + q]!;
            for (let i = 0; i < oh; i++) {
              const xr = xo + (i + p) * w + q, dr = d + i * ow;
              for (let j = 0; j < ow; j++) dx[xr + j] = dx[xr + j]! + wv * delta[dr + j]!;
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The WebAssembly module with the direct convolution added.

async function compileWithDirect(): Promise<WebAssembly.Module> {
  const source = (await Deno.readTextFile("lib/wasm/kernels.as.ts")) + "\n" +
    (await Deno.readTextFile("bench/conv_direct.as.ts"));
  // The build's own compiler call and flags (tools/build_wasm.ts), on the combined source.
  const wasm = await compile([], source);
  return new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
}

type Fn = (...args: number[]) => void;

/** An instance of the combined module with buffers of the given lengths laid out in its memory. */
function instance(module: WebAssembly.Module, bits: 64 | 32, lengths: number[]) {
  const S = bits / 8;
  const probe = new WebAssembly.Instance(module, {
    env: { memory: new WebAssembly.Memory({ initial: 1 }) },
  });
  let offset = (probe.exports.heapBase as () => number)();
  const offsets = lengths.map((n) => {
    offset = Math.ceil(offset / 16) * 16;
    const o = offset;
    offset += n * S;
    return o;
  });
  const memory = new WebAssembly.Memory({ initial: Math.ceil(offset / 65536) + 1 });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const Arr = bits === 64 ? Float64Array : Float32Array;
  const bufs = lengths.map((n, i) => new Arr(memory.buffer as ArrayBuffer, offsets[i], n));
  let seed = 1;
  for (const b of bufs) {
    for (let i = 0; i < b.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[i] = seed / 2 ** 32 - 0.5;
    }
  }
  return { fn: (name: string) => ex[name + bits] as Fn, offsets };
}

// ---------------------------------------------------------------------------------------

const LAYERS: [string, Shape][] = [
  ["conv 20×1×5×5 on 28×28", [10, 1, 28, 28, 20, 5, 5]],
  ["conv 40×20×5×5 on 12×12", [10, 20, 12, 12, 40, 5, 5]],
];

const module = await compileWithDirect();
const rows: string[][] = [];
const best = new Map<string, number>();
const record = (key: string, us: number) => best.set(key, Math.min(best.get(key) ?? Infinity, us));

for (let pass = 0; pass < PASSES; pass++) {
  for (const [layer, s] of LAYERS) {
    const [m, c, h, w, f, kh, kw] = s;
    const oh = h - kh + 1, ow = w - kw + 1;
    const lengths = [
      m * c * h * w,
      f * c * kh * kw,
      f,
      m * f * oh * ow,
      m * f * oh * ow,
      f * c * kh * kw,
      f,
      m * c * h * w,
      convWorkLength(m, c, h, w, f, kh, kw),
    ];
    // TypeScript float64: direct loops (above) and im2col (jsKernels).
    {
      const [x, wt, b, out, d, gw, gb, dx, work] = jsKernels.allocate(lengths) as Buf[];
      for (const v of [x, wt, b, d]) v!.forEach((_, i, a) => (a[i] = Math.sin(i)));
      const K = jsKernels;
      const js: [string, () => void][] = [
        ["forward|js direct", () => directForward(...s, x!, wt!, b!, out!)],
        ["forward|js im2col", () => K.convForward(...s, x!, wt!, b!, out!, work!)],
        ["filters|js direct", () => directFilters(...s, x!, d!, gw!, gb!)],
        ["filters|js im2col", () => K.convBackwardFilters(...s, x!, d!, gw!, gb!, work!)],
        ["input|js direct", () => directInput(...s, d!, wt!, dx!)],
        ["input|js im2col", () => K.convBackwardInput(...s, d!, wt!, dx!, work!)],
      ];
      for (const [what, call] of js) record(`${layer}|${what}`, time(call));
    }
    for (const bits of [64, 32] as const) {
      const { fn, offsets: [x, wt, b, out, d, gw, gb, dx, work] } = instance(module, bits, lengths);
      const direct = fn("convDirect"), fwd = fn("convForward");
      const filt = fn("convBackwardFilters"), inp = fn("convBackwardInput");
      record(`${layer}|forward|wasm f${bits} direct`, time(() => direct(...s, x!, wt!, b!, out!)));
      record(
        `${layer}|forward|wasm f${bits} im2col`,
        time(() => fwd(...s, x!, wt!, b!, out!, work!)),
      );
      record(
        `${layer}|filters|wasm f${bits} im2col`,
        time(() => filt(...s, x!, d!, gw!, gb!, work!)),
      );
      record(`${layer}|input|wasm f${bits} im2col`, time(() => inp(...s, d!, wt!, dx!, work!)));
    }
  }
  // Max-pool 2×2 of each layer's output.
  for (
    const [what, m, c, h, w] of [["pool 2×2 of 20×24×24", 10, 20, 24, 24], [
      "pool 2×2 of 40×8×8",
      10,
      40,
      8,
      8,
    ]] as const
  ) {
    const len = m * c * (h / 2) * (w / 2);
    for (
      const [set, K] of [["js f64", jsKernels], ["wasm f64", wasmKernels("float64")], [
        "wasm f32",
        wasmKernels("float32"),
      ]] as const
    ) {
      const { bufs: [x, out, d, dx], words } = K.allocateWith(
        [m * c * h * w, len, len, m * c * h * w],
        0,
        len,
      );
      x!.forEach((_, i, a) => (a[i] = Math.sin(i * 1.7)));
      record(
        `${what}|forward|${set}`,
        time(() => K.maxPoolForward(m, c, h, w, 2, 2, x!, out!, words)),
      );
      record(
        `${what}|backward|${set}`,
        time(() => K.maxPoolBackward(m, c, h, w, 2, 2, d!, words, dx!)),
      );
    }
  }
}

// One backprop step of the book's network (conv 20×5×5 → pool → conv 40×5×5 → pool → FC 100 →
// softmax 10, ReLU) on a mini-batch of 10: forward and backward through lib/_layers.ts, no
// parameter update (an axpby of 86k parameters, some 30 µs).
const steps = new Map<string, number>();
for (let pass = 0; pass < PASSES; pass++) {
  for (
    const [set, K] of [["js f64", jsKernels], ["wasm f64", wasmKernels("float64")], [
      "wasm f32",
      wasmKernels("float32"),
    ]] as const
  ) {
    const rng = new Random(1), relu = "relu" as const;
    const stack = new LayerStack(
      [
        new ConvPoolLayer(
          { filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: relu },
          rng,
        ),
        new ConvPoolLayer({
          filterShape: [40, 20, 5, 5],
          imageShape: [20, 12, 12],
          activation: relu,
        }, rng),
        new FullyConnectedLayer({ nIn: 640, nOut: 100, activation: relu }, rng),
        new SoftmaxLayer({ nIn: 100, nOut: 10 }),
      ],
      K,
      10,
    );
    for (let i = 0; i < stack.x.length; i++) stack.x[i] = rng.uniform();
    const ys = Array.from({ length: 10 }, (_, i) => i);
    const us = time(() => stack.backprop(10, ys));
    steps.set(set, Math.min(steps.get(set) ?? Infinity, us));
  }
}

for (const [key, us] of best) {
  const [layer, pass, impl] = key.split("|") as [string, string, string];
  const s = LAYERS.find(([l]) => l === layer)?.[1];
  const flops = s === undefined
    ? NaN
    : 2 * s[0] * s[4] * s[1] * s[5] * s[6] * (s[2] - s[5] + 1) * (s[3] - s[6] + 1);
  rows.push([
    layer,
    pass,
    impl,
    us.toFixed(1),
    Number.isNaN(flops) ? "" : (flops / us / 1e3).toFixed(2),
  ]);
}
console.log("| shape | pass | kernels | µs | GFLOP/s |");
console.log("| --- | --- | --- | ---: | ---: |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log("\n| book's network, mini-batch 10 | µs per step | examples/s |");
console.log("| --- | ---: | ---: |");
for (const [set, us] of steps) {
  console.log(`| ${set} | ${us.toFixed(0)} | ${(1e7 / us).toFixed(0)} |`);
}
