// Matrix-based backpropagation over a whole mini-batch (the book's chapter 2 exercise).
//
// Where the book loops over the examples of a mini-batch and calls `backprop` for each, this
// workspace pushes all m examples through at once as matrix products. All buffers are
// allocated once, when the workspace is made, for the largest mini-batch: the training loop
// allocates nothing. Buffers come from the kernels' `allocate`, so a WebAssembly backend can
// keep them in its own memory for the whole run.
//
// Layout (see _kernels.ts): activations of layer l for m examples are an m × sizes[l]
// row-major matrix, one example per row — the book's sizes[l] × m matrix, stored by columns.

import { Act, type ActCode, type Buf, type Kernels } from "./_kernels.ts";
import type { PackedData } from "./dataset.ts";
import type { Matrix } from "./matrix.ts";

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

/** The batched forward and backward pass for one network shape. */
export class Workspace {
  readonly sizes: readonly number[];
  readonly maxBatch: number;
  readonly kernels: Kernels;
  /** Activation of each layer after the input (index l - 1 for layer l). */
  readonly acts: readonly ActCode[];
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

  constructor(sizes: readonly number[], maxBatch: number, kernels: Kernels, acts?: ActCode[]) {
    this.sizes = sizes;
    this.maxBatch = maxBatch;
    this.kernels = kernels;
    const L = sizes.length;
    this.acts = acts ?? Array.from({ length: L - 1 }, () => Act.sigmoid);
    // One allocation call for everything, so a WebAssembly backend grows its memory once.
    const lengths: number[] = [];
    for (let l = 0; l < L - 1; l++) lengths.push(sizes[l + 1]! * sizes[l]!); // weights
    for (let l = 0; l < L - 1; l++) lengths.push(sizes[l + 1]!); // biases
    for (let l = 0; l < L - 1; l++) lengths.push(sizes[l + 1]! * sizes[l]!); // nablaW
    for (let l = 0; l < L - 1; l++) lengths.push(sizes[l + 1]!); // nablaB
    for (let l = 0; l < L; l++) lengths.push(maxBatch * sizes[l]!); // activations
    for (let l = 0; l < L; l++) lengths.push(maxBatch * sizes[l]!); // zs (index 0 unused)
    for (let l = 0; l < L; l++) lengths.push(maxBatch * sizes[l]!); // deltas (index 0 unused)
    lengths.push(maxBatch * sizes[L - 1]!); // y
    const bufs = kernels.allocate(lengths);
    let k = 0;
    const take = (n: number) => bufs.slice(k, k += n);
    this.weights = take(L - 1);
    this.biases = take(L - 1);
    this.nablaW = take(L - 1);
    this.nablaB = take(L - 1);
    this.activations = take(L);
    this.zs = take(L);
    this.deltas = take(L);
    this.y = bufs[k]!;
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
      for (let j = 0; j < m; j++) {
        const e = order[start + j]!;
        const off = e * n0, row = j * n0;
        if (inputScale === 1) {
          for (let i = 0; i < n0; i++) x[row + i] = inputs[off + i]!;
        } else {
          for (let i = 0; i < n0; i++) x[row + i] = inputs[off + i]! * inputScale;
        }
        if (targets) y[j * nL + labels[e]!] = 1;
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

  /** Forward pass for the first `m` rows of the input batch: `z = w·a + b`, `a = σ(z)`. */
  forward(m: number): void {
    const k = this.kernels, s = this.sizes;
    for (let l = 1; l < s.length; l++) {
      // Row-major m × n_out result of (m × n_in) · (n_out × n_in)ᵀ: the book's w·a, batched.
      k.gemmNT(m, s[l]!, s[l - 1]!, this.activations[l - 1]!, this.weights[l - 1]!, this.zs[l]!);
      k.biasActivate(
        this.acts[l - 1]!,
        m,
        s[l]!,
        this.zs[l]!,
        this.biases[l - 1]!,
        this.activations[l]!,
      );
    }
  }

  /**
   * Backward pass after `forward(m)` and `gather(…, targets)`, for the quadratic cost. Fills
   * `nablaW` and `nablaB` with gradients summed over the batch and returns the summed cost
   * `Σ_x ½‖a − y‖²`.
   */
  backward(m: number): number {
    const k = this.kernels, s = this.sizes, L = s.length;
    const aL = this.activations[L - 1]!, dL = this.deltas[L - 1]!, y = this.y;
    const nL = s[L - 1]!;
    // BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), with ∇ₐC = a − y for the quadratic cost.
    k.sub(m * nL, aL, y, dL);
    let cost = 0;
    for (let i = 0; i < m * nL; i++) cost += dL[i]! * dL[i]!;
    k.activationPrimeMul(this.acts[L - 2]!, m * nL, this.zs[L - 1]!, aL, dL);
    for (let l = L - 1; l >= 1; l--) {
      const d = this.deltas[l]!;
      // BP3: ∂C/∂b = δ, summed over the batch.
      k.columnSums(m, s[l]!, d, this.nablaB[l - 1]!);
      // BP4: ∂C/∂w = δ · aᵀ of the layer before, summed over the batch (Δᵀ · A).
      k.gemmTN(s[l]!, s[l - 1]!, m, d, this.activations[l - 1]!, this.nablaW[l - 1]!);
      if (l > 1) {
        // BP2: δˡ = (wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ) — here Δ · W, one example per row.
        const dPrev = this.deltas[l - 1]!;
        k.gemmNN(m, s[l - 1]!, s[l]!, d, this.weights[l - 1]!, dPrev);
        k.activationPrimeMul(
          this.acts[l - 2]!,
          m * s[l - 1]!,
          this.zs[l - 1]!,
          this.activations[l - 1]!,
          dPrev,
        );
      }
    }
    return cost / 2;
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
      for (let i = 0; i < len; i++) sum += a[i]!;
      for (let i = 0; i < nb.length; i++) sum += nb[i]!;
    }
    return Number.isFinite(sum);
  }

  /** Gradient step `w ← w − (η/m) ∇w`, `b ← b − (η/m) ∇b`. */
  step(eta: number, m: number): void {
    const k = this.kernels;
    for (let l = 0; l < this.weights.length; l++) {
      const w = this.weights[l]!, b = this.biases[l]!;
      k.axpby(w.length, -eta / m, this.nablaW[l]!, 1, w);
      k.axpby(b.length, -eta / m, this.nablaB[l]!, 1, b);
    }
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
