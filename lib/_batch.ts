// Matrix-based backpropagation over a whole mini-batch (the book's chapter 2 exercise).
//
// Where the book loops over the examples of a mini-batch and calls `backprop` for each, this
// workspace pushes all m examples through at once as matrix products. All buffers are
// allocated once, when the workspace is made, for the largest mini-batch: the training loop
// allocates nothing. Buffers come from the kernels' `allocateWith`, in a single call, so a
// WebAssembly backend keeps them in its own memory for the whole run.
//
// Layout (see _kernels.ts): activations of layer l for m examples are an m × sizes[l]
// row-major matrix, one example per row — the book's sizes[l] × m matrix, stored by columns.
// Layers are numbered as in the book's chapter 2, from the input: layer 1 is the input and
// layer L = sizes.length the output; `weights[l - 2]` feeds layer l.

import type { ActCode, Allocation, Buf, Kernels } from "./_kernels.ts";
import { jsKernels, jsKernels32 } from "./_kernels.ts";
import { allFinite, argmax } from "./_util.ts";
import type { Optimizer, Params } from "./_optimizers.ts";
import {
  type Activation,
  activationByName,
  type ActivationName,
  softmaxBackwardRows,
} from "./activations.ts";
import { type Cost, costByName, type CostName } from "./costs.ts";
import type { PackedData } from "./dataset.ts";
import type { Matrix } from "./matrix.ts";
import type { Random } from "./random.ts";

/** Training data after validation: packed, or the book's pairs with `y` a vector or a class. */
export type Source =
  | { readonly kind: "packed"; readonly data: PackedData }
  | {
    readonly kind: "pairs";
    readonly xs: readonly ArrayLike<number>[];
    readonly ys: readonly (ArrayLike<number> | number)[];
  };

/** Number of examples in a source. */
export function sourceLength(s: Source): number {
  return s.kind === "packed" ? s.data.length : s.xs.length;
}

/** The class of example `i` of a source: its label, or its target's largest entry. */
export function classOf(src: Source, i: number): number {
  if (src.kind === "packed") return src.data.labels[i]!;
  const y = src.ys[i]!;
  return typeof y === "number" ? y : argmax(y, 0, y.length);
}

/**
 * Largest byte inputs copied into the kernels' memory: 64 MiB. MNIST's 50,000 training images
 * (39 MB) fit; the 250,000 of `expandMnist` (196 MB) stay where they are and are gathered by
 * the TypeScript kernel, one mini-batch at a time, so that training on them does not hold them
 * twice (about 550 MB resident with the copy, 350 MB without).
 */
export const RESIDENT_LIMIT = 64 * 2 ** 20;

/**
 * Where the byte inputs of `sources` go in the kernels' memory: each distinct `Uint8Array`
 * of at most `limit` bytes once, 16-byte aligned (none when the kernels read the caller's
 * arrays where they are). Larger ones are gathered from the caller's array (`gatherBatch`).
 */
export function residentPlan(
  kernels: Kernels,
  sources: readonly Source[],
  limit: number = RESIDENT_LIMIT,
): { readonly copies: Uint8Array[]; readonly offsets: number[]; readonly bytes: number } {
  const copies = kernels.ownMemory
    ? [
      ...new Set(sources.flatMap((src) =>
        src.kind === "packed" && src.data.inputs instanceof Uint8Array &&
          src.data.inputs.length <= limit
          ? [src.data.inputs]
          : []
      )),
    ]
    : [];
  const offsets: number[] = [];
  let bytes = 0;
  for (const c of copies) {
    offsets.push(bytes);
    bytes += Math.ceil(c.length / 16) * 16;
  }
  return { copies, offsets, bytes };
}

/** Copies the planned byte inputs into an allocation's bytes: original → copy. */
export function placeResident(
  plan: ReturnType<typeof residentPlan>,
  alloc: Allocation,
): Map<Uint8Array, Uint8Array> {
  const resident = new Map<Uint8Array, Uint8Array>();
  plan.copies.forEach((c, i) => {
    const copy = alloc.bytes.subarray(plan.offsets[i]!, plan.offsets[i]! + c.length);
    copy.set(c);
    resident.set(c, copy);
  });
  return resident;
}

