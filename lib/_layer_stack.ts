// The batched workspace of a stack of network3.py's layers: what `Workspace` (lib/_batch.ts) is
// for today's `Network`, for `Network3`. It keeps every buffer of a run in one allocation of a
// kernel set (so the WebAssembly kernels can run on them) — the input batch and targets, each
// layer's parameters, gradients, activations and scratch, the parameters before the last
// step, the optimizer's state, the example order and the resident training bytes — and offers
// the training loop (lib/_trainer.ts) the same methods as `Workspace`.

import {
  allocateRun,
  type BatchTarget,
  gatherBatch,
  type RunOptions,
  type Source,
} from "./_batch.ts";
import type { Allocation, Buf, Kernels } from "./_kernels.ts";
import type { Optimizer, Params } from "./_optimizers.ts";
import { allFinite, argmax } from "./_util.ts";
import { LogLikelihoodCost } from "./costs.ts";
import { ConvPoolLayer, type Layer } from "./layers.ts";
import type { Random } from "./random.ts";

/** The buffers of one layer for a batch, in the stack's single allocation. */
export interface LayerBuffers {
  /** Parameters and their gradients (summed over the batch). */
  w: Buf;
  b: Buf;
  gw: Buf;
  gb: Buf;
  /** Weighted inputs (after pooling, for a conv layer) and activations, m × nOut. */
  z: Buf;
  a: Buf;
  /** `∂C/∂a` on entry to `backward`, overwritten by `∂C/∂z` (δ), m × nOut. */
  delta: Buf;
  /** Conv layer: the convolution's output and its δ (m × F × OH × OW), scratch, zeros. */
  conv?: Buf;
  convDelta?: Buf;
  work?: Buf;
  zeros?: Buf;
  argmax?: Uint32Array;
  /** Dropout: the mask (1 kept, 0 dropped) and the masked input, m × nIn. */
  mask?: Buf;
  xd?: Buf;
}

/** What a stack is for, beyond its layers: a training run's state and data (lib/_batch.ts). */
export type LayerStackOptions = RunOptions;

/**
 * A stack of layers for batches of up to `m` examples: `feedforward` and `backprop` for a batch
 * in `x`, and the training workspace's methods (`gather`, `forward`, `backward`, `step`,
 * `rollback`, `costSum`, `argmax`) for lib/_trainer.ts.
 */
export class LayerStack {
  readonly layers: readonly Layer[];
  readonly kernels: Kernels;
  readonly m: number;
  /** The input batch, m × nIn of the first layer. */
  readonly x: Buf;
  readonly buffers: readonly LayerBuffers[];
  /** A training order to shuffle, in the kernels' memory. */
  readonly order: Uint32Array;
  /** Whether any layer drops inputs in training (the loop then passes a generator). */
  readonly usesDropout: boolean;
  readonly #y: Buf;
  readonly #identity: Uint32Array;
  readonly #batch: BatchTarget;
  readonly #optimizer: Optimizer | undefined;
  readonly #before: Params;
  #stepped = false;
  readonly #alloc: Allocation;
  #disposed = false;

