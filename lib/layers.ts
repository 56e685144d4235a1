// The layers of network3.py (chapter 6), with its names: `ConvPoolLayer`,
// `FullyConnectedLayer`, `SoftmaxLayer`. Each layer's forward pass sits beside its backward
// pass, and the backward pass says which step of backpropagation it takes, as BP1–BP4 do for
// today's `Network`: network3.py leaves all of it to Theano's `T.grad`.
//
// One file for the three: they share the activations, the shape checks (`checkLayers`, which
// names both layers of a mismatch) and the batch's buffers (`LayerStack`), and a layer means
// little without the ones beside it. Internal for now: the network built from them (network3's
// `Network`, with `sgd`) comes after the training loop's refactor.
//
// Where we differ from network3.py:
// - No mini-batch dimension in `imageShape`: a layer works on any batch of m examples.
// - `w` is `nOut × nIn` as in network.py (one neuron's weights per row), where network3.py
//   stores `n_in × n_out` for `T.dot(inpt, w)`.
// - The conv layer adds its bias before pooling, network3.py after: max(v + b) = max(v) + b
//   exactly (rounding is monotonic), so the outputs are the same.
// - Batches are row-major, one example per row (as lib/_kernels.ts): an image is C × H × W.

import { Act, type ActCode, type Buf, convWorkLength, type Kernels } from "./_kernels.ts";
import type { LayerBuffers } from "./_layer_stack.ts";
import { Random } from "./random.ts";

/** network3.py's activations: `sigmoid` (its default), `ReLU`, `tanh` and `linear`. */
export type LayerActivation = "sigmoid" | "relu" | "tanh" | "linear";

const ACTS: Record<LayerActivation, ActCode> = {
  sigmoid: Act.sigmoid,
  relu: Act.relu,
  tanh: Act.tanh,
  linear: Act.identity, // network3's `linear` is our identity
};

/** Options of a {@linkcode ConvPoolLayer}, as network3.py's arguments. */
export interface ConvPoolLayerOptions {
  /** `[F, C, KH, KW]`: F filters of C channels, each KH × KW (network3: `filter_shape`). */
  readonly filterShape: readonly [number, number, number, number];
  /** `[C, H, W]`: the input image (network3's `image_shape` without the mini-batch size). */
  readonly imageShape: readonly [number, number, number];
  /** `[PH, PW]`: max-pooling windows, non-overlapping (network3: `poolsize`); default `[2, 2]`. */
  readonly poolSize?: readonly [number, number];
  /** Default `"sigmoid"`, as network3.py. */
  readonly activation?: LayerActivation;
}

/** Options of a {@linkcode FullyConnectedLayer}. */
export interface FullyConnectedLayerOptions {
  /** Inputs (network3: `n_in`). */
  readonly nIn: number;
  /** Neurons (network3: `n_out`). */
  readonly nOut: number;
  /** Default `"sigmoid"`, as network3.py. */
  readonly activation?: LayerActivation;
  /** Probability that an input is dropped in training; default 0. */
  readonly pDropout?: number;
}

/** Options of a {@linkcode SoftmaxLayer}. */
export interface SoftmaxLayerOptions {
  /** Inputs (network3: `n_in`). */
  readonly nIn: number;
  /** Outputs, one per class (network3: `n_out`). */
  readonly nOut: number;
  /** Probability that an input is dropped in training; default 0. */
  readonly pDropout?: number;
}

function positiveIntegers(what: string, v: unknown, n: number, names: string): number[] {
  if (!Array.isArray(v) || v.length !== n) {
    throw new TypeError(`${what} must be an array of ${n} numbers [${names}], got ${show(v)}`);
  }
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 1) {
      throw new RangeError(`${what}[${i}] must be a positive integer, got ${show(x)}`);
    }
  });
  return [...v];
}

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function activationOf(layer: string, v: unknown): LayerActivation {
  if (v === undefined) return "sigmoid";
  if (typeof v !== "string" || !(v in ACTS)) {
    throw new TypeError(
      `${layer} activation must be one of ${Object.keys(ACTS).join(", ")}, got ${show(v)}`,
    );
  }
  return v as LayerActivation;
}

