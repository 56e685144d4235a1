// The main thread's side of a threaded allocation: a Worker on the allocation's shared
// memory that takes chunks of each large product while the main thread takes the others
// (the protocol is in lib/_wasm_worker.ts). The main thread posts the job, notifies the
// worker if it sleeps, and takes chunks itself until none are left; then it waits for the
// worker's last chunk (the "stall" that `threadStats` records). A worker that is late runs
// fewer chunks or none, so it never holds the main thread up by more than one chunk.
//
// One worker thread for the process (node:worker_threads, unref'd so that it never keeps
// `deno run` alive), started by the first threaded allocation and kept for the next ones (it
// costs 25–300 ms to start); it serves one allocation at a time, and an allocation it is not
// serving runs all its chunks on the calling thread. A worker that fails (a trap, an
// exception) marks the control block dead and exits: the next product throws instead of
// waiting, and the next threaded allocation starts a new worker.

import { Worker } from "node:worker_threads";
import { CTL, CTL_BYTES, jobTag, OPS, SPIN_MS, WORKER_SOURCE } from "./_wasm_worker.ts";

export { CTL_BYTES };

/**
 * Whether a large product splits: `"measured"` (the default), where each product shape runs
 * both ways in turn from time to time and then the faster way is kept, or `"always"`.
 */
export type SplitPolicy = "measured" | "always";

let policy: SplitPolicy = "measured";

/**
 * Test and bench hook: sets the split policy, and forgets the choices made so far; returns
 * the policy it replaces.
 */
export function setSplitPolicyForTesting(p: SplitPolicy): SplitPolicy {
  const old = policy;
  policy = p;
  choices.clear();
  return old;
}

/**
 * For the bench: the current choice of each product shape called since the last
 * `resetThreadStats` (`OPS` name and operands), and its calls since then.
 */
export function splitChoices(): { shape: string; split: boolean; calls: number }[] {
  return [...choices].filter(([, c]) => c.recent > 0).map(([key, c]) => {
    const [op, ...rest] = key.split(" ");
    return { shape: `${OPS[Number(op) - 1]} ${rest.join(" ")}`, split: c.split, calls: c.recent };
  });
}

/**
 * The measured choice, per product shape. Every `REPROBE` calls of a shape begin with a probe
 * of `2 · PROBE` calls, split and whole in turn (so that a change in the machine's speed
 * during the probe falls on both ways alike), the first two unmeasured (the worker may be
 * asleep, or starting). The way whose other calls took less time in all is kept until the
 * next probe. The shapes of one training step are called once per step each, so their probes
 * fall on the same steps: a probe compares whole steps on two threads and on one, under the
 * machine's load of the moment.
 */
const PROBE = 4;
const REPROBE = 128;

/** How one product shape has run (see `PROBE`). */
interface Choice {
  calls: number;
  /** Calls since the last `resetThreadStats`. */
  recent: number;
  split: boolean;
  splitMs: number;
  wholeMs: number;
}

/** The choices made so far, by product shape, for the process (at most `MAX_CHOICES`). */
const choices = new Map<string, Choice>();
const MAX_CHOICES = 1024;

/** Upper bounds (µs) of the stall histogram's buckets; the last bucket is everything above. */
export const STALL_BOUNDS_US: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** What the hand-offs of all threaded allocations did since the last `resetThreadStats`. */
export interface ThreadStats {
  /** Products split. */
  splits: number;
  /** Products large enough to split that ran whole, as measured faster (or in a probe). */
  wholes: number;
  /** Their chunks, and how many of them the worker ran. */
  chunks: number;
  workerChunks: number;
  /**
   * Stalls: µs the main thread waited for the worker's last chunk after its own, one count
   * per product, in the buckets of `STALL_BOUNDS_US` (and one above); 0 in the first.
   */
  stalls: number[];
  /** The longest stall, µs. */
  maxStallUs: number;
  /** Worker threads started, and running now (at most one). */
  workersStarted: number;
  workersRunning: number;
}

const stats: ThreadStats = {
  splits: 0,
  wholes: 0,
  chunks: 0,
  workerChunks: 0,
  stalls: STALL_BOUNDS_US.map(() => 0).concat(0),
  maxStallUs: 0,
  workersStarted: 0,
  workersRunning: 0,
};

/** A copy of the hand-off statistics. */
export function threadStats(): ThreadStats {
  return { ...stats, stalls: [...stats.stalls] };
}

