/**
 * The book's chapter-6 network trained side by side (issue 11): conv 20×5×5 → max-pool 2×2 →
 * conv 40×5×5 → max-pool 2×2 → FC 100 → softmax 10, ReLU, plain SGD on mini-batches of 10,
 * on the same MNIST training images, for ours, ConvNetJS 0.3.0 and TensorFlow.js. Examples per
 * second, the ratio to ConvNetJS, the GFLOP/s of a training step beside what our kernels reach
 * on a large product, and the issue's targets.
 *
 * Run by bench.ts (`deno task bench`, or this section alone with `deno task bench --only conv`),
 * which sets TensorFlow.js up (wasm paths, PROD) before calling {@linkcode convSection}.
 *
 * Everything runs on the main thread, so each implementation uses one core.
 *
 * @module
 */

import { convnetjs, registerTfGradients, tf } from "../dev_deps.ts";
import type { Kernels } from "../lib/_kernels.ts";
import { selectKernels } from "../lib/_wasm_kernels.ts";
import { ConvPoolLayer, FullyConnectedLayer, type Layer, SoftmaxLayer } from "../lib/layers.ts";
import { Network3 } from "../lib/network3.ts";
import { type PackedData, slice } from "../lib/dataset.ts";
import { largeProductGflops } from "./kernels_bench.ts";
import {
  resetThreadStats,
  splitChoices,
  STALL_BOUNDS_US,
  threadStats,
} from "../lib/_wasm_helper.ts";

/** The network, as the table's caption names it. */
export const CONV_NETWORK =
  "conv 20×5×5 → max-pool 2×2 → conv 40×5×5 → max-pool 2×2 → FC 100 → softmax 10, ReLU";

const MINI_BATCH = 10;
/** network3.py's η for the ReLU networks (λ = 0 here: plain gradient descent). */
const ETA = 0.03;
/** How many MNIST training images every implementation cycles through, in the same order. */
const POOL = 1000;

/**
 * Flops of one example's training: the products of the forward pass, of the gradient with
 * respect to the weights (every layer) and of the error passed back (every layer but the
 * first, whose input needs none), each multiply-add counted as 2; plus the update, 2 per
 * parameter, a tenth of it per example. Pooling, activations and the softmax are left out
 * (under 1%).
 */
export function convFlopsPerExample(): number {
  // [multiply-adds of the forward pass, parameters, whether the error is passed back]
  const conv = (f: number, c: number, k: number, oh: number) => f * c * k * k * oh * oh;
  const layers: [number, number, boolean][] = [
    [conv(20, 1, 5, 24), 20 * 25 + 20, false],
    [conv(40, 20, 5, 8), 40 * 20 * 25 + 40, true],
    [640 * 100, 640 * 100 + 100, true],
    [100 * 10, 100 * 10 + 10, true],
  ];
  let flops = 0;
  for (const [macs, params, back] of layers) {
    flops += 2 * macs * (back ? 3 : 2) + (2 * params) / MINI_BATCH;
  }
  return flops;
}

/** Weights and biases of the network: 520 + 20,040 + 64,100 + 1,010. */
const PARAMETERS = 85_670;

/** Throws unless an implementation's network has the book's network's parameter count. */
function checkParameters(name: string, count: number): void {
  if (count !== PARAMETERS) {
    throw new Error(`${name} built a network of ${count} parameters, expected ${PARAMETERS}`);
  }
}

/** Trains on `count` more examples (a multiple of the mini-batch size) when called. */
interface ConvSetup {
  train(count: number): Promise<void> | void;
  /** Makes this implementation current (TensorFlow.js: selects its backend). */
  activate?: () => Promise<void>;
  dispose?: () => void;
}

/** One row of the table. */
interface ConvImplementation {
  readonly name: string;
  readonly family: "ours" | "convnetjs" | "tfjs";
  readonly backend: string;
  readonly dtype: "float64" | "float32";
  /** Ours: the threads the kernels may use (`sgd`'s `threads`). */
  readonly threads?: number;
  /** Our kernel set, for the large product's GFLOP/s beside the step's. */
  readonly kernels?: Kernels;
  setup(data: PackedData): Promise<ConvSetup>;
}

// ---- ours ----

