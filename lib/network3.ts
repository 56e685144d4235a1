/**
 * network3.py's `Network` (chapter 6): a stack of layers — `ConvPoolLayer`,
 * `FullyConnectedLayer`, `SoftmaxLayer` — trained by the same `sgd` loop as the book's
 * `Network` (lib/_trainer.ts), on the same kernels.
 *
 * @module
 */

import { classOf, type Source, sourceLength } from "./_batch.ts";
import { readBackend, trainConfig } from "./_config.ts";
import { LayerStack } from "./_layer_stack.ts";
import { Optimizer, penalty } from "./_optimizers.ts";
import { measure, RunGuard, runOptions, train } from "./_trainer.ts";
import { afterMacrotask, argmax, typeName } from "./_util.ts";
import { checkInput, checkOptions, checkSeed, checkTarget, toSource } from "./_validate.ts";
import { measuringBackend, selectKernels } from "./_wasm_kernels.ts";
import type { Data, Vector } from "./dataset.ts";
import { jupyterDisplay, type MimeBundle } from "./displayable.ts";
import type { History } from "./history.ts";
import {
  checkLayers,
  ConvPoolLayer,
  FullyConnectedLayer,
  type Layer,
  SoftmaxLayer,
} from "./layers.ts";
import { Matrix } from "./matrix.ts";
import type { Backend, EvaluateOptions, Regularization, SgdOptions } from "./options.ts";
import { Random } from "./random.ts";

/** Options for {@linkcode Network3}'s constructor. */
export interface Network3Options {
  /** Seed for new initial parameters of every layer; the same seed gives the same network. */
  seed?: number;
  /** A generator to draw them from (instead of `seed`). */
  rng?: Random;
}

/** The gradient for one example, layer by layer: what {@linkcode Network3.prototype.backprop} returns. */
export interface LayerGradient {
  /** `∂C/∂w` of each layer, shaped as its `w` (conv filters `F × C × KH × KW`, row-major). */
  nablaW: Float64Array[];
  /** `∂C/∂b` of each layer, shaped as its `b`. */
  nablaB: Float64Array[];
}

/** The JSON form of a {@linkcode Network3}: its layers' settings and parameters. */
export interface Network3Json {
  /** Format version, 1. */
  version: number;
  /** `"network3"`. */
  kind: "network3";
  /** The layers, each with its type, its constructor's options, `w` and `b`. */
  layers: Record<string, unknown>[];
  /** The regularization of the last training run. */
  regularization: Regularization;
}

const FORMAT = 1;

/**
 * network3.py's `Network`: layers applied in turn, the last a `SoftmaxLayer` whose
 * log-likelihood is the cost. Shapes are checked when it is built.
 *
 * Where we differ from network3.py: no `mini_batch_size` (any batch runs), dropout is the
 * layers' own (`pDropout`), and `sgd` takes the book's `Network` options.
 *
 * @example The book's first convolutional network (chapter 6)
 * ```ts
 * import { ConvPoolLayer, FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network3([
 *   new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], poolSize: [2, 2] }),
 *   new FullyConnectedLayer({ nIn: 20 * 12 * 12, nOut: 100 }),
 *   new SoftmaxLayer({ nIn: 100, nOut: 10 }),
 * ], { seed: 1 });
 * assert.equal(net.feedforward(new Array(784).fill(0)).rows, 10);
 * assert.throws(
 *   () => new Network3([
 *     new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] }),
 *     new FullyConnectedLayer({ nIn: 2000, nOut: 100 }),
 *     new SoftmaxLayer({ nIn: 100, nOut: 10 }),
 *   ]),
 *   /FullyConnectedLayer 2 expects nIn 2000, but ConvPoolLayer 1 outputs 20×12×12 = 2880/,
 * );
 * ```
 */