/** Zeroes the hand-off statistics (not the worker counts). */
export function resetThreadStats(): void {
  stats.splits =
    stats.wholes =
    stats.chunks =
    stats.workerChunks =
    stats.maxStallUs =
      0;
  stats.stalls.fill(0);
  for (const c of choices.values()) c.recent = 0;
}

/** How long the main thread waits for the worker's chunk before it gives up with an error. */
const GIVE_UP_MS = 5_000;

let pool: { worker: Worker; dead: boolean } | undefined;

let spinMs = SPIN_MS;

/** Bench hook: how long the worker looks for the next job before it sleeps, from the next allocation. */
export function setWorkerSpinForBench(ms: number): void {
  spinMs = ms;
}

/** Helpers of allocations not yet released (for the test hook). */
const live = new Set<Helper>();

/**
 * Test hook: makes the worker fail in a job of each threaded allocation still held, as if it
 * had died, and waits (up to 10 s each) until it has.
 */
export function crashWorkerForTesting(): void {
  for (const h of live) h.crashForTesting();
}

/** The process's worker thread, started (unref'd) if there is none or it has died. */
function poolWorker(): { worker: Worker; dead: boolean } {
  if (pool === undefined || pool.dead) {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const p = { worker, dead: false };
    worker.on("error", () => p.dead = true);
    worker.on("exit", () => {
      p.dead = true;
      stats.workersRunning--;
    });
    pool = p;
    stats.workersStarted++;
    stats.workersRunning++;
  }
  return pool;
}

/** The worker of one threaded allocation. */
export class Helper {
  readonly #c: Int32Array;
  readonly #f: Float64Array;
  readonly #bytes: Uint8Array;
  readonly #pool: { worker: Worker; dead: boolean };
  #released = false;

  /**
   * Attaches the worker to an allocation whose control block is at `ctl` in `memory` (zero,
   * or left by an earlier allocation on the same memory: job numbers go on from there).
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctl: number,
    suffix: string,
    size: number,
  ) {
    const buffer = memory.buffer;
    const c = this.#c = new Int32Array(buffer, ctl, 32);
    this.#f = new Float64Array(buffer, ctl + 96, 1);
    this.#bytes = new Uint8Array(buffer, ctl + 128, 256);
    c[CTL.DEAD] = c[CTL.ERROR] = 0;
    const session = Atomics.add(c, CTL.SESSION, 1) + 1;
    this.#pool = poolWorker();
    live.add(this);
    this.#pool.worker.postMessage({
      module,
      memory,
      ctl,
      suffix,
      size,
      session,
      spinMs,
      job: Atomics.load(c, CTL.JOB),
    });
  }

  /** Ends the worker's service of this allocation (after its last product has returned). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    live.delete(this);
    const c = this.#c;
    Atomics.add(c, CTL.SESSION, 1);
    this.#post(0, 0, 1, []); // an empty job, so that a worker about to sleep sees the change
  }

  /**
   * Runs product `op` (1-based, lib/_wasm_worker.ts's OPS) in chunks of `size` rows or
   * columns of its `total` on both threads: `args` are m, n, k, a, b, c, cIn (byte offsets),
   * `beta` the float64; `chunk(i0, count)` runs rows or columns i0 … i0 + count on this thread
   * (`chunk(0, total)` is the whole product). Whether it splits is measured per shape (see
   * `PROBE`), unless the policy is `"always"`. Throws if the worker has died.
   */
  split(
    op: number,
    total: number,
    size: number,
    args: readonly number[],
    beta: number,
    chunk: (i0: number, count: number) => void,
  ): void {
    if (policy === "always") return this.#split(op, total, size, args, beta, chunk);
    // By shape, for the process (the shape's operands: the products' m, n, k, or the
    // convolutions' c, h, w, f, kh, kw, a gather's n), so that a choice outlives one training run.
    const key = `${op} ${total} ${size} ${
      args.slice(0, op <= 4 || op === 8 ? 3 : op === 7 ? 1 : 6).join(" ")
    }`;
    let ch = choices.get(key);
    if (ch === undefined) {
      if (choices.size >= MAX_CHOICES) choices.clear(); // many shapes: begin again
      choices.set(key, ch = { calls: 0, recent: 0, split: true, splitMs: 0, wholeMs: 0 });
    }
    ch.recent++;
    const phase = ch.calls++ % REPROBE;
    const split = phase < 2 * PROBE ? phase % 2 === 0 : ch.split;
    const t0 = phase < 2 * PROBE ? performance.now() : 0;
    if (split) this.#split(op, total, size, args, beta, chunk);
    else {
      stats.wholes++;
      chunk(0, total);
    }
    if (phase >= 2 * PROBE || phase < 2) return;
    const ms = performance.now() - t0;
    if (split) ch.splitMs += ms;
    else ch.wholeMs += ms;
    if (phase === 2 * PROBE - 1) {
      ch.split = ch.splitMs < ch.wholeMs;
      ch.splitMs = ch.wholeMs = 0;
    }
  }

