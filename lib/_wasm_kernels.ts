// The WebAssembly SIMD kernels (lib/wasm/kernels.as.ts) behind the `Kernels` interface.
//
// Memory: each `allocate` call gets a WebAssembly.Memory of its own, with an instance of the
// (once compiled) module on it; the returned arrays are views into that memory. A kernel call
// finds the instance from its first array (a tag on the view, or its buffer) and passes byte
// offsets, so training data and parameters stay in WebAssembly memory for the whole run and
// nothing is copied per mini-batch.
// Memories are reused: `release` keeps the largest released memory, with its instance, as a
// spare, and the next `allocate` takes it, zeroed, and grows it when it is too small. Growing
// detaches the views of the released allocation only (which must not be used after release);
// the views of an allocation still held are never detached. An allocation that is never
// released is freed with its arrays by the garbage collector.
//
// Threads, opt-in per allocation (`allocateWith(…, threads)` with threads > 1): the memory is
// shared, the instance is of the module built for shared memory, and a Worker on the same
// memory (lib/_wasm_helper.ts) runs half of each product of at least `splitMacs`
// multiply-adds, split by rows of the output so that every element's sum takes the same
// operations in the same order as on one thread (the results are equal to the bit). Smaller
// products, and every other kernel, run on the calling thread.

import {
  type Allocation,
  type Buf,
  type Dtype,
  jsKernels,
  jsKernels32,
  type Kernels,
} from "./_kernels.ts";
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from "./wasm/_kernels_wasm.ts";
import { CTL_BYTES, Helper } from "./_wasm_helper.ts";

import type { Backend } from "./options.ts";

/** The kernel set for a backend and element type. */
export function selectKernels(backend: Backend, dtype: Dtype): Kernels {
  if (backend === "wasm") return wasmKernels(dtype);
  return dtype === "float64" ? jsKernels : jsKernels32;
}

type Fn = (...args: number[]) => void;

/** The exports of one instance for one dtype, under the kernel names. */
interface Entry {
  gemmNT: Fn;
  gemmNN: Fn;
  gemmTN: Fn;
  gemmTNAdd: Fn;
  gatherBytes: Fn;
  biasActivate: Fn;
  softmaxRows: Fn;
  activationPrimeMul: Fn;
  sub: Fn;
  columnSums: Fn;
  axpby: Fn;
  convForward: Fn;
  convBackwardFilters: Fn;
  convBackwardInput: Fn;
  maxPoolForward: Fn;
  maxPoolBackward: Fn;
  gemmTNs: Fn;
  gemmTNAdds: Fn;
  gemmNTs: Fn;
  convPatches: Fn;
  convBiasSums: Fn;
  /** The worker of a threaded allocation, while it is held. */
  helper?: Helper;
}

const NAMES = [
  "gemmNT",
  "gemmNN",
  "gemmTN",
  "gemmTNAdd",
  "gatherBytes",
  "biasActivate",
  "softmaxRows",
  "activationPrimeMul",
  "sub",
  "columnSums",
  "axpby",
  "convForward",
  "convBackwardFilters",
  "convBackwardInput",
  "maxPoolForward",
  "maxPoolBackward",
  "gemmTNs",
  "gemmTNAdds",
  "gemmNTs",
  "convPatches",
  "convBiasSums",
] as const;

/**
 * Products of at least this many multiply-adds (m·n·k) split across the two threads of a
 * threaded allocation (measured: bench/threads_bench.ts).
 */
export const SPLIT_MACS = 1_000_000;
let splitMacs = SPLIT_MACS;

/** Bench hook: the split size (`SPLIT_MACS` by default); returns the one it replaces. */
export function setSplitMacsForBench(macs: number): number {
  const old = splitMacs;
  splitMacs = macs;
  return old;
}
/** Multiply-adds per chunk of a split product (about 15–30 µs in float64). */
const CHUNK_MACS = 300_000;
const MAX_CHUNKS = 512;

/**
 * Rows of C per chunk when a product of m·n·k is split (an even number, so that gemmNT's
 * row pairs are those of one thread), or 0 when it runs whole on the calling thread.
 */
