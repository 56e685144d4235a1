// GFLOP/s of each kernel on the shapes that training [784, 30, 10] with mini-batches of 10
// uses, beside what the same kernel reaches on a large problem, for the TypeScript kernels
// and the WebAssembly SIMD kernels in float64 and float32.
//
//   deno run -A bench/kernels_bench.ts            the table
//   deno run -A bench/kernels_bench.ts --quick    shorter timings (for a smoke run)

import { Act, type Buf, jsKernels, type Kernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";

/**
 * How long to measure. Other programs share the machine: each figure is the best of many
 * short measurements, taken in several passes over the whole table so that a busy stretch
 * spoils only one pass.
 */
export interface KernelBenchSettings {
  /** Milliseconds per measurement. */
  readonly targetMs: number;
  /** Measurements per pass. */
  readonly repeats: number;
  /** Passes over the table. */
  readonly passes: number;
}

/** The standalone run's settings, and `--quick`'s. */
export const FULL: KernelBenchSettings = { targetMs: 4, repeats: 20, passes: 4 };
export const QUICK: KernelBenchSettings = { targetMs: 2, repeats: 10, passes: 1 };

const backends: [string, Kernels][] = [
  ["js f64", jsKernels],
  ["wasm f64", wasmKernels("float64")],
  ["wasm f32", wasmKernels("float32")],
];

/** A benchmark case: flops per call, and a function that sets up buffers and returns a call. */
interface Case {
  kernel: string;
  shape: string;
  flops: number;
  make: (k: Kernels) => () => void;
}

function filled(k: Kernels, lengths: number[]): Buf[] {
  const bufs = k.allocate(lengths);
  let seed = 1;
  for (const b of bufs) {
    for (let i = 0; i < b.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[i] = seed / 2 ** 32 - 0.5;
    }
  }
  return bufs;
}

function gemm(kernel: "gemmNT" | "gemmNN" | "gemmTN", m: number, n: number, k: number): Case {
  // Operand lengths: NT a m×k, b n×k; NN a m×k, b k×n; TN a k×m, b k×n.
  return {
    kernel,
    shape: `${m}×${n}×${k}`,
    flops: 2 * m * n * k,
    make: (K) => {
      const [a, b, c] = filled(K, [m * k, n * k, m * n]);
      return () => K[kernel](m, n, k, a!, b!, c!);
    },
  };
}

function gemmTNAdd(m: number, n: number, k: number): Case {
  // The fused weight step W ← W + Δᵀ·A, from one buffer into another (as in training).
  return {
    kernel: "gemmTNAdd",
    shape: `${m}×${n}×${k}`,
    flops: 2 * m * n * k,
    make: (K) => {
      const [a, b, c, c2] = filled(K, [k * m, k * n, m * n, m * n]);
      for (let i = 0; i < a!.length; i++) a![i] = a![i]! * 1e-3;
      let flip = false;
      return () => {
        flip = !flip;
        K.gemmTNAdd(m, n, k, a!, b!, 1, flip ? c! : c2!, flip ? c2! : c!);
      };
    },
  };
}

/** Bytes per example in MNIST, and the number of training examples to gather from. */
const PIXELS = 784, EXAMPLES = 50_000;

function gatherBytes(m: number): Case {
  // m random examples of 784 bytes out of 50,000, widened: counted as 1 flop per byte.
  return {
    kernel: "gatherBytes",
    shape: `${m}×${PIXELS}`,
    flops: m * PIXELS,
    make: (K) => {
      const { bufs: [x], bytes, words } = K.allocateWith([m * PIXELS], EXAMPLES * PIXELS, m);
      let seed = 7;
      for (let i = 0; i < bytes.length; i++) {
        bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      }
      return () => {
        for (let j = 0; j < m; j++) {
          words[j] = (seed = (seed * 1103515245 + 12345) >>> 0) % EXAMPLES;
        }
        K.gatherBytes(m, PIXELS, bytes, words, 0, 1 / 255, x!);
      };
    },
  };
}

function biasActivate(m: number, n: number): Case {
  // Counted as 1 flop for the bias and 4 for σ (exp, add, divide, select): a nominal rate.
  return {
    kernel: "biasActivate σ",
    shape: `${m}×${n}`,
    flops: 5 * m * n,
    make: (K) => {
      const [z, b, a] = filled(K, [m * n, n, m * n]);
      const z0 = z!.slice();
      return () => {
        z!.set(z0); // keep z from drifting (included in the time)
        K.biasActivate(Act.sigmoid, m, n, z!, b!, a!);
      };
    },
  };
}

function softmax(m: number, n: number): Case {
  return {
    kernel: "softmaxRows",
    shape: `${m}×${n}`,
    flops: 4 * m * n,
    make: (K) => {
      const [z, a] = filled(K, [m * n, m * n]);
      return () => K.softmaxRows(m, n, z!, a!);
    },
  };
}

function primeMul(len: number): Case {
  return {
    kernel: "activationPrimeMul σ",
    shape: `${len}`,
    flops: 3 * len,
    make: (K) => {
      const [z, a, d] = filled(K, [len, len, len]);
      const d0 = d!.slice();
      return () => {
        d!.set(d0);
        K.activationPrimeMul(Act.sigmoid, len, z!, a!, d!);
      };
    },
  };
}

function sub(len: number): Case {
  return {
    kernel: "sub",
    shape: `${len}`,
    flops: len,
    make: (K) => {
      const [a, y, out] = filled(K, [len, len, len]);
      return () => K.sub(len, a!, y!, out!);
    },
  };
}

function columnSums(m: number, n: number): Case {
  return {
    kernel: "columnSums",
    shape: `${m}×${n}`,
    flops: m * n,
    make: (K) => {
      const [d, out] = filled(K, [m * n, n]);
      return () => K.columnSums(m, n, d!, out!);
    },
  };
}

function axpby(len: number): Case {
  return {
    kernel: "axpby (β = 1)",
    shape: `${len}`,
    flops: 2 * len,
    make: (K) => {
      const [x, y] = filled(K, [len, len]);
      let sign = 1;
      return () => K.axpby(len, (sign = -sign) * 1e-3, x!, 1, y!); // alternate: y stays bounded
    },
  };
}

/** Seconds per call: calibrated to `targetMs`, best of `repeats` (bench/threads_bench.ts too). */
export function time(
  call: () => void,
  { targetMs, repeats }: Pick<KernelBenchSettings, "targetMs" | "repeats">,
): number {
  call();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    const ms = performance.now() - t0;
    if (ms >= targetMs / 4) {
      reps = Math.max(1, Math.round(reps * targetMs / ms));
      break;
    }
    reps *= 4;
  }
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best / 1000;
}

