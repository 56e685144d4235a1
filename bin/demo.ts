/**
 * The book's first run, from the command line: trains a `[784, 30, 10]` network on MNIST for
 * 30 epochs with mini-batches of 10 and η = 3.0, prints `Epoch j: k / 10000` after each epoch
 * (as network.py does), and saves the trained network in network2.py's JSON format.
 *
 *     deno task demo [--epochs 30] [--mini-batch-size 10] [--eta 3] [--out network.json]
 *
 * The `Epoch` lines go to stdout; progress (a bar on a terminal, a line per epoch otherwise)
 * and the summary go to stderr.
 *
 * @module
 */

import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadMnist } from "../lib/data/mnist.ts";
import { slice } from "../lib/dataset.ts";
import { terminalProgress } from "../lib/display/progress_bar.ts";
import { Network } from "../lib/network.ts";

const USAGE = `Usage: deno task demo [options]

Trains the book's network on MNIST (50,000 training images), prints the book's
"Epoch j: k / 10000" line after each epoch and saves the network as JSON
(network2.py's format, loadable with Network.fromJSON).

Options:
  --sizes LIST             Layer sizes, input first (default 784,30,10)
  --epochs N               Passes over the training data (default 30)
  --mini-batch-size N      Examples per gradient step (default 10)
  --eta X                  Learning rate η (default 3.0)
  --seed N                 Seed for the initial weights and the shuffles
                           (default: a random seed, shown on stderr)
  --out PATH               Where to save the trained network (default network.json)
  --limit N                Train on the first N training images only (default 50000)
  -h, --help               Show this help

Exit status: 0 on success, 1 when training or saving fails, 2 for bad flags.`;

/** The demo's settings after parsing and checking the flags. */
interface Settings {
  sizes: number[];
  epochs: number;
  miniBatchSize: number;
  eta: number;
  seed: number;
  out: string;
  limit: number | undefined;
}

/** A bad flag: reported with a hint at `--help`, exit status 2. */
class UsageError extends Error {}

function positiveInteger(flag: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) {
    throw new UsageError(`--${flag} is "${text}", expected a positive integer`);
  }
  return Number(text);
}

function parseSettings(args: string[]): Settings | "help" {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        sizes: { type: "string", default: "784,30,10" },
        epochs: { type: "string", default: "30" },
        "mini-batch-size": { type: "string", default: "10" },
        eta: { type: "string", default: "3.0" },
        seed: { type: "string" },
        out: { type: "string", default: "network.json" },
        limit: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  const sizes = values.sizes.split(",").map((s) => positiveInteger("sizes", s));
  if (sizes.length < 2 || sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) {
    throw new UsageError(
      `--sizes is "${values.sizes}", expected at least two layers from 784 (pixels) to 10 (digits), e.g. 784,30,10`,
    );
  }
  const eta = Number(values.eta);
  if (values.eta.trim() === "" || !Number.isFinite(eta) || eta <= 0) {
    throw new UsageError(`--eta is "${values.eta}", expected a positive number`);
  }
  let seed: number;
  if (values.seed === undefined) {
    seed = Math.floor(Math.random() * 2 ** 31);
  } else if (/^\s*-?\d+\s*$/.test(values.seed) && Number.isSafeInteger(Number(values.seed))) {
    seed = Number(values.seed);
  } else {
    throw new UsageError(`--seed is "${values.seed}", expected an integer`);
  }
  if (values.out.trim() === "") throw new UsageError(`--out is empty, expected a file path`);
  return {
    sizes,
    epochs: positiveInteger("epochs", values.epochs),
    miniBatchSize: positiveInteger("mini-batch-size", values["mini-batch-size"]),
    eta,
    seed,
    out: values.out,
    limit: values.limit === undefined ? undefined : positiveInteger("limit", values.limit),
  };
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

// ---- main ----

async function saveAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

async function main(args: string[]): Promise<number> {
  let settings: Settings | "help";
  try {
    settings = parseSettings(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`demo: ${e.message}\nRun with --help to list the flags.`);
    return 2;
  }
  if (settings === "help") {
    console.log(USAGE);
    return 0;
  }
  const { sizes, epochs, miniBatchSize, eta, seed, out, limit } = settings;
  // Fail now rather than after training when the network cannot be saved where asked.
  const outDir = dirname(out);
  if (!(await Deno.stat(outDir).then((s) => s.isDirectory, () => false))) {
    console.error(`demo: --out is "${out}", but ${outDir} is not a directory`);
    return 2;
  }

  const mnist = await loadMnist();
  const training = limit === undefined || limit >= mnist.training.length
    ? mnist.training
    : slice(mnist.training, 0, limit);
  const net = new Network(sizes, { seed });
  console.error(
    `Training [${sizes.join(", ")}] on ${count(training.length)} MNIST images: ${epochs} ` +
      `epoch${epochs === 1 ? "" : "s"}, mini-batch ${miniBatchSize}, η ${eta}, seed ${seed}`,
  );

  // The progress bar (or, off a terminal, a line per epoch) goes to stderr. When stdout is on
  // the same screen, the book's line on stdout stands in for the bar's epoch line.
  const bar = terminalProgress();
  const sameScreen = Deno.stdout.isTerminal() && Deno.stderr.isTerminal();
  await net.sgd(training, {
    epochs,
    miniBatchSize,
    eta,
    seed,
    testData: mnist.test,
    progressInterval: 100,
    onProgress: bar.onProgress,
    onEpoch: (entry, history) => {
      if (sameScreen) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      else bar.onEpoch(entry, history);
      // The book's line, on stdout.
      console.log(`Epoch ${entry.epoch}: ${entry.testCorrect} / ${entry.testTotal}`);
    },
  });

  try {
    await saveAtomically(out, JSON.stringify(net.toJSON()));
  } catch (e) {
    throw new Error(`Cannot save the network to ${out}: ${(e as Error).message}`);
  }
  console.error(`Saved the network to ${out}`);
  return 0;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  }
  Deno.exit(code);
}