/** The book's network as network3.py's layers (`Network3`'s seed draws their parameters). */
function bookLayers(): Layer[] {
  return [
    new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" }),
    new ConvPoolLayer({
      filterShape: [40, 20, 5, 5],
      imageShape: [20, 12, 12],
      activation: "relu",
    }),
    new FullyConnectedLayer({ nIn: 640, nOut: 100, activation: "relu" }),
    new SoftmaxLayer({ nIn: 100, nOut: 10 }),
  ];
}

/**
 * Ours: `Network3.sgd` for one epoch over the next slice of the images (real training, as
 * the other bench rows: each call gathers its mini-batches from the packed bytes, and
 * updates the parameters after each).
 */
function oursSgd(backend: "wasm" | "js", dtype: "float64" | "float32", threads = 1) {
  const on = backend === "wasm" ? `, ${threads === 1 ? "1 thread" : `${threads} threads`}` : "";
  return {
    name: `ours, \`Network3.sgd\` (${backend} ${dtype}${on})`,
    family: "ours",
    backend,
    dtype,
    threads,
    kernels: selectKernels(backend, dtype),
    setup(data: PackedData): Promise<ConvSetup> {
      const net = new Network3(bookLayers(), { seed: 1 });
      checkParameters("Network3", net.layers.reduce((n, l) => n + l.w.length + l.b.length, 0));
      const pool = slice(data, 0, POOL);
      let next = 0;
      return Promise.resolve({
        async train(count: number) {
          for (let done = 0; done < count;) {
            const n = Math.min(count - done, POOL - next);
            await net.sgd(slice(pool, next, next + n), {
              epochs: 1,
              miniBatchSize: MINI_BATCH,
              eta: ETA,
              seed: 1,
              backend,
              dtype,
              threads,
            });
            next = (next + n) % POOL;
            done += n;
          }
        },
      });
    },
  } satisfies ConvImplementation;
}

// ---- ConvNetJS ----

/** The little of ConvNetJS's (untyped) API that the bench uses. */
interface ConvNetJs {
  Net: new () => {
    makeLayers(defs: readonly object[]): void;
    getParamsAndGrads(): { params: ArrayLike<number> }[];
  };
  Trainer: new (net: unknown, options: object) => { train(x: unknown, y: number): unknown };
  Vol: new (sx: number, sy: number, depth: number, c: number) => { w: Float64Array };
}

/**
 * ConvNetJS 0.3.0: the same layers (its conv layer applies ReLU before pooling, ours after:
 * the same output), its `Trainer` with plain SGD (`momentum: 0`; its default is 0.9) on
 * mini-batches of 10, one `train(x, label)` per example as its API asks.
 */
const convNetJs: ConvImplementation = {
  name: "ConvNetJS 0.3.0 (float64)",
  family: "convnetjs",
  backend: "js",
  dtype: "float64",
  setup(data) {
    const cnj = convnetjs as unknown as ConvNetJs;
    const net = new cnj.Net();
    net.makeLayers([
      { type: "input", out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: "conv", sx: 5, filters: 20, stride: 1, pad: 0, activation: "relu" },
      { type: "pool", sx: 2, stride: 2 },
      { type: "conv", sx: 5, filters: 40, stride: 1, pad: 0, activation: "relu" },
      { type: "pool", sx: 2, stride: 2 },
      { type: "fc", num_neurons: 100, activation: "relu" },
      { type: "softmax", num_classes: 10 },
    ]);
    const params = net.getParamsAndGrads().reduce((n, p) => n + p.params.length, 0);
    checkParameters("ConvNetJS", params);
    const trainer = new cnj.Trainer(net, {
      method: "sgd",
      learning_rate: ETA,
      batch_size: MINI_BATCH,
      l2_decay: 0,
      momentum: 0,
    });
    // Its volumes index (y·sx + x)·depth + d: for one channel, MNIST's row-major order.
    const vols = Array.from({ length: POOL }, (_, e) => {
      const v = new cnj.Vol(28, 28, 1, 0);
      for (let i = 0; i < 784; i++) v.w[i] = data.inputs[e * 784 + i]! * data.inputScale;
      return v;
    });
    let next = 0;
    return Promise.resolve({
      train(count: number) {
        for (let i = 0; i < count; i++, next = (next + 1) % POOL) {
          trainer.train(vols[next], data.labels[next]!);
        }
      },
    });
  },
};

