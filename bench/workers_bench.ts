// Does a second core pay? Splits the big kernels of a training step between the main thread
// and a Worker that share one WebAssembly memory, and times them against one core.
//
//   deno run -A bench/workers_bench.ts      (from the repository root: it compiles the kernels)
//
// The kernels are compiled here with shared memory (the library's module has none). The
// worker waits for jobs by spinning on the control word (lowest latency, but it burns the
// core), with Atomics.wait/notify (sleeps, but pays a wake-up per job), or both: it spins a
// while, then sleeps, and the main thread does the worker's half itself if the worker has not
// claimed it by the time the main thread's half is done. Splits: gemmNT
// and gemmNN by rows of C; gemmTN as two products of half the rows (the same work: the kernel
// has no row stride to split one product); axpby by halves.

import { compile } from "../tools/build_wasm.ts";

type Fn = (...args: number[]) => void;
const PAGES = 400;
const binary = await compile([
  "--enable",
  "threads",
  "--sharedMemory",
  "--maximumMemory",
  String(PAGES),
]);
const module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Fn>;

const CTL = 1024; // control block: [0] job number, [1] op, [2..8] arguments, [9] done
const ctl = new Int32Array(memory.buffer, CTL, 16);
const OPS = ["gemmNT64", "gemmNN64", "gemmTN64", "axpby64", "gemmNT32", "gemmTN32", "axpby32"];

// The worker's code, as a data URL so that the bench needs no second file.
const workerSource = `
self.onmessage = (e) => {
  const { module, memory, ctl, ops, mode } = e.data;
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(memory.buffer, ctl, 16);
  const f64 = new Float64Array(memory.buffer, ctl + 64, 2);
  const fns = ops.map((n) => ex[n]);
  self.postMessage("ready");
  let seen = 0;
  for (;;) {
    if (mode === "spin") while (Atomics.load(c, 0) === seen);
    else if (mode === "wait") Atomics.wait(c, 0, seen);
    else {
      // hybrid: spin for up to 1 ms (jobs come every few µs while training), then sleep.
      const t0 = performance.now();
      for (let i = 1; Atomics.load(c, 0) === seen; i++) {
        if ((i & 1023) === 0 && performance.now() - t0 > 1) Atomics.wait(c, 0, seen);
      }
    }
    seen = Atomics.load(c, 0);
    if (c[1] < 0) break;
    // Claim job \`seen\` (word 10 holds the number of the job still to be claimed) unless the
    // main thread took it back: a claim names the job, so a late worker cannot claim the next
    // one. Its operation and arguments are read only after the claim.
    if (mode === "hybrid" && Atomics.compareExchange(c, 10, seen, -seen) !== seen) continue;
    const op = c[1];
    if (op > 0) {
      const name = ops[op - 1];
      if (name.startsWith("axpby")) fns[op - 1](c[2], f64[0], c[3], f64[1], c[4]);
      else fns[op - 1](c[2], c[3], c[4], c[5], c[6], c[7]);
    }
    Atomics.store(c, 9, seen);
    if (mode === "wait") Atomics.notify(c, 9);
  }
  self.postMessage("stopped");
};`;

type Mode = "spin" | "wait" | "hybrid";

async function startWorker(mode: Mode): Promise<Worker> {
  const url = `data:application/javascript,${encodeURIComponent(workerSource)}`;
  const w = new Worker(url, { type: "module" });
  await new Promise((res) => {
    w.onmessage = res;
    w.postMessage({ module, memory, ctl: CTL, ops: OPS, mode });
  });
  return w;
}

let job = 0;
let mode: Mode = "spin";
let pending: (() => void) | undefined; // the posted half, for the main thread to take back
const f64ctl = new Float64Array(memory.buffer, CTL + 64, 2);
function post(op: string, args: number[], alpha = 0, beta = 0): void {
  for (let i = 0; i < 6; i++) ctl[2 + i] = args[i] ?? 0;
  f64ctl[0] = alpha;
  f64ctl[1] = beta;
  ctl[1] = op === "" ? 0 : OPS.indexOf(op) + 1;
  if (mode === "hybrid") {
    Atomics.store(ctl, 10, job + 1); // claimable: this job's number
    pending = op === ""
      ? () => {}
      : op.startsWith("axpby")
      ? () => ex[op]!(args[0]!, alpha, args[1]!, beta, args[2]!)
      : () => ex[op]!(...args);
  }
  Atomics.store(ctl, 0, ++job);
  if (mode !== "spin") Atomics.notify(ctl, 0);
}
function join(): void {
  if (mode === "hybrid") {
    // Not claimed yet (the worker sleeps or was descheduled): do it here.
    if (Atomics.compareExchange(ctl, 10, job, 0) === job) pending!();
    else while (Atomics.load(ctl, 9) !== job);
  } else if (mode === "spin") { while (Atomics.load(ctl, 9) !== job); }
  else while (Atomics.load(ctl, 9) !== job) Atomics.wait(ctl, 9, job - 1);
}

/** Microseconds per call, best of 25 runs of `reps` calls. */
function time(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < 25; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best * 1000;
}

