// Where splitting a product across the worker thread pays: µs per call of the products of
// [784, 30, 10] and [784, 100, 10] at growing mini-batch sizes, on one thread and on two (every
// product split, whatever its size), and the stall distribution of the hand-offs. The split
// size of lib/_wasm_kernels.ts (SPLIT_MACS) comes from this table.
//
//   deno run -A bench/threads_bench.ts

import type { Buf, Kernels } from "../lib/_kernels.ts";
import { setSplitMacsForBench, SPLIT_MACS, wasmKernels } from "../lib/_wasm_kernels.ts";
import { resetThreadStats, STALL_BOUNDS_US, threadStats } from "../lib/_wasm_helper.ts";
import { time as timeCall } from "./kernels_bench.ts";

/** Microseconds per call: best of 15 runs of about 5 ms. */
const time = (call: () => void) => timeCall(call, { targetMs: 5, repeats: 15 }) * 1e6;

function filled(bufs: Buf[]): Buf[] {
  let seed = 1;
  for (const b of bufs) {
    for (let i = 0; i < b.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[i] = (seed / 2 ** 32 - 0.5) * 1e-3;
    }
  }
  return bufs;
}

type Shape = [string, number, number, number];
const shapes: Shape[] = [];
for (const m of [10, 20, 32, 50, 100, 200]) {
  for (const h of [30, 100]) shapes.push(["gemmNT", m, h, 784], ["gemmTNAdd", h, 784, m]);
}

function call(K: Kernels, [p, m, n, k]: Shape, bufs: Buf[]): () => void {
  const [a, b, c, c2] = bufs as [Buf, Buf, Buf, Buf];
  return p === "gemmNT"
    ? () => K.gemmNT(m, n, k, a, b, c)
    : () => K.gemmTNAdd(m, n, k, a, b, 1, c, c2);
}

console.log(`Split size now: ${SPLIT_MACS} multiply-adds (m·n·k)`);
console.log(
  `${"product".padEnd(22)} ${"MACs".padStart(9)} ${"1 thread µs".padStart(12)} ${
    "2 threads µs".padStart(13)
  }  speed-up  worker's chunks`,
);
setSplitMacsForBench(0); // split everything
for (const dtype of ["float64", "float32"] as const) {
  const K = wasmKernels(dtype);
  for (const s of shapes) {
    const [p, m, n, k] = s;
    const len = p === "gemmNT" ? [m * k, n * k, m * n, m * n] : [k * m, k * n, m * n, m * n];
    const one = K.allocateWith(len, 0, 0), two = K.allocateWith(len, 0, 0, 2);
    filled(one.bufs);
    filled(two.bufs);
    await new Promise((r) => setTimeout(r, 20)); // the worker attaches
    const t1 = time(call(K, s, one.bufs));
    resetThreadStats();
    const t2 = time(call(K, s, two.bufs));
    const st = threadStats();
    K.release(one);
    K.release(two);
    console.log(
      `${`${p} ${m}×${n}×${k} f${dtype.slice(5)}`.padEnd(22)} ${String(m * n * k).padStart(9)} ${
        t1.toFixed(1).padStart(12)
      } ${t2.toFixed(1).padStart(13)}  ${(t1 / t2).toFixed(2).padStart(7)}×  ${
        (100 * st.workerChunks / Math.max(1, st.chunks)).toFixed(0).padStart(3)
      }%`,
    );
  }
}
const st = threadStats();
console.log(
  `Stalls of the last row (µs, ${STALL_BOUNDS_US.join(", ")}, more): ${st.stalls.join(" ")}`,
);