export class Network3 {
  /** The layers, input side first; their `w` and `b` are the network's parameters. */
  readonly layers: readonly Layer[];
  #regularization: Regularization = { kind: "L2", lambda: 0, dropout: 0 };
  #backend: Backend | undefined;
  readonly #guard = new RunGuard();

  /**
   * Makes the network from its layers (network3.py's `Network(layers, mini_batch_size)`).
   * With `seed` or `rng`, every layer's parameters are drawn anew from it, in order.
   *
   * @param layers The layers; the last must be a `SoftmaxLayer`.
   * @param options `seed` or `rng`.
   *
   * @example Same seed, same network
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const make = () => new Network3([
   *   new FullyConnectedLayer({ nIn: 4, nOut: 3 }),
   *   new SoftmaxLayer({ nIn: 3, nOut: 2 }),
   * ], { seed: 5 });
   * assert.deepEqual(make().layers[0]!.w, make().layers[0]!.w);
   * ```
   */
  constructor(layers: readonly Layer[], options: Network3Options = {}) {
    const where = "Cannot create network";
    checkLayers(layers);
    const o = checkOptions(options, where, "an object such as { seed }", ["seed", "rng"]);
    if (o.rng !== undefined && !(o.rng instanceof Random)) {
      throw new TypeError(`${where}: rng is ${typeName(o.rng)}, expected a Random`);
    }
    const seed = checkSeed(o.seed, where);
    const rng = (o.rng as Random | undefined) ??
      (seed === undefined ? undefined : new Random(seed));
    if (rng !== undefined) { for (const l of layers) l.initialize(rng); }
    this.layers = Object.freeze([...layers]);
  }

