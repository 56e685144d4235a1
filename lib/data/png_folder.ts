/**
 * One's own images: PNG files, decoded by the npm package `fast-png` (every colour type and
 * bit depth, interlaced or not), made grey and resized to the network's input.
 *
 * @module
 */

import { type DecodedPng, decodePng as decode } from "../_npm.ts";
import { typeName } from "../_util.ts";
import { checkFlag, checkNumber, checkOptions } from "../_validate.ts";
import type { PackedData } from "../dataset.ts";
import { classMapping, describeClasses, labelArray } from "./_classes.ts";

/** Options for {@linkcode loadPng}. */
export interface LoadPngOptions {
  /** Width to resize to, in pixels; default 28 (MNIST's). */
  width?: number;
  /** Height to resize to, in pixels; default 28. */
  height?: number;
  /**
   * Turn dark-on-light (ink on paper) into light-on-dark, as MNIST's digits are: each grey
   * level `v` becomes `1 − v`. Default `false`.
   */
  invert?: boolean;
}

/** Options for {@linkcode loadPngFolder}. */
export interface PngFolderOptions extends LoadPngOptions {
  /**
   * The class names in class order (class `i` is `classes[i]`); an image of another class is
   * an error. By default the names found are the classes: whole numbers ("0" to "9") are their
   * own index, other names are sorted.
   */
  classes?: readonly string[];
}

