/**
 * The book's `Network`: network.py's sigmoid layers trained by stochastic gradient descent,
 * with gradients from backpropagation, and network2.py's improvements — other costs and
 * initial weights, regularization, monitoring — plus per-layer activations, momentum, Adam,
 * dropout, learning-rate halving and early stopping.
 *
 * @module
 */

import type { Kernels } from "./_kernels.ts";
import { selectKernels } from "./_wasm_kernels.ts";
import { type Source, sourceLength, Workspace, type WorkspaceOptions } from "./_batch.ts";
import { FORMAT_VERSION, parseNetworkJson } from "./_json.ts";
import { stateBuffers, update, weightDecay } from "./_optimizers.ts";
import { networkConfig, type TrainConfig, trainConfig } from "./_options.ts";
import {
  checkChoice,
  checkEta,
  checkInput,
  checkNumber,
  checkOptions,
  checkPairs,
  checkSizes,
  checkTarget,
  toSource,
} from "./_validate.ts";
import { activationByName, type ActivationName } from "./activations.ts";
import type { Cost, CostName } from "./costs.ts";
import type { Data, Example, Vector } from "./dataset.ts";
import { afterMacrotask } from "./_util.ts";
import { jupyterDisplay, type MimeBundle } from "./displayable.ts";
import { type EpochEntry, History, type Measured } from "./history.ts";
import { initializerByName, type InitializerName } from "./initializers.ts";
import { Matrix } from "./matrix.ts";
import { Random } from "./random.ts";

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

/** Progress within a training run, passed to `onProgress` a few times a second. */
export interface Progress {
  /** Current epoch, from 0. */
  readonly epoch: number;
  /** Number of epochs in the run. */
  readonly epochs: number;
  /** Mini-batches done in this epoch. */
  readonly batch: number;
  /** Mini-batches per epoch. */
  readonly batches: number;
  /** Examples trained on since the start of the run. */
  readonly examplesSeen: number;
  /** Examples per second since the start of the run. */
  readonly examplesPerSecond: number;
  /** Estimated seconds to the end of the run. */
  readonly etaSeconds: number;
  /** Mean cost per example so far in this epoch. */
  readonly cost: number;
  /** Entries of the epochs finished so far. */
  readonly history: History;
  /** `true` on the run's last report, also when early stopping or η halving ends it. */
  readonly done: boolean;
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
   * each epoch; training waits for a returned promise, which lets a notebook redraw.
   */
  onProgress?: (progress: Progress) => void | Promise<void>;
  /** Minimum milliseconds between `onProgress` calls; default 250. */
  progressInterval?: number;
  /**
   * Which kernels train: `"wasm"` (default), WebAssembly SIMD, or `"js"`, the TypeScript
   * reference. Both compute the same gradients (float64: to 1e-12).
   */
  backend?: "wasm" | "js";
  /**
   * Element type of the training workspace: `"float64"` (default) or `"float32"`, about
   * twice as fast with the WebAssembly backend, to float32 precision. The network's own
   * matrices stay float64.
   */
  dtype?: "float64" | "float32";
  /** Regularization parameter λ (network2.py's `lmbda`); default 0, none. */
  lambda?: number;
  /**
   * `"L2"` (default): `w ← (1 − ηλ/n)·w − (η/m)·Σ∇w`, network2.py's weight decay; or `"L1"`:
   * `w ← w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w`. n is the size of the training data.
   */
  regularization?: "L2" | "L1";
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
  readonly kind: "L2" | "L1";
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
  regularization?: "L2" | "L1";
}

/** What {@linkcode Network.prototype.backprop} returns: the gradient for one example. */
export interface Gradient {
  /** `∂C/∂b` for each layer after the input, shaped as `biases`. */
  nablaB: Matrix[];
  /** `∂C/∂w` for each layer after the input, shaped as `weights`. */
  nablaW: Matrix[];
}

/**
 * The JSON form of a network: network2.py's `save` format, `{ sizes, weights, biases, cost }`,
 * with a format `version`, the `activations` and the `regularization` it was trained with.
 */
export interface NetworkJson {
  /** Format version, 1; files without it are read as network2.py's. */
  version?: number;
  /** Layer sizes. */
  sizes: number[];
  /** Weights, each as nested rows (`sizes[l+1]` rows of `sizes[l]` numbers). */
  weights: number[][][];
  /** Biases, each as nested rows (`sizes[l+1]` rows of one number). */
  biases: number[][][];
  /** The cost's class name in network2.py. */
  cost: string;
  /** Activation of each layer after the input; all sigmoid when absent. */
  activations?: string[];
  /** The regularization of the last training run; none when absent. */
  regularization?: Regularization;
}

/**
 * Thrown when training makes the cost or the gradients non-finite (usually η too large).
 * The network keeps its parameters from before the failing mini-batch.
 *
 * @example
 * ```ts
 * import { DivergenceError } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const e = new DivergenceError(2, 17);
 * assert.equal(e.epoch, 2);
 * assert.match(e.message, /epoch 2, mini-batch 17/);
 * ```
 */