  /** The sizes of the input and the output, as the data checks see them. */
  get #sizes(): number[] {
    return [this.layers[0]!.nIn, this.layers.at(-1)!.nOut];
  }

  /** A stack of the layers for batches of `m` on `backend` (`dtype` float64 unless given). */
  #stack(m: number, backend: Backend, dtype: "float64" | "float32" = "float64", extra = {}) {
    return new LayerStack(this.layers, selectKernels(backend, dtype), m, extra);
  }

  /**
   * The network's output for one input: the softmax layer's activations.
   *
   * @param x The input, `layers[0].nIn` numbers (an image as C × H × W, row-major).
   * @returns The output, a column of `nOut` of the last layer.
   *
   * @example
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })]);
   * const out = net.feedforward([1, 0]);
   * assert.ok(Math.abs(out.get(0) + out.get(1) - 1) < 1e-15);
   * ```
   */
  feedforward(x: Vector): Matrix {
    return Matrix.column(this.layerOutputs(x).at(-1)!);
  }

  /**
   * The input and every layer's activations for one input, at inference (dropout scaled as
   * network3.py does): what feature maps show. A conv layer's are its `F × OH × OW` pooled
   * maps, row-major.
   *
   * @param x The input.
   * @returns `[x, a¹, a², …]`, one array per layer after the input.
   *
   * @example
   * ```ts
   * import { ConvPoolLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([
   *   new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 6, 6] }),
   *   new SoftmaxLayer({ nIn: 8, nOut: 2 }),
   * ], { seed: 1 });
   * assert.deepEqual(net.layerOutputs(new Array(36).fill(0.5)).map((a) => a.length), [36, 8, 2]);
   * ```
   */
  layerOutputs(x: Vector): Float64Array[] {
    const input = checkInput(this.#sizes, x, "Cannot feed forward");
    const s = this.#stack(1, "js");
    s.x.set(Array.from(input));
    s.feedforward(1);
    return [Float64Array.from(input), ...s.buffers.map((b) => Float64Array.from(b.a))];
  }

  /**
   * The gradient of the cost for one example, by backpropagation through every layer (what
   * Theano's `T.grad` computes for network3.py).
   *
   * @param x The input.
   * @param y The class (or a one-hot vector).
   * @returns `∂C/∂w` and `∂C/∂b` of each layer.
   *
   * @example The softmax layer's bias gradient is a − y (BP1, BP3)
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })], { seed: 1 });
   * const a = net.feedforward([1, 0]);
   * const { nablaB } = net.backprop([1, 0], 1);
   * assert.ok(Math.abs(nablaB[1]![1]! - (a.get(1) - 1)) < 1e-15);
   * ```
   */
  backprop(x: Vector, y: Vector | number): LayerGradient {
    const where = "Cannot backprop";
    checkInput(this.#sizes, x, where);
    const target = checkTarget(this.#sizes, y, where);
    const s = this.#stack(1, "js");
    s.gather({ kind: "pairs", xs: [x], ys: [target] }, [0], 0, 1, true);
    s.forward(1);
    s.backward(1);
    return {
      nablaW: s.buffers.map((b) => Float64Array.from(b.gw)),
      nablaB: s.buffers.map((b) => Float64Array.from(b.gb)),
    };
  }

  /**
   * Trains by mini-batch stochastic gradient descent, with `Network.sgd`'s options and loop
   * (history, `onEpoch`, `onProgress`, `liveTraining()`, monitoring, schedules, seeds,
   * `DivergenceError`, backends and dtypes). Dropout is the layers' `pDropout` (network3.py's),
   * so the `dropout` option is refused.
   *
   * `lambda` is L2 on every layer's weights (not biases), normalised as network3.py does: the
   * cost gains `½·λ·Σw² / (n/m)`, with n/m the number of mini-batches, so that each step
   * decays the weights by `ηλm/n` (network2.py's `Network` decays by `ηλ/n`). The book's
   * chapter-6 λ = 0.1 means the same here.
   *
   * @param trainingData `[x, y]` pairs or packed data (MNIST's bytes stay bytes).
   * @param options `epochs`, `miniBatchSize`, `eta`, and the rest of {@linkcode SgdOptions}.
   * @returns The history.
   *
   * @example A tiny network learns a toy problem
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer, xor } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([
   *   new FullyConnectedLayer({ nIn: 2, nOut: 8, activation: "tanh" }),
   *   new SoftmaxLayer({ nIn: 8, nOut: 2 }),
   * ], { seed: 1 });
   * const data = xor(40, { seed: 1 });
   * const history = await net.sgd(data, { epochs: 300, miniBatchSize: 4, eta: 0.5, seed: 1, testData: data });
   * assert.ok(history.last!.test!.accuracy! > 0.9);
   * ```
   */
  async sgd(trainingData: Data, options: SgdOptions): Promise<History> {
    const where = "Cannot train";
    const cfg = trainConfig(this.#sizes, trainingData, options, where);
    if (cfg.dropout > 0) {
      throw new TypeError(
        `${where}: dropout is ${cfg.dropout}, but a Network3 drops what its layers' pDropout says (network3.py's); set pDropout on the FullyConnectedLayer or SoftmaxLayer instead`,
      );
    }
    this.#guard.check(where);
    // network3.py's normalisation of λ: per mini-batch, not per example (see above).
    const batches = cfg.n / cfg.miniBatchSize;
    const optimizer = new Optimizer({ ...cfg.rule, n: batches });
    const ws = this.#stack(
      Math.min(cfg.miniBatchSize, cfg.n),
      cfg.backend,
      cfg.dtype,
      runOptions(cfg, optimizer),
    );
    const { rule } = cfg;
    try {
      return await this.#guard.run(cfg, () => {
        this.#regularization = { kind: rule.regularization, lambda: rule.lambda, dropout: 0 };
        this.#backend = cfg.backend;
        return train(ws, cfg, options, {
          store: () => ws.storeParameters(),
          penalty: (n) => this.#penalty(n / cfg.miniBatchSize),
        });
      });
    } finally {
      ws.dispose();
    }
  }

  #penalty(batches: number): number {
    const reg = this.#regularization;
    return penalty(reg.kind, reg.lambda, batches, this.layers.map((l) => l.w));
  }

  /** The most active output for every example of `src` (batches of up to 100). */
  #predict(src: Source, backend: Backend | undefined): Int32Array {
    const n = sourceLength(src), chunk = Math.max(1, Math.min(100, n));
    const ws = this.#stack(chunk, this.#chooseBackend(backend), "float64", { data: [src] });
    try {
      const out = new Int32Array(n), guess = new Int32Array(chunk), order = ws.sequence(n);
      for (let start = 0; start < n; start += chunk) {
        const m = Math.min(chunk, n - start);
        ws.gather(src, order, start, m, false);
        ws.forward(m);
        ws.argmax(m, guess);
        out.set(guess.subarray(0, m), start);
      }
      return out;
    } finally {
      ws.dispose();
    }
  }

  #chooseBackend(backend: Backend | undefined): Backend {
    return measuringBackend(backend, this.#backend);
  }

  /**
   * Number of test inputs whose most active output is the right class (network3.py's
   * accuracy, as a count like the book's `evaluate`).
   *
   * @param testData `[x, y]` pairs or packed data.
   * @param options `backend`.
   * @returns How many were classified correctly.
   *
   * @example
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer, xor } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([
   *   new FullyConnectedLayer({ nIn: 2, nOut: 3 }),
   *   new SoftmaxLayer({ nIn: 3, nOut: 2 }),
   * ], { seed: 3 });
   * const data = xor(40, { seed: 1 });
   * let byHand = 0;
   * for (let i = 0; i < data.length; i++) {
   *   const out = net.feedforward(data.inputs.subarray(2 * i, 2 * i + 2));
   *   if ((out.get(1) > out.get(0) ? 1 : 0) === data.labels[i]) byHand++;
   * }
   * assert.equal(net.evaluate(data), byHand);
   * ```
   */
  evaluate(testData: Data, options: EvaluateOptions = {}): number {
    const where = "Cannot evaluate";
    const o = checkOptions(options, where, "an object such as { backend }", ["backend"]);
    const src = toSource(this.#sizes, testData, where, "test", false);
    const ws = this.#stack(
      Math.max(1, Math.min(100, sourceLength(src))),
      this.#chooseBackend(readBackend(o, where)),
      "float64",
      { data: [src] },
    );
    try {
      return measure(ws, src, false).correct;
    } finally {
      ws.dispose();
    }
  }

  /**
   * The network as JSON: format `version`, `kind: "network3"`, each layer's type, settings,
   * `w` and `b`, and the last run's regularization.
   *
   * @returns A plain object for `JSON.stringify`.
   *
   * @example Round trip
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })], { seed: 2 });
   * const copy = Network3.fromJSON(JSON.stringify(net));
   * assert.deepEqual(copy.layers[0]!.w, net.layers[0]!.w);
   * ```
   */
  toJSON(): Network3Json {
    return {
      version: FORMAT,
      kind: "network3",
      layers: this.layers.map((l) => ({ ...layerSettings(l), w: [...l.w], b: [...l.b] })),
      regularization: { ...this.#regularization },
    };
  }

  /**
   * Reads a network from its JSON (an object or the text). Every field is checked, and a
   * wrong one is named: each layer's settings by its constructor, `w` and `b` for length and
   * finite numbers, the layers' shapes as when the network is built.
   *
   * @param json The object or its JSON text.
   * @returns The network.
   *
   * @example A wrong field is named
   * ```ts
   * import { Network3 } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.throws(
   *   () => Network3.fromJSON({ version: 1, kind: "network3", layers: [{ type: "SoftmaxLayer", nIn: 2, nOut: 2, w: [1, 2], b: [0, 0] }] }),
   *   /layers\[0\]\.w has 2 numbers, expected 4/,
   * );
   * ```
   */
  static fromJSON(json: unknown): Network3 {
    const where = "Cannot load network";
    let v = json;
    if (typeof v === "string") {
      try {
        v = JSON.parse(v);
      } catch (e) {
        throw new SyntaxError(`${where}: not valid JSON (${(e as Error).message})`);
      }
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new TypeError(
        `${where}: expected an object with version, kind and layers, got ${typeName(v)}`,
      );
    }
    const o = v as Record<string, unknown>;
    if (o.version !== FORMAT) {
      throw new RangeError(`${where}: field "version" is ${String(o.version)}, expected ${FORMAT}`);
    }
    if (o.kind !== "network3") {
      throw new TypeError(
        `${where}: field "kind" is ${JSON.stringify(o.kind)}, expected "network3"`,
      );
    }
    if (!Array.isArray(o.layers) || o.layers.length === 0) {
      throw new TypeError(
        `${where}: field "layers" is ${typeName(o.layers)}, expected a non-empty array`,
      );
    }
    const layers = o.layers.map(readLayer);
    const net = new Network3(layers);
    if (o.regularization !== undefined) {
      const r = o.regularization as Record<string, unknown>;
      if (
        r === null || typeof r !== "object" || (r.kind !== "L2" && r.kind !== "L1") ||
        typeof r.lambda !== "number" || !(r.lambda >= 0)
      ) {
        throw new TypeError(
          `${where}: field "regularization" must be { kind: "L2" | "L1", lambda ≥ 0 }`,
        );
      }
      net.#regularization = { kind: r.kind, lambda: r.lambda, dropout: 0 };
    }
    return net;
  }

  /**
   * One line per layer, input side first.
   *
   * @returns For example `Network3: ConvPoolLayer 20×1×5×5 on 1×28×28, … → SoftmaxLayer 100 → 10`.
   *
   * @example
   * ```ts
   * import { FullyConnectedLayer, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })]);
   * assert.equal(String(net), "Network3 (17 parameters)\n  1. FullyConnectedLayer 2 → 3, sigmoid\n  2. SoftmaxLayer 3 → 2");
   * ```
   */
  toString(): string {
    const params = this.layers.reduce((s, l) => s + l.w.length + l.b.length, 0);
    return [`Network3 (${params} parameters)`, ...this.layers.map((l, i) => `  ${i + 1}. ${l}`)]
      .join("\n");
  }

  /**
   * What a notebook shows for the network: a table of its layers with their types, output
   * shapes and parameter counts (see `networkSummary`).
   *
   * @returns A promise of the MIME bundle: an HTML table, its SVG and text.
   *
   * @example
   * ```ts
   * import { FullyConnectedLayer, jupyterDisplay, Network3, SoftmaxLayer } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })]);
   * assert.match((await net[jupyterDisplay]())["text/plain"] as string, /^Network3/);
   * ```
   */
  async [jupyterDisplay](): Promise<MimeBundle> {
    // Display code sits above the math, which never imports it: it loads only when shown.
    const { networkSummary } = await import("./display/network_summary.ts");
    return await afterMacrotask(networkSummary(this).bundle());
  }

  /** @ignore The predictions behind {@linkcode ensembleVote}. */
  static predictions(net: Network3, src: Source): Int32Array {
    return net.#predict(src, undefined);
  }
}

