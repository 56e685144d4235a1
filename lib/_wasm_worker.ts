// The second core's side of threaded allocations (see lib/_wasm_helper.ts): the source of a
// worker thread that runs parts of products on an allocation's shared memory. It is a string
// (run with node:worker_threads' `eval`), so that it needs no file permission and loads when
// the library is imported from a URL. One worker serves one allocation at a time: a message
// attaches it to an allocation's memory, and it serves that allocation until its session ends
// (the allocation is released), then takes the next message.
//
// A product is posted as a job of N chunks (blocks of rows of C). Both threads take chunks
// from the NEXT word until none are left, and count each finished one in FINISHED; the main
// thread returns when all N are. A worker that is late (asleep, descheduled, starting) takes
// fewer chunks or none, so it can delay the main thread by at most the chunk it is running.
//
// Control words (an Int32Array in the shared memory):
//   JOB       number of the last job posted (1, 2, …)
//   NEXT      (job number mod 2^20) · 1024 + the index of the next chunk to take: a thread takes
//             chunk i of job j only by a compare-and-swap on that tagged value, so a late worker
//             cannot take a chunk of the next job with the arguments of the last one (the
//             main thread sets NEXT to the new tag with no chunk left before it writes the
//             new arguments, so a worker that read the old tag fails its swap)
//   FINISHED  chunks finished of the current job
//   STATE     1 while the worker looks at the job word, 0 while it sleeps in Atomics.wait on it
//             (the main thread then notifies it)
//   SESSION   which attachment of the memory is being served: the worker serves while it
//             equals the number its message carried (the main thread bumps it on release)
//   DEAD      1 once the worker has failed; ERROR the length of its message (bytes at ctl + 128)
//   OP, ARGS, and a float64 argument (β) at ctl + 96.
// A worker that has looked for SPIN_MS without a job sleeps until the next one: it never spins
// while no run is going.

/** Indices of the control words. */
export const CTL = {
  JOB: 0,
  NEXT: 1,
  FINISHED: 2,
  STATE: 3,
  DEAD: 4,
  OP: 5,
  SESSION: 6,
  ARGS: 8,
  ERROR: 31,
} as const;
/** Bytes of the control block: 32 words, a float64 argument (at 96), an error text (at 128). */
export const CTL_BYTES = 384;

/** The operations, by number: which export (with the dtype's suffix) runs a job. */
export const OPS = [
  "gemmNT",
  "gemmNN",
  "gemmTNs",
  "gemmTNAdds",
  "convForward",
  "convBackwardInput",
  "gatherBytes",
  "gemmNTs",
  "convPatches",
  "crash",
] as const;

/** How long a worker looks for the next job before it goes back to its event loop. */
export const SPIN_MS = 0.25;

/** The tag of job j in the NEXT word. */
export function jobTag(j: number): number {
  return (j & 0xfffff) << 10;
}

