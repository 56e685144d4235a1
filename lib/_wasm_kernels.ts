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

import {
  type Allocation,
  type Buf,
  type Dtype,
  jsKernels,
  jsKernels32,
  type Kernels,
} from "./_kernels.ts";
import { KERNELS_WASM_BASE64 } from "./wasm/_kernels_wasm.ts";

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
] as const;

let compiled: { module: WebAssembly.Module; heapBase: number } | undefined;

/**
 * The compiled module, decoded and compiled synchronously on first use (24 kB), and the end
 * of its static data (`heapBase`), where the host's buffers may start.
 */
function wasmModule(): { module: WebAssembly.Module; heapBase: number } {
  if (compiled === undefined) {
    const text = atob(KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
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
  const suffix = dtype === "float64" ? "64" : "32";
  // Instances by memory, for views that `allocate` did not make itself (subarrays).
  const owners = new WeakMap<ArrayBufferLike, Entry>();

  // The memory of the last released allocation, kept for the next one: a fresh memory costs
  // a page fault on the first touch of every page (16 ms for MNIST's 31 MB of bytes).
  let spare: { memory: WebAssembly.Memory; entry: Entry } | undefined;
  const entries = new WeakMap<Entry, WebAssembly.Memory>();

  function allocateWith(lengths: readonly number[], bytes: number, words: number): Allocation {
    const { module, heapBase } = wasmModule();
    let offset = heapBase;
    const offsets: number[] = [];
    const place = (byteLength: number) => {
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      offsets.push(offset);
      offset += byteLength;
    };
    for (const n of lengths) place(n * Arr.BYTES_PER_ELEMENT);
    place(4 * words);
    const bytesAt = Math.ceil(offset / ALIGN) * ALIGN;
    place(bytes);
    const pages = Math.max(1, Math.ceil(offset / PAGE));
    let memory: WebAssembly.Memory, entry: Entry;
    if (spare !== undefined) {
      ({ memory, entry } = spare);
      spare = undefined;
      const have = memory.buffer.byteLength / PAGE;
      if (have < pages) memory.grow(pages - have); // detaches the old views: all released
      // Zero everything but the bytes, which the caller fills.
      new Uint8Array(memory.buffer, heapBase, bytesAt - heapBase).fill(0);
    } else {
      memory = new WebAssembly.Memory({ initial: pages });
      const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
      entry = {} as Entry;
      for (const name of NAMES) entry[name] = ex[name + suffix] as Fn;
      entries.set(entry, memory);
    }
    const buffer = memory.buffer as ArrayBuffer; // not shared: the module declares no threads
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
    gemmNT(m, n, k, a, b, c) {
      const e = entryOf("gemmNT", a);
      e.gemmNT(m, n, k, a.byteOffset, at("gemmNT", e, b), at("gemmNT", e, c));
    },
    gemmNN(m, n, k, a, b, c) {
      const e = entryOf("gemmNN", a);
      e.gemmNN(m, n, k, a.byteOffset, at("gemmNN", e, b), at("gemmNN", e, c));
    },
    gemmTN(m, n, k, a, b, c) {
      const e = entryOf("gemmTN", a);
      e.gemmTN(m, n, k, a.byteOffset, at("gemmTN", e, b), at("gemmTN", e, c));
    },
    gemmTNAdd(m, n, k, a, b, beta, cIn, c) {
      const e = entryOf("gemmTNAdd", a);
      e.gemmTNAdd(
        m,
        n,
        k,
        a.byteOffset,
        at("gemmTNAdd", e, b),
        beta,
        at("gemmTNAdd", e, cIn),
        at("gemmTNAdd", e, c),
      );
    },
    gatherBytes(m, n, src, order, start, scale, x) {
      const k = "gatherBytes";
      const e = entryOf(k, x);
      e.gatherBytes(m, n, at(k, e, src), at(k, e, order), start, scale, x.byteOffset);
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
    convForward(m, c, h, w, f, kh, kw, x, filters, bias, out, work) {
      const k = "convForward";
      const e = entryOf(k, x);
      const args = [at(k, e, filters), at(k, e, bias), at(k, e, out), at(k, e, work)] as const;
      e.convForward(m, c, h, w, f, kh, kw, x.byteOffset, ...args);
    },
    convBackwardFilters(m, c, h, w, f, kh, kw, x, delta, gradFilters, gradBias, work) {
      const k = "convBackwardFilters";
      const e = entryOf(k, x);
      const args = [at(k, e, delta), at(k, e, gradFilters), at(k, e, gradBias), at(k, e, work)];
      e.convBackwardFilters(m, c, h, w, f, kh, kw, x.byteOffset, ...args);
    },
    convBackwardInput(m, c, h, w, f, kh, kw, delta, filters, dx, work) {
      const k = "convBackwardInput";
      const e = entryOf(k, delta);
      const args = [at(k, e, filters), at(k, e, dx), at(k, e, work)];
      e.convBackwardInput(m, c, h, w, f, kh, kw, delta.byteOffset, ...args);
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