// ---- TensorFlow.js ----

/**
 * TensorFlow.js, NHWC, with autodiff (`tf.train.sgd(η).minimize`), fused conv + bias + ReLU
 * and dense ops, `tf.losses.softmaxCrossEntropy` (the mean over the mini-batch, so the same
 * step as ours). Its gradients come from dev_deps.ts's `registerTfGradients`.
 */
function tfjsConv(backend: "cpu" | "wasm"): ConvImplementation {
  return {
    name: `TensorFlow.js ${backend === "wasm" ? "wasm (SIMD)" : "cpu"} (float32)`,
    family: "tfjs",
    backend,
    dtype: "float32",
    async setup(data) {
      await registerTfGradients();
      if (!await tf.setBackend(backend)) throw new Error(`backend ${backend} failed to start`);
      await tf.ready();
      const xs = new Float32Array(POOL * 784), ys = new Float32Array(POOL * 10);
      for (let i = 0; i < xs.length; i++) xs[i] = data.inputs[i]! * data.inputScale;
      for (let e = 0; e < POOL; e++) ys[e * 10 + data.labels[e]!] = 1;
      const normal = <R extends tf.Rank>(shape: tf.ShapeMap[R], sd: number, seed: number) =>
        tf.variable(tf.randomNormal<R>(shape, 0, sd, "float32", seed));
      const w1 = normal<tf.Rank.R4>([5, 5, 1, 20], Math.sqrt(4 / 500), 1);
      const w2 = normal<tf.Rank.R4>([5, 5, 20, 40], Math.sqrt(4 / 1000), 3);
      const w3 = normal<tf.Rank.R2>([640, 100], 0.1, 5);
      const b1 = normal<tf.Rank.R1>([20], 1, 2), b2 = normal<tf.Rank.R1>([40], 1, 4);
      const b3 = normal<tf.Rank.R1>([100], 1, 6);
      const w4 = tf.variable(tf.zeros([100, 10])), b4 = tf.variable(tf.zeros([10]));
      const vars = [w1, b1, w2, b2, w3, b3, w4, b4];
      checkParameters("TensorFlow.js", vars.reduce((n, v) => n + v.size, 0));
      const optimizer = tf.train.sgd(ETA);
      const step = (x: tf.Tensor4D, y: tf.Tensor2D) =>
        tf.tidy(() =>
          void optimizer.minimize(
            () => {
              const relu = "relu" as const, pad = "valid" as const;
              const conv = (x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D) =>
                tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: relu });
              const p1 = tf.maxPool(conv(x, w1, b1), 2, 2, pad);
              const p2 = tf.maxPool(conv(p1, w2, b2), 2, 2, pad);
              const flat = tf.reshape(p2, [MINI_BATCH, 640]);
              const h = tf.fused.matMul({ a: flat, b: w3, bias: b3, activation: relu });
              const logits = tf.fused.matMul({ a: h, b: w4, bias: b4 });
              return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
            },
            false,
            vars,
          )
        );
      let next = 0;
      const train = async (count: number) => {
        for (let done = 0; done < count; done += MINI_BATCH) {
          const x = tf.tensor4d(xs.subarray(next * 784, (next + MINI_BATCH) * 784), [
            MINI_BATCH,
            28,
            28,
            1,
          ]);
          const y = tf.tensor2d(ys.subarray(next * 10, (next + MINI_BATCH) * 10), [MINI_BATCH, 10]);
          step(x, y);
          tf.dispose([x, y]);
          next = (next + MINI_BATCH) % POOL;
        }
        await w1.data(); // make sure the work is done
      };
      try {
        await train(MINI_BATCH); // fails here when a kernel is missing
      } catch (e) {
        tf.dispose(vars);
        const missing = [
          "Conv2D",
          "FusedConv2D",
          "Conv2DBackpropInput",
          "Conv2DBackpropFilter",
          "MaxPool",
          "MaxPoolGrad",
        ].filter((k) => tf.getKernel(k, backend) === undefined);
        throw new Error(
          `${(e as Error).message}${
            missing.length > 0 ? ` (not registered for ${backend}: ${missing.join(", ")})` : ""
          }`,
        );
      }
      return {
        async activate() {
          await tf.setBackend(backend);
        },
        train,
        dispose() {
          tf.dispose(vars);
          optimizer.dispose();
        },
      };
    },
  };
}

