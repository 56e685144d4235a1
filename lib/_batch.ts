// Matrix-based backpropagation over a whole mini-batch (the book's chapter 2 exercise).
//
// Where the book loops over the examples of a mini-batch and calls `backprop` for each, this
// workspace pushes all m examples through at once as matrix products. All buffers are
// allocated once, when the workspace is made, for the largest mini-batch: the training loop
// allocates nothing. Buffers come from the kernels' `allocate`, in a single call, so a
// WebAssembly backend can keep them in its own memory for the whole run.
//
// Layout (see _kernels.ts): activations of layer l for m examples are an m × sizes[l]
// row-major matrix, one example per row — the book's sizes[l] × m matrix, stored by columns.

import {
  Act,
  type ActCode,
  type Allocation,
  type Buf,
  jsKernels,
  jsKernels32,
  type Kernels,
} from "./_kernels.ts";
import type { ActivationName } from "./activations.ts";
import type { CostName } from "./costs.ts";
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

/** The kernels' code for a layer's activation (softmax is applied after the identity). */
export function kernelCode(name: ActivationName): ActCode {
  return name === "softmax" ? Act.identity : Act[name];
}

/** What a workspace is for: the network's functions and the training state to keep. */
export interface WorkspaceOptions {
  /** Activation of each layer after the input; default all sigmoid (network.py). */
  readonly activations?: readonly ActivationName[];
  /** The cost; default the quadratic cost (network.py). */
  readonly cost?: CostName;
  /** Keep dropout masks for the hidden layers. */
  readonly dropout?: boolean;
  /** Number of optimizer state buffers per parameter array (1 for momentum, 2 for Adam). */
  readonly stateBuffers?: number;
  /** Keep a copy of the parameters from before each step, to hand back on divergence. */
  readonly backup?: boolean;
  /**
   * Sources that `gather` will read. Byte inputs among them are copied once into the
   * kernels' memory (if the kernels have their own), so that `gatherBytes` widens them there.
   */
  readonly data?: readonly Source[];
  /** Length of {@linkcode Workspace.order}: room for a training run's order of examples. */
  readonly orderLength?: number;
}

