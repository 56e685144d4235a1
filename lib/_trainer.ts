// The training loop behind `sgd`: epochs of shuffled mini-batches on a workspace, the
// divergence check, network2.py's early stopping and the η-halving schedule, and what is
// measured after each epoch. It knows a network only through its workspace and a `Trainee`,
// so that every kind of network trains with the same loop.

import type { Buf } from "./_kernels.ts";
import type { TrainConfig } from "./_config.ts";
import { classOf, type RunOptions, type Source, sourceLength } from "./_batch.ts";
import type { Optimizer } from "./_optimizers.ts";
import { DivergenceError } from "./divergence_error.ts";
import { type EpochEntry, type GradientNorms, History, type Measured } from "./history.ts";
import type { Progress } from "./history.ts";
import type { SgdOptions } from "./options.ts";
import { Random } from "./random.ts";

/** What the loop needs of a workspace: the batched passes and their state. */
export interface TrainingWorkspace {
  readonly maxBatch: number;
  readonly order: Uint32Array;
  /** Whether the network drops units of its own in training (network3's layers' pDropout). */
  readonly usesDropout?: boolean;
  sequence(n: number): Uint32Array;
  gather(src: Source, order: ArrayLike<number>, start: number, m: number, targets: boolean): void;
  forward(m: number, dropout?: { readonly p: number; readonly rng: Random }): void;
  backward(m: number, forStep?: boolean): number;
  step(m: number, eta: number): void;
  rollback(): boolean;
  paramsFinite(): boolean;
  gradientsFinite(m: number): boolean;
  costSum(m: number): number;
  argmax(m: number, out: Int32Array): void;
  view(): { readonly nablaW: readonly Buf[]; readonly nablaB: readonly Buf[] };
}

/** What the loop needs of the network it trains. */
export interface Trainee {
  /** Copies the workspace's parameters into the network's own (before every callback). */
  store(): void;
  /** The regularization term of the cost over data of size `n`, with the run's λ. */
  penalty(n: number): number;
}

type Callbacks = Pick<SgdOptions, "onEpoch" | "onProgress">;

/**
 * One training run at a time on a network: a second run (a cell re-run while the first still
 * trains, or two un-awaited calls) would interleave its updates with the first's, so it is
 * refused, naming the run that holds the network. (Refused rather than queued: a queued run
 * would silently train on top of the first's result.)
 */
export class RunGuard {
  #running: string | undefined;

  /** Throws if a run is going. */
  check(where: string): void {
    if (this.#running !== undefined) {
      throw new Error(
        `${where}: this network is still training (${this.#running}); await that run before starting another`,
      );
    }
  }

