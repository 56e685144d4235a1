// Reproduces the book's MNIST results: `deno task reproduce [--rows 1,2,3] [--seeds 1,2,3]
// [--epochs 30] [--out docs/reproduce.md] [--backend wasm|js]`. `--rows` takes row ids; `ch3`
// stands for all of chapter 3's rows (3.1 to 3.9), `ch5` for chapter 5's (5.1 to 5.4).
//
// Each row trains on the book's 50,000 training images (or the first `trainingSize` of them)
// and reports the best accuracy over the epochs on MNIST's 10,000 test images, or on the
// 10,000 validation images where the book measured those (as the book reports its runs), as
// the mean and spread over the seeds. Progress goes to stderr, the markdown tables to stdout
// (and to `--out`).

import {
  type EpochEntry,
  loadMnist,
  Network,
  type NetworkOptions,
  type SgdOptions,
  slice,
} from "../mod.ts";

interface Row {
  /** What `--rows` calls it. */
  readonly id: string;
  readonly name: string;
  readonly sizes: number[];
  readonly network: NetworkOptions;
  readonly training: Omit<SgdOptions, "epochs">;
  readonly settings: string;
  readonly book: string;
  /** Train on the first this many of the 50,000 training images; default all. */
  readonly trainingSize?: number;
  /** Epochs, unless `--epochs` says otherwise; default 30. */
  readonly epochs?: number;
  /** Where the accuracy is measured: `"test"` (default) or `"validation"` (as the book did). */
  readonly measuredOn?: "test" | "validation";
}

const ROWS: readonly Row[] = [
  {
    id: "1",
    name: "network.py",
    sizes: [784, 30, 10],
    network: {},
    training: { miniBatchSize: 10, eta: 3.0 },
    settings: "sigmoid, quadratic cost, N(0, 1) weights, η 3.0, mini-batch 10",
    book: "95.42% (chapter 1)",
  },
  {
    id: "2",
    name: "network.py",
    sizes: [784, 100, 10],
    network: {},
    training: { miniBatchSize: 10, eta: 3.0 },
    settings: "sigmoid, quadratic cost, N(0, 1) weights, η 3.0, mini-batch 10",
    book: "96.59% (chapter 1)",
  },
  {
    id: "3",
    name: "network2.py",
    sizes: [784, 100, 10],
    network: { cost: "CrossEntropyCost", init: "default" },
    training: { miniBatchSize: 10, eta: 0.5, lambda: 5.0 },
    settings: "sigmoid, cross-entropy, N(0, 1/n_in) weights, η 0.5, λ 5.0 (L2), mini-batch 10",
    book: "about 98% (chapter 3)",
  },
  // Not in the issue's table (run it with --rows 4): row 2 with network2's initial weights,
  // which keep the neurons from starting saturated.
  {
    id: "4",
    name: "network.py, init N(0, 1/n_in)",
    sizes: [784, 100, 10],
    network: { init: "default" },
    training: { miniBatchSize: 10, eta: 3.0 },
    settings: "sigmoid, quadratic cost, N(0, 1/n_in) weights, η 3.0, mini-batch 10",
    book: "not reported",
  },
];