  #split(
    op: number,
    total: number,
    size: number,
    args: readonly number[],
    beta: number,
    chunk: (i0: number, count: number) => void,
  ): void {
    const c = this.#c;
    if (Atomics.load(c, CTL.DEAD) !== 0) this.#dead();
    if (this.#pool.dead) return chunk(0, total); // died elsewhere: this allocation runs alone
    const N = Math.ceil(total / size);
    const j = this.#post(op, N, size, [total, ...args], beta);
    stats.splits++;
    stats.chunks += N;
    const tag = jobTag(j);
    let mine = 0;
    for (;;) {
      const i = Atomics.add(c, CTL.NEXT, 1) & 1023;
      if (i >= N) break;
      const i0 = i * size;
      chunk(i0, Math.min(size, total - i0));
      Atomics.add(c, CTL.FINISHED, 1);
      mine++;
    }
    stats.workerChunks += N - mine;
    void tag;
    if (Atomics.load(c, CTL.FINISHED) === N) {
      stats.stalls[0]!++;
      return;
    }
    const t0 = performance.now();
    for (let i = 1; Atomics.load(c, CTL.FINISHED) !== N; i++) {
      if ((i & 63) !== 0) continue;
      if (Atomics.load(c, CTL.DEAD) !== 0) this.#dead();
      const t = performance.now() - t0;
      if (t > 2) Atomics.wait(c, CTL.FINISHED, Atomics.load(c, CTL.FINISHED), 0.5);
      if (t > GIVE_UP_MS) {
        throw new Error(
          `Cannot go on: the kernels' worker thread has not finished its part of a product in ${
            GIVE_UP_MS / 1000
          } s; train with threads: 1`,
        );
      }
    }
    const us = (performance.now() - t0) * 1000;
    let b = 0;
    while (b < STALL_BOUNDS_US.length && us >= STALL_BOUNDS_US[b]!) b++;
    stats.stalls[b]!++;
    if (us > stats.maxStallUs) stats.maxStallUs = us;
  }

  /** Writes job j: its arguments, then its tag in NEXT, then its number; wakes the worker. */
  #post(op: number, N: number, size: number, args: readonly number[], beta = 0): number {
    const c = this.#c;
    const j = c[CTL.JOB]! + 1;
    // No chunk left to take, under the new tag, before the arguments change: a worker that
    // read the last job's tag and then the new arguments fails its compare-and-swap.
    Atomics.store(c, CTL.NEXT, jobTag(j) | 1023);
    c[CTL.ARGS] = N;
    c[CTL.ARGS + 1] = size;
    for (let i = 0; i < args.length; i++) c[CTL.ARGS + 2 + i] = args[i]!;
    this.#f[0] = beta;
    c[CTL.OP] = op;
    Atomics.store(c, CTL.FINISHED, 0);
    Atomics.store(c, CTL.NEXT, jobTag(j));
    Atomics.store(c, CTL.JOB, j);
    if (Atomics.load(c, CTL.STATE) === 0) Atomics.notify(c, CTL.JOB);
    return j;
  }

  #dead(): never {
    this.#pool.dead = true;
    const len = this.#c[CTL.ERROR]!;
    const why = len > 0 ? `: ${new TextDecoder().decode(this.#bytes.slice(0, len))}` : "";
    throw new Error(
      `Cannot go on: the kernels' worker thread died${why}; train with threads: 1`,
    );
  }

  /** Test hook: makes the worker fail in its next job, and waits (up to 10 s) until it has. */
  crashForTesting(): void {
    this.#post(OPS.indexOf("crash") + 1, 1, 1, [0, 0, 0, 0, 0, 0, 0]);
    const t0 = performance.now();
    while (Atomics.load(this.#c, CTL.DEAD) === 0) {
      if (performance.now() - t0 > 10_000) throw new Error("The worker did not crash");
      Atomics.wait(this.#c, CTL.FINISHED, 0, 1);
    }
  }
}
