/**
 * The book's `Network` (network.py, with network2.py's costs, initial weights and
 * regularization), to read beside the book's file. Its `sgd` trains on the batched workspace
 * (lib/_batch.ts) with the training loop of lib/_trainer.ts.
 *
 * @module
 */

import { type Source, sourceLength, Workspace, type WorkspaceOptions } from "./_batch.ts";
import { networkConfig, readBackend, readRegularization, trainConfig } from "./_config.ts";
import { FORMAT_VERSION, type NetworkJson, parseNetworkJson } from "./_json.ts";
import { jsKernels } from "./_kernels.ts";
import { Optimizer, penalty, plainRule } from "./_optimizers.ts";
import { measure, RunGuard, runOptions, train } from "./_trainer.ts";
import {
  checkEta,
  checkInput,
  checkNumber,
  checkOptions,
  checkPairs,
  checkSizes,
  checkTarget,
  toSource,
} from "./_validate.ts";
import { measuringBackend, selectKernels } from "./_wasm_kernels.ts";
import { activationByName, type ActivationName } from "./activations.ts";
import type { Cost } from "./costs.ts";
import type { Data, Example, Vector } from "./dataset.ts";
import { afterMacrotask } from "./_util.ts";
import { jupyterDisplay, type MimeBundle } from "./displayable.ts";
import type { History } from "./history.ts";
import { initializerByName } from "./initializers.ts";
import { Matrix } from "./matrix.ts";
import type {
  Backend,
  Dtype,
  EvaluateOptions,
  NetworkOptions,
  Regularization,
  SgdOptions,
  TotalCostOptions,
  UpdateOptions,
} from "./options.ts";

export type { NetworkJson } from "./_json.ts";