/** What a training run keeps beyond the network's buffers (both workspaces: this and LayerStack). */
export interface RunOptions {
  /**
   * The update rule `step` applies. Its state is allocated here, with the parameters, and
   * handed to it; with one, the parameters from before each step are kept for `rollback`.
   */
  readonly optimizer?: Optimizer;
  /**
   * Sources that `gather` will read. Byte inputs among them are copied once into the
   * kernels' memory (if the kernels have their own), so that `gatherBytes` widens them there.
   */
  readonly data?: readonly Source[];
  /** Length of the run's `order`: room for a training run's order of examples. */
  readonly orderLength?: number;
  /**
   * Threads the kernels may use (default 1). With more, the allocation opts in to the
   * kernels' threads when one of the network's products is large enough to split.
   */
  readonly threads?: number;
}

/** A training run's memory, from {@linkcode allocateRun}. */
export interface RunMemory {
  readonly alloc: Allocation;
  /** The kernels' copies of the resident byte inputs, by the caller's array. */
  readonly resident: Map<Uint8Array, Uint8Array>;
  /** The first words of the allocation, for the workspace's own use. */
  readonly words: Uint32Array;
  /** Room for a run's order of examples, and the identity order (`0, 1, …`) after it. */
  readonly order: Uint32Array;
  readonly identity: Uint32Array;
}

/**
 * Allocates a training run's memory: the buffers of `lengths`, `words` words for the caller,
 * the run's order and an identity order as long as the largest of `m` and the sources, and the
 * sources' resident bytes; with `options.threads` above 1, on two threads if `largestMacs`
 * (the network's largest product at mini-batch m) reaches the kernels' split size.
 */
export function allocateRun(
  kernels: Kernels,
  lengths: readonly number[],
  words: number,
  m: number,
  largestMacs: number,
  options: RunOptions,
): RunMemory {
  const sources = options.data ?? [];
  const plan = residentPlan(kernels, sources);
  const orderLength = options.orderLength ?? 0;
  const identityLength = Math.max(m, ...sources.map(sourceLength));
  const threads = (options.threads ?? 1) > 1 && largestMacs >= kernels.splitMacs
    ? options.threads
    : 1;
  const alloc = kernels.allocateWith(
    lengths,
    plan.bytes,
    words + orderLength + identityLength,
    threads,
  );
  const identity = alloc.words.subarray(words + orderLength, words + orderLength + identityLength);
  for (let i = 0; i < identityLength; i++) identity[i] = i;
  return {
    alloc,
    resident: placeResident(plan, alloc),
    words: alloc.words.subarray(0, words),
    order: alloc.words.subarray(words, words + orderLength),
    identity,
  };
}

/** A workspace's input and target batches, and what `gatherBatch` needs to fill them. */
export interface BatchTarget {
  readonly kernels: Kernels;
  /** Byte inputs → their copies in the kernels' memory. */
  readonly resident: ReadonlyMap<Uint8Array, Uint8Array>;
  /** Whether `order` is in the kernels' memory (the workspace's own order or identity). */
  readonly ownOrder: (order: ArrayLike<number>) => boolean;
  /** The input batch, m × n0, and the targets, m × nL. */
  readonly x: Buf;
  readonly y: Buf;
  readonly n0: number;
  readonly nL: number;
}

/**
 * Copies examples `order[start … start + m)` into the input batch, and (with `targets`) their
 * targets into `y`: one-hot rows for class labels, the vector itself otherwise.
 */
export function gatherBatch(
  t: BatchTarget,
  src: Source,
  order: ArrayLike<number>,
  start: number,
  m: number,
  targets: boolean,
): void {
  const { x, y, n0, nL } = t;
  if (targets) y.fill(0, 0, m * nL);
  if (src.kind === "packed") {
    const { inputs, inputScale, labels } = src.data;
    if (inputs instanceof Uint8Array) {
      // Bytes copied into the kernels' memory, with an order from the workspace: widened by
      // the kernels. Anything else (all bytes, with the TypeScript kernels) by the TypeScript
      // kernel for the buffer's type, which takes any arrays.
      const bytes = t.resident.get(inputs);
      if (bytes !== undefined && t.ownOrder(order) && order instanceof Uint32Array) {
        t.kernels.gatherBytes(m, n0, bytes, order, start, inputScale, x);
      } else {
        const js = x instanceof Float32Array ? jsKernels32 : jsKernels;
        const ord = order instanceof Uint32Array ? order : Uint32Array.from(order);
        js.gatherBytes(m, n0, inputs, ord, start, inputScale, x);
      }
    } else {
      for (let j = 0; j < m; j++) {
        const e = order[start + j]!;
        for (let i = 0; i < n0; i++) x[j * n0 + i] = inputs[e * n0 + i]! * inputScale;
      }
    }
    if (targets) {
      for (let j = 0; j < m; j++) y[j * nL + labels[order[start + j]!]!] = 1;
    }
    return;
  }
  for (let j = 0; j < m; j++) {
    const e = order[start + j]!;
    const xe = src.xs[e]!;
    for (let i = 0; i < n0; i++) x[j * n0 + i] = xe[i]!;
    if (!targets) continue;
    const ye = src.ys[e]!;
    if (typeof ye === "number") y[j * nL + ye] = 1;
    else for (let i = 0; i < nL; i++) y[j * nL + i] = ye[i]!;
  }
}