function chunkRows(m: number, n: number, k: number): number {
  if (m * n * k < splitMacs || m < 4) return 0;
  // At most MAX_CHUNKS chunks (the chunk index has 10 bits in the control word).
  return Math.max(2, 2 * Math.round(CHUNK_MACS / (2 * n * k)), 2 * Math.ceil(m / (2 * MAX_CHUNKS)));
}

/** The chunk size of a product of m·n·k on `S`-byte elements (0: it runs whole), for tests. */
export function chunkSize(product: string, m: number, n: number, k: number, S: number): number {
  if (product === "gemmNT") return planNT(m, n, k, S).size;
  return product === "gemmNN" ? chunkRows(m, n, k) : chunkCols(m, n, k, 96 / S);
}

/** How gemmNT of m·n·k splits: by columns or rows, in chunks of `size` (0: it runs whole). */
function planNT(m: number, n: number, k: number, S: number): { cols: boolean; size: number } {
  const cols = byColumnsNT(n, k, S);
  return { cols, size: cols ? chunkCols(m, n, k, 4) : chunkRows(m, n, k) };
}

/**
 * Whether gemmNT splits by columns of C rather than rows: when B (n × k) is too large for
 * half of a core's L2 cache, so that each thread reads its own rows of B once (by rows, every
 * chunk would read all of B again: the chapter-6 filter gradient, 500 × 640, ran slower on two
 * threads than on one in float32).
 */
function byColumnsNT(n: number, k: number, S: number): boolean {
  return n * k * S > 256 * 1024;
}

/**
 * Columns of C per chunk of a product split by columns: a multiple of the kernel's block of
 * columns (`block`: gemmTN's 6 vectors, 12 float64 or 24 float32; gemmNT's 4), or 0 when it
 * runs whole.
 */
function chunkCols(m: number, n: number, k: number, block: number): number {
  if (m * n * k < splitMacs || n < 2 * block) return 0;
  const most = Math.ceil(n / (block * MAX_CHUNKS));
  return block * Math.max(1, Math.round(CHUNK_MACS / (block * m * k)), most);
}

/** Gathers of at least this many elements split by rows, in chunks of about `CHUNK_ELEMENTS`. */
const SPLIT_ELEMENTS = 32_768;
const CHUNK_ELEMENTS = 8_192;

/**
 * Examples per chunk when a convolution over m examples of `macs` multiply-adds each is split
 * (each example's output is computed by one thread, as on one), or 0 when it runs whole.
 */
function chunkExamples(m: number, macs: number): number {
  if (m * macs < splitMacs || m < 2) return 0;
  return Math.max(1, Math.round(CHUNK_MACS / macs), Math.ceil(m / MAX_CHUNKS));
}

let compiled: { module: WebAssembly.Module; heapBase: number } | undefined;
let compiledShared: WebAssembly.Module | undefined;

/** Decodes base64 and compiles it. */
function compileBase64(b64: string): WebAssembly.Module {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new WebAssembly.Module(bytes);
}

/** The module built for shared memory (threads), compiled on first use. */
function sharedModule(): WebAssembly.Module {
  return compiledShared ??= compileBase64(KERNELS_SHARED_WASM_BASE64);
}

/**
 * The compiled module, decoded and compiled synchronously on first use (24 kB), and the end
 * of its static data (`heapBase`), where the host's buffers may start.
 */
function wasmModule(): { module: WebAssembly.Module; heapBase: number } {
  if (compiled === undefined) {
    let module: WebAssembly.Module;
    try {
      module = compileBase64(KERNELS_WASM_BASE64);
    } catch (e) {
      throw new Error(
        `Cannot use the WebAssembly kernels: this runtime rejected them (${
          (e as Error).message
        }); they need WebAssembly SIMD and relaxed SIMD, as in Deno 2. Train with backend: "js" instead`,
      );
    }
    const probe = new WebAssembly.Instance(module, {
      env: { memory: new WebAssembly.Memory({ initial: 1 }) },
    });
    compiled = { module, heapBase: (probe.exports.heapBase as () => number)() };
  }
  return compiled;
}