export class DivergenceError extends Error {
  /** Epoch of the failing mini-batch, from 0. */
  readonly epoch: number;
  /** Index of the failing mini-batch within its epoch, from 0. */
  readonly batch: number;

  /**
   * Makes the error.
   *
   * @param epoch Epoch of the failing mini-batch.
   * @param batch Index of the mini-batch within the epoch.
   * @param eta The learning rate in use, to name in the message.
   *
   * @example
   * ```ts
   * import { DivergenceError } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DivergenceError(0, 3).batch, 3);
   * ```
   */
  constructor(epoch: number, batch: number, eta?: number) {
    super(
      `Training diverged at epoch ${epoch}, mini-batch ${batch}: the cost, gradient or weights ` +
        `became non-finite; try a smaller eta${
          eta === undefined ? "" : ` than ${eta}`
        } (the network keeps its weights from before this mini-batch)`,
    );
    this.name = "DivergenceError";
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * A feedforward network, as in network.py: sigmoid neurons and the quadratic cost unless the
 * options choose others (network2.py's cross-entropy, softmax with log-likelihood, tanh, ReLU…).
 *
 * `weights[l]` is a `sizes[l+1] × sizes[l]` matrix and `biases[l]` a `sizes[l+1] × 1` column;
 * the input layer has no biases. Initial values are drawn from N(0, 1) unless `init` says
 * otherwise, as in network.py.
 *
 * @example Build the book's networks
 * ```ts
 * import { CrossEntropyCost, Network } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([2, 3, 1], { seed: 2 });
 * assert.deepEqual(net.sizes, [2, 3, 1]);
 * assert.equal(net.weights[0]!.rows, 3);
 * assert.equal(net.weights[0]!.cols, 2);
 * assert.equal(net.biases[1]!.rows, 1);
 *
 * // network2.py's Network([784, 30, 10], cost=CrossEntropyCost), default initialiser.
 * const net2 = new Network([784, 30, 10], { cost: CrossEntropyCost, init: "default" });
 * assert.equal(net2.cost, CrossEntropyCost);
 *
 * // Chapter 3's softmax output layer with the log-likelihood cost, ReLU hidden neurons.
 * const soft = new Network([784, 30, 10], {
 *   activations: { hidden: "relu", output: "softmax" },
 *   cost: "LogLikelihoodCost",
 *   init: "he",
 * });
 * assert.deepEqual(soft.activationNames, ["relu", "softmax"]);
 * ```
 */
export class Network {
  /** Number of neurons in each layer, input first. */
  readonly sizes: readonly number[];
  /** Number of layers, including the input layer. */
  readonly numLayers: number;
  /** Biases of each layer after the input: `biases[l]` is `sizes[l+1] × 1`. */
  readonly biases: Matrix[];
  /** Weights into each layer after the input: `weights[l]` is `sizes[l+1] × sizes[l]`. */
  readonly weights: Matrix[];
  /** The cost function (network2.py's `self.cost`). */
  readonly cost: Cost;
  /**
   * Activation function of each layer after the input, by name (`activationNames[l]` for
   * `weights[l]`; the constructor's `activations` option and the JSON's `activations` field).
   */
  readonly activationNames: readonly ActivationName[];
  #regularization: Regularization = { kind: "L2", lambda: 0, dropout: 0 };

  /**
   * Makes a network with random weights and biases: N(0, 1) as network.py does, unless `init`
   * chooses another initialiser.
   *
   * @param sizes Neurons per layer, input first: at least two positive integers.
   * @param options `seed` (or `rng`) for the random initial parameters; `cost`, `activations`
   *   and `init` (see {@linkcode NetworkOptions}).
   *
   * @example Same seed, same network
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = new Network([784, 30, 10], { seed: 7 });
   * const b = new Network([784, 30, 10], { seed: 7 });
   * assert.deepEqual(a.weights[1]!.data, b.weights[1]!.data);
   * ```
   */
  constructor(sizes: readonly number[], options: NetworkOptions = {}) {
    checkSizes(sizes, "Cannot create network");
    const config = networkConfig(sizes, options, "Cannot create network");
    this.sizes = Object.freeze([...sizes]);
    this.numLayers = sizes.length;
    this.cost = config.cost;
    this.activationNames = Object.freeze([...config.activations]);
    const { weights, biases } = initializerByName(config.init)(this.sizes, config.rng);
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * The regularization of the last `sgd` run (saved with the network): L2 or L1 with its λ,
   * and the dropout probability. Before any training, L2 with λ = 0 and no dropout.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new Network([2, 1]).regularization, { kind: "L2", lambda: 0, dropout: 0 });
   * ```
   */
  get regularization(): Regularization {
    return this.#regularization;
  }

  /**
   * The network's output for input `a`: `a ← f(w·a + b)` through every layer, with `f` the
   * layer's activation (σ in the book).
   *
   * @param a The input: `sizes[0]` numbers, or a `sizes[0] × 1` matrix.
   * @returns The output activations, a `sizes[numLayers-1] × 1` matrix.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const out = new Network([2, 3, 2], { seed: 1 }).feedforward([0.5, -1]);
   * assert.equal(out.rows, 2);
   * assert.ok(out.data.every((v) => v > 0 && v < 1));
   * ```
   */
  feedforward(a: Vector | Matrix): Matrix {
    let act = toColumn(
      checkInput(this.sizes, a instanceof Matrix ? a.data : a, "Cannot feed forward"),
    );
    for (let l = 0; l < this.weights.length; l++) {
      const f = activationByName(this.activationNames[l]!);
      act = f.fn(addInto(matVec(this.weights[l]!, act), this.biases[l]!));
    }
    return act;
  }

  /**
   * The gradient of the cost for one example, by backpropagation (the book's `backprop`).
   *
   * @param x The input, `sizes[0]` numbers.
   * @param y The desired output: `sizes[numLayers-1]` numbers, or a class index (one-hot).
   * @returns `{ nablaB, nablaW }`, layer by layer, shaped as `biases` and `weights`.
   *
   * @example The bias gradient of the last layer is its error δᴸ (BP3)
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([2, 2], { seed: 3 });
   * const { nablaB, nablaW } = net.backprop([1, 0], [0, 1]);
   * // With one layer and x = [1, 0], ∂C/∂w[j][0] = δ[j] · 1.
   * assert.equal(nablaW[0]!.get(0, 0), nablaB[0]!.get(0, 0));
   * ```
   */
  backprop(x: Vector, y: Vector | number): Gradient {
    checkInput(this.sizes, x, "Cannot backprop");
    return this.#backprop(x, checkTarget(this.sizes, y, "Cannot backprop"));
  }

  // The book's backprop, for input and target already checked.
  #backprop(x: Vector, y: Vector): Gradient {
    const yCol = toColumn(y);
    const nablaB = this.biases.map((b) => new Matrix(b.rows, b.cols));
    const nablaW = this.weights.map((w) => new Matrix(w.rows, w.cols));
    const fs = this.activationNames.map(activationByName);
    // Feedforward, storing every z and activation layer by layer.
    let activation = toColumn(x);
    const activations = [activation];
    const zs: Matrix[] = [];
    for (let l = 0; l < this.weights.length; l++) {
      const z = addInto(matVec(this.weights[l]!, activation), this.biases[l]!);
      zs.push(z);
      activation = fs[l]!.fn(z);
      activations.push(activation);
    }
    // Backward pass. BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), which network2.py's cost.delta(z, a, y) gives
    // (a − y for cross-entropy with sigmoid outputs, where σ'(z) cancels).
    const L = this.weights.length;
    let delta = this.cost.delta(zs[L - 1]!, activations[L]!, yCol, this.activationNames[L - 1]);
    // BP3: ∂C/∂bᴸ = δᴸ; BP4: ∂C/∂wᴸ = δᴸ (aᴸ⁻¹)ᵀ.
    nablaB[L - 1] = delta;
    nablaW[L - 1] = outer(delta, activations[L - 1]!);
    // As in the book, l counts back from the last layer: l = 2 is the second-last layer.
    for (let l = 2; l <= L; l++) {
      // BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ), with the layer's own f' in place of σ'.
      const back = matTVec(this.weights[L - l + 1]!, delta);
      delta = fs[L - l]!.backward(zs[L - l]!, activations[L - l + 1]!, back);
      nablaB[L - l] = delta;
      nablaW[L - l] = outer(delta, activations[L - l]!);
    }
    return { nablaB, nablaW };
  }

  /**
   * One gradient-descent step on a mini-batch, as in the book: backprop each example and
   * move by `−(η/m)` times the summed gradient. With `lambda` and `n` it is network2.py's
   * `update_mini_batch`: `w ← (1 − ηλ/n)·w − (η/m)·Σ∇w` (or the L1 rule). (`sgd` does the
   * same with matrix products.)
   *
   * @param miniBatch `[x, y]` pairs.
   * @param eta The learning rate η, a positive number.
   * @param options `lambda`, `n` (the training set's size) and `regularization`.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([1, 1], { seed: 1 });
   * const before = net.feedforward([1]).get(0, 0);
   * for (let i = 0; i < 100; i++) net.updateMiniBatch([[[1], [1]]], 1);
   * assert.ok(net.feedforward([1]).get(0, 0) > before);
   * ```
   */
  updateMiniBatch(miniBatch: readonly Example[], eta: number, options: UpdateOptions = {}): void {
    const where = "Cannot update";
    checkEta(eta, where);
    const o = checkOptions(options, where, "an object such as { lambda, n }", [
      "lambda",
      "n",
      "regularization",
    ]);
    const lambda = o.lambda === undefined ? 0 : checkNumber(o.lambda, "lambda", where, { min: 0 });
    const kind = o.regularization === undefined
      ? "L2"
      : checkChoice(o.regularization, "regularization", where, ["L2", "L1"] as const);
    if (lambda > 0 && o.n === undefined) {
      throw new TypeError(`${where}: lambda needs n, the size of the training data, got none`);
    }
    const n = o.n === undefined ? 1 : checkNumber(o.n, "n", where, { min: 1, integer: true });
    checkPairs(this.sizes, miniBatch, where, true);
    if (miniBatch.length === 0) {
      throw new RangeError(`${where}: mini-batch is empty, expected at least one example`);
    }
    const nablaB = this.biases.map((b) => new Matrix(b.rows, b.cols));
    const nablaW = this.weights.map((w) => new Matrix(w.rows, w.cols));
    for (const [x, y] of miniBatch) {
      const d = this.#backprop(x, checkTarget(this.sizes, y, where));
      for (let l = 0; l < nablaB.length; l++) {
        addInto(nablaB[l]!, d.nablaB[l]!);
        addInto(nablaW[l]!, d.nablaW[l]!);
      }
    }
    const k = eta / miniBatch.length, decay = (eta * lambda) / n;
    for (let l = 0; l < nablaB.length; l++) {
      const w = this.weights[l]!.data, nw = nablaW[l]!.data;
      if (lambda === 0) {
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - k * nw[i]!;
      } else if (kind === "L2") {
        // Weight decay: w ← (1 − ηλ/n)·w − (η/m)·Σ∇w.
        for (let i = 0; i < w.length; i++) w[i] = (1 - decay) * w[i]! - k * nw[i]!;
      } else {
        // L1: w ← w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w.
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - decay * Math.sign(w[i]!) - k * nw[i]!;
      }
      const b = this.biases[l]!.data, nb = nablaB[l]!.data;
      for (let i = 0; i < b.length; i++) b[i] = b[i]! - k * nb[i]!;
    }
  }

  /**
   * Trains by mini-batch stochastic gradient descent (the book's `SGD`, with network2.py's
   * options).
   *
   * Each epoch shuffles the training data, splits it into mini-batches and takes one step per
   * mini-batch. Unlike the book, each mini-batch is backpropagated at once as matrix products
   * (chapter 2's exercise), and nothing is printed: each epoch's entry goes to `onEpoch` and
   * into the returned history, with every series the options ask to monitor.
   *
   * If a mini-batch makes the cost, the gradient or the weights non-finite (η too large),
   * training stops with a {@linkcode DivergenceError} naming the epoch and mini-batch, and
   * the network keeps its weights from before that mini-batch.
   *
   * @param trainingData `[x, y]` pairs (y one-hot or a class index) or packed data.
   * @param options `epochs`, `miniBatchSize`, `eta`; optionally `testData`, `seed`, `onEpoch`,
   *   `onProgress`, regularization (`lambda`, `regularization`, `dropout`), the optimizer
   *   (`optimizer`, `mu`, `beta1`, `beta2`, `epsilon`), monitoring (`evaluationData` and the
   *   `monitor…` flags) and the schedule (`earlyStoppingN`, `etaHalvingN`, `etaMinFraction`).
   * @returns The history: per epoch the training cost, wall time, and what was monitored.
   *
   * @example The book's chapter 1 loop on a toy problem
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const data = [[[0], [1, 0]], [[1], [0, 1]]] as const;
   * const net = new Network([1, 2], { seed: 1 });
   * const lines: string[] = [];
   * const history = await net.sgd(data, {
   *   epochs: 200, miniBatchSize: 2, eta: 3, seed: 1,
   *   testData: [[[0], 0], [[1], 1]],
   *   onEpoch: (e) => lines.push(`Epoch ${e.epoch}: ${e.test!.correct} / ${e.test!.total}`),
   * });
   * assert.equal(history.length, 200);
   * assert.equal(lines.at(-1), "Epoch 199: 2 / 2");
   * ```
   *
   * @example network2.py: cross-entropy, L2 regularization, monitoring
   * ```ts
   * import { CrossEntropyCost, Network, circles, slice } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const data = circles(300, { seed: 1, noise: 0.05 });
   * const net = new Network([2, 10, 2], { cost: CrossEntropyCost, init: "default", seed: 1 });
   * const history = await net.sgd(slice(data, 0, 200), {
   *   epochs: 30, miniBatchSize: 10, eta: 0.5, lambda: 0.1, seed: 1,
   *   evaluationData: slice(data, 200),
   *   monitorEvaluationAccuracy: true, monitorEvaluationCost: true, monitorTrainingCost: true,
   * });
   * const last = history.last!;
   * assert.equal(last.evaluation!.total, 100);
   * assert.ok(last.evaluation!.accuracy! > 0.9);
   * assert.ok(last.training!.cost! < history.entries[0]!.training!.cost!);
   * ```
   */
  async sgd(trainingData: Data, options: SgdOptions): Promise<History> {
    const cfg = trainConfig(this.sizes, trainingData, options, "Cannot train");
    const { n, miniBatchSize, rule } = cfg;
    const kernels: Kernels = selectKernels(cfg.backend, cfg.dtype);
    const ws = this.#workspace(Math.min(miniBatchSize, n), kernels, {
      dropout: cfg.dropout > 0,
      stateBuffers: stateBuffers(rule.optimizer),
      backup: true,
      data: [cfg.train, cfg.test, cfg.evaluation].filter((d) => d !== undefined),
      orderLength: n,
    });
    try {
      return await this.#train(ws, cfg, options);
    } finally {
      ws.dispose(); // its memory goes to the next workspace
    }
  }