/**
 * Number of test inputs that a majority vote of several networks classifies correctly (the
 * book's last row: a vote of five networks). A tie goes to the smallest class among those
 * tied.
 *
 * @param nets Networks with the same input and output sizes.
 * @param testData `[x, y]` pairs or packed data.
 * @returns How many the vote gets right.
 *
 * @example
 * ```ts
 * import { ensembleVote, FullyConnectedLayer, Network3, SoftmaxLayer, xor } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const make = (seed: number) => new Network3([new FullyConnectedLayer({ nIn: 2, nOut: 3 }), new SoftmaxLayer({ nIn: 3, nOut: 2 })], { seed });
 * const one = make(1);
 * assert.equal(ensembleVote([one], xor(40, { seed: 1 })), one.evaluate(xor(40, { seed: 1 })));
 * ```
 */
export function ensembleVote(nets: readonly Network3[], testData: Data): number {
  const where = "Cannot vote";
  if (!Array.isArray(nets) || nets.length === 0 || nets.some((n) => !(n instanceof Network3))) {
    throw new TypeError(`${where}: expected a non-empty array of Network3, got ${typeName(nets)}`);
  }
  const first = nets[0]!, sizes = [first.layers[0]!.nIn, first.layers.at(-1)!.nOut];
  nets.forEach((n, i) => {
    const s = [n.layers[0]!.nIn, n.layers.at(-1)!.nOut];
    if (s[0] !== sizes[0] || s[1] !== sizes[1]) {
      throw new RangeError(
        `${where}: network ${i} maps ${s[0]} → ${s[1]}, network 0 ${sizes[0]} → ${sizes[1]}`,
      );
    }
  });
  const src = toSource(sizes, testData, where, "test", false);
  const votes = nets.map((n) => Network3.predictions(n, src));
  const count = new Int32Array(sizes[1]!);
  let correct = 0;
  for (let e = 0; e < sourceLength(src); e++) {
    count.fill(0);
    for (const v of votes) count[v[e]!]!++;
    if (argmax(count) === classOf(src, e)) correct++; // a tie: the smallest class wins
  }
  return correct;
}