  constructor(
    layers: readonly Layer[],
    kernels: Kernels,
    m: number,
    options: LayerStackOptions = {},
  ) {
    this.layers = layers;
    this.kernels = kernels;
    this.m = m;
    const opt = this.#optimizer = options.optimizer;
    const nL = layers.at(-1)!.nOut;
    const names: [number, string][] = [];
    const lengths: number[] = [m * layers[0]!.nIn, m * nL];
    let argmaxWords = 0;
    layers.forEach((l, i) => {
      const own: Record<string, number> = {
        w: l.w.length,
        b: l.b.length,
        gw: l.w.length,
        gb: l.b.length,
        z: m * l.nOut,
        a: m * l.nOut,
        delta: m * l.nOut,
        ...l.lengths(m),
      };
      for (const [name, n] of Object.entries(own)) {
        names.push([i, name]);
        lengths.push(n);
      }
      if (l instanceof ConvPoolLayer) argmaxWords += m * l.nOut;
    });
    // The parameters before the last step, then the optimizer's state: sets of w and b.
    const sets = (opt ? 1 : 0) + (opt?.stateCount ?? 0);
    const firstSet = lengths.length;
    for (let s = 0; s < sets; s++) {
      for (const l of layers) lengths.push(l.w.length);
      for (const l of layers) lengths.push(l.b.length);
    }
    const largest = Math.max(...layers.map((l) => m * multiplyAdds(l)));
    const run = allocateRun(kernels, lengths, argmaxWords, m, largest, options);
    const alloc = this.#alloc = run.alloc;
    [this.x, this.#y] = [alloc.bufs[0]!, alloc.bufs[1]!];
    const buffers = layers.map(() => ({}) as Record<string, Buf | Uint32Array>);
    names.forEach(([i, name], j) => (buffers[i]![name] = alloc.bufs[j + 2]!));
    let w = 0;
    layers.forEach((l, i) => {
      if (l instanceof ConvPoolLayer) buffers[i]!.argmax = run.words.subarray(w, w += m * l.nOut);
    });
    [this.order, this.#identity] = [run.order, run.identity];
    this.buffers = buffers as unknown as LayerBuffers[];
    const n = layers.length;
    const set = (s: number): Params => {
      const at = firstSet + 2 * n * s;
      return {
        weights: alloc.bufs.slice(at, at + n),
        biases: alloc.bufs.slice(at + n, at + 2 * n),
      };
    };
    this.#before = opt ? set(0) : { weights: [], biases: [] };
    opt?.attach(Array.from({ length: opt.stateCount }, (_, s) => set(s + 1)));
    this.#batch = {
      kernels,
      resident: run.resident,
      ownOrder: (o) => o === this.order || o === this.#identity,
      x: this.x,
      y: this.#y,
      n0: layers[0]!.nIn,
      nL,
    };
    this.usesDropout = layers.some((l) => !(l instanceof ConvPoolLayer) && l.pDropout > 0);
    this.loadParameters();
  }

  get maxBatch(): number {
    return this.m;
  }

  /** Hands the memory back to the kernels; nothing of the stack may be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.kernels.release(this.#alloc);
  }

  /** Copies each layer's `w` and `b` into the stack's buffers. */
  loadParameters(): void {
    this.layers.forEach((l, i) => {
      this.buffers[i]!.w.set(l.w);
      this.buffers[i]!.b.set(l.b);
    });
    this.#stepped = false;
  }

  /** Copies the stack's parameters back into each layer's `w` and `b`. */
  storeParameters(): void {
    this.layers.forEach((l, i) => {
      l.w.set(this.buffers[i]!.w);
      l.b.set(this.buffers[i]!.b);
    });
  }

  /**
   * New dropout masks for a training batch of m: each input of a layer with `pDropout` p is
   * kept (1) with probability 1 − p, else dropped (0), as network3.py's binomial mask.
   */
  sampleMasks(m: number, rng: Random): void {
    this.layers.forEach((l, i) => {
      if (l instanceof ConvPoolLayer || l.pDropout === 0) return;
      const mask = this.buffers[i]!.mask!;
      for (let j = 0; j < m * l.nIn; j++) mask[j] = rng.uniform() < l.pDropout ? 0 : 1;
    });
  }

  /**
   * The output (softmax) of a batch of m ≤ this.m inputs already in `this.x`; with
   * `training`, through the dropout masks of the last `sampleMasks`.
   */
  feedforward(m: number, training = false): Buf {
    let input = this.x;
    this.layers.forEach((l, i) => {
      l.forward(this.kernels, m, input, this.buffers[i]!, training);
      input = this.buffers[i]!.a;
    });
    return input;
  }

  /**
   * Gradients of the log-likelihood `Σ_e −ln a_{y_e}` of the m inputs in `this.x` with labels
   * `ys`, summed over the batch, into each layer's `gw`, `gb`; returns the summed cost.
   */
  backprop(m: number, ys: readonly number[], training = false): number {
    const nL = this.layers.at(-1)!.nOut;
    this.#y.fill(0, 0, m * nL);
    for (let e = 0; e < m; e++) this.#y[e * nL + ys[e]!] = 1;
    this.feedforward(m, training);
    return this.backward(m);
  }

  // ---- the training workspace (lib/_trainer.ts's TrainingWorkspace) ----

  /** The order 0, 1, …, n − 1: the stack's own when it is long enough, else a new array. */
  sequence(n: number): Uint32Array {
    return n <= this.#identity.length
      ? this.#identity
      : Uint32Array.from({ length: n }, (_, i) => i);
  }

  /** Copies a mini-batch into `x`, and its one-hot targets (`gatherBatch`). */
  gather(src: Source, order: ArrayLike<number>, start: number, m: number, targets: boolean): void {
    gatherBatch(this.#batch, src, order, start, m, targets);
  }

  /** Forward pass; with `dropout` (training), through new masks from its generator. */
  forward(m: number, dropout?: { readonly p: number; readonly rng: Random }): void {
    if (dropout !== undefined && this.usesDropout) this.sampleMasks(m, dropout.rng);
    this.feedforward(m, dropout !== undefined);
  }

  /** The log-likelihood summed over the batch, from the softmax layer's z (exact). */
  costSum(m: number): number {
    const top = this.buffers.at(-1)!, n = this.layers.at(-1)!.nOut;
    return LogLikelihoodCost.batchFn(m, n, top.a, top.z, this.#y);
  }

  /**
   * Backward pass after `forward(m)` and a gather with targets: BP1 at the softmax layer (the
   * cost's batched δ = a − y), then each layer's backward pass, top down, each handing the
   * layer below its `∂C/∂a`. Returns the summed cost.
   */
  backward(m: number, _forStep = false): number {
    const L = this.layers.length, top = this.buffers[L - 1]!, n = this.layers[L - 1]!.nOut;
    const cost = this.costSum(m);
    LogLikelihoodCost.batchDelta(m, n, top.a, this.#y, top.delta);
    for (let i = L - 1; i >= 0; i--) {
      const input = i === 0 ? this.x : this.buffers[i - 1]!.a;
      const dx = i === 0 ? undefined : this.buffers[i - 1]!.delta; // ∂C/∂a of the layer below
      this.layers[i]!.backward(this.kernels, m, input, this.buffers[i]!, dx);
    }
    return cost;
  }

  /** One step of the optimizer, keeping the parameters from before it for `rollback`. */
  step(m: number, eta: number): void {
    const p = this.#params();
    p.weights.forEach((w, i) => this.#before.weights[i]!.set(w));
    p.biases.forEach((b, i) => this.#before.biases[i]!.set(b));
    const grad = { weights: this.buffers.map((s) => s.gw), biases: this.buffers.map((s) => s.gb) };
    this.#optimizer!.update(this.kernels, p, grad, eta, m);
    this.#stepped = true;
  }

  /** Undoes the last `step`; `false`, changing nothing, when there is none to undo. */
  rollback(): boolean {
    if (!this.#stepped) return false;
    const p = this.#params();
    p.weights.forEach((w, i) => w.set(this.#before.weights[i]!));
    p.biases.forEach((b, i) => b.set(this.#before.biases[i]!));
    this.#stepped = false;
    return true;
  }

  #params(): Params {
    return { weights: this.buffers.map((s) => s.w), biases: this.buffers.map((s) => s.b) };
  }

  /** Whether every parameter is finite. */
  paramsFinite(): boolean {
    const p = this.#params();
    return allFinite(p.weights) && allFinite(p.biases);
  }

  /** Whether the last backward pass left the output and every bias gradient finite. */
  gradientsFinite(m: number): boolean {
    const top = this.buffers.at(-1)!;
    return allFinite([top.a.subarray(0, m * this.layers.at(-1)!.nOut)]) &&
      allFinite(this.buffers.map((s) => s.gb));
  }

  /** Index of the largest output for each of the first `m` examples, into `out`. */
  argmax(m: number, out: Int32Array): void {
    const a = this.buffers.at(-1)!.a, n = this.layers.at(-1)!.nOut;
    for (let j = 0; j < m; j++) out[j] = argmax(a, j * n, n);
  }

  /** The gradients of the last backward pass, layer by layer. */
  view(): { readonly nablaW: readonly Buf[]; readonly nablaB: readonly Buf[] } {
    return { nablaW: this.buffers.map((s) => s.gw), nablaB: this.buffers.map((s) => s.gb) };
  }
}

/** A layer's multiply-adds per example in its forward product. */
function multiplyAdds(l: Layer): number {
  if (!(l instanceof ConvPoolLayer)) return l.w.length;
  const [, h, w] = l.imageShape, [, , kh, kw] = l.filterShape;
  return l.w.length * (h - kh + 1) * (w - kw + 1);
}