function dropoutOf(layer: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !(v >= 0 && v < 1)) {
    throw new RangeError(`${layer} pDropout must be a number in [0, 1), got ${show(v)}`);
  }
  return v;
}

function countOf(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${show(v)}`);
  }
  return v;
}

/** Normal samples with mean 0 and standard deviation `sd`. */
function normal(n: number, sd: number, rng: Random): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sd * rng.gaussian();
  return out;
}

/**
 * A convolution (valid, stride 1) followed by max-pooling and the activation: network3.py's
 * `ConvPoolLayer`. Its output is `F × ⌊OH/PH⌋ × ⌊OW/PW⌋` with `OH = H − KH + 1`, `OW = W − KW +
 * 1` (the pool must divide OH and OW).
 *
 * @example The book's first conv layer on MNIST
 * ```ts
 * import { ConvPoolLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const layer = new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] });
 * assert.deepEqual(layer.outputShape, [20, 12, 12]);
 * assert.equal(layer.w.length, 20 * 25);
 * assert.throws(
 *   () => new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], poolSize: [5, 5] }),
 *   /pool 5×5 does not divide the 24×24 feature map/,
 * );
 * ```
 */
export class ConvPoolLayer {
  /** `[F, C, KH, KW]`: F filters of C channels, KH × KW each. */
  readonly filterShape: readonly [number, number, number, number];
  /** `[C, H, W]`: the input image. */
  readonly imageShape: readonly [number, number, number];
  /** `[PH, PW]`: the max-pooling windows. */
  readonly poolSize: readonly [number, number];
  /** The activation, applied after pooling. */
  readonly activation: LayerActivation;
  /** Inputs, `C·H·W`. */
  readonly nIn: number;
  /** Outputs, `F·(OH/PH)·(OW/PW)`. */
  readonly nOut: number;
  /** `[F, OH/PH, OW/PW]`. */
  readonly outputShape: readonly [number, number, number];
  /** Filters, `F × C × KH × KW`, row-major. */
  w: Float64Array;
  /** Biases, one per filter. */
  b: Float64Array;

  /**
   * Filters from N(0, 1/n_out) with n_out = F·KH·KW/(PH·PW), biases from N(0, 1), as
   * network3.py initializes them.
   */
  constructor(options: ConvPoolLayerOptions, rng: Random = new Random()) {
    const L = "ConvPoolLayer";
    const o = options as Partial<ConvPoolLayerOptions> | undefined;
    const [f, c, kh, kw] = positiveIntegers(`${L} filterShape`, o?.filterShape, 4, "F, C, KH, KW");
    const [ci, h, w] = positiveIntegers(`${L} imageShape`, o?.imageShape, 3, "C, H, W");
    const [ph, pw] = positiveIntegers(`${L} poolSize`, o?.poolSize ?? [2, 2], 2, "PH, PW");
    if (c !== ci) {
      throw new RangeError(
        `${L} filterShape [${f}, ${c}, ${kh}, ${kw}] has ${c} channels, but imageShape [${ci}, ${h}, ${w}] has ${ci}`,
      );
    }
    if (kh! > h! || kw! > w!) {
      throw new RangeError(`${L} filter ${kh}×${kw} is larger than the image ${h}×${w}`);
    }
    const oh = h! - kh! + 1, ow = w! - kw! + 1;
    if (oh % ph! !== 0 || ow % pw! !== 0) {
      throw new RangeError(
        `${L} pool ${ph}×${pw} does not divide the ${oh}×${ow} feature map (a ${h}×${w} image, filter ${kh}×${kw})`,
      );
    }
    this.activation = activationOf(L, o?.activation);
    this.filterShape = Object.freeze([f!, c!, kh!, kw!] as const);
    this.imageShape = Object.freeze([c!, h!, w!] as const);
    this.poolSize = Object.freeze([ph!, pw!] as const);
    this.outputShape = Object.freeze([f!, oh / ph!, ow / pw!] as const);
    this.nIn = c! * h! * w!;
    this.nOut = f! * (oh / ph!) * (ow / pw!);
    this.w = new Float64Array(f! * c! * kh! * kw!);
    this.b = new Float64Array(f!);
    this.initialize(rng);
  }

  /**
   * Draws new parameters from `rng`: filters from N(0, 1/n_out) with n_out = F·KH·KW/(PH·PW),
   * biases from N(0, 1), as network3.py initializes them.
   *
   * @param rng The generator.
   *
   * @example Same seed, same filters
   * ```ts
   * import { ConvPoolLayer, Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 6, 6] });
   * const b = new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 6, 6] });
   * a.initialize(new Random(1));
   * b.initialize(new Random(1));
   * assert.deepEqual(a.w, b.w);
   * ```
   */
  initialize(rng: Random): void {
    const [f, , kh, kw] = this.filterShape, [ph, pw] = this.poolSize;
    this.w.set(normal(this.w.length, Math.sqrt((ph * pw) / (f * kh * kw)), rng));
    this.b.set(normal(this.b.length, 1, rng));
  }

  /**
   * Buffer lengths for a batch of m, by name (internal: the stack allocates them).
   *
   * @ignore
   */
  lengths(m: number): Record<string, number> {
    const [f, c, kh, kw] = this.filterShape, [, h, w] = this.imageShape;
    const conv = m * f * (h - kh + 1) * (w - kw + 1);
    return {
      conv,
      convDelta: conv,
      work: convWorkLength(m, c, h, w, f, kh, kw),
      zeros: this.outputShape[1] * this.outputShape[2],
    };
  }

  /**
   * Forward: `conv = x ∗ w + b` (valid, stride 1), `z = maxpool(conv)`, `a = σ(z)`. The
   * pooled map's argmax is kept for the backward pass. (`training` is unused: no dropout.)
   *
   * @ignore
   */
  forward(k: Kernels, m: number, x: Buf, s: LayerBuffers, _training: boolean): void {
    const [f, c, kh, kw] = this.filterShape, [, h, w] = this.imageShape;
    const [ph, pw] = this.poolSize, [, oh, ow] = this.outputShape;
    k.convForward(m, c, h, w, f, kh, kw, x, s.w, s.b, s.conv!, s.work!);
    k.maxPoolForward(m, f, h - kh + 1, w - kw + 1, ph, pw, s.conv!, s.z, s.argmax!);
    k.biasActivate(ACTS[this.activation], m * f, oh * ow, s.z, s.zeros!, s.a); // z + 0, f(z)
  }

  /**
   * Backward, from `s.delta = ∂C/∂a`:
   * - δ = ∂C/∂a ⊙ f'(z) (BP2's `⊙ σ'(z)`), at the pooled map;
   * - max-pooling routes δ to the winning input of each window; every other input of the
   *   convolution's output gets 0 (it did not change the output);
   * - ∂C/∂w[f, c, p, q] = Σ_{e,i,j} δ[e, f, i, j] · x[e, c, i + p, j + q], a convolution of the
   *   input with δ (BP4's `δ · aᵀ`, shared weights summed over every position); ∂C/∂b[f] =
   *   Σ δ[·, f, ·] (BP3, summed the same way);
   * - the error passed back, ∂C/∂x[e, c, y, z] = Σ_{f,p,q} δ[e, f, y − p, z − q] · w[f, c, p,
   *   q], is a full convolution of δ with the flipped filters (BP2's `wᵀ · δ`), into `dx`
   *   when the layer below needs it.
   *
   * @ignore
   */
  backward(k: Kernels, m: number, x: Buf, s: LayerBuffers, dx: Buf | undefined): void {
    const [f, c, kh, kw] = this.filterShape, [, h, w] = this.imageShape, [ph, pw] = this.poolSize;
    const oh = h - kh + 1, ow = w - kw + 1;
    k.activationPrimeMul(ACTS[this.activation], m * this.nOut, s.z, s.a, s.delta);
    k.maxPoolBackward(m, f, oh, ow, ph, pw, s.delta, s.argmax!, s.convDelta!);
    k.convBackwardFilters(m, c, h, w, f, kh, kw, x, s.convDelta!, s.gw, s.gb, s.work!);
    if (dx !== undefined) {
      k.convBackwardInput(m, c, h, w, f, kh, kw, s.convDelta!, s.w, dx, s.work!);
    }
  }

  /** `ConvPoolLayer 20×1×5×5 on 1×28×28, pool 2×2, sigmoid → 20×12×12`. */
  toString(): string {
    return `ConvPoolLayer ${this.filterShape.join("×")} on ${this.imageShape.join("×")}, pool ${
      this.poolSize.join("×")
    }, ${this.activation} → ${this.outputShape.join("×")}`;
  }
}

/**
 * What the dense layers share: `z = x̃ · wᵀ + b` with x̃ the input after dropout in training,
 * or `(1 − pDropout)·x · wᵀ + b` at inference, as network3.py scales it.
 *
 * @example
 * ```ts
 * import { DenseLayer, FullyConnectedLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new FullyConnectedLayer({ nIn: 3, nOut: 2 }) instanceof DenseLayer);
 * ```
 */
export abstract class DenseLayer {
  /** Inputs. */
  readonly nIn: number;
  /** Neurons. */
  readonly nOut: number;
  /** Probability that an input is dropped in training. */
  readonly pDropout: number;
  /** Weights, `nOut × nIn` (row j: neuron j's weights). */
  w: Float64Array;
  /** Biases, one per neuron. */
  b: Float64Array;

  /**
   * Checks the sizes and dropout of a layer called `name`.
   *
   * @param name The layer's class name, for errors.
   * @param o `nIn`, `nOut`, `pDropout`.
   */
  constructor(name: string, o: Partial<SoftmaxLayerOptions> | undefined) {
    this.nIn = countOf(`${name} nIn`, o?.nIn);
    this.nOut = countOf(`${name} nOut`, o?.nOut);
    this.pDropout = dropoutOf(name, o?.pDropout);
    this.w = new Float64Array(this.nOut * this.nIn);
    this.b = new Float64Array(this.nOut);
  }

  /** Draws new parameters (see the subclasses). */
  abstract initialize(rng: Random): void;

  /** `[nOut]`. */
  get outputShape(): readonly [number] {
    return [this.nOut];
  }

  /**
   * Buffer lengths for a batch of m (internal).
   *
   * @ignore
   */
  lengths(m: number): Record<string, number> {
    return this.pDropout > 0 ? { mask: m * this.nIn, xd: m * this.nIn } : {};
  }

  /**
   * `z = x̃ · wᵀ + b`, and `a = f(z)` by `activate`.
   *
   * @ignore
   */
  protected weighted(k: Kernels, m: number, x: Buf, s: LayerBuffers, training: boolean): void {
    let input = x;
    if (this.pDropout > 0 && training) {
      input = s.xd!; // x̃ = x ⊙ mask, kept for the weight gradient
      for (let i = 0; i < m * this.nIn; i++) input[i] = x[i]! * s.mask![i]!;
    }
    k.gemmNT(m, this.nOut, this.nIn, input, s.w, s.z);
    if (this.pDropout > 0 && !training) k.axpby(m * this.nOut, 0, s.z, 1 - this.pDropout, s.z);
  }

  /**
   * From `s.delta = ∂C/∂z` (δ): ∂C/∂b = Σ_e δ (BP3), ∂C/∂w = δᵀ · x̃ (BP4), and the error
   * passed back ∂C/∂x = (δ · w) ⊙ mask (BP2's `wᵀ · δ`; a dropped input had no effect).
   *
   * @ignore
   */
  protected backWeighted(
    k: Kernels,
    m: number,
    x: Buf,
    s: LayerBuffers,
    dx: Buf | undefined,
  ): void {
    const input = this.pDropout > 0 ? s.xd! : x;
    k.columnSums(m, this.nOut, s.delta, s.gb);
    k.gemmTN(this.nOut, this.nIn, m, s.delta, input, s.gw);
    if (dx === undefined) return;
    k.gemmNN(m, this.nIn, this.nOut, s.delta, s.w, dx);
    if (this.pDropout > 0) { for (let i = 0; i < m * this.nIn; i++) dx[i] = dx[i]! * s.mask![i]!; }
  }
}

/**
 * A fully connected layer, `a = f(w·x + b)`: network3.py's `FullyConnectedLayer`.
 *
 * @example
 * ```ts
 * import { FullyConnectedLayer, Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const layer = new FullyConnectedLayer({ nIn: 2880, nOut: 100, activation: "relu", pDropout: 0.5 }, new Random(1));
 * assert.equal(String(layer), "FullyConnectedLayer 2880 → 100, relu, pDropout 0.5");
 * ```
 */
export class FullyConnectedLayer extends DenseLayer {
  /** The activation (network3.py's default: sigmoid). */
  readonly activation: LayerActivation;

  /**
   * Weights from N(0, 1/nOut), biases from N(0, 1), as network3.py initializes them.
   *
   * @param options `nIn`, `nOut`, `activation`, `pDropout`.
   * @param rng The generator of the initial parameters.
   */
  constructor(options: FullyConnectedLayerOptions, rng: Random = new Random()) {
    const L = "FullyConnectedLayer";
    super(L, options);
    this.activation = activationOf(L, (options as Partial<FullyConnectedLayerOptions>)?.activation);
    this.initialize(rng);
  }

  /**
   * Draws new parameters from `rng`: weights from N(0, 1/nOut), biases from N(0, 1), as
   * network3.py initializes them.
   *
   * @param rng The generator.
   *
   * @example
   * ```ts
   * import { FullyConnectedLayer, Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const layer = new FullyConnectedLayer({ nIn: 4, nOut: 3 }, new Random(1));
   * const before = layer.w.slice();
   * layer.initialize(new Random(1));
   * assert.deepEqual(layer.w, before);
   * ```
   */
  override initialize(rng: Random): void {
    this.w.set(normal(this.w.length, Math.sqrt(1 / this.nOut), rng));
    this.b.set(normal(this.b.length, 1, rng));
  }

  /**
   * Forward: `z = w·x̃ + b`, `a = f(z)`.
   *
   * @ignore
   */
  forward(k: Kernels, m: number, x: Buf, s: LayerBuffers, training: boolean): void {
    this.weighted(k, m, x, s, training);
    k.biasActivate(ACTS[this.activation], m, this.nOut, s.z, s.b, s.a);
  }

  /**
   * Backward, from `s.delta = ∂C/∂a`: δ = ∂C/∂a ⊙ f'(z) (BP2), then BP3, BP4 and `wᵀδ`.
   *
   * @ignore
   */
  backward(k: Kernels, m: number, x: Buf, s: LayerBuffers, dx: Buf | undefined): void {
    k.activationPrimeMul(ACTS[this.activation], m * this.nOut, s.z, s.a, s.delta);
    this.backWeighted(k, m, x, s, dx);
  }

  /** `FullyConnectedLayer 2880 → 100, relu, pDropout 0.5`. */
  override toString(): string {
    const drop = this.pDropout > 0 ? `, pDropout ${this.pDropout}` : "";
    return `FullyConnectedLayer ${this.nIn} → ${this.nOut}, ${this.activation}${drop}`;
  }
}

/**
 * A softmax output layer with the log-likelihood cost `C = −ln a_y`: network3.py's
 * `SoftmaxLayer`. Weights and biases start at zero, as network3.py's.
 *
 * @example
 * ```ts
 * import { SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(new SoftmaxLayer({ nIn: 100, nOut: 10 })), "SoftmaxLayer 100 → 10");
 * ```
 */
export class SoftmaxLayer extends DenseLayer {
  /**
   * Makes the layer with zero weights and biases.
   *
   * @param options `nIn`, `nOut`, `pDropout`.
   */
  constructor(options: SoftmaxLayerOptions) {
    super("SoftmaxLayer", options);
  }

  /**
   * Sets the weights and biases to zero, as network3.py initializes a softmax layer (`rng` is
   * not used: zeros break no symmetry here, the layers below do).
   *
   * @param _rng Unused.
   *
   * @example
   * ```ts
   * import { Random, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const layer = new SoftmaxLayer({ nIn: 4, nOut: 3 });
   * layer.w[0] = 1;
   * layer.initialize(new Random(1));
   * assert.ok(layer.w.every((v) => v === 0));
   * ```
   */
  override initialize(_rng: Random): void {
    this.w.fill(0);
    this.b.fill(0);
  }

  /**
   * Forward: `z = w·x̃ + b`, `a = softmax(z)`.
   *
   * @ignore
   */
  forward(k: Kernels, m: number, x: Buf, s: LayerBuffers, training: boolean): void {
    this.weighted(k, m, x, s, training);
    k.biasActivate(Act.identity, m, this.nOut, s.z, s.b, s.a); // z += b (a is overwritten)
    k.softmaxRows(m, this.nOut, s.z, s.a);
  }

  /**
   * Backward, from `s.delta` already holding δ = ∂C/∂z = a − y (BP1 for softmax with the
   * log-likelihood: the softmax's Jacobian and the cost's derivative cancel to this).
   *
   * @ignore
   */
  backward(k: Kernels, m: number, x: Buf, s: LayerBuffers, dx: Buf | undefined): void {
    this.backWeighted(k, m, x, s, dx);
  }

  /** `SoftmaxLayer 100 → 10`. */
  override toString(): string {
    const drop = this.pDropout > 0 ? `, pDropout ${this.pDropout}` : "";
    return `SoftmaxLayer ${this.nIn} → ${this.nOut}${drop}`;
  }
}

/** One of network3.py's layers. */
export type Layer = ConvPoolLayer | FullyConnectedLayer | SoftmaxLayer;

const layerName = (l: Layer) => l.constructor.name;
const shapeText = (shape: readonly number[], n: number) =>
  shape.length === 1 ? `${n}` : `${shape.join("×")} = ${n}`;

/**
 * Checks that the layers fit together: each layer's input is the previous layer's output (a
 * conv layer after a conv layer: the same C × H × W; otherwise the same number of values),
 * and the last layer is a SoftmaxLayer (whose log-likelihood is the cost). Errors name both
 * layers, numbered from 1: `FullyConnectedLayer 2 expects nIn 2000, but ConvPoolLayer 1
 * outputs 20×12×12 = 2880`.
 */
export function checkLayers(layers: readonly unknown[]): asserts layers is readonly Layer[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new TypeError(`Expected a non-empty array of layers, got ${show(layers)}`);
  }
  layers.forEach((l, i) => {
    if (
      !(l instanceof ConvPoolLayer || l instanceof FullyConnectedLayer ||
        l instanceof SoftmaxLayer)
    ) {
      throw new TypeError(
        `Layer ${i + 1} must be a ConvPoolLayer, FullyConnectedLayer or SoftmaxLayer, got ${
          l === null || typeof l !== "object" ? show(l) : l.constructor.name
        }`,
      );
    }
  });
  const ls = layers as Layer[];
  for (let i = 1; i < ls.length; i++) {
    const prev = ls[i - 1]!, cur = ls[i]!;
    const out = shapeText(prev.outputShape, prev.nOut);
    const from = `${layerName(prev)} ${i} outputs`;
    if (cur instanceof ConvPoolLayer) {
      const same = prev instanceof ConvPoolLayer
        ? prev.outputShape.every((v, j) => v === cur.imageShape[j])
        : prev.nOut === cur.nIn;
      if (!same) {
        throw new RangeError(
          `ConvPoolLayer ${i + 1} expects imageShape ${
            shapeText(cur.imageShape, cur.nIn)
          }, but ${from} ${out}`,
        );
      }
    } else if (prev.nOut !== cur.nIn) {
      throw new RangeError(`${layerName(cur)} ${i + 1} expects nIn ${cur.nIn}, but ${from} ${out}`);
    }
  }
  const last = ls[ls.length - 1]!;
  if (!(last instanceof SoftmaxLayer)) {
    throw new TypeError(
      `The last layer must be a SoftmaxLayer (its log-likelihood is the cost), got ${
        layerName(last)
      } ${ls.length}`,
    );
  }
}