// Buffers A, B (inputs), C, D (outputs) of 400,000 elements; filled with random values of the
// dtype before its rows run (float64 bits read as float32 would be denormals and NaNs).
const A = 4096, B = A + 8 * 400_000, C = B + 8 * 400_000, D = C + 8 * 400_000;
function fill(dtype: "64" | "32"): void {
  const a = dtype === "64"
    ? new Float64Array(memory.buffer, A, 1_600_000)
    : new Float32Array(memory.buffer, A, 3_200_000);
  for (let i = 0; i < a.length; i++) a[i] = Math.random() - 0.5;
}

const shapes = (...s: [number, number, number][]) => s;

interface Row {
  name: string;
  one: () => void;
  two: () => void;
  reps: number;
}

function rows(dtype: "64" | "32"): Row[] {
  const S = dtype === "64" ? 8 : 4;
  const nt = `gemmNT${dtype}`, tn = `gemmTN${dtype}`, ax = `axpby${dtype}`;
  const out: Row[] = [];
  for (const [m, n, k] of shapes([10, 30, 784], [100, 30, 784], [10, 100, 784], [10, 300, 784])) {
    const h = m >> 1;
    out.push({
      name: `gemmNT(${m}, ${n}, ${k}) f${dtype}`,
      one: () => ex[nt]!(m, n, k, A, B, C),
      two: () => {
        post(nt, [m - h, n, k, A + h * k * S, B, C + h * n * S]);
        ex[nt]!(h, n, k, A, B, C);
        join();
      },
      reps: Math.max(5, Math.round(2e6 / (m * n * k))),
    });
  }
  for (const [m, n, k] of shapes([30, 784, 10], [30, 784, 100], [100, 784, 10])) {
    const h = m >> 1;
    out.push({
      name: `gemmTN(${m}, ${n}, ${k}) f${dtype}`,
      one: () => ex[tn]!(m, n, k, A, B, C),
      two: () => {
        post(tn, [m - h, n, k, A, B, D]);
        ex[tn]!(h, n, k, A, B, C);
        join();
      },
      reps: Math.max(5, Math.round(2e6 / (m * n * k))),
    });
  }
  const len = 23520, h = len >> 1;
  out.push({
    name: `axpby(${len}) f${dtype}`,
    one: () => ex[ax]!(len, 1e-9, A, 1, C),
    two: () => {
      post(ax, [len - h, A + h * S, C + h * S], 1e-9, 1);
      ex[ax]!(h, 1e-9, A, 1, C);
      join();
    },
    reps: 200,
  });
  // The split part of one training step of [784, 30, 10] at mini-batch 10: the two big
  // products and the weight update (the rest is under 10% of the step and stays on one core).
  out.push({
    name: `step's big kernels f${dtype}`,
    one: () => {
      ex[nt]!(10, 30, 784, A, B, C);
      ex[tn]!(30, 784, 10, A, B, C);
      ex[ax]!(len, 1e-9, A, 1, C);
    },
    two: () => {
      post(nt, [5, 30, 784, A + 5 * 784 * S, B, C + 5 * 30 * S]);
      ex[nt]!(5, 30, 784, A, B, C);
      join();
      post(tn, [15, 784, 10, A, B, D]);
      ex[tn]!(15, 784, 10, A, B, C);
      join();
      post(ax, [len - h, A + h * S, C + h * S], 1e-9, 1);
      ex[ax]!(h, 1e-9, A, 1, C);
      join();
    },
    reps: 100,
  });
  return out;
}

const DESCRIPTION: Record<Mode, string> = {
  spin: "spinning",
  wait: "in Atomics.wait",
  hybrid: "spinning up to 1 ms, then in Atomics.wait; unclaimed halves run on the main thread",
};
const modes: Mode[] = ["spin", "wait", "hybrid"];
for (const m of modes) {
  mode = m;
  job = 0;
  ctl.fill(0);
  const worker = await startWorker(m);
  const empty = time(() => {
    post("", []);
    join();
  }, 1000);
  console.log(
    `\nWorker ${DESCRIPTION[m]}: empty job round trip ${empty.toFixed(2)} µs`,
  );
  console.log(
    `${"kernel".padEnd(28)} ${"1 core µs".padStart(10)} ${"2 cores µs".padStart(11)}  speed-up`,
  );
  for (const dtype of ["64", "32"] as const) {
    fill(dtype);
    for (const r of rows(dtype)) {
      const one = time(r.one, r.reps), two = time(r.two, r.reps);
      console.log(
        `${r.name.padEnd(28)} ${one.toFixed(1).padStart(10)} ${two.toFixed(1).padStart(11)}  ${
          (one / two).toFixed(2)
        }×`,
      );
    }
  }
  // Stop, and wait until the worker has: a worker still looking at the control block would
  // run the next mode's jobs too.
  const stopped = new Promise((res) => (worker.onmessage = res));
  ctl[1] = -1;
  Atomics.store(ctl, 0, ++job);
  Atomics.notify(ctl, 0);
  await stopped;
  worker.terminate();
}