/** What {@linkcode Network.prototype.backprop} returns: the gradient for one example. */
export interface Gradient {
  /** `∂C/∂b` for each layer after the input, shaped as `biases`. */
  nablaB: Matrix[];
  /** `∂C/∂w` for each layer after the input, shaped as `weights`. */
  nablaW: Matrix[];
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
 * assert.equal(net.weights[0]!.rows, 3);
 * assert.equal(net.weights[0]!.cols, 2);
 * // network2.py's Network([784, 30, 10], cost=CrossEntropyCost), default initialiser.
 * const net2 = new Network([784, 30, 10], { cost: CrossEntropyCost, init: "default" });
 * assert.equal(net2.cost, CrossEntropyCost);
 * // Chapter 3's softmax output layer with the log-likelihood cost, ReLU hidden neurons.
 * const soft = new Network([784, 30, 10], {
 *   activations: { hidden: "relu", output: "softmax" },
 *   cost: "LogLikelihoodCost",
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
  /** The backend of the last `sgd` run, which `evaluate` and `totalCost` follow. */
  #backend: Backend | undefined;
  /** One training run at a time. */
  readonly #guard = new RunGuard();

  /**
   * Makes a network with random weights and biases: N(0, 1) as network.py does, unless `init`
   * chooses another initialiser.
   *
   * @param sizes Neurons per layer, input first: at least two positive integers.
   * @param options `seed` (or `rng`), `cost`, `activations` and `init` (see
   *   {@linkcode NetworkOptions}).
   *
   * @example Same seed, same network
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = new Network([784, 30, 10], { seed: 7 });
   * assert.deepEqual(a.weights[1]!.data, new Network([784, 30, 10], { seed: 7 }).weights[1]!.data);
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
    const x = checkInput(this.sizes, a instanceof Matrix ? a.data : a, "Cannot feed forward");
    let activation = Matrix.column(x);
    this.weights.forEach((w, l) => {
      const f = activationByName(this.activationNames[l]!);
      activation = f.fn(w.dot(activation).add(this.biases[l]!));
    });
    return activation;
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
   * const { nablaB, nablaW } = new Network([2, 2], { seed: 3 }).backprop([1, 0], [0, 1]);
   * // With one layer and x = [1, 0], ∂C/∂w[j][0] = δ[j] · 1 (BP4).
   * assert.equal(nablaW[0]!.get(0, 0), nablaB[0]!.get(0, 0));
   * ```
   */
  backprop(x: Vector, y: Vector | number): Gradient {
    checkInput(this.sizes, x, "Cannot backprop");
    return this.#backprop(x, checkTarget(this.sizes, y, "Cannot backprop"));
  }

  // The book's backprop, for input and target already checked.
  #backprop(x: Vector, y: Vector): Gradient {
    const fs = this.activationNames.map(activationByName);
    const nablaB = this.biases.map((b) => new Matrix(b.rows, b.cols));
    const nablaW = this.weights.map((w) => new Matrix(w.rows, w.cols));
    // Feedforward: every activation and every z, layer by layer.
    let activation = Matrix.column(x);
    const activations = [activation];
    const zs: Matrix[] = [];
    this.weights.forEach((w, l) => {
      const z = w.dot(activation).add(this.biases[l]!);
      zs.push(z);
      activation = fs[l]!.fn(z);
      activations.push(activation);
    });
    // Backward pass. BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), as network2.py's cost.delta(z, a, y) gives it.
    let delta = this.cost.delta(zs.at(-1)!, activations.at(-1)!, Matrix.column(y), fs.at(-1)!.name);
    // BP3: ∂C/∂bᴸ = δᴸ; BP4: ∂C/∂wᴸ = δᴸ (aᴸ⁻¹)ᵀ.
    nablaB[nablaB.length - 1] = delta;
    nablaW[nablaW.length - 1] = delta.dot(activations.at(-2)!.transpose());
    // As in network.py (not chapter 2, which counts from the input), l counts back from the
    // output: l = 1 is the output layer, l = 2 the last hidden layer, and [-l] is .at(-l).
    for (let l = 2; l < this.numLayers; l++) {
      const z = zs.at(-l)!;
      // BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ), with the layer's own f' in place of σ'.
      delta = fs.at(-l)!.backward(
        z,
        activations.at(-l)!,
        this.weights.at(-l + 1)!.transpose().dot(delta),
      );
      nablaB[nablaB.length - l] = delta;
      nablaW[nablaW.length - l] = delta.dot(activations.at(-l - 1)!.transpose());
    }
    return { nablaB, nablaW };
  }

  /**
   * One gradient-descent step on a mini-batch, as in the book: backprop each example and
   * move by `−(η/m)` times the summed gradient. With `lambda` and `n` it is network2.py's
   * `update_mini_batch`: `w ← (1 − ηλ/n)·w − (η/m)·Σ∇w` (or the L1 rule).
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
    const { kind, lambda } = readRegularization(o, where);
    if (lambda > 0 && o.n === undefined) {
      throw new TypeError(`${where}: lambda needs n, the size of the training data, got none`);
    }
    const n = o.n === undefined ? 1 : checkNumber(o.n, "n", where, { min: 1, integer: true });
    checkPairs(this.sizes, miniBatch, where, true);
    if (miniBatch.length === 0) {
      throw new RangeError(`${where}: mini-batch is empty, expected at least one example`);
    }
    this.#guard.check(where);
    let nablaB = this.biases.map((b) => new Matrix(b.rows, b.cols));
    let nablaW = this.weights.map((w) => new Matrix(w.rows, w.cols));
    for (const [x, y] of miniBatch) {
      const d = this.#backprop(x, checkTarget(this.sizes, y, where));
      nablaB = nablaB.map((nb, l) => nb.add(d.nablaB[l]!));
      nablaW = nablaW.map((nw, l) => nw.add(d.nablaW[l]!));
    }
    // The update rule has one home, shared with sgd: w ← (1 − ηλ/n)·w − (η/m)·Σ∇w for L2.
    new Optimizer(plainRule(n, kind, lambda)).update(
      jsKernels,
      { weights: this.weights.map((w) => w.data), biases: this.biases.map((b) => b.data) },
      { weights: nablaW.map((w) => w.data), biases: nablaB.map((b) => b.data) },
      eta,
      miniBatch.length,
    );
  }

  /**
   * Trains by mini-batch stochastic gradient descent (the book's `SGD`, with network2.py's
   * options; see {@linkcode SgdOptions}).
   *
   * Each epoch shuffles the training data, splits it into mini-batches and takes one step per
   * mini-batch. Unlike the book, each mini-batch is backpropagated at once as matrix products
   * (chapter 2's exercise), and nothing is printed: each epoch's entry goes to `onEpoch` and
   * into the returned history. A network trains one run at a time: a second `sgd` while one
   * runs is refused (its updates would interleave with the first's).
   *
   * If a mini-batch makes the cost, the gradient or the weights non-finite (η too large),
   * training stops with a {@linkcode DivergenceError} naming the epoch and mini-batch, and
   * the network keeps its weights from before that mini-batch.
   *
   * @param trainingData `[x, y]` pairs (y one-hot or a class index) or packed data.
   * @param options `epochs`, `miniBatchSize`, `eta`, and the rest of {@linkcode SgdOptions}.
   * @returns The history: per epoch the running cost, wall time, and what was monitored.
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
   */
  async sgd(trainingData: Data, options: SgdOptions): Promise<History> {
    const where = "Cannot train";
    const cfg = trainConfig(this.sizes, trainingData, options, where);
    this.#guard.check(where);
    const optimizer = new Optimizer(cfg.rule);
    const ws = this.#workspace(Math.min(cfg.miniBatchSize, cfg.n), cfg.backend, cfg.dtype, {
      dropout: cfg.dropout > 0,
      ...runOptions(cfg, optimizer),
    });
    const { rule } = cfg;
    try {
      return await this.#guard.run(cfg, () => {
        ws.loadParams(this.weights, this.biases);
        this.#regularization = {
          kind: rule.regularization,
          lambda: rule.lambda,
          dropout: cfg.dropout,
        };
        this.#backend = cfg.backend;
        return train(ws, cfg, options, {
          store: () => ws.storeParams(this.weights, this.biases),
          penalty: (n) => this.#penalty(n),
        });
      });
    } finally {
      ws.dispose(); // its memory goes to the next workspace
    }
  }

  // network2.py's regularization term of total_cost, with the last run's λ.
  #penalty(n: number, reg: Pick<Regularization, "kind" | "lambda"> = this.#regularization) {
    return penalty(reg.kind, reg.lambda, n, this.weights.map((w) => w.data));
  }

  #workspace(
    maxBatch: number,
    backend: Backend,
    dtype: Dtype,
    extra: Omit<WorkspaceOptions, "activations" | "cost">,
  ): Workspace {
    return new Workspace(this.sizes, maxBatch, selectKernels(backend, dtype), {
      activations: this.activationNames,
      cost: this.cost.name,
      ...extra,
    });
  }

  // `measure` over a whole source, in a float64 workspace of its own (chunks of up to 256),
  // on the caller's backend, else the last run's, else WebAssembly where it runs.
  #measureOnce(src: Source, withCost: boolean, backend: Backend | undefined) {
    const chosen = measuringBackend(backend, this.#backend);
    const chunk = Math.max(1, Math.min(256, sourceLength(src)));
    const ws = this.#workspace(chunk, chosen, "float64", { data: [src] });
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
   * @param options `backend` (see {@linkcode EvaluateOptions}).
   * @returns How many were classified correctly.
   *
   * @example
   * ```ts
   * import { Network } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([2, 2], { seed: 1 });
   * const correct = net.evaluate([[[0, 1], 0], [[1, 0], 1]]);
   * assert.equal(net.evaluate([[[0, 1], 0], [[1, 0], 1]], { backend: "js" }), correct);
   * ```
   */
  evaluate(testData: Data, options: EvaluateOptions = {}): number {
    const where = "Cannot evaluate";
    const o = checkOptions(options, where, "an object such as { backend }", ["backend"]);
    const src = toSource(this.sizes, testData, where, "test", false);
    return this.#measureOnce(src, false, readBackend(o, where)).correct;
  }

  /**
   * The mean cost over `data`, plus the regularization term (network2.py's `total_cost`):
   * `(1/n) Σₓ Cₓ + (λ/2n) Σ w²` for L2, `+ (λ/n) Σ |w|` for L1, with n the size of `data`.
   *
   * @param data `[x, y]` pairs (y a vector or a class index) or packed data.
   * @param options `lambda` (default 0), `regularization` and `backend`.
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
  totalCost(data: Data, options: TotalCostOptions = {}): number {
    const where = "Cannot compute cost";
    const o = checkOptions(options, where, "an object such as { lambda }", [
      "lambda",
      "regularization",
      "backend",
    ]);
    const reg = readRegularization(o, where);
    const src = toSource(this.sizes, data, where, "the", true);
    const mean = this.#measureOnce(src, true, readBackend(o, where)).cost;
    return mean + this.#penalty(sourceLength(src), reg);
  }

  /**
   * `∇ₐCₓ`, the derivative of the network's cost with respect to the output activations:
   * `a − y` for the quadratic cost (network.py's `cost_derivative`). BP1 does not call it:
   * it goes through `cost.delta` (network2.py's), which for the quadratic cost is
   * `costDerivative(a, y) ⊙ σ'(z)` and for cross-entropy the simplified `a − y`, where the
   * chain rule's `(a − y)/(a(1 − a)) · a(1 − a)` would be `0/0` at a saturated output.
   *
   * @param outputActivations The network's output `a`, a column.
   * @param y The desired output, a column of the same length.
   * @returns `∂C/∂a`, a column.
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
    return this.cost.derivative(outputActivations, y);
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