/** The rows of the table, in order. */
function convImplementations(): ConvImplementation[] {
  return [
    oursSgd("wasm", "float32"),
    oursSgd("wasm", "float32", 2),
    oursSgd("wasm", "float64"),
    oursSgd("wasm", "float64", 2),
    oursSgd("js", "float64"),
    convNetJs,
    tfjsConv("wasm"),
    tfjsConv("cpu"),
  ];
}

/**
 * The stall distribution of the two-thread runs' hand-offs since the last `resetThreadStats`, and
 * which product shapes the measured choice splits, one line.
 */
export function stallLine(): string {
  const st = threadStats();
  if (st.splits === 0) return "no product split (all on the calling thread)";
  const labels = STALL_BOUNDS_US.map((b) => `<${b}`).concat(`≥${STALL_BOUNDS_US.at(-1)}`);
  const dist = st.stalls.map((n, i) => `${labels[i]} µs: ${n}`).filter((t) => !t.endsWith(": 0"));
  return `${st.splits} products split into ${st.chunks} chunks, ${st.workerChunks} run by the worker (${
    (100 * st.workerChunks / st.chunks).toFixed(0)
  }%); stalls after the main thread's chunks: ${dist.join(", ")}; longest ${
    st.maxStallUs.toFixed(0)
  } µs; ${st.wholes} large products ran whole; split now: ${
    // The shapes called most (a run's last, shorter mini-batch adds shapes called once).
    splitChoices().filter((c, _, all) => c.calls * 20 >= Math.max(...all.map((a) => a.calls)))
      .map((c) => `${c.shape} ${c.split ? "yes" : "no"}`).join(", ") || "–"}`;
}

// ---- timing ----

interface ConvMeasurement {
  /** Median of the per-chunk rates. */
  examplesPerSecond: number;
  min: number;
  max: number;
  chunks: number;
  /** Examples per timed chunk. */
  chunk: number;
}

/**
 * Times the implementations side by side. Each warms up (one untimed mini-batch, then chunks
 * doubling until one takes 0.1 s) and gets a chunk of about a third of `seconds / rounds`
 * (at least the warm-up's last). Then, in `rounds` rounds, each in turn trains
 * timed chunks for `seconds / rounds` (at least one chunk), so that a burst of load elsewhere
 * falls on all of them. The figure is the median chunk rate.
 */
async function measureSideBySide(
  setups: readonly ConvSetup[],
  seconds: number,
  rounds: number,
): Promise<ConvMeasurement[]> {
  const chunks: number[] = [];
  for (const s of setups) {
    await s.activate?.();
    await s.train(MINI_BATCH);
    // Double the chunk until a call takes 0.1 s (ours: each call is an `sgd` run, whose setup
    // of a millisecond or two must not count), then size it to a third of a round's turn.
    let chunk = MINI_BATCH, rate = 0;
    for (;;) {
      const t = performance.now();
      await s.train(chunk);
      const dt = (performance.now() - t) / 1000;
      rate = chunk / dt;
      if (dt >= 0.1) break;
      chunk *= 2;
    }
    const perChunk = Math.max(chunk, rate * seconds / rounds / 3);
    chunks.push(Math.round(perChunk / MINI_BATCH) * MINI_BATCH);
  }
  const rates: number[][] = setups.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of setups.entries()) {
      await s.activate?.();
      const t0 = performance.now();
      do {
        const t = performance.now();
        await s.train(chunks[i]!);
        rates[i]!.push(chunks[i]! / ((performance.now() - t) / 1000));
      } while (performance.now() - t0 < (seconds / rounds) * 1000);
    }
  }
  return rates.map((r, i) => {
    r.sort((a, b) => a - b);
    return {
      examplesPerSecond: r[r.length >> 1]!,
      min: r[0]!,
      max: r[r.length - 1]!,
      chunks: r.length,
      chunk: chunks[i]!,
    };
  });
}

// ---- report ----