const BIG = 512;
const rows: [Case, Case][] = [
  [gemm("gemmNT", 10, 30, 784), gemm("gemmNT", BIG, BIG, BIG)],
  [gemm("gemmNT", 10, 10, 30), gemm("gemmNT", BIG, BIG, BIG)],
  [gemm("gemmTN", 30, 784, 10), gemm("gemmTN", BIG, BIG, BIG)],
  [gemm("gemmTN", 10, 30, 10), gemm("gemmTN", BIG, BIG, BIG)],
  [gemmTNAdd(30, 784, 10), gemmTNAdd(BIG, BIG, BIG)],
  [gemmTNAdd(10, 30, 10), gemmTNAdd(BIG, BIG, BIG)],
  [gatherBytes(10), gatherBytes(BIG)],
  [gemm("gemmNN", 10, 30, 10), gemm("gemmNN", BIG, BIG, BIG)],
  [biasActivate(10, 30), biasActivate(BIG, BIG)],
  [softmax(10, 10), softmax(BIG, BIG)],
  [primeMul(300), primeMul(BIG * BIG)],
  [sub(100), sub(BIG * BIG)],
  [columnSums(10, 30), columnSums(BIG, BIG)],
  [axpby(23520), axpby(BIG * BIG)],
];

/**
 * One training step of [784, 30, 10] on a mini-batch of 10, kernel call by kernel call as
 * `sgd` makes them with plain gradient descent: gather and widen the bytes, forward,
 * backward to the deltas, then the fused update (biases, deltas scaled by −η/m, weights).
 */