/** What a workspace is for: the network's functions and the training state to keep. */
export interface WorkspaceOptions extends RunOptions {
  /** Activation of each layer after the input; default all sigmoid (network.py). */
  readonly activations?: readonly ActivationName[];
  /** The cost; default the quadratic cost (network.py). */
  readonly cost?: CostName;
  /** Keep dropout masks for the hidden layers. */
  readonly dropout?: boolean;
}

/** Read-only views of a workspace's buffers, for gradient norms and tests. */
export interface WorkspaceView {
  /** `activations[l - 1]` for layer l, `m × sizes[l - 1]`; index 0 is the input batch. */
  readonly activations: readonly Buf[];
  /** `zs[l - 1]` for layer l ≥ 2 (index 0 unused). */
  readonly zs: readonly Buf[];
  /** Dropout masks, `masks[l - 1]` for hidden layer l (empty elsewhere or without dropout). */
  readonly masks: readonly Buf[];
  /** What layer l passes on: its activations, after dropout if the last pass dropped. */
  readonly inputs: readonly Buf[];
  /** Gradients of the last `backward`, summed over its batch, shaped as the parameters. */
  readonly nablaW: readonly Buf[];
  readonly nablaB: readonly Buf[];
}

/**
 * The batched forward and backward pass for one network shape: load and store parameters,
 * gather a mini-batch, forward, backward, step and roll back, cost and argmax.
 */
export class Workspace {
  readonly sizes: readonly number[];
  readonly maxBatch: number;
  /** A training order to shuffle, in the kernels' memory (`options.orderLength` entries). */
  readonly order: Uint32Array;
  readonly #k: Kernels;
  readonly #fs: readonly Activation[];
  readonly #cost: Cost;
  readonly #optimizer: Optimizer | undefined;
  /** Parameters, then the same before the last step (`rollback`); they trade places. */
  #w: Buf[];
  #b: Buf[];
  #wBefore: Buf[];
  readonly #bBefore: Buf[];
  /** Whether the last step can be undone: the "before" buffers hold what it changed. */
  #stepped = false;
  readonly #nablaW: Buf[];
  readonly #nablaB: Buf[];
  /** Index l - 1 for layer l: activations (0: the input batch), weighted inputs, errors δ. */
  readonly #a: Buf[];
  readonly #z: Buf[];
  readonly #delta: Buf[];
  /** Targets of the batch, m × sizes[L-1]. */
  readonly #y: Buf;
  /** Dropout, hidden layers: masks hold 0 or 1/(1-p); dropped = activations ⊙ masks. */
  readonly #masks: Buf[];
  readonly #dropped: Buf[];
  /** 0, 1, 2, …: the order for passes over a whole source (as long as the longest source). */
  readonly #identity: Uint32Array;
  /** What `gather` fills, with the resident copies of the byte inputs of `options.data`. */
  readonly #batch: BatchTarget;
  /** Whether masks were applied in the last forward pass. */
  #dropping = false;
  readonly #alloc: Allocation;
  #disposed = false;

