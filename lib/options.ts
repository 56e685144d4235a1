/**
 * The options of {@linkcode Network} and its methods, and the names they take.
 *
 * @module
 */

import type { EpochEntry, History, Progress } from "./history.ts";
import type { Data } from "./dataset.ts";
import type { Random } from "./random.ts";
import type { ActivationName } from "./activations.ts";
import type { Cost, CostName } from "./costs.ts";
import type { InitializerName } from "./initializers.ts";

/**
 * Which kernels compute: `"wasm"`, WebAssembly SIMD (the default where the runtime has relaxed
 * SIMD, as Deno 2 does), or `"js"`, the TypeScript reference.
 */
export type Backend = "wasm" | "js";

/** Element type of a training workspace: `"float64"` or `"float32"`. */
export type Dtype = "float64" | "float32";

/** The weight penalties: `"L2"` (network2.py's weight decay) or `"L1"`. */
export type RegularizationKind = "L2" | "L1";

/**
 * Every {@linkcode RegularizationKind}.
 *
 * @example
 * ```ts
 * import { regularizationKinds } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(regularizationKinds, ["L2", "L1"]);
 * ```
 */
export const regularizationKinds: readonly RegularizationKind[] = Object.freeze(["L2", "L1"]);

/**
 * Every {@linkcode OptimizerName}.
 *
 * @example
 * ```ts
 * import { optimizerNames } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(optimizerNames, ["sgd", "momentum", "adam"]);
 * ```
 */
export const optimizerNames: readonly OptimizerName[] = Object.freeze(["sgd", "momentum", "adam"]);

/** Options for {@linkcode Network}'s constructor. */
export interface NetworkOptions {
  /** Seed for the initial weights and biases; the same seed gives the same network. */
  seed?: number;
  /** A generator to draw the initial parameters from (instead of `seed`). */
  rng?: Random;
  /**
   * The cost (or its name): `QuadraticCost` (default, network.py), `CrossEntropyCost` (for a
   * sigmoid output layer, network2.py's default) or `LogLikelihoodCost` (for softmax).
   */
  cost?: Cost | CostName;
  /**
   * Activation of each layer after the input: an array of names, one per layer, or
   * `{ hidden, output }`. Default sigmoid everywhere (the book); softmax only for the output.
   */
  activations?: readonly ActivationName[] | {
    hidden?: ActivationName;
    output?: ActivationName;
  };
  /**
   * How to draw the initial weights: `"large"` (default: N(0, 1) as network.py), `"default"`
   * (network2.py's N(0, 1/n_in)), `"xavier"` or `"he"`.
   */
  init?: InitializerName;
}