function miniBatchStep(K: Kernels): () => void {
  const m = 10;
  const { bufs, bytes, words } = K.allocateWith(
    [7840, 23520, 30, 300, 300, 300, 10, 100, 100, 100, 100, 300, 30, 10, 23520, 300],
    EXAMPLES * PIXELS,
    m,
  );
  const [x, w1, b1, z1, a1, w2, b2, z2, a2, y, d2, d1, nb1, nb2, w1n, w2n] = bufs;
  let seed = 3;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (const b of bufs) for (let i = 0; i < b.length; i++) b[i] = next() / 2 ** 32 - 0.5;
  for (let i = 0; i < bytes.length; i++) bytes[i] = next() >>> 24;
  const weights = [w1!, w2!], spare = [w1n!, w2n!];
  return () => {
    for (let j = 0; j < m; j++) words[j] = next() % EXAMPLES;
    K.gatherBytes(m, PIXELS, bytes, words, 0, 1 / 255, x!);
    K.gemmNT(m, 30, 784, x!, weights[0]!, z1!);
    K.biasActivate(Act.sigmoid, m, 30, z1!, b1!, a1!);
    K.gemmNT(m, 10, 30, a1!, weights[1]!, z2!);
    K.biasActivate(Act.sigmoid, m, 10, z2!, b2!, a2!);
    K.sub(m * 10, a2!, y!, d2!);
    K.activationPrimeMul(Act.sigmoid, m * 10, z2!, a2!, d2!);
    K.columnSums(m, 10, d2!, nb2!);
    K.gemmNN(m, 30, 10, d2!, weights[1]!, d1!);
    K.activationPrimeMul(Act.sigmoid, m * 30, z1!, a1!, d1!);
    K.columnSums(m, 30, d1!, nb1!);
    K.axpby(30, -1e-4, nb1!, 1, b1!);
    K.axpby(10, -1e-4, nb2!, 1, b2!);
    K.axpby(m * 10, -1e-4, d2!, 0, d2!);
    K.axpby(m * 30, -1e-4, d1!, 0, d1!);
    K.gemmTNAdd(10, 30, m, d2!, a1!, 1, weights[1]!, spare[1]!);
    K.gemmTNAdd(30, 784, m, d1!, x!, 1, weights[0]!, spare[0]!);
    for (let l = 0; l < 2; l++) [weights[l], spare[l]] = [spare[l]!, weights[l]!];
  };
}
/**
 * GFLOP/s of `gemmNT` (the forward pass's product, `C = A·Bᵀ`) on a 512×512×512 problem with
 * the kernel set `k`: what its products reach when the shapes are large. Best of the
 * settings' timings over its passes.
 */
export function largeProductGflops(k: Kernels, settings: KernelBenchSettings = QUICK): number {
  const c = gemm("gemmNT", BIG, BIG, BIG), call = c.make(k);
  let best = Infinity;
  for (let pass = 0; pass < settings.passes; pass++) best = Math.min(best, time(call, settings));
  return c.flops / best / 1e9;
}

/** Flops of one step: the products, plus one per element for the rest (nominal). */
const STEP_FLOPS = 2 * 10 * (30 * 784 * 2 + 10 * 30 * 3) + 2 * (300 + 100 + 40) + 7840;

/**
 * The table: each kernel's GFLOP/s on the real shapes beside a large problem, for the
 * TypeScript kernels and the WebAssembly kernels in float64 and float32, and the time of one
 * whole mini-batch step.
 */
export function kernelReport(settings: KernelBenchSettings = FULL): string {
  const { passes, repeats } = settings;
  const results = new Map<Case, number[]>();
  const calls = new Map<Case, (() => void)[]>();
  for (let pass = 0; pass < passes; pass++) {
    for (const pair of rows) {
      for (const c of pair) {
        if (!calls.has(c)) calls.set(c, backends.map(([, k]) => c.make(k)));
        const rates = calls.get(c)!.map((call) => c.flops / time(call, settings) / 1e9);
        const prev = results.get(c);
        results.set(c, prev ? rates.map((r, i) => Math.max(r, prev[i]!)) : rates);
      }
    }
  }
  const steps = backends.map(([, k]) => miniBatchStep(k));
  const stepTimes = steps.map(() => Infinity);
  for (let pass = 0; pass < passes; pass++) {
    steps.forEach((step, i) => stepTimes[i] = Math.min(stepTimes[i]!, time(step, settings)));
  }
  const out: string[] = [];
  const fmt = (v: number) => v.toFixed(2).padStart(8);
  const names = backends.map(([n]) => n.padStart(8)).join(" ");
  out.push(
    `Kernel GFLOP/s, best of ${passes * repeats} (elementwise kernels: nominal flops per element)`,
  );
  out.push(
    `${"kernel".padEnd(21)} ${"real shape".padEnd(11)} ${names} │ ${"large".padEnd(11)} ${names}`,
  );
  for (const [real, big] of rows) {
    const r = results.get(real)!.map(fmt).join(" ");
    const b = results.get(big)!.map(fmt).join(" ");
    out.push(
      `${real.kernel.padEnd(21)} ${real.shape.padEnd(11)} ${r} │ ${big.shape.padEnd(11)} ${b}`,
    );
  }
  out.push(
    `\nOne mini-batch step of [784, 30, 10], m = 10, as sgd makes it (gather, forward, backward, fused update: ${STEP_FLOPS} flops):`,
  );
  for (let i = 0; i < backends.length; i++) {
    const s = stepTimes[i]!;
    out.push(
      `  ${backends[i]![0].padEnd(9)} ${(s * 1e6).toFixed(1).padStart(7)} µs  ${
        fmt(STEP_FLOPS / s / 1e9)
      } GFLOP/s  ${(stepTimes[0]! / s).toFixed(1).padStart(5)}× js`,
    );
  }
  return out.join("\n");
}

if (import.meta.main) {
  console.log(kernelReport(Deno.args.includes("--quick") ? QUICK : FULL));
}