  constructor(
    sizes: readonly number[],
    maxBatch: number,
    kernels: Kernels,
    options: WorkspaceOptions = {},
  ) {
    this.sizes = sizes;
    this.maxBatch = maxBatch;
    this.#k = kernels;
    const L = sizes.length;
    const names = options.activations ?? Array.from({ length: L - 1 }, () => "sigmoid");
    this.#fs = names.map(activationByName);
    this.#cost = costByName(options.cost ?? "QuadraticCost");
    const opt = this.#optimizer = options.optimizer;
    // One allocation call for everything, so a WebAssembly backend grows its memory once and
    // every kernel call takes its arrays from one allocation.
    const wLengths = sizes.slice(1).map((s, l) => s * sizes[l]!);
    const bLengths = sizes.slice(1);
    const params = [...wLengths, ...bLengths];
    const batch = sizes.map((s) => maxBatch * s);
    const hidden = sizes.map((s, l) => (options.dropout && l > 0 && l < L - 1 ? maxBatch * s : 0));
    const nState = opt?.stateCount ?? 0;
    const lengths = [
      ...params, // weights, biases
      ...params, // nablaW, nablaB
      ...(opt ? params : params.map(() => 0)), // the parameters before the last step
      ...batch, // activations
      ...batch, // zs (index 0 unused)
      ...batch, // deltas (index 0 unused)
      maxBatch * sizes[L - 1]!, // y
      ...hidden, // masks
      ...hidden, // dropped
      ...Array.from({ length: nState }, () => params).flat(), // optimizer state
    ];
    // The largest product: m · n_out · n_in of the widest layer.
    const largest = Math.max(...wLengths.map((w) => maxBatch * w));
    const run = allocateRun(kernels, lengths, 0, maxBatch, largest, options);
    const { alloc, resident } = run;
    this.#alloc = alloc;
    [this.order, this.#identity] = [run.order, run.identity];
    let k = 0;
    const take = (n: number) => alloc.bufs.slice(k, k += n);
    [this.#w, this.#b] = [take(L - 1), take(L - 1)];
    [this.#nablaW, this.#nablaB] = [take(L - 1), take(L - 1)];
    [this.#wBefore, this.#bBefore] = [take(L - 1), take(L - 1)];
    [this.#a, this.#z, this.#delta] = [take(L), take(L), take(L)];
    this.#y = take(1)[0]!;
    this.#batch = {
      kernels,
      resident,
      ownOrder: (o) => o === this.order || o === this.#identity,
      x: this.#a[0]!,
      y: this.#y,
      n0: sizes[0]!,
      nL: sizes[L - 1]!,
    };
    [this.#masks, this.#dropped] = [take(L), take(L)];
    opt?.attach(
      Array.from({ length: nState }, () => ({ weights: take(L - 1), biases: take(L - 1) })),
    );
  }

  /** The order 0, 1, …, n − 1: this workspace's own when it is long enough, else a new array. */
  sequence(n: number): Uint32Array {
    return n <= this.#identity.length
      ? this.#identity
      : Uint32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * Hands the workspace's memory back to the kernels for the next workspace. Nothing of
   * this workspace may be used afterwards: its arrays would alias the next one's.
   */
  dispose(): void {
    if (this.#disposed) return; // a second release would hand out memory now in use
    this.#disposed = true;
    this.#k.release(this.#alloc);
  }

  /** Copies the network's parameters into the workspace. */
  loadParams(weights: readonly Matrix[], biases: readonly Matrix[]): void {
    for (let l = 0; l < weights.length; l++) {
      this.#w[l]!.set(weights[l]!.data);
      this.#b[l]!.set(biases[l]!.data);
    }
    this.#stepped = false;
  }

  /** Copies the workspace's parameters back into the network's matrices. */
  storeParams(weights: readonly Matrix[], biases: readonly Matrix[]): void {
    for (let l = 0; l < weights.length; l++) {
      weights[l]!.data.set(this.#w[l]!);
      biases[l]!.data.set(this.#b[l]!);
    }
  }

  /** Whether every parameter is finite. */
  paramsFinite(): boolean {
    return allFinite(this.#w) && allFinite(this.#b);
  }

  /** Copies a mini-batch into the input batch, and its targets into `y` (`gatherBatch`). */
  gather(src: Source, order: ArrayLike<number>, start: number, m: number, targets: boolean): void {
    gatherBatch(this.#batch, src, order, start, m, targets);
  }

  /** What layer `l` (from 1, the input) passes on: its activations, after dropout if any. */
  #input(l: number): Buf {
    return this.#dropping && l > 1 && l < this.sizes.length
      ? this.#dropped[l - 1]!
      : this.#a[l - 1]!;
  }

  /**
   * Forward pass for the first `m` rows of the input batch: `z = w·a + b`, `a = f(z)`. With
   * `dropout` (a probability p and a generator), each hidden unit of each example is kept
   * with probability 1 − p and scaled by 1/(1 − p) ("inverted" dropout: nothing to rescale
   * at test time); the book's chapter 3 halves the weights after training instead.
   */
  forward(m: number, dropout?: { readonly p: number; readonly rng: Random }): void {
    const k = this.#k, s = this.sizes, L = s.length;
    this.#dropping = dropout !== undefined && dropout.p > 0 && this.#masks[1]!.length > 0;
    for (let l = 2; l <= L; l++) {
      const n = s[l - 1]!, f = this.#fs[l - 2]!, z = this.#z[l - 1]!, a = this.#a[l - 1]!;
      // Row-major m × n result of (m × n_in) · (n × n_in)ᵀ: the book's w·a, batched.
      k.gemmNT(m, n, s[l - 2]!, this.#input(l - 1), this.#w[l - 2]!, z);
      k.biasActivate(f.kernel as ActCode, m, n, z, this.#b[l - 2]!, a);
      if (!f.elementwise) k.softmaxRows(m, n, z, a);
      if (this.#dropping && l < L) this.#drop(l, m * n, dropout!);
    }
  }

  #drop(l: number, len: number, dropout: { readonly p: number; readonly rng: Random }): void {
    const mask = this.#masks[l - 1]!, a = this.#a[l - 1]!, out = this.#dropped[l - 1]!;
    const keep = 1 / (1 - dropout.p);
    for (let i = 0; i < len; i++) {
      const v = dropout.rng.uniform() < dropout.p ? 0 : keep;
      mask[i] = v;
      out[i] = a[i]! * v;
    }
  }

  /**
   * The cost summed over the first `m` examples, from the last forward pass and gathered
   * targets (without any regularization term): the cost's own batched form.
   */
  costSum(m: number): number {
    const L = this.sizes.length;
    return this.#cost.batchFn(m, this.sizes[L - 1]!, this.#a[L - 1]!, this.#z[L - 1]!, this.#y);
  }

  /**
   * Backward pass after `forward(m)` and `gather(…, targets)`: every layer's δ (BP1, BP2), the
   * bias gradients (BP3) and, unless `forStep` and the optimizer adds them straight into the
   * weights in `step`, the weight gradients (BP4), summed over the batch. Returns the summed
   * cost.
   */
  backward(m: number, forStep = false): number {
    const k = this.#k, s = this.sizes, L = s.length;
    const cost = this.costSum(m);
    // BP1: δᴸ from the cost's batched form, through f'(zᴸ) unless it is already δᴸ.
    const out = this.#fs[L - 2]!, n = s[L - 1]!, aL = this.#a[L - 1]!, dL = this.#delta[L - 1]!;
    if (!this.#cost.batchDelta(m, n, aL, this.#y, dL)) this.#activationBackward(out, m, n, L);
    for (let l = L; l >= 2; l--) {
      // BP3: ∂C/∂b = δ, summed over the batch.
      k.columnSums(m, s[l - 1]!, this.#delta[l - 1]!, this.#nablaB[l - 2]!);
      if (l > 2) {
        // BP2: δˡ⁻¹ = ((wˡ)ᵀ δˡ) ⊙ σ'(zˡ⁻¹) — here Δ · W, one example per row.
        const dPrev = this.#delta[l - 2]!, len = m * s[l - 2]!;
        k.gemmNN(m, s[l - 2]!, s[l - 1]!, this.#delta[l - 1]!, this.#w[l - 2]!, dPrev);
        if (this.#dropping) {
          // A dropped unit passes nothing back; a kept one its gradient times 1/(1 − p).
          const mask = this.#masks[l - 2]!;
          for (let i = 0; i < len; i++) dPrev[i] = dPrev[i]! * mask[i]!;
        }
        this.#activationBackward(this.#fs[l - 3]!, m, s[l - 2]!, l - 1);
      }
      if (!forStep || !this.#optimizer?.fusable) {
        // BP4: ∂C/∂w = δ · aᵀ of the layer before, summed over the batch (Δᵀ · A).
        k.gemmTN(
          s[l - 1]!,
          s[l - 2]!,
          m,
          this.#delta[l - 1]!,
          this.#input(l - 1),
          this.#nablaW[l - 2]!,
        );
      }
    }
    return cost;
  }

  /** `δ ← ∂C/∂a` of layer l taken to `∂C/∂z` in place: `⊙ f'(z)`, or softmax's Jacobian. */
  #activationBackward(f: Activation, m: number, n: number, l: number): void {
    const a = this.#a[l - 1]!, d = this.#delta[l - 1]!;
    if (f.elementwise) {
      this.#k.activationPrimeMul(f.kernel as ActCode, m * n, this.#z[l - 1]!, a, d);
    } else softmaxBackwardRows(m, n, a, d, d);
  }

  /**
   * One step of the workspace's optimizer with learning rate `eta`, from the last
   * `backward(m, true)`, keeping the parameters from before it for `rollback`. Plain gradient
   * descent is fused: for each layer `b ← b − (η/m)·Σδ` and `W ← β·W + (αΔ)ᵀ·A` (α = −η/m,
   * β = 1 − ηλ/n, network2.py's L2 rule), the weight gradient never stored; the new weights
   * go into the "before" buffers, which then trade places with the weights (no copy).
   */
  step(m: number, eta: number): void {
    const opt = this.#optimizer!, k = this.#k, s = this.sizes;
    for (let l = 0; l < this.#b.length; l++) this.#bBefore[l]!.set(this.#b[l]!);
    if (!opt.fusable) {
      for (let l = 0; l < this.#w.length; l++) this.#wBefore[l]!.set(this.#w[l]!);
      opt.update(k, this.#params(), { weights: this.#nablaW, biases: this.#nablaB }, eta, m);
    } else {
      const alpha = -eta / m, beta = 1 - opt.decay(eta);
      for (let l = 2; l <= s.length; l++) {
        const b = this.#b[l - 2]!, d = this.#delta[l - 1]!;
        k.axpby(b.length, alpha, this.#nablaB[l - 2]!, 1, b);
        k.axpby(m * s[l - 1]!, alpha, d, 0, d); // δ is spent: scale it by α in place
        const w = this.#w[l - 2]!, next = this.#wBefore[l - 2]!;
        k.gemmTNAdd(s[l - 1]!, s[l - 2]!, m, d, this.#input(l - 1), beta, w, next);
      }
      [this.#w, this.#wBefore] = [this.#wBefore, this.#w];
    }
    this.#stepped = true;
  }

  /**
   * Undoes the last `step`: the parameters are again those from before it. Returns `false`,
   * changing nothing, when there is no step to undo (none yet, or already undone). The
   * optimizer's state is not rolled back: training stops after a rollback.
   */
  rollback(): boolean {
    if (!this.#stepped) return false;
    [this.#w, this.#wBefore] = [this.#wBefore, this.#w];
    for (let l = 0; l < this.#b.length; l++) this.#b[l]!.set(this.#bBefore[l]!);
    this.#stepped = false;
    return true;
  }

  #params(): Params {
    return { weights: this.#w, biases: this.#b };
  }

  /**
   * Whether the last backward pass left every activation and bias gradient finite (so the
   * weight gradients, their products, are finite too): a cheap check, O(m · units).
   */
  gradientsFinite(m: number): boolean {
    let sum = 0;
    for (let l = 2; l <= this.sizes.length; l++) {
      const a = this.#a[l - 1]!, len = m * this.sizes[l - 1]!;
      for (let i = 0; i < len; i++) sum += a[i]! * 0;
    }
    return sum === 0 && allFinite(this.#nablaB);
  }

  /** Index of the largest output for each of the first `m` examples, into `out`. */
  argmax(m: number, out: Int32Array): void {
    const L = this.sizes.length, n = this.sizes[L - 1]!, a = this.#a[L - 1]!;
    for (let j = 0; j < m; j++) out[j] = argmax(a, j * n, n);
  }

  /** Read-only views of the buffers (valid until the next call that writes them). */
  view(): WorkspaceView {
    const L = this.sizes.length;
    return {
      activations: this.#a,
      zs: this.#z,
      masks: this.#masks,
      inputs: Array.from({ length: L }, (_, i) => this.#input(i + 1)),
      nablaW: this.#nablaW,
      nablaB: this.#nablaB,
    };
  }
}
