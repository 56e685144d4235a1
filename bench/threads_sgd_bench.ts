// sgd on [784, 30, 10] and [784, 100, 10] at mini-batch 100, float64, one thread against two:
// with the default measured choice of which products split, and with every large product
// split while the worker spins 0, 0.05, 0.25 and 1 ms for the next job before it sleeps.
// Examples per second (median of 5 runs of 2 epochs over 5,000 MNIST images, the settings
// interleaved) and the hand-offs' stalls. Chooses SPIN_MS (lib/_wasm_worker.ts).
//
//   deno run -A bench/threads_sgd_bench.ts

import { Network } from "../lib/network.ts";
import { slice } from "../lib/dataset.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import {
  resetThreadStats,
  setSplitPolicyForTesting,
  setWorkerSpinForBench,
  type SplitPolicy,
  threadStats,
} from "../lib/_wasm_helper.ts";
import { SPIN_MS } from "../lib/_wasm_worker.ts";

const data = slice((await loadMnist()).training, 0, 5000);
const settings: { label: string; threads: number; spin: number; policy: SplitPolicy }[] = [
  { label: "1 thread", threads: 1, spin: SPIN_MS, policy: "measured" },
  { label: `2 threads, measured`, threads: 2, spin: SPIN_MS, policy: "measured" },
  ...[0, 0.05, 0.25, 1].map((spin) => ({
    label: `2 threads, all, spin ${spin} ms`,
    threads: 2,
    spin,
    policy: "always" as const,
  })),
];
for (const sizes of [[784, 30, 10], [784, 100, 10]]) {
  const rates = settings.map(() => [] as number[]);
  const stats = settings.map(() => "");
  for (let round = 0; round < 5; round++) {
    for (const [i, s] of settings.entries()) {
      setWorkerSpinForBench(s.spin);
      setSplitPolicyForTesting(s.policy);
      resetThreadStats();
      const net = new Network(sizes, { seed: 1 });
      const t0 = performance.now();
      await net.sgd(data, { epochs: 2, miniBatchSize: 100, eta: 3, threads: s.threads });
      rates[i]!.push(2 * data.length / ((performance.now() - t0) / 1000));
      const st = threadStats();
      if (s.threads > 1) {
        stats[i] = `worker ran ${
          (100 * st.workerChunks / st.chunks).toFixed(0)
        }% of chunks; stalls ${st.stalls.join(" ")}, longest ${st.maxStallUs.toFixed(0)} µs`;
      }
    }
  }
  console.log(`\n[${sizes.join(", ")}], m = 100, float64, examples/s (median of 5; min–max):`);
  for (const [i, s] of settings.entries()) {
    const r = rates[i]!.sort((a, b) => a - b);
    console.log(
      `  ${s.label.padEnd(30)} ${Math.round(r[2]!).toLocaleString("en-US").padStart(8)}  (${
        Math.round(r[0]!)
      }–${Math.round(r[4]!)})  ${stats[i]}`,
    );
  }
}