/** The batched forward and backward pass for one network shape. */
export class Workspace {
  readonly sizes: readonly number[];
  readonly maxBatch: number;
  readonly kernels: Kernels;
  /** Activation of each layer after the input (index l - 1 for layer l). */
  readonly activationNames: readonly ActivationName[];
  /** Kernel codes of the activations; softmax is the identity followed by `softmaxRows`. */
  readonly acts: readonly ActCode[];
  readonly cost: CostName;
  /** Parameters: weights[l] is sizes[l+1] × sizes[l], biases[l] has sizes[l+1] entries. */
  readonly weights: Buf[];
  readonly biases: Buf[];
  /** Gradients summed over the mini-batch, same shapes as the parameters. */
  readonly nablaW: Buf[];
  readonly nablaB: Buf[];
  /** activations[0] is the input batch; activations[l], zs[l], deltas[l] for layers l ≥ 1. */
  readonly activations: Buf[];
  readonly zs: Buf[];
  readonly deltas: Buf[];
  /** Targets of the batch, m × sizes[L-1]. */
  readonly y: Buf;
  /**
   * Dropout, for hidden layers l (1 ≤ l ≤ L-2): masks[l] holds 0 or 1/(1-p) per unit, and
   * dropped[l] = activations[l] ⊙ masks[l] is what the next layer sees. Empty otherwise.
   */
  readonly masks: Buf[];
  readonly dropped: Buf[];
  /** Optimizer state: state[s][l] for weights, state[s][L-1+l] for biases. */
  readonly state: Buf[][];
  /** Parameters before the last step: weights then biases. Empty without `backup`. */
  readonly backupW: Buf[];
  readonly backupB: Buf[];
  /** A training order to shuffle, in the kernels' memory (`options.orderLength` entries). */
  readonly order: Uint32Array;
  /** 0, 1, 2, …: the order for passes over a whole source (as long as the longest source). */
  readonly identity: Uint32Array;
  /** Byte inputs of `options.data` → their copies in the kernels' memory (if it is their own). */
  readonly #resident = new Map<Uint8Array, Uint8Array>();
  /** Whether masks were applied in the last forward pass. */
  #dropping = false;
  /** Everything allocated, for `dispose`. */
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
    this.kernels = kernels;
    const L = sizes.length;
    this.activationNames = options.activations ?? Array.from({ length: L - 1 }, () => "sigmoid");
    this.acts = this.activationNames.map(kernelCode);
    this.cost = options.cost ?? "QuadraticCost";
    const nState = options.stateBuffers ?? 0;
    // One allocation call for everything, so a WebAssembly backend grows its memory once and
    // every kernel call takes its arrays from one allocation.
    const paramLengths: number[] = [];
    for (let l = 0; l < L - 1; l++) paramLengths.push(sizes[l + 1]! * sizes[l]!); // weights
    for (let l = 0; l < L - 1; l++) paramLengths.push(sizes[l + 1]!); // biases
    const batchLengths = sizes.map((s) => maxBatch * s);
    const hidden = sizes.map((s, l) => (options.dropout && l > 0 && l < L - 1 ? maxBatch * s : 0));
    const lengths = [
      ...paramLengths, // weights, biases
      ...paramLengths, // nablaW, nablaB
      ...batchLengths, // activations
      ...batchLengths, // zs (index 0 unused)
      ...batchLengths, // deltas (index 0 unused)
      maxBatch * sizes[L - 1]!, // y
      ...hidden, // masks
      ...hidden, // dropped
      ...Array.from({ length: nState }, () => paramLengths).flat(), // optimizer state
      ...(options.backup ? paramLengths : paramLengths.map(() => 0)), // backup
    ];
    // Byte inputs are copied into the kernels' memory when their kernels need it.
    const sources = options.data ?? [];
    const copies = kernels.ownMemory
      ? [
        ...new Set(sources.flatMap((src) =>
          src.kind === "packed" && src.data.inputs instanceof Uint8Array ? [src.data.inputs] : []
        )),
      ]
      : [];
    const byteOffsets: number[] = [];
    let totalBytes = 0;
    for (const c of copies) {
      byteOffsets.push(totalBytes);
      totalBytes += Math.ceil(c.length / 16) * 16;
    }
    const orderLength = options.orderLength ?? 0;
    const identityLength = Math.max(maxBatch, ...sources.map(sourceLength));
    const alloc = kernels.allocateWith(lengths, totalBytes, orderLength + identityLength);
    this.#alloc = alloc;
    const bufs = alloc.bufs;
    copies.forEach((c, i) => {
      const copy = alloc.bytes.subarray(byteOffsets[i]!, byteOffsets[i]! + c.length);
      copy.set(c);
      this.#resident.set(c, copy);
    });
    this.order = alloc.words.subarray(0, orderLength);
    this.identity = alloc.words.subarray(orderLength);
    for (let i = 0; i < identityLength; i++) this.identity[i] = i;
    let k = 0;
    const take = (n: number) => bufs.slice(k, k += n);
    this.weights = take(L - 1);
    this.biases = take(L - 1);
    this.nablaW = take(L - 1);
    this.nablaB = take(L - 1);
    this.activations = take(L);
    this.zs = take(L);
    this.deltas = take(L);
    this.y = take(1)[0]!;
    this.masks = take(L);
    this.dropped = take(L);
    this.state = Array.from({ length: nState }, () => take(2 * (L - 1)));
    this.backupW = take(L - 1);
    this.backupB = take(L - 1);
  }

  /** The order 0, 1, …, n − 1: `identity` when it is long enough, else a new array. */
  sequence(n: number): Uint32Array {
    return n <= this.identity.length ? this.identity : Uint32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * Hands the workspace's memory back to the kernels for the next workspace. Nothing of
   * this workspace may be used afterwards: its arrays would alias the next one's.
   */
  dispose(): void {
    if (this.#disposed) return; // a second release would hand out memory now in use
    this.#disposed = true;
    this.kernels.release(this.#alloc);
  }

  /** Copies the network's parameters into the workspace. */
  loadParams(weights: readonly Matrix[], biases: readonly Matrix[]): void {
    for (let l = 0; l < weights.length; l++) {
      this.weights[l]!.set(weights[l]!.data);
      this.biases[l]!.set(biases[l]!.data);
    }
  }

  /** Copies the workspace's parameters back into the network's matrices. */
  storeParams(weights: readonly Matrix[], biases: readonly Matrix[]): void {
    for (let l = 0; l < weights.length; l++) {
      weights[l]!.data.set(this.weights[l]!);
      biases[l]!.data.set(this.biases[l]!);
    }
  }

  /** Copies the parameters into the backup (before a step). */
  saveBackup(): void {
    for (let l = 0; l < this.weights.length; l++) {
      this.backupW[l]!.set(this.weights[l]!);
      this.backupB[l]!.set(this.biases[l]!);
    }
  }

  /** Copies the backup (the parameters before the last step) into the network's matrices. */
  storeBackup(weights: readonly Matrix[], biases: readonly Matrix[]): void {
    for (let l = 0; l < weights.length; l++) {
      weights[l]!.data.set(this.backupW[l]!);
      biases[l]!.data.set(this.backupB[l]!);
    }
  }

  /** Whether every parameter is finite. */
  paramsFinite(): boolean {
    let sum = 0;
    for (let l = 0; l < this.weights.length; l++) {
      const w = this.weights[l]!, b = this.biases[l]!;
      for (let i = 0; i < w.length; i++) sum += w[i]! * 0;
      for (let i = 0; i < b.length; i++) sum += b[i]! * 0;
    }
    return sum === 0;
  }

  /**
   * Copies examples `order[start … start + m)` into the input batch, and (with `targets`) their
   * targets into `y`: one-hot rows for class labels, the vector itself otherwise.
   */
  gather(src: Source, order: ArrayLike<number>, start: number, m: number, targets: boolean): void {
    const n0 = this.sizes[0]!, nL = this.sizes[this.sizes.length - 1]!;
    const x = this.activations[0]!, y = this.y;
    if (targets) y.fill(0, 0, m * nL);
    if (src.kind === "packed") {
      const { inputs, inputScale, labels } = src.data;
      if (inputs instanceof Uint8Array) {
        // Bytes copied into the kernels' memory, with an order from this workspace: widened
        // by the kernels. Anything else (all bytes, with the TypeScript kernels) by the
        // TypeScript kernel for the buffer's type, which takes any arrays.
        const bytes = this.#resident.get(inputs);
        const own = order === this.order || order === this.identity;
        if (bytes !== undefined && own && order instanceof Uint32Array) {
          this.kernels.gatherBytes(m, n0, bytes, order, start, inputScale, x);
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

  /** What layer `l` passes on to layer `l + 1`: its activations, after dropout if any. */
  input(l: number): Buf {
    return this.#dropping && l > 0 && l < this.sizes.length - 1
      ? this.dropped[l]!
      : this.activations[l]!;
  }

  /**
   * Forward pass for the first `m` rows of the input batch: `z = w·a + b`, `a = f(z)`. With
   * `dropout` (a probability p and a generator), each hidden unit of each example is kept
   * with probability 1 − p and scaled by 1/(1 − p) ("inverted" dropout: nothing to rescale
   * at test time); the book's chapter 3 halves the weights after training instead.
   */
  forward(m: number, dropout?: { readonly p: number; readonly rng: Random }): void {
    const k = this.kernels, s = this.sizes, L = s.length;
    this.#dropping = dropout !== undefined && dropout.p > 0 && this.masks[1]!.length > 0;
    for (let l = 1; l < L; l++) {
      // Row-major m × n_out result of (m × n_in) · (n_out × n_in)ᵀ: the book's w·a, batched.
      k.gemmNT(m, s[l]!, s[l - 1]!, this.input(l - 1), this.weights[l - 1]!, this.zs[l]!);
      k.biasActivate(
        this.acts[l - 1]!,
        m,
        s[l]!,
        this.zs[l]!,
        this.biases[l - 1]!,
        this.activations[l]!,
      );
      if (l === L - 1 && this.activationNames[l - 1] === "softmax") {
        k.softmaxRows(m, s[l]!, this.zs[l]!, this.activations[l]!);
      }
      if (this.#dropping && l < L - 1) this.#drop(l, m * s[l]!, dropout!);
    }
  }

  #drop(l: number, len: number, dropout: { readonly p: number; readonly rng: Random }): void {
    const mask = this.masks[l]!, a = this.activations[l]!, out = this.dropped[l]!;
    const keep = 1 / (1 - dropout.p);
    for (let i = 0; i < len; i++) {
      const v = dropout.rng.uniform() < dropout.p ? 0 : keep;
      mask[i] = v;
      out[i] = a[i]! * v;
    }
  }

  /**
   * The cost summed over the first `m` examples, from the last forward pass and gathered
   * targets (without any regularization term). Cross-entropy and log-likelihood are computed
   * from z, so that they stay finite where a has rounded to 0 or 1.
   */
  costSum(m: number): number {
    const L = this.sizes.length, n = this.sizes[L - 1]!;
    const a = this.activations[L - 1]!, z = this.zs[L - 1]!, y = this.y;
    let cost = 0;
    if (this.cost === "QuadraticCost") {
      for (let i = 0; i < m * n; i++) cost += (a[i]! - y[i]!) ** 2;
      return cost / 2;
    }
    if (this.cost === "CrossEntropyCost") {
      // −y ln σ(z) − (1 − y) ln(1 − σ(z)) = y·softplus(−z) + (1 − y)·softplus(z).
      for (let i = 0; i < m * n; i++) {
        const v = z[i]!, t = y[i]!;
        const sp = Math.log1p(Math.exp(-Math.abs(v)));
        cost += t * (Math.max(-v, 0) + sp) + (1 - t) * (Math.max(v, 0) + sp);
      }
      return cost;
    }
    // Log-likelihood: −Σ y ln softmax(z) = Σy · logsumexp(z) − Σ y·z, row by row.
    for (let r = 0; r < m; r++) {
      const o = r * n;
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, z[o + i]!);
      let sumExp = 0, sumY = 0, yz = 0;
      for (let i = 0; i < n; i++) {
        sumExp += Math.exp(z[o + i]! - max);
        sumY += y[o + i]!;
        yz += y[o + i]! * (z[o + i]! - max);
      }
      cost += sumY * Math.log(sumExp) - yz;
    }
    return cost;
  }

  /** BP1: the output error δᴸ of the first `m` examples, into `deltas[L-1]`. */
  #outputDelta(m: number): void {
    const k = this.kernels, L = this.sizes.length, n = this.sizes[L - 1]!;
    const a = this.activations[L - 1]!, d = this.deltas[L - 1]!, y = this.y;
    // ∇ₐC = a − y for the quadratic cost; δᴸ = a − y itself for cross-entropy with sigmoid
    // outputs (the book's equation 66) and log-likelihood with softmax (equation 84).
    k.sub(m * n, a, y, d);
    if (this.cost === "LogLikelihoodCost") {
      // δᴸ = a·Σy − y, which is a − y when y sums to 1 (one-hot); fix the rows that do not.
      for (let r = 0; r < m; r++) {
        let sumY = 0;
        for (let i = 0; i < n; i++) sumY += y[r * n + i]!;
        if (sumY !== 1) {
          for (let i = 0; i < n; i++) d[r * n + i] = a[r * n + i]! * sumY - y[r * n + i]!;
        }
      }
      return;
    }
    if (this.cost !== "QuadraticCost") return;
    if (this.activationNames[L - 2] === "softmax") {
      // Through softmax's Jacobian: δ = a ⊙ (g − aᵀg), one example per row.
      for (let r = 0; r < m; r++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[r * n + i]! * d[r * n + i]!;
        for (let i = 0; i < n; i++) d[r * n + i] = a[r * n + i]! * (d[r * n + i]! - dot);
      }
      return;
    }
    // ⊙ σ'(zᴸ), or f'(zᴸ) for another elementwise activation.
    k.activationPrimeMul(this.acts[L - 2]!, m * n, this.zs[L - 1]!, a, d);
  }

  /**
   * Backward pass after `forward(m)` and `gather(…, targets)`. Fills `nablaW` and `nablaB`
   * with gradients summed over the batch and returns the summed cost.
   */
  backward(m: number): number {
    const k = this.kernels, s = this.sizes;
    const cost = this.backwardDeltas(m);
    for (let l = s.length - 1; l >= 1; l--) {
      // BP4: ∂C/∂w = δ · aᵀ of the layer before, summed over the batch (Δᵀ · A).
      k.gemmTN(s[l]!, s[l - 1]!, m, this.deltas[l]!, this.input(l - 1), this.nablaW[l - 1]!);
    }
    return cost;
  }

  /**
   * The backward pass up to the weight gradients: returns the summed cost and fills every
   * layer's δ (BP1, BP2) and `nablaB` (BP3). `backward` adds `nablaW`; `stepFused` goes
   * straight to the update instead.
   */
  backwardDeltas(m: number): number {
    const k = this.kernels, s = this.sizes, L = s.length;
    const cost = this.costSum(m);
    this.#outputDelta(m);
    for (let l = L - 1; l >= 1; l--) {
      const d = this.deltas[l]!;
      // BP3: ∂C/∂b = δ, summed over the batch.
      k.columnSums(m, s[l]!, d, this.nablaB[l - 1]!);
      if (l > 1) {
        // BP2: δˡ = (wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ) — here Δ · W, one example per row.
        const dPrev = this.deltas[l - 1]!, len = m * s[l - 1]!;
        k.gemmNN(m, s[l - 1]!, s[l]!, d, this.weights[l - 1]!, dPrev);
        if (this.#dropping) {
          // A dropped unit passes nothing back; a kept one its gradient times 1/(1 − p).
          const mask = this.masks[l - 1]!;
          for (let i = 0; i < len; i++) dPrev[i] = dPrev[i]! * mask[i]!;
        }
        k.activationPrimeMul(
          this.acts[l - 2]!,
          len,
          this.zs[l - 1]!,
          this.activations[l - 1]!,
          dPrev,
        );
      }
    }
    return cost;
  }

  /**
   * One step of plain gradient descent from the last `backwardDeltas(m)`: for each layer
   * `b ← b + α·Σδ` and `W ← β·W + (αΔ)ᵀ·A` (with α = −η/m and β = 1 − ηλ/n, network2.py's L2
   * rule). The weight gradient goes straight into the update, never stored, and the deltas
   * are scaled by α in place (they are spent). The new weights are written into the backup
   * buffers, which then trade places with the weights: the backup holds the parameters from
   * before the step, as `saveBackup` would, without a copy.
   */
  stepFused(m: number, alpha: number, beta: number): void {
    if (this.backupW[0]!.length !== this.weights[0]!.length) {
      throw new Error("stepFused needs a workspace made with backup: true");
    }
    const k = this.kernels, s = this.sizes;
    for (let l = 1; l < s.length; l++) {
      const w = this.weights[l - 1]!, next = this.backupW[l - 1]!, d = this.deltas[l]!;
      const b = this.biases[l - 1]!;
      this.backupB[l - 1]!.set(b);
      k.axpby(b.length, alpha, this.nablaB[l - 1]!, 1, b);
      k.axpby(m * s[l]!, alpha, d, 0, d);
      k.gemmTNAdd(s[l]!, s[l - 1]!, m, d, this.input(l - 1), beta, w, next);
      this.weights[l - 1] = next;
      this.backupW[l - 1] = w;
    }
  }

  /**
   * Whether the last backward pass left every activation and bias gradient finite (so the
   * weight gradients, their products, are finite too): a cheap check, O(m · units).
   */
  gradientsFinite(m: number): boolean {
    let sum = 0;
    for (let l = 1; l < this.sizes.length; l++) {
      const a = this.activations[l]!, nb = this.nablaB[l - 1]!;
      const len = m * this.sizes[l]!;
      for (let i = 0; i < len; i++) sum += a[i]! * 0;
      for (let i = 0; i < nb.length; i++) sum += nb[i]! * 0;
    }
    return sum === 0;
  }

  /** Index of the largest output for each of the first `m` examples, into `out`. */
  argmax(m: number, out: Int32Array): void {
    const L = this.sizes.length, n = this.sizes[L - 1]!, a = this.activations[L - 1]!;
    for (let j = 0; j < m; j++) {
      let best = 0;
      for (let i = 1; i < n; i++) if (a[j * n + i]! > a[j * n + best]!) best = i;
      out[j] = best;
    }
  }
}
