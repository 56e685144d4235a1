/**
 * The book's first run, from the command line: trains a `[784, 30, 10]` network on MNIST for
 * 30 epochs with mini-batches of 10 and η = 3.0, prints `Epoch j: k / 10000` after each epoch
 * (as network.py does), saves the trained network in network2.py's JSON format, and writes
 * `report.html`: the training history, the hidden neurons' receptive fields and the confusion
 * matrix on the test set, in one page that works offline.
 *
 *     deno task demo [--epochs 30] [--mini-batch-size 10] [--eta 3] [--out network.json]
 *                    [--report report.html | --no-report]
 *
 * The `Epoch` lines go to stdout; progress (a bar on a terminal, a line per epoch otherwise)
 * and the summary go to stderr.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadMnist } from "../lib/data/mnist.ts";
import { type Data, slice } from "../lib/dataset.ts";
import { confusionMatrix } from "../lib/display/confusion_matrix.ts";
import { historyChart } from "../lib/display/history_chart.ts";
import { networkSummary } from "../lib/display/network_summary.ts";
import { terminalProgress } from "../lib/display/progress_bar.ts";
import { receptiveFields } from "../lib/display/receptive_fields.ts";
import { type ReportSection, writeReport } from "../lib/display/report.ts";
import type { History } from "../lib/history.ts";
import { Network } from "../lib/network.ts";

const USAGE = `Usage: deno task demo [options]

Trains the book's network on MNIST (50,000 training images), prints the book's
"Epoch j: k / 10000" line after each epoch, saves the network as JSON
(network2.py's format, loadable with Network.fromJSON) and writes a report: one
HTML page with the training history, the receptive fields of the first layer
after the input and the confusion matrix on the test set, which opens in a
browser without a network.

Options:
  --sizes LIST             Layer sizes, input first (default 784,30,10)
  --epochs N               Passes over the training data (default 30)
  --mini-batch-size N      Examples per gradient step (default 10)
  --eta X                  Learning rate η (default 3.0)
  --seed N                 Seed for the initial weights and the shuffles
                           (default: a random seed, shown on stderr)
  --out PATH               Where to save the trained network (default network.json)
  --report PATH            Where to write the HTML report
                           (default report.html, in the folder of --out)
  --no-report              Do not write the report
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
  /** Where to write the report; undefined with --no-report. */
  report: string | undefined;
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
        report: { type: "string" },
        "no-report": { type: "boolean", default: false },
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
  if (values.report !== undefined && values["no-report"]) {
    throw new UsageError(`--report and --no-report both given, expected one of them`);
  }
  if (values.report?.trim() === "") {
    throw new UsageError(`--report is empty, expected a file path`);
  }
  const report = values["no-report"]
    ? undefined
    : values.report ?? join(dirname(values.out), "report.html");
  return {
    sizes,
    epochs: positiveInteger("epochs", values.epochs),
    miniBatchSize: positiveInteger("mini-batch-size", values["mini-batch-size"]),
    eta,
    seed,
    out: values.out,
    report,
    limit: values.limit === undefined ? undefined : positiveInteger("limit", values.limit),
  };
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** A file size for people: `"812 kB"`, `"1.3 MB"`. */
const fileSize = (bytes: number) =>
  bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;

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
  const { sizes, epochs, miniBatchSize, eta, seed, out, report, limit } = settings;
  // Fail now rather than after training when the files cannot be written where asked.
  for (const [flag, path] of [["out", out], ["report", report]] as const) {
    if (path === undefined) continue;
    const dir = dirname(path);
    if (!(await Deno.stat(dir).then((s) => s.isDirectory, () => false))) {
      console.error(`demo: --${flag} is "${path}", but ${dir} is not a directory`);
      return 2;
    }
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
  const history = await net.sgd(training, {
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
      console.log(`Epoch ${entry.epoch}: ${entry.test!.correct} / ${entry.test!.total}`);
    },
  });

  try {
    await saveAtomically(out, JSON.stringify(net.toJSON()));
  } catch (e) {
    throw new Error(`Cannot save the network to ${out}: ${(e as Error).message}`);
  }
  console.error(`Saved the network to ${out}`);

  if (report !== undefined) {
    const sections = reportSections(net, history, mnist.test);
    let bytes: number;
    try {
      bytes = await writeReport(report, sections, {
        title: `MNIST: [${sizes.join(", ")}] after ${epochs} epoch${epochs === 1 ? "" : "s"}`,
        intro: "The book's network, trained by deno task demo with stochastic gradient " +
          "descent and backpropagation. Hover over the charts for values.",
        details: {
          network: `[${sizes.join(", ")}], sigmoid neurons, quadratic cost`,
          "training images": count(training.length),
          epochs,
          "mini-batch size": miniBatchSize,
          "learning rate η": eta,
          seed,
          "test accuracy": `${history.last!.test!.correct} / ${history.last!.test!.total} (${
            (100 * history.last!.test!.accuracy!).toFixed(2)
          }%)`,
        },
      });
    } catch (e) {
      throw new Error(`Cannot write the report to ${report}: ${(e as Error).message}`);
    }
    console.error(`Wrote the report to ${report} (${fileSize(bytes)})`);
  }
  return 0;
}

/** The report's sections: history, receptive fields, confusion matrix, the network. */
function reportSections(
  net: Network,
  history: History,
  test: Data,
): ReportSection[] {
  const hidden = net.sizes.length > 2;
  return [
    {
      heading: "Training",
      text: "Cost on the training images (above) and accuracy on the 10,000 test images " +
        "(below) after each epoch.",
      figure: historyChart(history),
    },
    {
      heading: hidden ? "What the hidden neurons look for" : "What the output neurons look for",
      text: `Each image is one ${hidden ? "hidden" : "output"} neuron's 784 incoming ` +
        "weights laid out as the 28×28 input: blue pixels excite it, red ones inhibit it.",
      figure: receptiveFields(net, { layer: 1, shape: [28, 28] }),
    },
    {
      heading: "Confusion matrix on the test set",
      text: "Row: the digit it is; column: what the network said (its most active output " +
        "neuron). The diagonal is what it got right; the bars give each digit's accuracy.",
      figure: confusionMatrix(net, test),
    },
    { heading: "The network", figure: networkSummary(net) },
  ];
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