/** A folder of images as training data. */
export interface PngFolderData {
  /** The images as packed bytes (`inputScale` 1/255), `width × height` inputs each, row by row. */
  readonly data: PackedData;
  /** Class `i`'s name: the name → class mapping, by index. */
  readonly classes: readonly string[];
  /** Each example's file, relative to the folder, in the order of `data`. */
  readonly files: readonly string[];
  /** `digits/: 12 images of 28 × 28, 10 classes: 0 0, 1 1, …`. */
  toString(): string;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const PNG_NAME = /\.png$/i;

/**
 * Reads one PNG file as a network input: greyscale, resized to `width × height`, row by row,
 * values from 0 (black) to 1 (white), or the reverse with `invert`.
 *
 * Colour becomes grey by its luma (`0.299 R + 0.587 G + 0.114 B`); transparent pixels (an
 * alpha channel, or a palette's transparency) are laid over white, as a page shows them; the
 * single transparent colour a grey or RGB image may name is not applied. The image is stretched to the size (its aspect ratio
 * is not kept) by averaging the pixels each new pixel covers.
 *
 * @param path The file (a path or a file URL).
 * @param options `width`, `height` (default 28 × 28), `invert`.
 * @returns `width × height` numbers from 0 to 1, as `feedforward` takes them.
 * @throws {TypeError} When the file is not a PNG that can be read, naming it.
 *
 * @example A black-on-white drawing as an MNIST-style input
 * ```ts
 * import { loadPng } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * // A 1 × 1 grey PNG, pixel value 0 (black).
 * const png = Uint8Array.fromBase64(
 *   "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAAEElEQVR4nGJgAAAAAP//AwAAAgABzH6LfgAAAABJRU5ErkJggg==",
 * );
 * await Deno.writeFile(`${dir}/dot.png`, png);
 * const x = await loadPng(`${dir}/dot.png`, { width: 2, height: 2, invert: true });
 * assert.deepEqual([...x], [1, 1, 1, 1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPng(
  path: string | URL,
  options: LoadPngOptions = {},
): Promise<Float64Array> {
  const where = "Cannot load PNG";
  const o = imageOptions(options, where, ["width", "height", "invert"]);
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new TypeError(`${where}: path is ${typeName(path)}, expected a path or file URL`);
  }
  const bytes = pngGrey(await Deno.readFile(path), String(path), o, where);
  return Float64Array.from(bytes, (b) => b / 255);
}

/**
 * Reads a folder of PNG images named by class as packed data: each image in a subfolder takes
 * the subfolder's name as its class (`digits/7/a.png`), each image in the folder itself the
 * start of its file name, up to the first `_` or the extension (`digits/7_a.png`, `7.png`).
 * Images are made grey and resized as {@linkcode loadPng} does, and kept as bytes.
 *
 * Files are read in name order. Hidden files (`.DS_Store`) are skipped; any other file that
 * is not a `.png`, a folder inside a class folder, or a file that does not decode is an
 * error naming it.
 *
 * @param dir The folder (a path or a file URL).
 * @param options `width`, `height` (default 28 × 28), `invert`, `classes`.
 * @returns The data, the classes (the name → class mapping) and each example's file.
 * @throws {TypeError} When a file is not a PNG that can be read, naming it.
 * @throws {RangeError} When an image's class is not one of `classes`, or there are no images.
 *
 * @example
 * ```ts
 * import { loadPngFolder } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const dot = Uint8Array.fromBase64(
 *   "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAAEElEQVR4nGJgAAAAAP//AwAAAgABzH6LfgAAAABJRU5ErkJggg==",
 * );
 * await Deno.mkdir(`${dir}/3`);
 * await Deno.writeFile(`${dir}/3/mine.png`, dot);
 * await Deno.writeFile(`${dir}/7_first.png`, dot);
 * const { data, classes, files } = await loadPngFolder(dir, { invert: true });
 * assert.deepEqual(files, ["3/mine.png", "7_first.png"]);
 * assert.deepEqual([...data.labels], [3, 7]);
 * assert.equal(classes.length, 8);
 * assert.equal(data.inputSize, 784);
 * assert.equal(data.inputs[0], 255);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPngFolder(
  dir: string | URL,
  options: PngFolderOptions = {},
): Promise<PngFolderData> {
  if (typeof dir !== "string" && !(dir instanceof URL)) {
    throw new TypeError(`Cannot load images: dir is ${typeName(dir)}, expected a path or file URL`);
  }
  const root = dir instanceof URL ? decodeURIComponent(dir.pathname) : dir;
  const where = `Cannot load images from ${root}`;
  const o = imageOptions(options, where, ["width", "height", "invert", "classes"]);
  const found = await listImages(root, where);
  if (found.length === 0) {
    throw new RangeError(`${where}: there are no PNG files, expected images named by class`);
  }
  const mapping = classMapping(found.map((f) => f.cls), options.classes, where);
  const n = found.length, size = o.width * o.height;
  const inputs = new Uint8Array(n * size);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const { file, cls } = found[i]!;
    const label = mapping.index.get(cls);
    if (label === undefined) {
      throw new RangeError(
        `${where}: ${file} is of class "${cls}", expected one of the classes ${
          mapping.classes.map((c) => `"${c}"`).join(", ")
        }`,
      );
    }
    inputs.set(pngGrey(await Deno.readFile(`${root}/${file}`), file, o, where), i * size);
    labels.push(label);
  }
  const classes = Object.freeze([...mapping.classes]);
  const files = Object.freeze(found.map((f) => f.file));
  return {
    data: {
      length: n,
      inputSize: size,
      numClasses: classes.length,
      inputs,
      inputScale: 1 / 255,
      labels: labelArray(labels, classes.length),
    },
    classes,
    files,
    toString: () =>
      `${root}: ${n} image${
        n === 1 ? "" : "s"
      } of ${o.width} × ${o.height}, ${classes.length} classes: ${describeClasses(classes)}`,
  };
}

interface ImageOptions {
  width: number;
  height: number;
  invert: boolean;
}

function imageOptions(options: unknown, where: string, known: readonly string[]): ImageOptions {
  const o = checkOptions(options, where, "an object such as { width: 28, height: 28 }", known);
  const size = (v: unknown, name: string) =>
    v === undefined ? 28 : checkNumber(v, name, where, { min: 1, max: 4096, integer: true });
  return {
    width: size(o.width, "width"),
    height: size(o.height, "height"),
    invert: checkFlag(o.invert, "invert", where),
  };
}

/** The PNGs of the folder with their classes, in name order. */
async function listImages(root: string, where: string): Promise<{ file: string; cls: string }[]> {
  const out: { file: string; cls: string }[] = [];
  for (const entry of await sortedEntries(root)) {
    if (entry.isDirectory) {
      for (const inner of await sortedEntries(`${root}/${entry.name}`)) {
        const file = `${entry.name}/${inner.name}`;
        if (inner.isDirectory) {
          throw new TypeError(
            `${where}: ${file} is a folder inside the class folder ${entry.name}, expected only PNG files there`,
          );
        }
        checkPngName(file, where);
        out.push({ file, cls: entry.name });
      }
    } else {
      checkPngName(entry.name, where);
      out.push({ file: entry.name, cls: entry.name.replace(PNG_NAME, "").split("_")[0]! });
    }
  }
  return out;
}

async function sortedEntries(dir: string): Promise<Deno.DirEntry[]> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) if (!e.name.startsWith(".")) entries.push(e);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function checkPngName(file: string, where: string): void {
  if (!PNG_NAME.test(file)) {
    throw new TypeError(
      `${where}: ${file} is not a .png file, expected only PNG images and folders named by class`,
    );
  }
  if (file.slice(file.lastIndexOf("/") + 1).startsWith("_")) {
    throw new TypeError(`${where}: ${file} has no class before its "_", expected CLASS_NAME.png`);
  }
}