  // The training loop of `sgd`, on a workspace holding the parameters and the data.
  async #train(ws: Workspace, cfg: TrainConfig, o: SgdOptions): Promise<History> {
    const { n, miniBatchSize, rule } = cfg;
    ws.loadParams(this.weights, this.biases);
    this.#regularization = { kind: rule.regularization, lambda: rule.lambda, dropout: cfg.dropout };
    // Dropout masks come from their own generator, seeded from the run's.
    const dropout = cfg.dropout > 0
      ? { p: cfg.dropout, rng: new Random(cfg.rng.nextUint32()) }
      : undefined;
    const order = ws.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const batches = Math.ceil(n / miniBatchSize);
    // Plain gradient descent (network.py, and network2.py's L2) takes the fused step.
    const fused = rule.optimizer === "sgd" && (rule.regularization === "L2" || rule.lambda === 0);
    const history = new History();
    const t0 = performance.now();
    let lastProgress = t0, seen = 0, steps = 0, eta = cfg.eta;
    let lastStep: [number, number] | undefined;
    let best = -1, sinceBest = 0;

    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const te = performance.now();
      cfg.rng.shuffle(order);
      let cost = 0;
      for (let b = 0, start = 0; start < n; b++, start += miniBatchSize) {
        const m = Math.min(miniBatchSize, n - start);
        ws.gather(cfg.train, order, start, m, true);
        ws.forward(m, dropout);
        const c = fused ? ws.backwardDeltas(m) : ws.backward(m);
        if (!Number.isFinite(c) || !ws.gradientsFinite(m)) {
          this.#diverged(ws, [epoch, b], lastStep, eta);
        }
        if (fused) {
          ws.stepFused(m, -eta / m, 1 - weightDecay(rule, eta));
        } else {
          ws.saveBackup();
          update(ws, rule, eta, m, ++steps);
        }
        lastStep = [epoch, b];
        cost += c;
        seen += m;
        const now = o.onProgress ? performance.now() : 0;
        if (o.onProgress && now - lastProgress >= cfg.interval) {
          lastProgress = now;
          await o.onProgress(
            progress(
              epoch,
              cfg.epochs,
              b + 1,
              batches,
              seen,
              n,
              now - t0,
              cost / (start + m),
              history,
              false,
            ),
          );
        }
      }
      // The epoch's last step is checked here; earlier ones by the next forward pass.
      if (!ws.paramsFinite()) this.#diverged(ws, [epoch, batches], lastStep, eta);
      ws.storeParams(this.weights, this.biases);
      const entry = this.#measure(ws, cfg, epoch, cost / n, eta);
      entry.seconds = (performance.now() - te) / 1000;
      history.push(entry);
      o.onEpoch?.(entry, history);
      let stop = false;
      if (cfg.earlyStoppingN > 0 || cfg.etaHalvingN > 0) {
        // network2.py's no-improvement-in-n rule on the evaluation accuracy.
        const correct = entry.evaluation!.correct!;
        if (correct > best) [best, sinceBest] = [correct, 0];
        else sinceBest++;
        if (cfg.earlyStoppingN > 0 && sinceBest >= cfg.earlyStoppingN) {
          history.stopReason =
            `Early stopping: no better evaluation accuracy in ${sinceBest} epochs (earlyStoppingN)`;
          stop = true;
        } else if (cfg.etaHalvingN > 0 && sinceBest >= cfg.etaHalvingN) {
          eta /= 2;
          sinceBest = 0;
          if (eta <= cfg.eta * cfg.etaMinFraction) {
            history.stopReason = `Learning-rate schedule: eta halved to ${eta}, ${
              cfg.eta / eta
            } times below its first value ${cfg.eta} (etaMinFraction)`;
            stop = true;
          }
        }
      }
      if (o.onProgress) {
        const now = performance.now();
        lastProgress = now;
        const done = stop || epoch === cfg.epochs - 1;
        await o.onProgress(
          progress(epoch, cfg.epochs, batches, batches, seen, n, now - t0, cost / n, history, done),
        );
      }
      if (stop) break;
    }
    return history;
  }

  // Stops training: hands back the last finite parameters and throws. `at` is the mini-batch
  // whose cost or gradient was non-finite; if the parameters themselves are, the last step
  // (`lastStep`) made them so, and the backup holds those from before it.
  #diverged(
    ws: Workspace,
    at: [number, number],
    lastStep: [number, number] | undefined,
    eta: number,
  ): never {
    if (ws.paramsFinite() || lastStep === undefined) {
      ws.storeParams(this.weights, this.biases);
      throw new DivergenceError(at[0], at[1], eta);
    }
    ws.storeBackup(this.weights, this.biases);
    throw new DivergenceError(lastStep[0], lastStep[1], eta);
  }

  // The epoch's entry: everything the options ask to monitor, measured after the epoch.
  #measure(
    ws: Workspace,
    cfg: TrainConfig,
    epoch: number,
    runningCost: number,
    eta: number,
  ): Mutable<EpochEntry> {
    const e: Mutable<EpochEntry> = { epoch, runningCost, seconds: 0, eta };
    const mon = cfg.monitor;
    const measured = (
      src: Source,
      withCost: boolean,
      withAccuracy: boolean,
    ): Measured => {
      const r = measure(ws, src, withCost);
      return {
        total: r.total,
        ...(withAccuracy ? { correct: r.correct, accuracy: r.accuracy } : {}),
        ...(withCost ? { cost: r.cost + this.#penalty(r.total) } : {}),
      };
    };
    if (cfg.test !== undefined) e.test = measured(cfg.test, false, true);
    const schedule = cfg.earlyStoppingN > 0 || cfg.etaHalvingN > 0;
    if (
      cfg.evaluation !== undefined && (mon.evaluationCost || mon.evaluationAccuracy || schedule)
    ) {
      e.evaluation = measured(
        cfg.evaluation,
        mon.evaluationCost,
        mon.evaluationAccuracy || schedule,
      );
    }
    if (mon.trainingCost || mon.trainingAccuracy) {
      e.training = measured(cfg.train, mon.trainingCost, mon.trainingAccuracy);
    }
    if (mon.gradientNorms) e.gradientNorms = gradientNorms(ws, cfg.train, Math.min(1000, cfg.n));
    return e;
  }

  // network2.py's regularization term of total_cost: 0.5·(λ/n)·Σ‖w‖² with n the size of the
  // data measured (L2), or (λ/n)·Σ|w| (L1).
  #penalty(n: number, reg: { kind: "L2" | "L1"; lambda: number } = this.#regularization): number {
    if (reg.lambda === 0 || n === 0) return 0;
    let s = 0;
    for (const w of this.weights) {
      for (const v of w.data) s += reg.kind === "L2" ? v * v : Math.abs(v);
    }
    return reg.kind === "L2" ? 0.5 * (reg.lambda / n) * s : (reg.lambda / n) * s;
  }

  #workspace(
    maxBatch: number,
    kernels: Kernels,
    extra: Omit<WorkspaceOptions, "activations" | "cost"> = {},
  ): Workspace {
    return new Workspace(this.sizes, maxBatch, kernels, {
      activations: this.activationNames,
      cost: this.cost.name,
      ...extra,
    });
  }

  // `measure` over a whole source, in a workspace of its own (float64, chunks of up to 256).
  #measureOnce(src: Source, withCost: boolean): ReturnType<typeof measure> {
    const ws = this.#workspace(
      Math.max(1, Math.min(256, sourceLength(src))),
      selectKernels("wasm", "float64"),
      { data: [src] },
    );
    try {
      ws.loadParams(this.weights, this.biases);
      return measure(ws, src, withCost);
    } finally {
      ws.dispose();
    }
  }

  /**
   * Number of test inputs for which the network's most active output neuron is the right
   * class (the book's `evaluate`, network2.py's `accuracy`).
   *
   * @param testData `[x, y]` pairs with `y` a class index (or a one-hot vector), or packed data.
   * @returns How many were classified correctly.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([2, 2], { seed: 1 });
   * const correct = net.evaluate([[[0, 1], 0], [[1, 0], 1]]);
   * assert.ok(correct >= 0 && correct <= 2);
   * ```
   */
  evaluate(testData: Data): number {
    const src = toSource(this.sizes, testData, "Cannot evaluate", "test", false);
    return this.#measureOnce(src, false).correct;
  }

  /**
   * The mean cost over `data`, plus the regularization term (network2.py's `total_cost`):
   * `(1/n) Σₓ Cₓ + (λ/2n) Σ w²` for L2, `+ (λ/n) Σ |w|` for L1, with n the size of `data`.
   *
   * @param data `[x, y]` pairs (y a vector or a class index) or packed data.
   * @param options `lambda` (default 0) and `regularization` (`"L2"` or `"L1"`).
   * @returns The cost.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([1, 1], { seed: 1 });
   * const a = net.feedforward([0]).get(0);
   * assert.ok(Math.abs(net.totalCost([[[0], [1]]]) - 0.5 * (a - 1) ** 2) < 1e-15);
   * ```
   */
  totalCost(
    data: Data,
    options: { lambda?: number; regularization?: "L2" | "L1" } = {},
  ): number {
    const where = "Cannot compute cost";
    const o = checkOptions(options, where, "an object such as { lambda }", [
      "lambda",
      "regularization",
    ]);
    const lambda = o.lambda === undefined ? 0 : checkNumber(o.lambda, "lambda", where, { min: 0 });
    const kind = o.regularization === undefined
      ? "L2"
      : checkChoice(o.regularization, "regularization", where, ["L2", "L1"] as const);
    const src = toSource(this.sizes, data, where, "the", true);
    return this.#measureOnce(src, true).cost + this.#penalty(sourceLength(src), { kind, lambda });
  }

  /**
   * The vector of partial derivatives `∂Cₓ/∂a` of the quadratic cost: `a − y`.
   *
   * @param outputActivations The network's output `a`, a column.
   * @param y The desired output, a column of the same length.
   * @returns `a − y`.
   *
   * @example
   * ```ts
   * import { Matrix, Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([1, 2], { seed: 0 });
   * const d = net.costDerivative(Matrix.column([0.75, 0.5]), Matrix.column([1, 0]));
   * assert.deepEqual(Array.from(d.data), [-0.25, 0.5]);
   * ```
   */
  costDerivative(outputActivations: Matrix, y: Matrix): Matrix {
    if (outputActivations.data.length !== y.data.length) {
      throw new RangeError(
        `Cannot take cost derivative: output has ${outputActivations.data.length} values, y has ${y.data.length}, expected as many`,
      );
    }
    const out = outputActivations.clone();
    for (let i = 0; i < out.data.length; i++) out.data[i] = out.data[i]! - y.data[i]!;
    return out;
  }

  /**
   * The network as JSON: network2.py's `{ sizes, weights, biases, cost }`, plus the format
   * `version`, the `activations` and the `regularization` of the last training run.
   *
   * @returns A plain object for `JSON.stringify`.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const json = new Network([2, 1], { seed: 1 }).toJSON();
   * assert.deepEqual(json.sizes, [2, 1]);
   * assert.equal(json.biases[0]!.length, 1);
   * assert.equal(json.cost, "QuadraticCost");
   * assert.deepEqual(json.activations, ["sigmoid"]);
   * ```
   */
  toJSON(): NetworkJson {
    return {
      version: FORMAT_VERSION,
      sizes: [...this.sizes],
      weights: this.weights.map((w) => w.toArray()),
      biases: this.biases.map((b) => b.toArray()),
      cost: this.cost.name,
      activations: [...this.activationNames],
      regularization: { ...this.#regularization },
    };
  }

  /**
   * Loads a network from its JSON (a parsed object or the text): ours, or network2.py's
   * `{ sizes, weights, biases, cost }`. Every field and shape is checked, and a wrong one is
   * named in the error; names are looked up in fixed tables, nothing in the file is evaluated.
   *
   * @param json The object (or its JSON text).
   * @returns The network.
   *
   * @example Round trip
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([3, 2], { seed: 4 });
   * const copy = Network.fromJSON(JSON.stringify(net));
   * assert.deepEqual(copy.weights[0]!.data, net.weights[0]!.data);
   * ```
   *
   * @example A file saved by network2.py
   * ```ts
   * import { CrossEntropyCost, Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = Network.fromJSON(
   *   '{"sizes": [2, 1], "weights": [[[0.5, -0.25]]], "biases": [[[0.1]]], "cost": "CrossEntropyCost"}',
   * );
   * assert.equal(net.cost, CrossEntropyCost);
   * assert.throws(() => Network.fromJSON('{"sizes": [2, 1], "weights": [[[0.5]]]}'), /weights\[0\]\[0\]/);
   * ```
   */
  static fromJSON(json: unknown): Network {
    const p = parseNetworkJson(json);
    const net = new Network(p.sizes, { seed: 0, cost: p.cost, activations: p.activations });
    p.weights.forEach((w, l) => net.weights[l]!.data.set(w));
    p.biases.forEach((b, l) => net.biases[l]!.data.set(b));
    net.#regularization = p.regularization;
    return net;
  }

  /**
   * A one-line summary: layer sizes and parameter count, then activations and cost when they
   * are not the book's sigmoid and quadratic cost.
   *
   * @returns For example `Network [784, 30, 10] (23860 parameters)`.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Network([784, 30, 10]).toString(), "Network [784, 30, 10] (23860 parameters)");
   * assert.equal(
   *   new Network([4, 3, 2], { activations: ["relu", "softmax"], cost: "LogLikelihoodCost" })
   *     .toString(),
   *   "Network [4, 3, 2] (23 parameters; relu, softmax; LogLikelihoodCost)",
   * );
   * ```
   */
  toString(): string {
    let p = 0;
    for (let l = 1; l < this.sizes.length; l++) p += this.sizes[l]! * (this.sizes[l - 1]! + 1);
    const plain = this.cost.name === "QuadraticCost" &&
      this.activationNames.every((a) => a === "sigmoid");
    const extra = plain ? "" : `; ${this.activationNames.join(", ")}; ${this.cost.name}`;
    return `Network [${this.sizes.join(", ")}] (${p} parameters${extra})`;
  }

  /**
   * What a notebook shows for a network: a table of its layers with their sizes, parameter
   * counts and weight statistics (see `networkSummary`).
   *
   * @returns A promise of the MIME bundle: an HTML table and the same as text.
   *
   * @example
   * ```ts
   * import { jupyterDisplay, Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const bundle = await new Network([2, 3, 1], { seed: 1 })[jupyterDisplay]();
   * assert.match(bundle["text/plain"] as string, /^Network \[2, 3, 1\]: 13 parameters/);
   * assert.match(bundle["text/html"] as string, /<table/);
   * ```
   */
  async [jupyterDisplay](): Promise<MimeBundle> {
    // Display code sits above the math, which never imports it: it loads only when a
    // notebook shows a network.
    // A bundle ready at once may be filed under the next cell by Deno's kernel: see
    // afterMacrotask.
    const { networkSummary } = await import("./display/network_summary.ts");
    return afterMacrotask(networkSummary(this).bundle());
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function progress(
  epoch: number,
  epochs: number,
  batch: number,
  batches: number,
  seen: number,
  n: number,
  ms: number,
  cost: number,
  history: History,
  done: boolean,
): Progress {
  const rate = ms > 0 ? seen / (ms / 1000) : 0;
  const left = epochs * n - seen;
  return {
    epoch,
    epochs,
    batch,
    batches,
    examplesSeen: seen,
    examplesPerSecond: rate,
    etaSeconds: rate > 0 ? left / rate : 0,
    cost,
    history,
    done,
  };
}

/** Cost (mean per example) and accuracy of the network in `ws` over a whole source. */
function measure(
  ws: Workspace,
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
  return {
    cost: n === 0 ? 0 : cost / n,
    correct,
    total: n,
    accuracy: n === 0 ? 0 : correct / n,
  };
}

/**
 * Norms of the mean gradient `∂C/∂b` and `∂C/∂w` of each layer over the first `count`
 * examples of `src`, in their order: the book's measure of how fast each layer learns.
 */
function gradientNorms(
  ws: Workspace,
  src: Source,
  count: number,
): { biases: number[]; weights: number[] } {
  const sumB = ws.nablaB.map((b) => new Float64Array(b.length));
  const sumW = ws.nablaW.map((w) => new Float64Array(w.length));
  const order = ws.sequence(count);
  for (let start = 0; start < count; start += ws.maxBatch) {
    const m = Math.min(ws.maxBatch, count - start);
    ws.gather(src, order, start, m, true);
    ws.forward(m);
    ws.backward(m);
    for (let l = 0; l < sumB.length; l++) {
      const sb = sumB[l]!, nb = ws.nablaB[l]!, sw = sumW[l]!, nw = ws.nablaW[l]!;
      for (let i = 0; i < sb.length; i++) sb[i] = sb[i]! + nb[i]!;
      for (let i = 0; i < sw.length; i++) sw[i] = sw[i]! + nw[i]!;
    }
  }
  const norm = (s: Float64Array) => Math.sqrt(s.reduce((acc, v) => acc + v * v, 0)) / count;
  return { biases: sumB.map(norm), weights: sumW.map(norm) };
}

function classOf(src: Source, i: number): number {
  if (src.kind === "packed") return src.data.labels[i]!;
  const y = src.ys[i]!;
  if (typeof y === "number") return y;
  let best = 0;
  for (let k = 1; k < y.length; k++) if (y[k]! > y[best]!) best = k;
  return best;
}

// ---- small matrix helpers for the book-faithful per-example path ----

function toColumn(v: Vector): Matrix {
  return Matrix.column(v);
}

function matVec(w: Matrix, a: Matrix): Matrix {
  const out = new Matrix(w.rows, 1);
  for (let i = 0; i < w.rows; i++) {
    let s = 0;
    for (let j = 0; j < w.cols; j++) s += w.data[i * w.cols + j]! * a.data[j]!;
    out.data[i] = s;
  }
  return out;
}

function matTVec(w: Matrix, d: Matrix): Matrix {
  const out = new Matrix(w.cols, 1);
  for (let i = 0; i < w.rows; i++) {
    const di = d.data[i]!;
    for (let j = 0; j < w.cols; j++) out.data[j] = out.data[j]! + w.data[i * w.cols + j]! * di;
  }
  return out;
}

function addInto(a: Matrix, b: Matrix): Matrix {
  for (let i = 0; i < a.data.length; i++) a.data[i] = a.data[i]! + b.data[i]!;
  return a;
}

function outer(d: Matrix, a: Matrix): Matrix {
  const out = new Matrix(d.rows, a.rows);
  for (let i = 0; i < d.rows; i++) {
    for (let j = 0; j < a.rows; j++) out.data[i * a.rows + j] = d.data[i]! * a.data[j]!;
  }
  return out;
}
