/**
 * Reading IDX files, the format MNIST and Fashion-MNIST ship in: a magic number giving the
 * element type and the number of dimensions, the dimensions as big-endian 32-bit integers, then
 * the values, big-endian, last dimension fastest.
 *
 * @module
 */

import { typeName } from "../_util.ts";
import type { PackedData, PackedInputs } from "../dataset.ts";

/** Element types an IDX file can hold (type codes 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E). */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** Typed arrays holding the values of an IDX file, one per {@linkcode IdxType}. */
export type IdxValues =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** The contents of an IDX file: its element type, its dimensions and its values. */
export interface IdxArray {
  /** Element type named by the magic number. */
  readonly type: IdxType;
  /** Dimensions, outermost first (`[60000, 28, 28]` for MNIST's training images). */
  readonly dims: readonly number[];
  /** All values in file order (row-major, last dimension fastest), in the native byte order. */
  readonly data: IdxValues;
}

/** Options for {@linkcode readIdx}. */
export interface ReadIdxOptions {
  /**
   * Largest number of bytes a gzip-compressed file may expand to; default 2³¹ (2 GiB).
   * A file whose header claims more is rejected before it is decompressed.
   */
  maxBytes?: number;
}

/** Options for {@linkcode loadIdxDataset}. */
export interface IdxDatasetOptions extends ReadIdxOptions {
  /** Number of classes; defaults to the largest label plus one. */
  numClasses?: number;
}

/** Element type, element size in bytes, by IDX type code. */
const TYPES: ReadonlyMap<number, readonly [IdxType, number]> = new Map([
  [0x08, ["uint8", 1]],
  [0x09, ["int8", 1]],
  [0x0b, ["int16", 2]],
  [0x0c, ["int32", 4]],
  [0x0d, ["float32", 4]],
  [0x0e, ["float64", 8]],
]);

/** Most dimensions we accept; real files have 1 to 4. */
const MAX_DIMS = 8;

const DEFAULT_MAX_BYTES = 2 ** 31;

/** Bytes of compressed input handed to the decompressor at a time. */
const GZIP_PIECE = 16_384;

/** What the header says, checked for form but not yet against the length of the data. */
interface Header {
  type: IdxType;
  elementSize: number;
  dims: number[];
  headerLength: number;
  /** Bytes of values the dimensions call for (may be huge or inexact for a lying header). */
  dataLength: number;
}

/**
 * Parses the contents of an IDX file.
 *
 * The magic number, the dimensions and the length are checked before anything is allocated:
 * a header that claims more values than the bytes hold is an error, not an allocation. Byte
 * data (`uint8`, `int8`) views the input without copying; wider types are decoded from
 * big-endian into a new array.
 *
 * @param bytes The whole file, uncompressed (see {@linkcode readIdx} for `.gz` files).
 * @param name A file name for error messages.
 * @returns The element type, dimensions and values.
 * @throws {TypeError} When the bytes are not an IDX file (magic number, type code).
 * @throws {RangeError} When the file is truncated, too long or has too many dimensions.
 *
 * @example A 2 × 3 array of bytes
 * ```ts
 * import { parseIdx } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const file = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * const { type, dims, data } = parseIdx(file);
 * assert.equal(type, "uint8");
 * assert.deepEqual(dims, [2, 3]);
 * assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6]);
 * assert.throws(() => parseIdx(file.subarray(0, 15), "tiny.idx"), /tiny\.idx.*truncated/);
 * ```
 */
export function parseIdx(bytes: Uint8Array, name?: string): IdxArray {
  const where = whereOf(name);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${where}: expected a Uint8Array, got ${typeName(bytes)}`);
  }
  const header = readHeader(bytes, where);
  if (header === undefined) {
    throw new RangeError(
      `${where}: file is truncated, ${bytes.length} bytes are too few for the header`,
    );
  }
  const { type, elementSize, dims, headerLength, dataLength } = header;
  const available = bytes.length - headerLength;
  if (dataLength !== available) {
    const claim = `${dims.join(" × ")} ${type} values (${dataLength} bytes)`;
    throw new RangeError(
      dataLength > available
        ? `${where}: file is truncated, the header claims ${claim} but ${available} bytes follow it`
        : `${where}: file is too long, the header claims ${claim} but ${available} bytes follow it`,
    );
  }
  return { type, dims, data: decode(type, elementSize, bytes, headerLength, dataLength) };
}

/**
 * Reads an IDX file (`.idx`, `-ubyte`), or a gzip-compressed one (`.gz`, recognised by its
 * content), as {@linkcode parseIdx} does.
 *
 * A compressed file is decompressed as a stream and stopped as soon as it yields more than
 * its header claims, so a small file cannot expand into a huge allocation.
 *
 * @param path Path or `file:` URL of the file.
 * @param options `maxBytes`: the largest decompressed size accepted (default 2 GiB).
 * @returns The element type, dimensions and values.
 * @throws {TypeError} When the file is not IDX or its gzip data is corrupt.
 * @throws {RangeError} When the file is truncated or too long, or its header claims more than
 * `maxBytes`.
 *
 * @example Write and read back a small file
 * ```ts
 * import { readIdx } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: "-labels-idx1-ubyte" });
 * await Deno.writeFile(path, new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1]));
 * const labels = await readIdx(path);
 * assert.deepEqual(labels.dims, [3]);
 * assert.deepEqual(Array.from(labels.data), [7, 2, 1]);
 * await Deno.remove(path);
 * ```
 */
export async function readIdx(path: string | URL, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const name = path instanceof URL ? path.href : path;
  if (typeof name !== "string") {
    throw new TypeError(`Cannot read IDX file: expected a path or URL, got ${typeName(path)}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) {
    throw new RangeError(
      `Cannot read IDX file ${name}: maxBytes is ${String(maxBytes)}, expected a number ≥ 0`,
    );
  }
  const bytes = await Deno.readFile(path);
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return parseIdx(isGzip ? await gunzipIdx(bytes, name, maxBytes) : bytes, name);
}