/** A PNG file's pixels as grey bytes of the wanted size. */
function pngGrey(bytes: Uint8Array, name: string, o: ImageOptions, where: string): Uint8Array {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new TypeError(`${where}: ${name} is not a PNG file (it lacks the PNG signature)`);
  }
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new TypeError(`${where}: ${name} is a PNG that cannot be read (${(e as Error).message})`);
  }
  const grey = toGrey(png, o.invert);
  const resized = resize(grey, png.width, png.height, o.width, o.height);
  return Uint8Array.from(resized, (v) => Math.round(v * 255));
}

/** Grey levels from 0 to 1 of a decoded PNG, alpha laid over white, inverted if asked. */
function toGrey(png: DecodedPng, invert: boolean): Float64Array {
  const { width, height, depth, channels, palette } = png;
  const max = palette === undefined ? 2 ** depth - 1 : 255;
  const samples = unpack(png);
  const out = new Float64Array(width * height);
  for (let p = 0; p < out.length; p++) {
    let r: number, g: number, b: number, a = 1;
    if (palette !== undefined) {
      const entry = palette[samples[p]!] ?? [0, 0, 0];
      [r, g, b] = [entry[0]! / max, entry[1]! / max, entry[2]! / max];
      if (entry.length > 3) a = entry[3]! / max;
    } else {
      const s = p * channels;
      r = g = b = samples[s]! / max;
      if (channels >= 3) [g, b] = [samples[s + 1]! / max, samples[s + 2]! / max];
      if (channels === 2 || channels === 4) a = samples[s + channels - 1]! / max;
    }
    const v = (0.299 * r + 0.587 * g + 0.114 * b) * a + (1 - a);
    out[p] = invert ? 1 - v : v;
  }
  return out;
}

/** One sample per channel per pixel: bit depths below 8 are packed in bytes, row by row. */
function unpack(png: DecodedPng): ArrayLike<number> {
  const { width, height, depth, channels, data } = png;
  if (depth >= 8) return data;
  const perRow = width * channels, rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = 2 ** depth - 1;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      out[y * perRow + i] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/**
 * Resizes by area: each new pixel is the mean of the old pixels it covers, each weighted by
 * the part of it that is covered (a box filter; enlarging repeats pixels, blending at seams).
 */
function resize(src: Float64Array, w: number, h: number, W: number, H: number): Float64Array {
  if (w === W && h === H) return src;
  const xs = coverage(w, W), ys = coverage(h, H);
  const rows = new Float64Array(h * W);
  for (let y = 0; y < h; y++) {
    for (let X = 0; X < W; X++) {
      let s = 0;
      for (const [x, wt] of xs[X]!) s += src[y * w + x]! * wt;
      rows[y * W + X] = s;
    }
  }
  const out = new Float64Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      let s = 0;
      for (const [y, wt] of ys[Y]!) s += rows[y * W + X]! * wt;
      out[Y * W + X] = s;
    }
  }
  return out;
}

/** For each of `m` new pixels along an axis of `n` old ones: the old pixels it covers, with weights summing to 1. */
function coverage(n: number, m: number): [number, number][][] {
  const scale = n / m;
  return Array.from({ length: m }, (_, i) => {
    const lo = i * scale, hi = (i + 1) * scale;
    const parts: [number, number][] = [];
    for (let x = Math.floor(lo); x < Math.min(n, Math.ceil(hi)); x++) {
      const overlap = Math.min(hi, x + 1) - Math.max(lo, x);
      if (overlap > 0) parts.push([x, overlap / scale]);
    }
    return parts;
  });
}
