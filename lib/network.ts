/**
 * The book's `Network` (network.py): sigmoid layers trained by stochastic gradient descent,
 * with gradients from backpropagation.
 *
 * @module
 */

import { jsKernels, type Kernels } from "./_kernels.ts";
import { type Source, sourceLength, Workspace } from "./_batch.ts";
import { typeName } from "./_util.ts";
import { sigmoid, sigmoidPrime } from "./activations.ts";
import { type Data, type Example, isPacked, type PackedData, type Vector } from "./dataset.ts";
import { type EpochEntry, History } from "./history.ts";
import { Matrix } from "./matrix.ts";
import { Random } from "./random.ts";

/** Options for {@linkcode Network}'s constructor. */
export interface NetworkOptions {
  /** Seed for the initial weights and biases; the same seed gives the same network. */
  seed?: number;
  /** A generator to draw the initial parameters from (instead of `seed`). */
  rng?: Random;
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
}

/** What {@linkcode Network.prototype.backprop} returns: the gradient for one example. */
export interface Gradient {
  /** `∂C/∂b` for each layer after the input, shaped as `biases`. */
  nablaB: Matrix[];
  /** `∂C/∂w` for each layer after the input, shaped as `weights`. */
  nablaW: Matrix[];
}

/** The JSON form of a network, network2.py's `save` format. */
export interface NetworkJson {
  /** Layer sizes. */
  sizes: number[];
  /** Weights, each as nested rows (`sizes[l+1]` rows of `sizes[l]` numbers). */
  weights: number[][][];
  /** Biases, each as nested rows (`sizes[l+1]` rows of one number). */
  biases: number[][][];
  /** The cost's class name in network2.py. */
  cost: string;
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
   *
   * @example
   * ```ts
   * import { DivergenceError } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DivergenceError(0, 3).batch, 3);
   * ```
   */
  constructor(epoch: number, batch: number) {
    super(
      `Training diverged at epoch ${epoch}, mini-batch ${batch}: the cost or gradient became ` +
        `non-finite; try a smaller eta (the network keeps its weights from before this mini-batch)`,
    );
    this.name = "DivergenceError";
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * A feedforward network of sigmoid neurons, as in network.py.
 *
 * `weights[l]` is a `sizes[l+1] × sizes[l]` matrix and `biases[l]` a `sizes[l+1] × 1` column;
 * the input layer has no biases. Initial values are drawn from N(0, 1), as in the book.
 *
 * @example Train on XOR and evaluate
 * ```ts
 * import { Network } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([2, 3, 1], { seed: 2 });
 * assert.deepEqual(net.sizes, [2, 3, 1]);
 * assert.equal(net.weights[0]!.rows, 3);
 * assert.equal(net.weights[0]!.cols, 2);
 * assert.equal(net.biases[1]!.rows, 1);
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

  /**
   * Makes a network with random N(0, 1) weights and biases, as network.py does.
   *
   * @param sizes Neurons per layer, input first: at least two positive integers.
   * @param options `seed` (or `rng`) for the random initial parameters.
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
    const rng = options.rng ?? new Random(checkSeed(options.seed, "Cannot create network"));
    this.sizes = Object.freeze([...sizes]);
    this.numLayers = sizes.length;
    this.biases = [];
    this.weights = [];
    for (let l = 1; l < sizes.length; l++) {
      const b = new Matrix(sizes[l]!, 1);
      for (let i = 0; i < b.data.length; i++) b.data[i] = rng.gaussian();
      this.biases.push(b);
    }
    for (let l = 1; l < sizes.length; l++) {
      const w = new Matrix(sizes[l]!, sizes[l - 1]!);
      for (let i = 0; i < w.data.length; i++) w.data[i] = rng.gaussian();
      this.weights.push(w);
    }
  }

  /**
   * The network's output for input `a`: `a ← σ(w·a + b)` through every layer.
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
      act = sigmoid(addInto(matVec(this.weights[l]!, act), this.biases[l]!));
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
    // Feedforward, storing every z and activation layer by layer.
    let activation = toColumn(x);
    const activations = [activation];
    const zs: Matrix[] = [];
    for (let l = 0; l < this.weights.length; l++) {
      const z = addInto(matVec(this.weights[l]!, activation), this.biases[l]!);
      zs.push(z);
      activation = sigmoid(z);
      activations.push(activation);
    }
    // Backward pass. BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ).
    const L = this.weights.length;
    let delta = hadamard(this.costDerivative(activations[L]!, yCol), sigmoidPrime(zs[L - 1]!));
    // BP3: ∂C/∂bᴸ = δᴸ; BP4: ∂C/∂wᴸ = δᴸ (aᴸ⁻¹)ᵀ.
    nablaB[L - 1] = delta;
    nablaW[L - 1] = outer(delta, activations[L - 1]!);
    // As in the book, l counts back from the last layer: l = 2 is the second-last layer.
    for (let l = 2; l <= L; l++) {
      const sp = sigmoidPrime(zs[L - l]!);
      // BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ).
      delta = hadamard(matTVec(this.weights[L - l + 1]!, delta), sp);
      nablaB[L - l] = delta;
      nablaW[L - l] = outer(delta, activations[L - l]!);
    }
    return { nablaB, nablaW };
  }

  /**
   * One gradient-descent step on a mini-batch, as in the book: backprop each example and
   * move by `−(η/m)` times the summed gradient. (`sgd` does the same with matrix products.)
   *
   * @param miniBatch `[x, y]` pairs.
   * @param eta The learning rate η, a positive number.
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
  updateMiniBatch(miniBatch: readonly Example[], eta: number): void {
    checkEta(eta, "Cannot update");
    checkPairs(this.sizes, miniBatch, "Cannot update", true);
    if (miniBatch.length === 0) {
      throw new RangeError("Cannot update: mini-batch is empty, expected at least one example");
    }
    const nablaB = this.biases.map((b) => new Matrix(b.rows, b.cols));
    const nablaW = this.weights.map((w) => new Matrix(w.rows, w.cols));
    for (const [x, y] of miniBatch) {
      const d = this.#backprop(x, checkTarget(this.sizes, y, "Cannot update"));
      for (let l = 0; l < nablaB.length; l++) {
        addInto(nablaB[l]!, d.nablaB[l]!);
        addInto(nablaW[l]!, d.nablaW[l]!);
      }
    }
    const k = eta / miniBatch.length;
    for (let l = 0; l < nablaB.length; l++) {
      const w = this.weights[l]!.data, nw = nablaW[l]!.data;
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - k * nw[i]!;
      const b = this.biases[l]!.data, nb = nablaB[l]!.data;
      for (let i = 0; i < b.length; i++) b[i] = b[i]! - k * nb[i]!;
    }
  }

  /**
   * Trains by mini-batch stochastic gradient descent (the book's `SGD`).
   *
   * Each epoch shuffles the training data, splits it into mini-batches and takes one step per
   * mini-batch. Unlike the book, each mini-batch is backpropagated at once as matrix products
   * (chapter 2's exercise), and nothing is printed: each epoch's entry goes to `onEpoch` and
   * into the returned history.
   *
   * @param trainingData `[x, y]` pairs (y one-hot or a class index) or packed data.
   * @param options `epochs`, `miniBatchSize`, `eta`; optionally `testData`, `seed`, `onEpoch`,
   *   `onProgress`.
   * @returns The history: per epoch the training cost, test accuracy and wall time.
   *
   * @example
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
   *   onEpoch: (e) => lines.push(`Epoch ${e.epoch}: ${e.testCorrect} / ${e.testTotal}`),
   * });
   * assert.equal(history.length, 200);
   * assert.equal(lines.at(-1), "Epoch 199: 2 / 2");
   * ```
   */
  async sgd(trainingData: Data, options: SgdOptions): Promise<History> {
    const where = "Cannot train";
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `${where}: expected an options object with epochs, miniBatchSize and eta, got ${
          typeName(options)
        }`,
      );
    }
    const { epochs, miniBatchSize, eta } = options;
    if (!Number.isInteger(epochs) || epochs < 1) {
      throw new RangeError(`${where}: epochs is ${String(epochs)}, expected an integer ≥ 1`);
    }
    if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) {
      throw new RangeError(
        `${where}: miniBatchSize is ${String(miniBatchSize)}, expected an integer ≥ 1`,
      );
    }
    checkEta(eta, where);
    const interval = options.progressInterval ?? 250;
    if (typeof interval !== "number" || !(interval >= 0)) {
      throw new RangeError(
        `${where}: progressInterval is ${String(interval)}, expected a number ≥ 0`,
      );
    }
    const train = toSource(this.sizes, trainingData, where, "training", true);
    const n = sourceLength(train);
    if (n === 0) {
      throw new RangeError(`${where}: training data is empty, expected at least one example`);
    }
    const test = options.testData === undefined
      ? undefined
      : toSource(this.sizes, options.testData, where, "test", false);
    const rng = options.rng ?? new Random(checkSeed(options.seed, where));

    const kernels: Kernels = jsKernels;
    const ws = new Workspace(this.sizes, Math.min(miniBatchSize, n), kernels);
    ws.loadParams(this.weights, this.biases);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const batches = Math.ceil(n / miniBatchSize);
    const history = new History();
    const t0 = performance.now();
    let lastProgress = t0, seen = 0;

    for (let epoch = 0; epoch < epochs; epoch++) {
      const te = performance.now();
      rng.shuffle(order);
      let cost = 0;
      for (let b = 0, start = 0; start < n; b++, start += miniBatchSize) {
        const m = Math.min(miniBatchSize, n - start);
        ws.gather(train, order, start, m, true);
        ws.forward(m);
        const c = ws.backward(m);
        if (!Number.isFinite(c) || !ws.gradientsFinite(m)) {
          // Nothing of this mini-batch was applied: hand back the weights from before it.
          ws.storeParams(this.weights, this.biases);
          throw new DivergenceError(epoch, b);
        }
        ws.step(eta, m);
        cost += c;
        seen += m;
        if (options.onProgress) {
          const now = performance.now();
          if (now - lastProgress >= interval) {
            lastProgress = now;
            await options.onProgress(
              progress(
                epoch,
                epochs,
                b + 1,
                batches,
                seen,
                n,
                now - t0,
                cost / (start + m),
                history,
              ),
            );
          }
        }
      }
      ws.storeParams(this.weights, this.biases);
      const entry: { -readonly [K in keyof EpochEntry]: EpochEntry[K] } = {
        epoch,
        trainingCost: cost / n,
        seconds: 0,
      };
      if (test !== undefined) {
        const total = sourceLength(test);
        entry.testCorrect = countCorrect(ws, test, ws.maxBatch);
        entry.testTotal = total;
        entry.testAccuracy = total === 0 ? 0 : entry.testCorrect / total;
      }
      entry.seconds = (performance.now() - te) / 1000;
      history.push(entry);
      options.onEpoch?.(entry, history);
      if (options.onProgress) {
        const now = performance.now();
        lastProgress = now;
        await options.onProgress(
          progress(epoch, epochs, batches, batches, seen, n, now - t0, cost / n, history),
        );
      }
    }
    return history;
  }

  /**
   * Number of test inputs for which the network's most active output neuron is the right
   * class (the book's `evaluate`).
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
    const ws = new Workspace(this.sizes, Math.max(1, Math.min(256, sourceLength(src))), jsKernels);
    ws.loadParams(this.weights, this.biases);
    return countCorrect(ws, src, ws.maxBatch);
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
   * The network in network2.py's JSON format, `{ sizes, weights, biases, cost }`.
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
   * ```
   */
  toJSON(): NetworkJson {
    return {
      sizes: [...this.sizes],
      weights: this.weights.map((w) => w.toArray()),
      biases: this.biases.map((b) => b.toArray()),
      cost: "QuadraticCost",
    };
  }

  /**
   * Loads a network from network2.py's JSON format (a parsed object or a JSON string).
   * Every field and shape is checked; nothing in the file is evaluated.
   *
   * @param json The object (or its JSON text) with `sizes`, `weights` and `biases`.
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
   */
  static fromJSON(json: unknown): Network {
    const where = "Cannot load network";
    let obj = json;
    if (typeof json === "string") {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new SyntaxError(`${where}: the text is not valid JSON (${(e as Error).message})`);
      }
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      throw new TypeError(
        `${where}: expected an object with sizes, weights and biases, got ${typeName(obj)}`,
      );
    }
    const o = obj as Record<string, unknown>;
    if (!Array.isArray(o.sizes)) {
      throw new TypeError(`${where}: field "sizes" is ${typeName(o.sizes)}, expected an array`);
    }
    const sizes = o.sizes as number[];
    checkSizes(sizes, `${where}: field "sizes"`);
    const net = new Network(sizes, { seed: 0 });
    const read = (field: "weights" | "biases", target: Matrix[]) => {
      const v = o[field];
      if (!Array.isArray(v) || v.length !== sizes.length - 1) {
        throw new TypeError(
          `${where}: field "${field}" is ${
            Array.isArray(v) ? `an array of ${v.length}` : typeName(v)
          }, expected an array of ${sizes.length - 1} matrices`,
        );
      }
      v.forEach((rows, l) => {
        const t = target[l]!;
        if (!Array.isArray(rows) || rows.length !== t.rows) {
          throw new TypeError(
            `${where}: field "${field}[${l}]" must be ${t.rows} rows of ${t.cols} numbers`,
          );
        }
        rows.forEach((row: unknown, i: number) => {
          if (!Array.isArray(row) || row.length !== t.cols) {
            throw new TypeError(
              `${where}: field "${field}[${l}][${i}]" must be an array of ${t.cols} numbers`,
            );
          }
          row.forEach((x: unknown, j: number) => {
            if (typeof x !== "number" || !Number.isFinite(x)) {
              throw new TypeError(
                `${where}: field "${field}[${l}][${i}][${j}]" is ${typeName(x)} ${
                  String(x)
                }, expected a finite number`,
              );
            }
            t.data[i * t.cols + j] = x;
          });
        });
      });
    };
    read("weights", net.weights);
    read("biases", net.biases);
    return net;
  }

  /**
   * A one-line summary: layer sizes and parameter count.
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
    return `Network [${this.sizes.join(", ")}] (${p} parameters)`;
  }
}

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
  };
}

function countCorrect(ws: Workspace, src: Source, chunk: number): number {
  const n = sourceLength(src);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const guess = new Int32Array(chunk);
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    ws.gather(src, order, start, m, false);
    ws.forward(m);
    ws.argmax(m, guess);
    for (let j = 0; j < m; j++) if (guess[j] === classOf(src, start + j)) correct++;
  }
  return correct;
}

function classOf(src: Source, i: number): number {
  if (src.kind === "packed") return src.data.labels[i]!;
  const y = src.ys[i]!;
  if (typeof y === "number") return y;
  let best = 0;
  for (let k = 1; k < y.length; k++) if (y[k]! > y[best]!) best = k;
  return best;
}

// ---- validation (once, at the public entry, before anything changes) ----

function checkSizes(sizes: unknown, where: string): asserts sizes is number[] {
  if (!Array.isArray(sizes)) {
    throw new TypeError(
      `${where}: sizes is ${
        typeName(sizes)
      }, expected an array of layer sizes such as [784, 30, 10]`,
    );
  }
  if (sizes.length < 2) {
    throw new RangeError(
      `${where}: sizes has ${sizes.length} layer${
        sizes.length === 1 ? "" : "s"
      }, expected at least 2 (input and output)`,
    );
  }
  sizes.forEach((s, l) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1) {
      throw new RangeError(
        `${where}: sizes[${l}] is ${
          typeof s === "string" ? `"${s}"` : String(s)
        }, expected a positive integer`,
      );
    }
  });
}

function checkSeed(seed: unknown, where: string): number | undefined {
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new TypeError(
      `${where}: seed is ${typeName(seed)} ${String(seed)}, expected a finite number`,
    );
  }
  return seed as number | undefined;
}

function checkEta(eta: unknown, where: string): void {
  if (typeof eta !== "number" || !Number.isFinite(eta) || eta <= 0) {
    throw new RangeError(`${where}: eta is ${String(eta)}, expected a positive finite number`);
  }
}

function checkInput(sizes: readonly number[], x: unknown, where: string, label = "input"): Vector {
  if (x === null || typeof x !== "object" || typeof (x as Vector).length !== "number") {
    throw new TypeError(`${where}: ${label} is ${typeName(x)}, expected ${sizes[0]} numbers`);
  }
  const v = x as Vector;
  if (v.length !== sizes[0]) {
    throw new RangeError(
      `${where}: ${label} has length ${v.length}, expected ${sizes[0]} (sizes[0])`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (typeof e !== "number" || !Number.isFinite(e)) {
      throw new TypeError(
        `${where}: ${label}[${i}] is ${typeName(e)} ${String(e)}, expected a finite number`,
      );
    }
  }
  return v;
}

function checkTarget(sizes: readonly number[], y: unknown, where: string, label = "y"): Vector {
  const nOut = sizes[sizes.length - 1]!;
  if (typeof y === "number") {
    if (!Number.isInteger(y) || y < 0 || y >= nOut) {
      throw new RangeError(
        `${where}: ${label} is class ${y}, expected an integer from 0 to ${nOut - 1}`,
      );
    }
    const v = new Float64Array(nOut);
    v[y] = 1;
    return v;
  }
  if (y === null || typeof y !== "object" || typeof (y as Vector).length !== "number") {
    throw new TypeError(
      `${where}: ${label} is ${typeName(y)}, expected ${nOut} numbers or a class index`,
    );
  }
  const v = y as Vector;
  if (v.length !== nOut) {
    throw new RangeError(
      `${where}: ${label} has length ${v.length}, expected ${nOut} (the output layer's size)`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new TypeError(`${where}: ${label}[${i}] is ${String(v[i])}, expected a finite number`);
    }
  }
  return v;
}

function checkPairs(
  sizes: readonly number[],
  data: unknown,
  where: string,
  training: boolean,
): readonly Example[] {
  if (!Array.isArray(data)) {
    throw new TypeError(
      `${where}: data is ${typeName(data)}, expected an array of [x, y] pairs or packed data`,
    );
  }
  data.forEach((ex, i) => {
    if (!Array.isArray(ex) || ex.length !== 2) {
      throw new TypeError(`${where}: example ${i} is ${typeName(ex)}, expected an [x, y] pair`);
    }
    checkInput(sizes, ex[0], where, `input ${i}`);
    checkTarget(sizes, ex[1], where, `${training ? "target" : "label"} ${i}`);
  });
  return data;
}

function toSource(
  sizes: readonly number[],
  data: unknown,
  where: string,
  what: string,
  training: boolean,
): Source {
  if (data !== null && typeof data === "object" && !Array.isArray(data) && isPacked(data as Data)) {
    const p = data as Partial<PackedData>;
    const nOut = sizes[sizes.length - 1]!;
    if (
      !Number.isInteger(p.length) || !ArrayBuffer.isView(p.inputs) || !ArrayBuffer.isView(p.labels)
    ) {
      throw new TypeError(
        `${where}: ${what} data is ${
          typeName(data)
        }, expected an array of [x, y] pairs or packed data`,
      );
    }
    const d = p as PackedData;
    if (d.inputSize !== sizes[0]) {
      throw new RangeError(
        `${where}: ${what} inputs have length ${d.inputSize}, expected ${sizes[0]} (sizes[0])`,
      );
    }
    if (d.inputs.length < d.length * d.inputSize || d.labels.length < d.length) {
      throw new RangeError(
        `${where}: ${what} data claims ${d.length} examples but holds ${
          Math.floor(d.inputs.length / d.inputSize)
        } inputs and ${d.labels.length} labels`,
      );
    }
    if (typeof d.inputScale !== "number" || !Number.isFinite(d.inputScale)) {
      throw new TypeError(
        `${where}: ${what} data has inputScale ${String(d.inputScale)}, expected a finite number`,
      );
    }
    for (let i = 0; i < d.length; i++) {
      const l = d.labels[i]!;
      if (l >= nOut || l < 0) {
        throw new RangeError(
          `${where}: ${what} label ${i} is ${l}, expected 0 to ${
            nOut - 1
          } (the output layer has ${nOut} neurons)`,
        );
      }
    }
    if (!(d.inputs instanceof Uint8Array)) {
      const end = d.length * d.inputSize;
      for (let i = 0; i < end; i++) {
        if (!Number.isFinite(d.inputs[i]!)) {
          throw new TypeError(
            `${where}: ${what} input ${Math.floor(i / d.inputSize)} has ${
              d.inputs[i]
            } at position ${i % d.inputSize}, expected finite numbers`,
          );
        }
      }
    }
    return { kind: "packed", data: d };
  }
  const pairs = checkPairs(sizes, data, `${where}`, training);
  return { kind: "pairs", xs: pairs.map((p) => p[0]), ys: pairs.map((p) => p[1]) };
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

function hadamard(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i]! * b.data[i]!;
  return out;
}

function outer(d: Matrix, a: Matrix): Matrix {
  const out = new Matrix(d.rows, a.rows);
  for (let i = 0; i < d.rows; i++) {
    for (let j = 0; j < a.rows; j++) out.data[i * a.rows + j] = d.data[i]! * a.data[j]!;
  }
  return out;
}