/**
 * Loads a classification dataset from an IDX file of inputs and one of labels, as MNIST and
 * Fashion-MNIST ship: `n × …` inputs (bytes scaled by 1/255, or floats) and `n` labels.
 *
 * @param imagesPath Path of the inputs file (`.gz` or not); its first dimension counts the
 * examples, the others make up one input.
 * @param labelsPath Path of the labels file: `n` non-negative integers.
 * @param options `numClasses` (default: largest label plus one) and `maxBytes`.
 * @returns The packed dataset; byte inputs stay bytes, with `inputScale` 1/255.
 * @throws {TypeError} When a file is not IDX or holds the wrong type or shape.
 * @throws {RangeError} When the counts differ or a label is out of range.
 *
 * @example A dataset of two 2 × 2 images
 * ```ts
 * import { loadIdxDataset } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const images = await Deno.makeTempFile(), labels = await Deno.makeTempFile();
 * await Deno.writeFile(images, new Uint8Array([
 *   0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2,
 *   0, 255, 255, 0,
 *   255, 0, 0, 255,
 * ]));
 * await Deno.writeFile(labels, new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 1, 0]));
 * const data = await loadIdxDataset(images, labels);
 * assert.equal(data.length, 2);
 * assert.equal(data.inputSize, 4);
 * assert.equal(data.numClasses, 2);
 * assert.equal(data.inputs[1]! * data.inputScale, 1);
 * await Deno.remove(images);
 * await Deno.remove(labels);
 * ```
 */
export async function loadIdxDataset(
  imagesPath: string | URL,
  labelsPath: string | URL,
  options: IdxDatasetOptions = {},
): Promise<PackedData> {
  const [images, labels] = await Promise.all([
    readIdx(imagesPath, options),
    readIdx(labelsPath, options),
  ]);
  return idxDataset(images, labels, String(imagesPath), String(labelsPath), options.numClasses);
}

/** Packs parsed IDX inputs (`n × …`) and labels (`n` integers) after checking they match. */
function idxDataset(
  images: IdxArray,
  labels: IdxArray,
  imagesName: string,
  labelsName: string,
  numClasses?: number,
): PackedData {
  const where = "Cannot load IDX dataset";
  if (images.dims.length < 2) {
    throw new TypeError(
      `${where}: ${imagesName} has ${images.dims.length} dimension, expected 2 or more (examples × input)`,
    );
  }
  if (images.type !== "uint8" && images.type !== "float32" && images.type !== "float64") {
    throw new TypeError(
      `${where}: ${imagesName} holds ${images.type} values, expected uint8, float32 or float64`,
    );
  }
  if (labels.dims.length !== 1 || labels.type === "float32" || labels.type === "float64") {
    throw new TypeError(
      `${where}: ${labelsName} holds ${
        labels.dims.join(" × ")
      } ${labels.type} values, expected a list of integers`,
    );
  }
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) {
    throw new RangeError(
      `${where}: ${imagesName} has ${n} inputs but ${labelsName} has ${
        labels.dims[0]
      } labels, expected as many of each`,
    );
  }
  let maxLabel = -1;
  for (let i = 0; i < n; i++) {
    const l = labels.data[i]!;
    if (l < 0) {
      throw new RangeError(`${where}: label ${i} in ${labelsName} is ${l}, expected ≥ 0`);
    }
    if (l > maxLabel) maxLabel = l;
  }
  const k = numClasses ?? maxLabel + 1;
  if (!Number.isInteger(k) || k <= maxLabel) {
    throw new RangeError(
      `${where}: numClasses is ${k}, expected an integer above the largest label ${maxLabel}`,
    );
  }
  const labelArray = labels.data instanceof Uint8Array ? labels.data : Int32Array.from(labels.data);
  return {
    length: n,
    inputSize: images.dims.slice(1).reduce((a, b) => a * b, 1),
    numClasses: k,
    inputs: images.data as PackedInputs,
    inputScale: images.type === "uint8" ? 1 / 255 : 1,
    labels: labelArray,
  };
}