/** The large product: best of 30 timings of about 2 ms, in 3 passes. */
const LARGE_PRODUCT_TIMING = { targetMs: 2, repeats: 10, passes: 3 };

/** One row of bench/results.json's `conv.results`. */
export interface ConvRow {
  implementation: string;
  family: "ours" | "convnetjs" | "tfjs";
  backend: string;
  dtype: string;
  /** Ours: the threads the kernels could use. */
  threads?: number;
  miniBatchSize: number;
  /** `null` when the implementation cannot train this network (see `error`). */
  examplesPerSecond: number | null;
  minExamplesPerSecond: number | null;
  maxExamplesPerSecond: number | null;
  /** Timed chunks, and examples in each. */
  timedChunks: number;
  examplesPerChunk: number;
  ratioToConvNetJs: number | null;
  /** The step's GFLOP/s, from {@linkcode convFlopsPerExample}. */
  gflops: number | null;
  /** Ours: the kernel set's `gemmNT` GFLOP/s on 512×512×512. */
  largeProductGflops: number | null;
  error?: string;
}

/** A target of issue 11, measured (the shape of bench/results.json's `targets`). */
export interface ConvTarget {
  target: string;
  network: string;
  miniBatchSize: number;
  implementation: string;
  ratio: number;
  required: number;
  met: boolean;
  line: string;
}

/** What {@linkcode convSection} measured. */
export interface ConvSection {
  /** The markdown table and its notes, to print. */
  text: string;
  rows: ConvRow[];
  targets: ConvTarget[];
  flopsPerExample: number;
  examplesInPool: number;
}