/** A layer's type and constructor options, as saved. */
function layerSettings(l: Layer): Record<string, unknown> {
  if (l instanceof ConvPoolLayer) {
    return {
      type: "ConvPoolLayer",
      filterShape: [...l.filterShape],
      imageShape: [...l.imageShape],
      poolSize: [...l.poolSize],
      activation: l.activation,
    };
  }
  if (l instanceof FullyConnectedLayer) {
    return {
      type: "FullyConnectedLayer",
      nIn: l.nIn,
      nOut: l.nOut,
      activation: l.activation,
      pDropout: l.pDropout,
    };
  }
  return { type: "SoftmaxLayer", nIn: l.nIn, nOut: l.nOut, pDropout: l.pDropout };
}

/** A layer from its saved settings (`layers[i]` of a file), its parameters checked. */
function readLayer(spec: unknown, i: number): Layer {
  const where = "Cannot load network", name = `layers[${i}]`;
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`${where}: ${name} is ${typeName(spec)}, expected a layer object`);
  }
  const { type, w, b, ...settings } = spec as Record<string, unknown>;
  let layer: Layer;
  try {
    if (type === "ConvPoolLayer") layer = new ConvPoolLayer(settings as never);
    else if (type === "FullyConnectedLayer") layer = new FullyConnectedLayer(settings as never);
    else if (type === "SoftmaxLayer") layer = new SoftmaxLayer(settings as never);
    else {
      throw new TypeError(
        `type is ${
          JSON.stringify(type)
        }, expected "ConvPoolLayer", "FullyConnectedLayer" or "SoftmaxLayer"`,
      );
    }
  } catch (e) {
    const ctor = (e as Error).constructor as new (m: string) => Error;
    throw new ctor(`${where}: ${name}: ${(e as Error).message}`);
  }
  readNumbers(w, layer.w, `${where}: ${name}.w`);
  readNumbers(b, layer.b, `${where}: ${name}.b`);
  return layer;
}

/** Fills `out` from `v`, which must be exactly `out.length` finite numbers. */
function readNumbers(v: unknown, out: Float64Array, what: string): void {
  if (!Array.isArray(v) || v.length !== out.length) {
    throw new RangeError(
      `${what} has ${
        Array.isArray(v) ? `${v.length} numbers` : typeName(v)
      }, expected ${out.length}`,
    );
  }
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new TypeError(`${what}[${i}] is ${String(x)}, expected a finite number`);
    }
    out[i] = x;
  });
}