/** Whether this runtime runs the WebAssembly kernels (SIMD and relaxed SIMD, as Deno 2 does). */
export function wasmSupported(): boolean {
  try {
    wasmModule();
    return true;
  } catch {
    return false;
  }
}

/**
 * The backend for measuring a network: the caller's, else that of the network's last run,
 * else WebAssembly where this runtime runs it, else TypeScript (so `evaluate` works anywhere).
 */
export function measuringBackend(...choices: (Backend | undefined)[]): Backend {
  for (const b of choices) if (b !== undefined) return b;
  return wasmSupported() ? "wasm" : "js";
}

const PAGE = 65536;
const ALIGN = 16; // one SIMD vector

const cache: Partial<Record<Dtype, Kernels>> = {};

/**
 * The WebAssembly kernels for float64 (f64x2 SIMD) or float32 (f32x4 SIMD) buffers. The
 * kernel set is shared; every `allocate` call gets memory of its own.
 */
export function wasmKernels(dtype: Dtype): Kernels {
  return cache[dtype] ??= makeKernels(dtype);
}

/** Each array that `allocate` returns carries its instance under this key (the fast path). */
const OWNER = Symbol("wasm kernels instance");
type Tagged = (Buf | Uint8Array | Uint32Array) & { [OWNER]?: Entry };