/** Options of {@linkcode convSection}. */
export interface ConvSectionOptions {
  /** Timed seconds per implementation, over all rounds (default 3). */
  seconds?: number;
  /** Rounds (default 5). */
  rounds?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Decimals for a rate or a ratio: 0 from 10 up, 1 from 1, else 2. */
const small = (v: number | null) => v === null || v >= 10 ? 0 : v >= 1 ? 1 : 2;
const fmt = (v: number | null, digits = 0) =>
  v === null ? "–" : v.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/**
 * Measures the chapter-6 network's training speed for every implementation, side by side, on
 * the first 1,000 images of `data` (MNIST training images), and checks issue 11's targets.
 */
export async function convSection(
  data: PackedData,
  { seconds = 3, rounds = 5, log = () => {} }: ConvSectionOptions = {},
): Promise<ConvSection> {
  if (data.length < POOL || data.inputSize !== 784) {
    throw new RangeError(
      `Cannot bench the conv network: expected at least ${POOL} inputs of 784, got ${data.length} of ${data.inputSize}`,
    );
  }
  const impls = convImplementations();
  const ready: { impl: ConvImplementation; setup: ConvSetup }[] = [];
  const failed = new Map<ConvImplementation, string>();
  for (const impl of impls) {
    try {
      ready.push({ impl, setup: await impl.setup(data) });
    } catch (e) {
      failed.set(impl, (e as Error).message);
      log(`  ${impl.name}: cannot train: ${(e as Error).message}`);
    }
  }
  resetThreadStats();
  const ms = await measureSideBySide(ready.map((r) => r.setup), seconds, rounds);
  const stalls = stallLine();
  for (const r of ready) r.setup.dispose?.();
  log("  timing the kernels' large product…");
  const large = new Map<Kernels, number>();
  for (const impl of impls) {
    if (impl.kernels && !large.has(impl.kernels)) {
      large.set(impl.kernels, largeProductGflops(impl.kernels, LARGE_PRODUCT_TIMING));
    }
  }

  const flops = convFlopsPerExample();
  const rows: ConvRow[] = impls.map((impl) => {
    const i = ready.findIndex((r) => r.impl === impl), m = ms[i];
    const eps = m?.examplesPerSecond ?? null;
    if (m) log(`  ${impl.name}: ${fmt(eps)} examples/s`);
    return {
      implementation: impl.name,
      family: impl.family,
      backend: impl.backend,
      dtype: impl.dtype,
      ...(impl.threads === undefined ? {} : { threads: impl.threads }),
      miniBatchSize: MINI_BATCH,
      examplesPerSecond: eps,
      minExamplesPerSecond: m?.min ?? null,
      maxExamplesPerSecond: m?.max ?? null,
      timedChunks: m?.chunks ?? 0,
      examplesPerChunk: m?.chunk ?? 0,
      ratioToConvNetJs: null,
      gflops: eps === null ? null : eps * flops / 1e9,
      largeProductGflops: impl.kernels ? large.get(impl.kernels)! : null,
      ...(failed.has(impl) ? { error: failed.get(impl)! } : {}),
    };
  });
  const base = rows.find((r) => r.family === "convnetjs")?.examplesPerSecond ?? null;
  for (const r of rows) {
    if (base !== null && r.examplesPerSecond !== null) {
      r.ratioToConvNetJs = r.examplesPerSecond / base;
    }
  }

  const targets: ConvTarget[] = [];
  for (const [dtype, required] of [["float32", 25], ["float64", 12]] as const) {
    const r = rows.find((r) =>
      r.family === "ours" && r.backend === "wasm" && r.dtype === dtype && r.threads === 1
    );
    if (!r) continue;
    const ratio = r.ratioToConvNetJs ?? 0, met = ratio >= required;
    const target = `conv network, ${dtype} ≥ ${required}× ConvNetJS at m = 10, one core`;
    targets.push({
      target,
      network: CONV_NETWORK,
      miniBatchSize: MINI_BATCH,
      implementation: r.implementation,
      ratio,
      required,
      met,
      line: `Target (${target}): ${r.implementation}: ${ratio.toFixed(1)}× — ${
        met ? "met" : "not met"
      }`,
    });
  }

  // Issue 12: both cores at least 1.6× one core's figure, each dtype.
  for (const dtype of ["float32", "float64"] as const) {
    const find = (threads: number) =>
      rows.find((r) =>
        r.family === "ours" && r.backend === "wasm" && r.dtype === dtype && r.threads === threads
      );
    const one = find(1), two = find(2);
    if (!one?.examplesPerSecond || !two?.examplesPerSecond) continue;
    const ratio = two.examplesPerSecond / one.examplesPerSecond, required = 1.6;
    const target = `conv network, ${dtype}, 2 threads ≥ ${required}× 1 thread at m = 10`;
    targets.push({
      target,
      network: CONV_NETWORK,
      miniBatchSize: MINI_BATCH,
      implementation: two.implementation,
      ratio,
      required,
      met: ratio >= required,
      line: `Target (${target}): ${ratio.toFixed(2)}× — ${ratio >= required ? "met" : "not met"}`,
    });
  }

  const lines = [
    `The book's chapter-6 network (${CONV_NETWORK}), plain SGD (η ${ETA}), mini-batch ${MINI_BATCH}, ` +
    `examples per second, on one core unless labelled (higher is better):\n`,
    "| implementation | examples/s | × ConvNetJS | step GFLOP/s | large product GFLOP/s | timed |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) =>
      `| ${r.implementation} | ${
        r.error !== undefined
          ? "cannot train"
          : fmt(r.examplesPerSecond, small(r.examplesPerSecond))
      } | ${
        r.ratioToConvNetJs === null ? "–" : `${fmt(r.ratioToConvNetJs, small(r.ratioToConvNetJs))}×`
      } | ${fmt(r.gflops, 2)} | ${fmt(r.largeProductGflops, 1)} | ${
        r.timedChunks === 0 ? "–" : `${r.timedChunks} × ${r.examplesPerChunk}`
      } |`
    ),
    "",
    `Step GFLOP/s: ${(flops / 1e6).toFixed(2)} MFLOP per example (the products of the forward ` +
    `pass, the weight gradients and the errors passed back, and the update). Large product: our ` +
    `kernels' gemmNT on 512×512×512. All on the same ${POOL} MNIST training images; each figure is ` +
    `the median rate of the timed chunks (timed: chunks × examples), taken in ${rounds} ` +
    `interleaved rounds after a warm-up.`,
    ...rows.filter((r) => r.error !== undefined).map((r) =>
      `${r.implementation} cannot train this network: ${r.error}`
    ),
    `Hand-offs to the worker in the two-thread runs: ${stalls}`,
    ...targets.map((t) => t.line),
  ];
  return { text: lines.join("\n"), rows, targets, flopsPerExample: flops, examplesInPool: POOL };
}