// Job arguments: ARGS + [0] chunks N, [1] chunk size R, [2] the length split, [3] m, [4] n,
// [5] k, [6] a, [7] b, [8] c, [9] cIn (byte offsets), and β in the float64. gemmNT and gemmNN
// split by rows of C (chunk i is rows iR … min((i + 1)R, m)), gemmTN and gemmTNAdd by
// columns (the same for columns of B and C, whose rows stay n long). The convolutions split
// by examples: [3] c, [4] h, [5] w, [6] f, [7] kh, [8] kw, then convForward's x, filters, bias,
// out, work or convBackwardInput's delta, filters, dx, work; the worker's scratch is the second
// C·KH·KW × OH·OW block of work (the first is the main thread's). gatherBytes splits by rows
// of x: [3] n, [4] src, [5] order, [6] start, [7] x, and the scale in the float64. gemmNTs is
// gemmNT split by columns of C (rows of B), with gemmNT's arguments. convPatches splits by
// examples: [3..8] as the convolutions', then x, delta, col, d and their rows' length.
export const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const C = ${JSON.stringify(CTL)};
const OPS = ${JSON.stringify(OPS)};
parentPort.on("message", (d) => {
  const c = new Int32Array(d.memory.buffer, d.ctl, 32);
  if (Atomics.load(c, C.SESSION) !== d.session) return; // released before its turn came
  let fns;
  try {
    const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
    ex.useScratch(1); // the main thread's instance packs into scratch 0
    fns = OPS.map((n) => ex[n + d.suffix]);
  } catch (err) {
    return fail(c, d.memory, d.ctl, err);
  }
  serve(c, new Float64Array(d.memory.buffer, d.ctl + 96, 1), fns, d);
});
function fail(c, memory, ctl, err) {
  const text = new TextEncoder().encode(String(err && err.message || err)).subarray(0, 256);
  new Uint8Array(memory.buffer, ctl + 128, text.length).set(text);
  c[C.ERROR] = text.length;
  Atomics.store(c, C.DEAD, 1);
  process.exit(1);
}
function serve(c, f, fns, d) {
  const A = C.ARGS, S = d.size, session = d.session, spinMs = d.spinMs;
  Atomics.store(c, C.STATE, 1);
  let seen = d.job;
  for (;;) {
    let j = Atomics.load(c, C.JOB);
    if (j === seen) {
      const t0 = performance.now();
      for (let i = 1; (j = Atomics.load(c, C.JOB)) === seen; i++) {
        if ((i & 255) === 0 && performance.now() - t0 > spinMs) {
          Atomics.store(c, C.STATE, 0);
          if (Atomics.load(c, C.SESSION) !== session) return;
          Atomics.wait(c, C.JOB, seen);
          Atomics.store(c, C.STATE, 1);
        }
      }
    }
    if (Atomics.load(c, C.SESSION) !== session) {
      Atomics.store(c, C.STATE, 0);
      return;
    }
    seen = j;
    const tag = (j & 0xfffff) << 10;
    for (;;) {
      const v = Atomics.load(c, C.NEXT);
      if ((v & ~1023) !== tag) break;
      // The job's arguments are read after its tag: the main thread wrote them before it.
      const i = v & 1023, N = c[A];
      if (i >= N) break;
      if (Atomics.compareExchange(c, C.NEXT, v, v + 1) !== v) continue;
      const op = c[C.OP];
      const R = c[A + 1], i0 = i * R, len = Math.min(R, c[A + 2] - i0);
      try {
        if (op <= 4) {
          const m = c[A + 3], n = c[A + 4], k = c[A + 5];
          const a = c[A + 6], b = c[A + 7], cc = c[A + 8], cIn = c[A + 9];
          if (op <= 2) fns[op - 1](len, n, k, a + i0 * k * S, b, cc + i0 * n * S);
          else if (op === 3) fns[2](m, len, k, a, b + i0 * S, cc + i0 * S, n);
          else fns[3](m, len, k, a, b + i0 * S, f[0], cIn + i0 * S, cc + i0 * S, n);
        } else if (op <= 6) {
          const ch = c[A + 3], h = c[A + 4], w = c[A + 5], nf = c[A + 6], kh = c[A + 7], kw = c[A + 8];
          const pos = (h - kh + 1) * (w - kw + 1), image = ch * h * w * S, out = nf * pos * S;
          const work = c[A + (op === 5 ? 13 : 12)] + ch * kh * kw * pos * S;
          if (op === 5) {
            fns[4](len, ch, h, w, nf, kh, kw, c[A + 9] + i0 * image, c[A + 10], c[A + 11],
              c[A + 12] + i0 * out, work);
          } else {
            fns[5](len, ch, h, w, nf, kh, kw, c[A + 9] + i0 * out, c[A + 10],
              c[A + 11] + i0 * image, work);
          }
        } else if (op === 9) {
          const ch = c[A + 3], h = c[A + 4], w = c[A + 5], nf = c[A + 6], kh = c[A + 7], kw = c[A + 8];
          const o = i0 * (h - kh + 1) * (w - kw + 1) * S;
          fns[8](len, ch, h, w, nf, kh, kw, c[A + 9] + i0 * ch * h * w * S, c[A + 10] + nf * o,
            c[A + 11] + o, c[A + 12] + o, c[A + 13]);
        } else if (op === 8) {
          const n = c[A + 4], k = c[A + 5];
          fns[7](c[A + 3], len, k, c[A + 6], c[A + 7] + i0 * k * S, c[A + 8] + i0 * S, n);
        } else if (op === 7) {
          const n = c[A + 3];
          fns[6](len, n, c[A + 4], c[A + 5], c[A + 6] + i0, f[0], c[A + 7] + i0 * n * S);
        } else throw new Error("crash requested by a test");
      } catch (err) {
        return fail(c, d.memory, d.ctl, err);
      }
      Atomics.add(c, C.FINISHED, 1);
    }
  }
}
`;
