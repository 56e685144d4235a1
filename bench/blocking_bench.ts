// The row products (gemmTN, gemmNN, gemmTNAdd) of two builds of lib/wasm/kernels.as.ts side by
// side in one process: a base revision's source and the working tree's, compiled with the
// build's own compile() and flags. For each shape it checks that both write the same bytes
// (the blocking may only move where operands are read from, never change a sum), then times
// them alternately and prints GFLOP/s and the ratio.
//
//   deno run -A bench/blocking_bench.ts                 HEAD against the working tree
//   deno run -A bench/blocking_bench.ts --base REV      REV against the working tree
//   deno run -A bench/blocking_bench.ts --passes 3      8 × 3 runs per shape (default 8 × 2)
//   deno run -A bench/blocking_bench.ts --only 512      the shapes whose "kernel m×n×k" matches

import { compile } from "../tools/build_wasm.ts";

const SOURCE = "lib/wasm/kernels.as.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1]! : fallback;
}

const base = flag("--base", "HEAD");
const passes = Number(flag("--passes", "2"));
const only = new RegExp(flag("--only", "")); // shapes whose "kernel m×n×k" matches

async function sourceAt(rev: string): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command("git", {
    args: ["show", `${rev}:${SOURCE}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(`git show ${rev}:${SOURCE} failed: ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

type Fn = (...args: number[]) => void;

/** A product: which kernel, its m, n, k, and the arguments after the pointers. */
interface Shape {
  kernel: "gemmTN" | "gemmNN" | "gemmTNAdd";
  m: number;
  n: number;
  k: number;
  what: string;
}

const shapes: Shape[] = [
  { kernel: "gemmTN", m: 30, n: 784, k: 10, what: "[784, 30, 10] weight gradient, m = 10" },
  { kernel: "gemmTN", m: 10, n: 30, k: 10, what: "second layer, m = 10" },
  { kernel: "gemmTN", m: 30, n: 784, k: 100, what: "m = 100" },
  { kernel: "gemmTN", m: 100, n: 784, k: 100, what: "[784, 100, 10], m = 100" },
  { kernel: "gemmTNAdd", m: 30, n: 784, k: 10, what: "fused step, m = 10" },
  { kernel: "gemmTNAdd", m: 100, n: 784, k: 10, what: "[784, 100, 10], m = 10" },
  { kernel: "gemmTNAdd", m: 100, n: 784, k: 100, what: "[784, 100, 10], m = 100" },
  { kernel: "gemmNN", m: 10, n: 30, k: 10, what: "BP2, m = 10" },
  { kernel: "gemmNN", m: 100, n: 100, k: 10, what: "BP2, m = 100" },
  { kernel: "gemmNN", m: 20, n: 576, k: 25, what: "conv 1 forward" },
  { kernel: "gemmTN", m: 25, n: 576, k: 20, what: "conv 1 backward input" },
  { kernel: "gemmNN", m: 40, n: 64, k: 500, what: "conv 2 forward" },
  { kernel: "gemmTN", m: 500, n: 64, k: 40, what: "conv 2 backward input" },
  { kernel: "gemmTN", m: 256, n: 256, k: 256, what: "256³" },
  { kernel: "gemmTN", m: 512, n: 512, k: 128, what: "one pass over k" },
  { kernel: "gemmTN", m: 512, n: 512, k: 256, what: "one pass over k" },
  { kernel: "gemmTN", m: 512, n: 512, k: 512, what: "512³" },
  { kernel: "gemmNN", m: 512, n: 512, k: 512, what: "512³" },
  { kernel: "gemmTNAdd", m: 512, n: 512, k: 512, what: "512³" },
  { kernel: "gemmTN", m: 500, n: 500, k: 500, what: "500³ (rows not 4 kB apart)" },
];

/** An instance of `module` on its own memory, with A, B, C and C_in laid out after its heap base. */
function instance(module: WebAssembly.Module, bits: 64 | 32) {
  const S = bits / 8;
  const probe = new WebAssembly.Instance(module, {
    env: { memory: new WebAssembly.Memory({ initial: 1 }) },
  });
  const heap = Math.ceil((probe.exports.heapBase as () => number)() / 64) * 64;
  const slot = 512 * 512 * S + 4096; // each operand's space, at an offset that is a page multiple
  const memory = new WebAssembly.Memory({ initial: Math.ceil((heap + 4 * slot) / 65536) + 1 });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const at = [0, 1, 2, 3].map((i) => Math.ceil((heap + i * slot) / 4096) * 4096);
  const Arr = bits === 64 ? Float64Array : Float32Array;
  const view = (i: number, n: number) => new Arr(memory.buffer as ArrayBuffer, at[i], n);
  return { fn: (name: string) => ex[name + bits] as Fn, at, view, memory };
}

function fill(a: Float64Array | Float32Array, seed: number): void {
  for (let i = 0; i < a.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = seed / 2 ** 32 - 0.5;
  }
}

/** The call of `s` on instance `x` (C_in → C for gemmTNAdd, β = 0.999). */
function caller(x: ReturnType<typeof instance>, s: Shape): () => void {
  const [a, b, c, cIn] = x.at as [number, number, number, number];
  const f = x.fn(s.kernel);
  if (s.kernel === "gemmTNAdd") return () => f(s.m, s.n, s.k, a, b, 0.999, cIn, c);
  return () => f(s.m, s.n, s.k, a, b, c);
}

function prepare(x: ReturnType<typeof instance>, s: Shape): void {
  // gemmTN: A is k×m, gemmNN: m×k; B is k×n; C and C_in m×n.
  fill(x.view(0, s.m * s.k), 1);
  fill(x.view(1, s.k * s.n), 2);
  fill(x.view(2, s.m * s.n), 3);
  fill(x.view(3, s.m * s.n), 4);
}

/** Seconds per call of one run of `reps` calls (about 3 ms). */
function time(call: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) call();
  return (performance.now() - t0) / reps / 1000;
}

function repsFor(call: () => void): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    const ms = performance.now() - t0;
    if (ms >= 0.75) return Math.max(1, Math.round(reps * 3 / ms));
    reps *= 4;
  }
}