  /** Runs `fn` as the network's training run, described by its settings. */
  async run<T>(cfg: TrainConfig, fn: () => Promise<T>): Promise<T> {
    this.#running = `an sgd run of ${cfg.epochs} epochs (eta ${cfg.eta}) started at ${
      new Date().toISOString()
    }`;
    try {
      return await fn();
    } finally {
      this.#running = undefined;
    }
  }
}

/**
 * What a run's workspace keeps for `cfg`: the optimizer's state, the data sets resident, room
 * for the order of examples, and the threads it may use (both networks' `sgd`).
 */
export function runOptions(cfg: TrainConfig, optimizer: Optimizer): RunOptions {
  return {
    optimizer,
    data: [cfg.train, cfg.test, cfg.evaluation].filter((d) => d !== undefined),
    orderLength: cfg.n,
    threads: cfg.threads,
  };
}

/** Trains for `cfg.epochs` (or until the schedule stops it) and returns the history. */
export async function train(
  ws: TrainingWorkspace,
  cfg: TrainConfig,
  callbacks: Callbacks,
  net: Trainee,
): Promise<History> {
  const { n } = cfg;
  const run: Run = {
    ws,
    cfg,
    callbacks,
    net,
    history: new History(),
    // Dropout masks come from their own generator, seeded from the run's. A forward pass
    // given one is a training pass.
    dropout: cfg.dropout > 0 || ws.usesDropout
      ? { p: cfg.dropout, rng: new Random(cfg.rng.nextUint32()) }
      : undefined,
    t0: performance.now(),
    lastProgress: performance.now(),
    seen: 0,
    lastStep: undefined,
  };
  for (let i = 0; i < n; i++) ws.order[i] = i;
  const schedule = new Schedule(cfg);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    const te = performance.now();
    cfg.rng.shuffle(ws.order);
    const cost = await trainEpoch(run, epoch, schedule.eta);
    // The epoch's last step is checked here; earlier ones by the next forward pass.
    if (!ws.paramsFinite()) diverged(run, [epoch, batchesOf(cfg)], schedule.eta);
    net.store();
    const entry = measureEpoch(ws, cfg, net, { epoch, runningCost: cost / n, eta: schedule.eta });
    entry.seconds = (performance.now() - te) / 1000;
    run.history.push(entry);
    callbacks.onEpoch?.(entry, run.history);
    const stop = schedule.after(entry);
    if (stop !== undefined) run.history.stopReason = stop;
    await report(
      run,
      epoch,
      batchesOf(cfg),
      cost / n,
      stop !== undefined || epoch === cfg.epochs - 1,
    );
    if (stop !== undefined) break;
  }
  return run.history;
}

/** A training run's state, shared by the functions of the loop. */
interface Run {
  readonly ws: TrainingWorkspace;
  readonly cfg: TrainConfig;
  readonly callbacks: Callbacks;
  readonly net: Trainee;
  readonly history: History;
  readonly dropout: { readonly p: number; readonly rng: Random } | undefined;
  readonly t0: number;
  lastProgress: number;
  seen: number;
  /** The last mini-batch stepped, `[epoch, batch]`. */
  lastStep: [number, number] | undefined;
}

function batchesOf(cfg: TrainConfig): number {
  return Math.ceil(cfg.n / cfg.miniBatchSize);
}

/** One pass over the shuffled training data; returns the summed cost of its mini-batches. */
async function trainEpoch(run: Run, epoch: number, eta: number): Promise<number> {
  const { ws, cfg } = run, { n, miniBatchSize } = cfg;
  let cost = 0;
  for (let b = 0, start = 0; start < n; b++, start += miniBatchSize) {
    const m = Math.min(miniBatchSize, n - start);
    ws.gather(cfg.train, ws.order, start, m, true);
    ws.forward(m, run.dropout);
    const c = ws.backward(m, true);
    if (!Number.isFinite(c) || !ws.gradientsFinite(m)) diverged(run, [epoch, b], eta);
    ws.step(m, eta);
    run.lastStep = [epoch, b];
    cost += c;
    run.seen += m;
    if (run.callbacks.onProgress && performance.now() - run.lastProgress >= cfg.interval) {
      await report(run, epoch, b + 1, cost / (start + m), false);
    }
  }
  return cost;
}

/**
 * Stops training: hands the network the last finite parameters and throws. `at` is the
 * mini-batch whose cost or gradient was non-finite; if the parameters themselves are, the
 * last step made them so, and it is undone and named instead.
 */
function diverged(run: Run, at: [number, number], eta: number): never {
  const blame = !run.ws.paramsFinite() && run.ws.rollback() ? run.lastStep ?? at : at;
  run.net.store();
  throw new DivergenceError(blame[0], blame[1], eta);
}

/** Calls `onProgress` (if any) with the network's parameters stored first. */
async function report(run: Run, epoch: number, batch: number, cost: number, done: boolean) {
  const onProgress = run.callbacks.onProgress;
  if (!onProgress) return;
  run.net.store();
  const now = performance.now();
  run.lastProgress = now;
  await onProgress(progress(run, { epoch, batch, cost, done }, now));
}

function progress(
  run: Run,
  at: { epoch: number; batch: number; cost: number; done: boolean },
  now: number,
): Progress {
  const { cfg, seen } = run, ms = now - run.t0;
  const rate = ms > 0 ? seen / (ms / 1000) : 0;
  const left = cfg.epochs * cfg.n - seen;
  return {
    ...at,
    epochs: cfg.epochs,
    batches: batchesOf(cfg),
    examplesSeen: seen,
    examplesPerSecond: rate,
    etaSeconds: rate > 0 ? left / rate : 0,
    history: run.history,
  };
}

/**
 * network2.py's no-improvement-in-n rule on the evaluation accuracy: early stopping, or
 * chapter 3's halving of η, stopping once η has fallen to `etaMinFraction` of its start.
 */
class Schedule {
  eta: number;
  readonly #cfg: TrainConfig;
  #best = -1;
  #sinceBest = 0;

  constructor(cfg: TrainConfig) {
    this.#cfg = cfg;
    this.eta = cfg.eta;
  }

  /** After an epoch: why training stops now, or `undefined` to go on. */
  after(entry: EpochEntry): string | undefined {
    const cfg = this.#cfg;
    if (cfg.earlyStoppingN === 0 && cfg.etaHalvingN === 0) return undefined;
    const correct = entry.evaluation!.correct!;
    if (correct > this.#best) [this.#best, this.#sinceBest] = [correct, 0];
    else this.#sinceBest++;
    if (cfg.earlyStoppingN > 0 && this.#sinceBest >= cfg.earlyStoppingN) {
      return `Early stopping: no better evaluation accuracy in ${this.#sinceBest} epochs (earlyStoppingN)`;
    }
    if (cfg.etaHalvingN > 0 && this.#sinceBest >= cfg.etaHalvingN) {
      this.eta /= 2;
      this.#sinceBest = 0;
      if (this.eta <= cfg.eta * cfg.etaMinFraction) {
        return `Learning-rate schedule: eta halved to ${this.eta}, ${
          cfg.eta / this.eta
        } times below its first value ${cfg.eta} (etaMinFraction)`;
      }
    }
    return undefined;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The epoch's entry: everything the options ask to monitor, measured after the epoch. */
function measureEpoch(
  ws: TrainingWorkspace,
  cfg: TrainConfig,
  net: Trainee,
  head: { epoch: number; runningCost: number; eta: number },
): Mutable<EpochEntry> {
  const e: Mutable<EpochEntry> = { ...head, seconds: 0 };
  const mon = cfg.monitor;
  const measured = (src: Source, withCost: boolean, withAccuracy: boolean): Measured => {
    const r = measure(ws, src, withCost);
    return {
      total: r.total,
      ...(withAccuracy ? { correct: r.correct, accuracy: r.accuracy } : {}),
      ...(withCost ? { cost: r.cost + net.penalty(r.total) } : {}),
    };
  };
  if (cfg.test !== undefined) e.test = measured(cfg.test, false, true);
  const schedule = cfg.earlyStoppingN > 0 || cfg.etaHalvingN > 0;
  const evalAccuracy = mon.evaluationAccuracy || schedule;
  if (cfg.evaluation !== undefined && (mon.evaluationCost || evalAccuracy)) {
    e.evaluation = measured(cfg.evaluation, mon.evaluationCost, evalAccuracy);
  }
  if (mon.trainingCost || mon.trainingAccuracy) {
    e.training = measured(cfg.train, mon.trainingCost, mon.trainingAccuracy);
  }
  if (mon.gradientNorms) e.gradientNorms = gradientNorms(ws, cfg.train, Math.min(1000, cfg.n));
  return e;
}

/** Cost (mean per example, no regularization) and accuracy of the network in `ws` over `src`. */
export function measure(
  ws: TrainingWorkspace,
  src: Source,
  withCost: boolean,
): { cost: number; correct: number; total: number; accuracy: number } {
  const n = sourceLength(src), chunk = ws.maxBatch;
  const order = ws.sequence(n);
  const guess = new Int32Array(chunk);
  let correct = 0, cost = 0;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    ws.gather(src, order, start, m, withCost);
    ws.forward(m);
    if (withCost) cost += ws.costSum(m);
    ws.argmax(m, guess);
    for (let j = 0; j < m; j++) if (guess[j] === classOf(src, start + j)) correct++;
  }
  return { cost: n === 0 ? 0 : cost / n, correct, total: n, accuracy: n === 0 ? 0 : correct / n };
}

/**
 * Norms of the mean gradient `∂C/∂b` and `∂C/∂w` of each layer over the first `count`
 * examples of `src`, in their order: the book's measure of how fast each layer learns.
 */
export function gradientNorms(ws: TrainingWorkspace, src: Source, count: number): GradientNorms {
  const { nablaB, nablaW } = ws.view();
  const sumB = nablaB.map((b) => new Float64Array(b.length));
  const sumW = nablaW.map((w) => new Float64Array(w.length));
  const order = ws.sequence(count);
  for (let start = 0; start < count; start += ws.maxBatch) {
    const m = Math.min(ws.maxBatch, count - start);
    ws.gather(src, order, start, m, true);
    ws.forward(m);
    ws.backward(m);
    const g = ws.view();
    sumB.forEach((s, l) => addInto(s, g.nablaB[l]!));
    sumW.forEach((s, l) => addInto(s, g.nablaW[l]!));
  }
  const norm = (s: Float64Array) => Math.sqrt(s.reduce((acc, v) => acc + v * v, 0)) / count;
  return { biases: sumB.map(norm), weights: sumW.map(norm) };
}

function addInto(sum: Float64Array, g: Buf): void {
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + g[i]!;
}