function makeKernels(dtype: Dtype): Kernels {
  const Arr = dtype === "float64" ? Float64Array : Float32Array;
  const S = Arr.BYTES_PER_ELEMENT;
  const suffix = dtype === "float64" ? "64" : "32";
  // Instances by memory, for views that `allocate` did not make itself (subarrays).
  const owners = new WeakMap<ArrayBufferLike, Entry>();

  /** gemmNT at byte offsets, split by rows or by columns when the allocation has a worker. */
  function splitNT(e: Entry, m: number, n: number, k: number, pa: number, pb: number, pc: number) {
    const w = e.helper, { cols, size } = planNT(m, n, k, S);
    if (w === undefined || size === 0) return e.gemmNT(m, n, k, pa, pb, pc);
    if (cols) {
      w.split(8, n, size, [m, n, k, pa, pb, pc, 0], 0, (s, len) => {
        e.gemmNTs(m, len, k, pa, pb + s * k * S, pc + s * S, n);
      });
    } else {
      w.split(1, m, size, [m, n, k, pa, pb, pc, 0], 0, (r, rows) => {
        e.gemmNT(rows, n, k, pa + r * k * S, pb, pc + r * n * S);
      });
    }
  }

  // The memory of the last released allocation, kept for the next one: a fresh memory costs
  // a page fault on the first touch of every page (16 ms for MNIST's 31 MB of bytes).
  let spare: { memory: WebAssembly.Memory; entry: Entry } | undefined;
  const entries = new WeakMap<Entry, WebAssembly.Memory>();

  // Threaded allocations keep a spare of their own (a shared memory, which cannot grow).
  let sharedSpare: { memory: WebAssembly.Memory; entry: Entry } | undefined;

  function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Entry {
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
    const entry = {} as Entry;
    for (const name of NAMES) entry[name] = ex[name + suffix] as Fn;
    entries.set(entry, memory);
    return entry;
  }

  function allocateWith(
    lengths: readonly number[],
    bytes: number,
    words: number,
    threads = 1,
  ): Allocation {
    const { module, heapBase } = wasmModule();
    const shared = threads > 1;
    let offset = heapBase;
    const offsets: number[] = [];
    const place = (byteLength: number) => {
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      offsets.push(offset);
      offset += byteLength;
    };
    if (shared) place(CTL_BYTES); // the hand-off's control block, first
    const ctl = shared ? offsets.shift()! : 0;
    for (const n of lengths) place(n * Arr.BYTES_PER_ELEMENT);
    place(4 * words);
    const bytesAt = Math.ceil(offset / ALIGN) * ALIGN;
    place(bytes);
    const pages = Math.max(1, Math.ceil(offset / PAGE));
    let memory: WebAssembly.Memory, entry: Entry;
    if (shared) {
      if (sharedSpare !== undefined && sharedSpare.memory.buffer.byteLength >= pages * PAGE) {
        ({ memory, entry } = sharedSpare);
        // Zero all but the bytes and the control block (its job numbers go on).
        const from = ctl + CTL_BYTES;
        new Uint8Array(memory.buffer, from, bytesAt - from).fill(0);
      } else {
        memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
        entry = instantiate(sharedModule(), memory);
      }
      sharedSpare = undefined;
      entry.helper = new Helper(sharedModule(), memory, ctl, suffix, S);
    } else if (spare !== undefined) {
      ({ memory, entry } = spare);
      spare = undefined;
      const have = memory.buffer.byteLength / PAGE;
      if (have < pages) memory.grow(pages - have); // detaches the old views: all released
      // Zero everything but the bytes, which the caller fills.
      new Uint8Array(memory.buffer, heapBase, bytesAt - heapBase).fill(0);
    } else {
      memory = new WebAssembly.Memory({ initial: pages });
      entry = instantiate(module, memory);
    }
    // A SharedArrayBuffer for threaded allocations: the typed arrays over it work alike.
    const buffer = memory.buffer as ArrayBuffer;
    owners.set(buffer, entry);
    const tag = <V extends Tagged>(view: V): V => {
      view[OWNER] = entry;
      return view;
    };
    const i = lengths.length;
    return {
      bufs: lengths.map((n, i) => tag(new Arr(buffer, offsets[i], n))),
      words: tag(new Uint32Array(buffer, offsets[i], words)),
      bytes: tag(new Uint8Array(buffer, offsets[i + 1], bytes)),
    };
  }

  const released = new WeakSet<Allocation>(); // a second release is ignored

  function release(alloc: Allocation): void {
    if (released.has(alloc)) return;
    released.add(alloc);
    const entry = (alloc.bufs[0] as Tagged | undefined)?.[OWNER] ?? (alloc.words as Tagged)[OWNER];
    const memory = entry === undefined ? undefined : entries.get(entry);
    if (memory === undefined || alloc.words.buffer !== memory.buffer) return; // not ours, or stale
    if (entry!.helper !== undefined) {
      entry!.helper.release();
      entry!.helper = undefined;
      if (
        sharedSpare === undefined ||
        sharedSpare.memory.buffer.byteLength < memory.buffer.byteLength
      ) sharedSpare = { memory, entry: entry! };
      return;
    }
    if (spare === undefined || spare.memory.buffer.byteLength < memory.buffer.byteLength) {
      spare = { memory, entry: entry! };
    }
  }

  /** The instance whose memory holds `v` (reading `.buffer` costs more than the tag). */
  function entryOf(kernel: string, v: Tagged): Entry {
    const e = v[OWNER] ?? (v instanceof Arr ? owners.get(v.buffer) : undefined);
    if (e === undefined) {
      throw new TypeError(
        `Cannot run wasm kernel ${kernel}: expected a ${Arr.name} from this backend's allocate, got a ${v.constructor.name} outside its memory`,
      );
    }
    return e;
  }

  /** Byte offset of `v`, after checking that it lies in the memory of instance `e`. */
  function at(kernel: string, e: Entry, v: Tagged): number {
    if (v[OWNER] !== e && owners.get(v.buffer) !== e) {
      throw new TypeError(
        `Cannot run wasm kernel ${kernel}: expected all arrays from one allocate call, got arrays from different memories`,
      );
    }
    return v.byteOffset;
  }

  return {
    name: "wasm",
    dtype,
    allocate: (lengths) => allocateWith(lengths, 0, 0).bufs,
    allocateWith,
    release,
    ownMemory: true,
    get splitMacs() {
      return splitMacs;
    },
    // The products split when the allocation has a worker and the product is large, in
    // chunks that both threads take (lib/_wasm_helper.ts): gemmNT and gemmNN by rows of C, an
    // even number per chunk (so that gemmNT pairs rows as on one thread); gemmTN and
    // gemmTNAdd by columns, a multiple of the main blocks' width per chunk (so that each
    // chunk reads its slice of B once, and every element takes its one-thread path).
    gemmNT(m, n, k, a, b, c) {
      const e = entryOf("gemmNT", a);
      splitNT(e, m, n, k, a.byteOffset, at("gemmNT", e, b), at("gemmNT", e, c));
    },
    gemmNN(m, n, k, a, b, c) {
      const e = entryOf("gemmNN", a);
      const pa = a.byteOffset, pb = at("gemmNN", e, b), pc = at("gemmNN", e, c);
      const w = e.helper, R = chunkRows(m, n, k);
      if (w === undefined || R === 0) return e.gemmNN(m, n, k, pa, pb, pc);
      w.split(2, m, R, [m, n, k, pa, pb, pc, 0], 0, (r, rows) => {
        e.gemmNN(rows, n, k, pa + r * k * S, pb, pc + r * n * S);
      });
    },
    gemmTN(m, n, k, a, b, c) {
      const e = entryOf("gemmTN", a);
      const pa = a.byteOffset, pb = at("gemmTN", e, b), pc = at("gemmTN", e, c);
      const w = e.helper, W = chunkCols(m, n, k, 96 / S);
      if (w === undefined || W === 0) return e.gemmTN(m, n, k, pa, pb, pc);
      w.split(3, n, W, [m, n, k, pa, pb, pc, 0], 0, (s, cols) => {
        e.gemmTNs(m, cols, k, pa, pb + s * S, pc + s * S, n);
      });
    },
    gemmTNAdd(m, n, k, a, b, beta, cIn, c) {
      const e = entryOf("gemmTNAdd", a);
      const pa = a.byteOffset, pb = at("gemmTNAdd", e, b);
      const pi = at("gemmTNAdd", e, cIn), pc = at("gemmTNAdd", e, c);
      const w = e.helper, W = chunkCols(m, n, k, 96 / S);
      if (w === undefined || W === 0) return e.gemmTNAdd(m, n, k, pa, pb, beta, pi, pc);
      w.split(4, n, W, [m, n, k, pa, pb, pc, pi], beta, (s, cols) => {
        e.gemmTNAdds(m, cols, k, pa, pb + s * S, beta, pi + s * S, pc + s * S, n);
      });
    },
    // A large gather splits by rows of x.
    gatherBytes(m, n, src, order, start, scale, x) {
      const k = "gatherBytes";
      const e = entryOf(k, x);
      const ps = at(k, e, src), po = at(k, e, order), px = x.byteOffset;
      const R = m * n < SPLIT_ELEMENTS
        ? 0
        : Math.max(1, Math.round(CHUNK_ELEMENTS / n), Math.ceil(m / MAX_CHUNKS));
      if (e.helper === undefined || R === 0) return e.gatherBytes(m, n, ps, po, start, scale, px);
      e.helper.split(7, m, R, [n, ps, po, start, px], scale, (r, rows) => {
        e.gatherBytes(rows, n, ps, po, start + r, scale, px + r * n * S);
      });
    },
    biasActivate(act, m, n, z, b, a) {
      const e = entryOf("biasActivate", z);
      e.biasActivate(act, m, n, z.byteOffset, at("biasActivate", e, b), at("biasActivate", e, a));
    },
    softmaxRows(m, n, z, a) {
      const e = entryOf("softmaxRows", z);
      e.softmaxRows(m, n, z.byteOffset, at("softmaxRows", e, a));
    },
    activationPrimeMul(act, len, z, a, delta) {
      const k = "activationPrimeMul";
      const e = entryOf(k, delta);
      e.activationPrimeMul(act, len, at(k, e, z), at(k, e, a), delta.byteOffset);
    },
    sub(len, a, y, out) {
      const e = entryOf("sub", out);
      e.sub(len, at("sub", e, a), at("sub", e, y), out.byteOffset);
    },
    columnSums(m, n, d, out) {
      const e = entryOf("columnSums", d);
      e.columnSums(m, n, d.byteOffset, at("columnSums", e, out));
    },
    axpby(len, alpha, x, beta, y) {
      const e = entryOf("axpby", y);
      e.axpby(len, alpha, at("axpby", e, x), beta, y.byteOffset);
    },
    // With a worker, a large convolution splits by examples (convForward, convBackwardInput:
    // each thread with its own block of `work` for one example's patches), and the filter
    // gradient's product by rows as gemmNT above, after the patches are laid out.
    convForward(m, c, h, w, f, kh, kw, x, filters, bias, out, work) {
      const k = "convForward";
      const e = entryOf(k, x);
      const px = x.byteOffset, pf = at(k, e, filters), pb = at(k, e, bias);
      const po = at(k, e, out), pw = at(k, e, work);
      const pos = (h - kh + 1) * (w - kw + 1), E = chunkExamples(m, f * pos * c * kh * kw);
      if (e.helper === undefined || E === 0) {
        return e.convForward(m, c, h, w, f, kh, kw, px, pf, pb, po, pw);
      }
      const args = [c, h, w, f, kh, kw, px, pf, pb, po, pw];
      e.helper.split(5, m, E, args, 0, (i0, len) => {
        e.convForward(
          len,
          c,
          h,
          w,
          f,
          kh,
          kw,
          px + i0 * c * h * w * S,
          pf,
          pb,
          po + i0 * f * pos * S,
          pw,
        );
      });
    },
    convBackwardFilters(m, c, h, w, f, kh, kw, x, delta, gradFilters, gradBias, work) {
      const k = "convBackwardFilters";
      const e = entryOf(k, x);
      const px = x.byteOffset, pd = at(k, e, delta), pg = at(k, e, gradFilters);
      const pgb = at(k, e, gradBias), pw = at(k, e, work);
      const n = m * (h - kh + 1) * (w - kw + 1), K = c * kh * kw;
      if (e.helper === undefined || planNT(f, K, n, S).size === 0) {
        return e.convBackwardFilters(m, c, h, w, f, kh, kw, px, pd, pg, pgb, pw);
      }
      // The patches and δ laid out by filter (after the patches), by blocks of examples.
      const pdf = pw + K * n * S, pos = n / m, E = Math.ceil(m / 6);
      e.helper.split(9, m, E, [c, h, w, f, kh, kw, px, pd, pw, pdf, n], 0, (i0, len) => {
        const o = i0 * pos * S;
        e.convPatches(
          len,
          c,
          h,
          w,
          f,
          kh,
          kw,
          px + i0 * c * h * w * S,
          pd + f * o,
          pw + o,
          pdf + o,
          n,
        );
      });
      splitNT(e, f, K, n, pdf, pw, pg);
      e.convBiasSums(f, n, pdf, pgb);
    },
    convBackwardInput(m, c, h, w, f, kh, kw, delta, filters, dx, work) {
      const k = "convBackwardInput";
      const e = entryOf(k, delta);
      const pd = delta.byteOffset, pf = at(k, e, filters), px = at(k, e, dx);
      const pw = at(k, e, work);
      const pos = (h - kh + 1) * (w - kw + 1), E = chunkExamples(m, f * pos * c * kh * kw);
      if (e.helper === undefined || E === 0) {
        return e.convBackwardInput(m, c, h, w, f, kh, kw, pd, pf, px, pw);
      }
      e.helper.split(6, m, E, [c, h, w, f, kh, kw, pd, pf, px, pw], 0, (i0, len) => {
        e.convBackwardInput(
          len,
          c,
          h,
          w,
          f,
          kh,
          kw,
          pd + i0 * f * pos * S,
          pf,
          px + i0 * c * h * w * S,
          pw,
        );
      });
    },
    maxPoolForward(m, c, h, w, ph, pw, x, out, argmax) {
      const k = "maxPoolForward";
      const e = entryOf(k, x);
      e.maxPoolForward(m, c, h, w, ph, pw, x.byteOffset, at(k, e, out), at(k, e, argmax));
    },
    maxPoolBackward(m, c, h, w, ph, pw, delta, argmax, dx) {
      const k = "maxPoolBackward";
      const e = entryOf(k, delta);
      e.maxPoolBackward(m, c, h, w, ph, pw, delta.byteOffset, at(k, e, argmax), at(k, e, dx));
    },
  };
}