const [oldModule, newModule] = await Promise.all([
  compile([], await sourceAt(base)).then((w) =>
    new WebAssembly.Module(w as Uint8Array<ArrayBuffer>)
  ),
  compile([], await Deno.readTextFile(SOURCE)).then((w) =>
    new WebAssembly.Module(w as Uint8Array<ArrayBuffer>)
  ),
]);

console.log(
  `Row products, ${base} against the working tree: GFLOP/s, best of ${
    passes * 8
  } runs of about 3 ms each, base and new in turn`,
);
console.log(
  `${"kernel".padEnd(10)} ${"m×n×k".padEnd(12)} ${"f64 base".padStart(8)} ${"new".padStart(6)} ${
    "ratio".padStart(6)
  }   ${"f32 base".padStart(8)} ${"new".padStart(6)} ${"ratio".padStart(6)}   shape`,
);
const picked = shapes.filter((s) => only.test(`${s.kernel} ${s.m}×${s.n}×${s.k}`));
const cols: string[][] = picked.map(() => []);
for (const bits of [64, 32] as const) {
  const xo = instance(oldModule, bits), xn = instance(newModule, bits);
  picked.forEach((s, i) => {
    prepare(xo, s);
    prepare(xn, s);
    const co = caller(xo, s), cn = caller(xn, s);
    co();
    cn();
    const len = s.m * s.n;
    const bo = new Uint8Array(xo.memory.buffer as ArrayBuffer, xo.at[2], len * bits / 8);
    const bn = new Uint8Array(xn.memory.buffer as ArrayBuffer, xn.at[2], len * bits / 8);
    const same = bo.every((v, j) => v === bn[j]);
    if (!same) throw new Error(`${s.kernel} ${s.m}×${s.n}×${s.k} f${bits}: results differ`);
    // Warm up for 50 ms each, so that both run optimized code (V8 tiers a function up from
    // its baseline compiler in the background), then calibrate.
    for (const call of [co, cn]) {
      const t0 = performance.now();
      while (performance.now() - t0 < 50) call();
    }
    const reps = repsFor(co);
    let to = Infinity, tn = Infinity;
    for (let r = 0; r < passes * 8; r++) { // base and new in turn: a busy stretch hits both
      to = Math.min(to, time(co, reps));
      tn = Math.min(tn, time(cn, reps));
    }
    const flops = 2 * s.m * s.n * s.k;
    cols[i]!.push(
      (flops / to / 1e9).toFixed(2).padStart(8),
      (flops / tn / 1e9).toFixed(2).padStart(6),
      (to / tn).toFixed(2).padStart(6),
    );
  });
}
picked.forEach((s, i) => {
  const c = cols[i]!;
  console.log(
    `${s.kernel.padEnd(10)} ${`${s.m}×${s.n}×${s.k}`.padEnd(12)} ${c[0]} ${c[1]} ${c[2]}   ${
      c[3]
    } ${c[4]} ${c[5]}   ${s.what}`,
  );
});