function whereOf(name: string | undefined): string {
  return name === undefined ? "Cannot read IDX data" : `Cannot read IDX file ${name}`;
}

/**
 * Reads and checks the header from the first `length` bytes; `undefined` when more bytes are
 * needed to see all of it.
 */
function readHeader(bytes: Uint8Array, where: string, length = bytes.length): Header | undefined {
  if (length < 4) return undefined;
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const hex = `0x${magic.toString(16).padStart(8, "0")}`;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new TypeError(
      `${where}: the data is gzip-compressed, expected it decompressed (readIdx decompresses .gz files)`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new TypeError(
      `${where}: not an IDX file, magic number ${hex} should start with two zero bytes`,
    );
  }
  const entry = TYPES.get(bytes[2]!);
  if (entry === undefined) {
    throw new TypeError(
      `${where}: unknown type code 0x${
        bytes[2]!.toString(16).padStart(2, "0")
      } in magic number ${hex}, expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`,
    );
  }
  const ndims = bytes[3]!;
  if (ndims < 1 || ndims > MAX_DIMS) {
    throw new RangeError(
      `${where}: magic number ${hex} gives ${ndims} dimensions, expected 1 to ${MAX_DIMS}`,
    );
  }
  const headerLength = 4 + 4 * ndims;
  if (length < headerLength) return undefined;
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const o = 4 + 4 * d;
    const size =
      ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>>
      0;
    dims.push(size);
    count *= size;
  }
  const [type, elementSize] = entry;
  return { type, elementSize, dims, headerLength, dataLength: count * elementSize };
}

/** Decodes the `byteLength` bytes of values at `start` (checked to fit) into a typed array. */
function decode(
  type: IdxType,
  elementSize: number,
  bytes: Uint8Array,
  start: number,
  byteLength: number,
): IdxValues {
  const count = byteLength / elementSize;
  if (type === "uint8") return bytes.subarray(start, start + count);
  const offset = bytes.byteOffset + start;
  if (type === "int8") return new Int8Array(bytes.buffer, offset, count);
  const view = new DataView(bytes.buffer, offset, byteLength);
  // IDX stores values big-endian; typed arrays use the machine's order, so decode one by one.
  switch (type) {
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i);
      return out;
    }
  }
}

/**
 * Decompresses gzip data holding an IDX file, refusing to produce more than its header claims
 * or more than `maxBytes`. The output buffer grows by doubling with what the stream actually
 * yields, so a lying header never makes us allocate what the file does not hold.
 */
async function gunzipIdx(
  compressed: Uint8Array,
  name: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const where = whereOf(name);
  // Feed the compressed bytes in small pieces: each piece is inflated whole, so this bounds
  // what one step can produce (deflate expands at most about 1032:1) before we can stop.
  let fed = 0;
  const input = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (fed >= compressed.length) return controller.close();
      controller.enqueue(compressed.subarray(fed, fed + GZIP_PIECE) as Uint8Array<ArrayBuffer>);
      fed += GZIP_PIECE;
    },
  }, { highWaterMark: 0 });
  const reader = input.pipeThrough(new DecompressionStream("gzip")).getReader();
  let out = new Uint8Array(Math.min(1 << 16, maxBytes + 1));
  let length = 0;
  let total = Infinity; // bytes the header claims, once its dimensions have arrived
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new TypeError(
          `${where}: gzip data is corrupt or truncated (${e instanceof Error ? e.message : e})`,
        );
      }
      if (chunk.done) break;
      const value = chunk.value;
      const end = length + value.length;
      if (end > total) {
        throw new RangeError(
          `${where}: file is too long, it decompresses to more than the ${total} bytes its header claims`,
        );
      }
      if (end > maxBytes) {
        throw new RangeError(
          `${where}: decompresses to more than maxBytes ${maxBytes}, pass a larger maxBytes to read it`,
        );
      }
      if (end > out.length) {
        const grown = new Uint8Array(Math.min(Math.max(2 * out.length, end), total, maxBytes));
        grown.set(out.subarray(0, length));
        out = grown;
      }
      out.set(value, length);
      length = end;
      if (total === Infinity) {
        const header = readHeader(out, where, length);
        if (header !== undefined) {
          total = header.headerLength + header.dataLength;
          if (total > maxBytes) {
            throw new RangeError(
              `${where}: the header claims ${
                header.dims.join(" × ")
              } ${header.type} values, ${total} bytes in all, more than maxBytes ${maxBytes}`,
            );
          }
          if (length > total) {
            throw new RangeError(
              `${where}: file is too long, it decompresses to more than the ${total} bytes its header claims`,
            );
          }
          // Room for the whole file at once when that is plausible for its compressed size
          // (MNIST's files compress about 5:1); otherwise keep doubling as data arrives.
          const capacity = Math.min(total, Math.max(out.length, 8 * compressed.length));
          if (capacity > out.length) {
            const grown = new Uint8Array(capacity);
            grown.set(out.subarray(0, length));
            out = grown;
          }
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return out.subarray(0, length);
}