/** Options for {@linkcode Network.prototype.sgd}. */
export interface SgdOptions {
  /** Number of passes over the training data. */
  epochs: number;
  /** Examples per mini-batch (the last mini-batch of an epoch may be shorter). */
  miniBatchSize: number;
  /** Learning rate η. */
  eta: number;
  /** Data evaluated after each epoch: the book's `test_data`. */
  testData?: Data;
  /** Seed for the shuffles; the same seed (and network) gives the same run. */
  seed?: number;
  /** A generator for the shuffles (instead of `seed`). */
  rng?: Random;
  /** Called with each epoch's entry as it is made: the book's `Epoch j: k / n` goes here. */
  onEpoch?: (entry: EpochEntry, history: History) => void;
  /**
   * Called a few times a second during training (see `progressInterval`) and at the end of
   * each epoch; training waits for a returned promise, which lets a notebook redraw. The
   * network's `weights` and `biases` are current when it is called (they are copied out of
   * the training workspace first), as they are for `onEpoch`.
   */
  onProgress?: (progress: Progress) => void | Promise<void>;
  /** Minimum milliseconds between `onProgress` calls; default 250. */
  progressInterval?: number;
  /**
   * Which kernels train: `"wasm"` (default), WebAssembly SIMD, or `"js"`, the TypeScript
   * reference. Both compute the same gradients (float64: to 1e-12).
   */
  backend?: Backend;
  /**
   * Element type of the training workspace: `"float64"` (default) or `"float32"`, about
   * twice as fast with the WebAssembly backend, to float32 precision. The network's own
   * matrices stay float64.
   */
  dtype?: Dtype;
  /**
   * Threads the WebAssembly kernels may use: 1 or 2 (default 2 where the runtime reports two
   * cores or more). With 2, a worker thread can take part of each large product (from about
   * 1M multiply-adds: mini-batches of 50 and more on MNIST's input layer, and the
   * convolutions), with gradients equal to the bit to one thread's. Whether a product splits
   * is measured as training runs: every 128 calls, each large product shape runs 4 times on
   * both threads and 4 times on one, in turn, and the faster way is kept, so a machine whose second
   * core is busy elsewhere trains on one. `threads: 1` keeps everything on the calling
   * thread. The TypeScript kernels use one thread.
   */
  threads?: number;
  /** Regularization parameter λ (network2.py's `lmbda`); default 0, none. */
  lambda?: number;
  /**
   * `"L2"` (default): `w ← (1 − ηλ/n)·w − (η/m)·Σ∇w`, network2.py's weight decay; or `"L1"`:
   * `w ← w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w`. n is the size of the training data.
   */
  regularization?: RegularizationKind;
  /**
   * Probability of dropping each hidden neuron, per example and mini-batch; default 0. Kept
   * neurons are scaled by 1/(1 − p) during training ("inverted" dropout), so the trained
   * network is used as it is: the book instead halves the hidden weights after training.
   */
  dropout?: number;
  /**
   * `"sgd"` (default), `"momentum"` (chapter 3: `v ← μv − η∇C`, `w ← w + v`; the default
   * when `mu` is given) or `"adam"`.
   */
  optimizer?: OptimizerName;
  /** Momentum coefficient μ, from 0 to below 1; default 0.9. */
  mu?: number;
  /** Adam's decay rate of the mean gradient; default 0.9. */
  beta1?: number;
  /** Adam's decay rate of the mean squared gradient; default 0.999. */
  beta2?: number;
  /** Adam's ε; default 1e-8. */
  epsilon?: number;
  /** Data to monitor after each epoch (the book's `evaluation_data`: validation data). */
  evaluationData?: Data;
  /**
   * Record the cost on `evaluationData` after each epoch, regularization included (whose n
   * is, as in network2.py's `total_cost`, the size of the data measured).
   */
  monitorEvaluationCost?: boolean;
  /** Record the accuracy on `evaluationData` after each epoch. */
  monitorEvaluationAccuracy?: boolean;
  /** Record the cost on the whole training data after each epoch, regularization included. */
  monitorTrainingCost?: boolean;
  /** Record the accuracy on the training data after each epoch. */
  monitorTrainingAccuracy?: boolean;
  /** Record `‖∂C/∂b‖` and `‖∂C/∂w‖` of each layer after each epoch (the book's chapter 5). */
  monitorGradientNorms?: boolean;
  /**
   * Stop when the accuracy on `evaluationData` has not improved for this many epochs
   * (network2.py's `early_stopping_n`); default 0, never.
   */
  earlyStoppingN?: number;
  /**
   * Halve η when the accuracy on `evaluationData` has not improved for this many epochs, and
   * stop once η has fallen to `etaMinFraction` of its first value (the book's chapter 3
   * learning-rate schedule); default 0, never.
   */
  etaHalvingN?: number;
  /** With `etaHalvingN`, the fraction of η at which training stops; default 1/128. */
  etaMinFraction?: number;
}

/** The optimizers `sgd` offers. */
export type OptimizerName = "sgd" | "momentum" | "adam";

/** The regularization a network was last trained with (saved with it). */
export interface Regularization {
  /** `"L2"` or `"L1"`. */
  readonly kind: RegularizationKind;
  /** λ; 0 for none. */
  readonly lambda: number;
  /** Dropout probability of hidden neurons; 0 for none. */
  readonly dropout: number;
}

/** Options for {@linkcode Network.prototype.updateMiniBatch}: network2.py's `lmbda` and `n`. */
export interface UpdateOptions {
  /** Regularization parameter λ; default 0. */
  lambda?: number;
  /** Size of the training data, the n in λ/n; needed with λ. */
  n?: number;
  /** `"L2"` (default) or `"L1"`. */
  regularization?: RegularizationKind;
}

/** Options for {@linkcode Network.prototype.evaluate}. */
export interface EvaluateOptions {
  /**
   * The kernels that compute: by default those of the network's last `sgd` run, else
   * WebAssembly where the runtime runs it, else TypeScript.
   */
  backend?: Backend;
}

/** Options for {@linkcode Network.prototype.totalCost}. */
export interface TotalCostOptions extends EvaluateOptions {
  /** Regularization parameter λ; default 0. */
  lambda?: number;
  /** `"L2"` (default) or `"L1"`. */
  regularization?: RegularizationKind;
}
