/**
 * What live display costs: trains `[784, 30, 10]` with and without `liveTraining()` and
 * prints the ratio of wall times. The notebook display goes to a stand-in sink that
 * serializes each message as the kernel would (JSON), so the figure counts building the
 * vega-lite spec, rendering its SVG, and the message; not the front-end's drawing, which
 * happens in the browser. The terminal bar writes to a discarding writer.
 *
 *     deno run -A bench/live_bench.ts [--epochs 2] [--examples 20000] [--reps 3] [--random-data]
 *
 * Uses MNIST when it loads, random bytes of the same shape otherwise.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Network } from "../lib/network.ts";
import type { SgdOptions } from "../lib/options.ts";
import { type PackedData, slice } from "../lib/dataset.ts";
import { Random } from "../lib/random.ts";
import { type JupyterSink, liveTraining } from "../lib/display/live.ts";
import { terminalProgress } from "../lib/display/progress_bar.ts";
import { historyChart } from "../lib/display/history_chart.ts";
import { History } from "../lib/history.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    epochs: { type: "string", default: "5" },
    examples: { type: "string", default: "50000" },
    reps: { type: "string", default: "3" },
    "random-data": { type: "boolean", default: false },
  },
});
const epochs = Number(args.values.epochs);
const examples = Number(args.values.examples);
const reps = Number(args.values.reps);

async function trainingData(): Promise<[PackedData, string]> {
  if (!args.values["random-data"]) {
    try {
      const { loadMnist } = await import("../lib/data/mnist.ts");
      const mnist = await loadMnist();
      return [slice(mnist.training, 0, examples), "MNIST"];
    } catch (e) {
      console.error(`MNIST did not load (${(e as Error).message}); using random bytes`);
    }
  }
  const rng = new Random(1);
  const inputs = new Uint8Array(examples * 784);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.int(256);
  const labels = new Uint8Array(examples);
  for (let i = 0; i < examples; i++) labels[i] = rng.int(10);
  return [
    { length: examples, inputSize: 784, numClasses: 10, inputs, inputScale: 1 / 255, labels },
    "random bytes",
  ];
}

/** A sink that does what the kernel does with a message before sending it: serialize it. */
function serializingSink(): JupyterSink & { messages: number; bytes: number } {
  return {
    messages: 0,
    bytes: 0,
    broadcast(_type, content) {
      this.messages++;
      this.bytes += JSON.stringify(content).length;
      return Promise.resolve();
    },
  };
}

/** Wraps sgd callbacks to add up the wall time spent inside them (awaiting included). */
function timed(callbacks: Pick<SgdOptions, "onProgress" | "onEpoch">) {
  const spent = { ms: 0 };
  return {
    spent,
    onProgress: async (p: Parameters<NonNullable<SgdOptions["onProgress"]>>[0]) => {
      const t = performance.now();
      await callbacks.onProgress?.(p);
      spent.ms += performance.now() - t;
    },
    onEpoch: (...a: Parameters<NonNullable<SgdOptions["onEpoch"]>>) => {
      const t = performance.now();
      callbacks.onEpoch?.(...a);
      spent.ms += performance.now() - t;
    },
  };
}

/** Trains a fresh network; returns the wall time and the share of it spent in callbacks. */
async function run(
  data: PackedData,
  callbacks?: Pick<SgdOptions, "onProgress" | "onEpoch">,
): Promise<[seconds: number, share: number]> {
  const net = new Network([784, 30, 10], { seed: 1 });
  const t = callbacks && timed(callbacks);
  const t0 = performance.now();
  await net.sgd(data, {
    epochs,
    miniBatchSize: 10,
    eta: 3,
    seed: 1,
    testData: slice(data, 0, 2000),
    ...(t && { onProgress: t.onProgress, onEpoch: t.onEpoch }),
  });
  const ms = performance.now() - t0;
  return [ms / 1000, t ? t.spent.ms / ms : 0];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const [data, source] = await trainingData();

// The first figure of a session loads vega and vega-lite: time it on its own.
const h = new History();
h.push({ epoch: 0, runningCost: 1, seconds: 1 });
let t = performance.now();
await historyChart(h).bundle();
const coldLoad = (performance.now() - t) / 1000;
t = performance.now();
await historyChart(h).bundle();
const warmChart = (performance.now() - t) / 1000;

// A first run warms up the JIT, so that no variant pays for it.
await run(data);

const plain: number[] = [], notebook: [number, number][] = [], terminal: [number, number][] = [];
let sink = serializingSink();
for (let r = 0; r < reps; r++) {
  plain.push((await run(data))[0]);
  sink = serializingSink();
  notebook.push(await run(data, liveTraining({ sink })));
  const discard = { writeSync: (p: Uint8Array) => p.length };
  terminal.push(await run(data, terminalProgress({ writer: discard, isTerminal: true })));
}

const base = median(plain);
const fmt = (s: number) => `${s.toFixed(2)} s`;
const row = (name: string, runs: [number, number][]) => {
  const wall = median(runs.map((r) => r[0]));
  const share = median(runs.map((r) => r[1]));
  // Overhead: time in the display callbacks relative to the training time around them.
  return `| ${name} | ${fmt(wall)} | ${(wall / base).toFixed(3)} | ${(100 * share).toFixed(2)}% | ${
    (100 * share / (1 - share)).toFixed(2)
  }% |`;
};
console.log(
  `# Live display overhead: [784, 30, 10], ${epochs} epochs of ${examples} (${source}), mini-batch 10, median of ${reps}\n`,
);
console.log("| run | wall time | wall ratio to plain | time in display | overhead |");
console.log("|---|---|---|---|---|");
console.log(`| plain sgd | ${fmt(base)} | 1.000 | – | – |`);
console.log(row("liveTraining() in a notebook", notebook));
console.log(row("terminalProgress() on a terminal", terminal));
console.log(
  `\nOverhead = time inside the callbacks / training time outside them (the wall ratio is`,
);
console.log(`noisier: it also holds run-to-run variation of the training itself).`);
console.log(
  `Notebook run: ${sink.messages} display messages, ${
    (sink.bytes / sink.messages / 1024).toFixed(1)
  } KB each on average.`,
);
console.log(
  `First figure of a session (loads vega): ${fmt(coldLoad)}; the same chart again: ${
    (warmChart * 1000).toFixed(0)
  } ms.`,
);