// ---- Chapter 3 (improving the way networks learn): rows 3.1 to 3.9, `--rows ch3` -----------
// network2.py's runs, with its `large_weight_initializer` (N(0, 1), `init: "large"`) except
// where the row says N(0, 1/n_in); the cost is the cross-entropy throughout.
const CE_LARGE: NetworkOptions = { cost: "CrossEntropyCost", init: "large" };
const CE_DEFAULT: NetworkOptions = { cost: "CrossEntropyCost", init: "default" };
const CHAPTER3_ROWS: readonly Row[] = [
  {
    id: "3.1",
    name: "network2.py [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, mini-batch 10",
    book: "95.49%",
  },
  {
    id: "3.2",
    name: "network2.py [784, 100, 10]",
    sizes: [784, 100, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, mini-batch 10",
    book: "96.82%",
  },
  {
    id: "3.3",
    name: "overfitting [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, mini-batch 10, first 1,000 images",
    book: "82.27%",
    trainingSize: 1000,
    epochs: 400,
  },
  {
    id: "3.4",
    name: "L2 [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5, lambda: 0.1 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, λ 0.1, mini-batch 10, first 1,000 images",
    book: "87.1%",
    trainingSize: 1000,
    epochs: 400,
  },
  {
    id: "3.5",
    name: "L2 [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5, lambda: 5.0 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, λ 5.0, mini-batch 10",
    book: "96.49%",
  },
  {
    id: "3.6",
    name: "L2 [784, 100, 10]",
    sizes: [784, 100, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.5, lambda: 5.0 },
    settings: "cross-entropy, N(0, 1) weights, η 0.5, λ 5.0, mini-batch 10",
    book: "97.92% (validation)",
    measuredOn: "validation",
  },
  {
    id: "3.7",
    name: "L2 [784, 100, 10]",
    sizes: [784, 100, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.1, lambda: 5.0 },
    settings: "cross-entropy, N(0, 1) weights, η 0.1, λ 5.0, mini-batch 10",
    book: "98.04% (validation)",
    measuredOn: "validation",
    epochs: 60,
  },
  {
    id: "3.8",
    name: "init N(0, 1) [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_LARGE,
    training: { miniBatchSize: 10, eta: 0.1, lambda: 5.0 },
    settings: "cross-entropy, N(0, 1) weights, η 0.1, λ 5.0, mini-batch 10",
    book: "under 87% after epoch 0; a little over 96% (validation)",
    measuredOn: "validation",
  },
  {
    id: "3.9",
    name: "init N(0, 1/n_in) [784, 30, 10]",
    sizes: [784, 30, 10],
    network: CE_DEFAULT,
    training: { miniBatchSize: 10, eta: 0.1, lambda: 5.0 },
    settings: "cross-entropy, N(0, 1/n_in) weights, η 0.1, λ 5.0, mini-batch 10",
    book: "almost 93% after epoch 0; a little over 96% (validation)",
    measuredOn: "validation",
  },
];
// ---- end of chapter 3 ---------------------------------------------------------------------

// ---- Chapter 5, why deep networks are hard to train: rows 5.1 to 5.4, `--rows ch5` ----------
// network2.py's defaults (cross-entropy, N(0, 1/n_in) weights) with η 0.1, λ 5.0, mini-batch
// 10, one to four hidden layers of 30, the accuracy measured on the validation images.
const CHAPTER5_ROWS: readonly Row[] = ["96.48%", "96.90%", "96.57%", "96.53%"].map((b, depth) => ({
  id: `5.${depth + 1}`,
  name: "network2.py",
  sizes: [784, ...Array<number>(depth + 1).fill(30), 10],
  network: { cost: "CrossEntropyCost", init: "default" },
  training: { miniBatchSize: 10, eta: 0.1, lambda: 5.0 },
  settings: "sigmoid, cross-entropy, N(0, 1/n_in) weights, η 0.1, λ 5.0 (L2), mini-batch 10",
  book: `${b} (chapter 5, validation)`,
  measuredOn: "validation" as const,
}));
// ---- end of chapter 5 ---------------------------------------------------------------------

const ALL_ROWS: readonly Row[] = [...ROWS, ...CHAPTER3_ROWS, ...CHAPTER5_ROWS];

function parseArgs(args: string[]) {
  const opts = {
    rows: ["1", "2", "3"],
    seeds: [1, 2, 3],
    epochs: undefined as number | undefined,
    out: "",
    backend: "wasm",
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!, value = args[i + 1];
    if (value === undefined) throw new TypeError(`Missing value after ${flag}`);
    if (flag === "--rows") {
      opts.rows = value.split(",").flatMap((id) =>
        id === "ch3"
          ? CHAPTER3_ROWS.map((r) => r.id)
          : id === "ch5"
          ? CHAPTER5_ROWS.map((r) => r.id)
          : [id]
      );
    } else if (flag === "--seeds") opts.seeds = value.split(",").map(Number);
    else if (flag === "--epochs") opts.epochs = Number(value);
    else if (flag === "--out") opts.out = value;
    else if (flag === "--backend") opts.backend = value;
    else {throw new TypeError(
        `Unknown flag ${flag}, expected --rows, --seeds, --epochs, --out or --backend`,
      );}
    i++;
  }
  for (const id of opts.rows) {
    if (!ALL_ROWS.some((r) => r.id === id)) {
      throw new RangeError(
        `Row ${id} is unknown, expected one of ${ALL_ROWS.map((r) => r.id).join(", ")}, ch3 or ch5`,
      );
    }
  }
  if (opts.backend !== "js" && opts.backend !== "wasm") {
    throw new RangeError(`Backend "${opts.backend}" is unknown, expected "wasm" or "js"`);
  }
  return opts;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function stats(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length < 2
    ? 0
    : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

const meanSd = (xs: readonly number[]) => {
  const { mean, sd } = stats(xs);
  return `${pct(mean)} ± ${(100 * sd).toFixed(2)}`;
};

const opts = parseArgs(Deno.args);
const mnist = await loadMnist();
const n = opts.seeds.length;
const tables: string[][] = [];
let chapter1: string[] | undefined, chapter3: string[] | undefined;
for (const id of opts.rows) {
  const row = ALL_ROWS.find((r) => r.id === id)!;
  const epochs = opts.epochs ?? row.epochs ?? 30;
  const isChapter3 = CHAPTER3_ROWS.includes(row);
  const training = row.trainingSize === undefined
    ? mnist.training
    : slice(mnist.training, 0, row.trainingSize);
  const measured = row.measuredOn === "validation" ? mnist.validation : mnist.test;
  const bests: number[] = [], firsts: number[] = [], lasts: number[] = [], cells: string[] = [];
  let seconds = 0;
  for (const seed of opts.seeds) {
    const net = new Network(row.sizes, { ...row.network, seed });
    const history = await net.sgd(training, {
      ...row.training,
      epochs,
      backend: opts.backend as "wasm" | "js",
      seed,
      testData: measured,
      onEpoch: (e: EpochEntry) =>
        console.error(
          `row ${id} seed ${seed} epoch ${e.epoch}: ${e.test!.correct} / ${e.test!.total} (${
            e.seconds.toFixed(1)
          } s)`,
        ),
    });
    let best = history.entries[0]!;
    for (const e of history.entries) if (e.test!.accuracy! > best.test!.accuracy!) best = e;
    bests.push(best.test!.accuracy!);
    firsts.push(history.entries[0]!.test!.accuracy!);
    lasts.push(history.last!.test!.accuracy!);
    cells.push(`${pct(best.test!.accuracy!)} (${best.epoch})`);
    seconds += history.entries.reduce((s, e) => s + e.seconds, 0);
  }
  const minutes = (seconds / 60 / n).toFixed(1);
  let line: string;
  if (isChapter3) {
    chapter3 ??= [
      `| # | Network | Settings | Measured on | Book | Ours: best epoch, mean ± sd over ${n} seeds | Each seed (best epoch) | After epoch 0 | Last epoch | Minutes per run |`,
      "|---|---|---|---|---|---|---|---|---|---|",
    ];
    if (!tables.includes(chapter3)) tables.push(chapter3);
    line = `| ${id} | ${row.name} | ${row.settings}, ${epochs} epochs | ${
      row.measuredOn ?? "test"
    } | ${row.book} | ${meanSd(bests)} | ${cells.join(", ")} | ${meanSd(firsts)} | ${
      meanSd(lasts)
    } | ${minutes} |`;
    chapter3.push(line);
  } else {
    chapter1 ??= [
      `| # | Network | Settings | Book | Ours: best epoch, mean ± sd over ${n} seeds | Each seed (best epoch) | Minutes per run |`,
      "|---|---|---|---|---|---|---|",
    ];
    if (!tables.includes(chapter1)) tables.push(chapter1);
    line = `| ${id} | ${row.name} [${
      row.sizes.join(", ")
    }] | ${row.settings}, ${epochs} epochs | ${row.book} | ${meanSd(bests)} | ${
      cells.join(", ")
    } | ${minutes} |`;
    chapter1.push(line);
  }
  console.error(line);
}
const text = tables.map((t) => t.join("\n")).join("\n\n");
console.log(text);
if (opts.out) await Deno.writeTextFile(opts.out, text + "\n");
