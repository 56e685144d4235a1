// The WebAssembly kernels on two threads (lib/_wasm_helper.ts, lib/_wasm_worker.ts): split
// products equal one thread's to the bit, sgd's gradients too on every backend, the worker
// neither leaks nor keeps `deno run` alive, and a dead worker is an error, not a hang.

import assert from "node:assert/strict";
import { jsKernels, type Kernels } from "../lib/_kernels.ts";
import { chunkSize, SPLIT_MACS, wasmKernels } from "../lib/_wasm_kernels.ts";
import {
  crashWorkerForTesting,
  resetThreadStats,
  setSplitPolicyForTesting,
  threadStats,
} from "../lib/_wasm_helper.ts";
import { Network } from "../lib/network.ts";
import { Network3 } from "../lib/network3.ts";
import { ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer } from "../lib/layers.ts";
import type { PackedData } from "../lib/dataset.ts";

// Every large product splits in these tests (the measured choice has a test of its own).
setSplitPolicyForTesting("always");

const sameBits = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  assert.equal(x.length, y.length);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) assert.fail(`element ${i}: ${x[i]} against ${y[i]}`);
  }
};

function fill(bufs: ArrayLike<number>[] & { [i: number]: { [j: number]: number } }[], seed = 1) {
  for (const b of bufs) {
    for (let i = 0; i < b.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      (b as unknown as Float64Array)[i] = seed / 2 ** 32 - 0.5;
    }
  }
}

/** Runs `call` until the worker has run a chunk of it (at most 10 s); returns the calls made. */
function untilWorkerRan(call: () => void): number {
  const before = threadStats().workerChunks;
  const t0 = performance.now();
  let calls = 0;
  do {
    call();
    calls++;
  } while (threadStats().workerChunks === before && performance.now() - t0 < 10_000);
  assert.ok(threadStats().workerChunks > before, "the worker never took a chunk in 10 s");
  return calls;
}

type Product = "gemmNT" | "gemmNN" | "gemmTN" | "gemmTNAdd";
const PRODUCTS: Product[] = ["gemmNT", "gemmNN", "gemmTN", "gemmTNAdd"];

/** Operand lengths: NT a m×k, b n×k; NN a m×k, b k×n; TN a k×m, b k×n; then C and C_in. */
function lengths(p: Product, m: number, n: number, k: number): number[] {
  return [m * k, p === "gemmNT" ? n * k : k * n, m * n, m * n];
}

function run(K: Kernels, p: Product, m: number, n: number, k: number, bufs: Float64Array[]) {
  const [a, b, c, cIn] = bufs as [Float64Array, Float64Array, Float64Array, Float64Array];
  if (p === "gemmTNAdd") K.gemmTNAdd(m, n, k, a, b, 0.75, cIn, c);
  else K[p](m, n, k, a, b, c);
}

Deno.test("split products equal one thread's to the bit, and the definition", async (t) => {
  // Shapes above the split size: the book's at mini-batch 100, odd rows, odd columns, k with
  // a tail that whole vectors leave, columns beyond gemmRows' main blocks, and a gemmNT that
  // splits by columns.
  const shapes: [number, number, number][] = [
    [100, 30, 784],
    [30, 784, 100],
    [101, 31, 785],
    [37, 250, 111],
    [64, 129, 130],
    // gemmNT by columns (B too large for half an L2), with a tail of n % 4 columns.
    [20, 501, 640],
  ];
  for (const dtype of ["float64", "float32"] as const) {
    const K = wasmKernels(dtype);
    for (const p of PRODUCTS) {
      await t.step(`${p} ${dtype}`, () => {
        let split = 0;
        for (const [m, n, k] of shapes) {
          assert.ok(m * n * k >= SPLIT_MACS);
          const len = lengths(p, m, n, k);
          const one = K.allocateWith(len, 0, 0);
          const two = K.allocateWith(len, 0, 0, 2);
          try {
            fill(one.bufs as never);
            one.bufs.forEach((b, i) => two.bufs[i]!.set(b));
            run(K, p, m, n, k, one.bufs as Float64Array[]);
            const runTwo = () => {
              run(K, p, m, n, k, two.bufs as Float64Array[]);
              sameBits(two.bufs[2]!, one.bufs[2]!);
            };
            // Products too narrow to split (gemmTN with fewer than two blocks of columns) run
            // whole on the calling thread.
            if (chunkSize(p, m, n, k, dtype === "float64" ? 8 : 4) > 0) {
              split++;
              untilWorkerRan(runTwo);
            } else runTwo();
            // And both are the product (float64 definition in the TypeScript kernels).
            const ref = len.map((l, i) => Float64Array.from(one.bufs[i]!.subarray(0, l)));
            run(jsKernels, p, m, n, k, ref);
            const tol = dtype === "float64" ? 1e-12 : 2e-5;
            const c = one.bufs[2]!;
            for (let i = 0; i < c.length; i++) {
              const want = ref[2]![i]!;
              if (!(Math.abs(c[i]! - want) <= tol * (1 + Math.abs(want)) * Math.sqrt(k))) {
                assert.fail(`${p} ${m}×${n}×${k} element ${i}: ${c[i]} against ${want}`);
              }
            }
          } finally {
            K.release(one);
            K.release(two);
          }
        }
        assert.ok(split >= 3, `only ${split} shapes split`);
      });
    }
  }
});

Deno.test("back-to-back products of different shapes on two threads stay exact", () => {
  // Jobs of different chunk counts and arguments in quick succession: a worker that took a
  // chunk of one job with the arguments of the next would write a wrong block or hang.
  const K = wasmKernels("float64");
  const shapes: [Product, number, number, number][] = [
    ["gemmNT", 100, 30, 784],
    ["gemmTNAdd", 30, 784, 100],
    ["gemmNT", 64, 30, 784],
    ["gemmTN", 50, 784, 64],
  ];
  const allocs = shapes.map(([p, m, n, k]) => {
    const len = lengths(p, m, n, k);
    const one = K.allocateWith(len, 0, 0);
    fill(one.bufs as never, m + n);
    run(K, p, m, n, k, one.bufs as Float64Array[]);
    return { len, want: Float64Array.from(one.bufs[2]!), one };
  });
  const two = K.allocateWith(allocs.flatMap((a) => a.len), 0, 0, 2);
  try {
    allocs.forEach((a, s) => a.one.bufs.forEach((b, i) => two.bufs[4 * s + i]!.set(b)));
    const before = threadStats().workerChunks;
    const t0 = performance.now();
    for (let i = 0; i < 4000 && performance.now() - t0 < 4000; i++) {
      const s = i % shapes.length, [p, m, n, k] = shapes[s]!;
      const bufs = two.bufs.slice(4 * s, 4 * s + 4) as Float64Array[];
      if (p === "gemmTNAdd") bufs[3]!.set(allocs[s]!.one.bufs[3]!); // C_in, as before
      run(K, p, m, n, k, bufs);
      sameBits(bufs[2]!, allocs[s]!.want);
    }
    assert.ok(threadStats().workerChunks > before, "the worker took no chunk");
  } finally {
    K.release(two);
    for (const a of allocs) K.release(a.one);
  }
});

/** Random MNIST-shaped bytes: `n` examples of 784, 10 classes. */
function randomData(n: number, seed = 5): PackedData {
  const inputs = new Uint8Array(n * 784), labels = new Uint8Array(n);
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  for (let i = 0; i < inputs.length; i++) inputs[i] = next();
  for (let i = 0; i < n; i++) labels[i] = next() % 10;
  return { length: n, inputSize: 784, numClasses: 10, inputs, inputScale: 1 / 255, labels };
}

Deno.test("sgd on two threads takes the one-thread steps to the bit, on every backend", async (t) => {
  const data = randomData(600);
  const cases = [
    { backend: "wasm", dtype: "float64" },
    { backend: "wasm", dtype: "float32" },
    { backend: "js", dtype: "float64" },
    { backend: "js", dtype: "float32" },
  ] as const;
  for (const c of cases) {
    await t.step(`${c.backend} ${c.dtype}`, async () => {
      const train = async (threads: number) => {
        const net = new Network([784, 30, 10], { seed: 1 });
        const options = { epochs: 2, miniBatchSize: 100, eta: 3, seed: 2, lambda: 1, ...c };
        await net.sgd(data, { ...options, threads });
        return [...net.weights, ...net.biases].map((w) => w.data);
      };
      const one = await train(1);
      // Until a run in which the worker took part (it may start late, or be descheduled).
      const before = threadStats().workerChunks;
      for (let run = 0; run < 20; run++) {
        const two = await train(2);
        one.forEach((w, i) => sameBits(two[i]!, w));
        if (c.backend === "js" || threadStats().workerChunks > before) break;
      }
      if (c.backend === "wasm") assert.ok(threadStats().workerChunks > before);
    });
  }
});

Deno.test("Network3's sgd on two threads takes the one-thread steps to the bit", async (t) => {
  // The book's first convolutional layer: its convolutions (20·25·576 multiply-adds per
  // example) and the fully connected layer after it split at m = 10.
  const data = randomData(100);
  for (const c of [{ dtype: "float64" }, { dtype: "float32" }] as const) {
    await t.step(c.dtype, async () => {
      const train = async (threads: number) => {
        const net = new Network3([
          new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28] }),
          new FullyConnectedLayer({ nIn: 20 * 12 * 12, nOut: 100 }),
          new SoftmaxLayer({ nIn: 100, nOut: 10 }),
        ], { seed: 1 });
        const options = { epochs: 1, miniBatchSize: 10, eta: 0.1, seed: 2, lambda: 0.1, ...c };
        await net.sgd(data, { ...options, threads });
        return net.layers.flatMap((l) => [l.w, l.b]);
      };
      const one = await train(1);
      resetThreadStats();
      for (let run = 0; run < 20 && threadStats().workerChunks === 0; run++) {
        const two = await train(2);
        one.forEach((w, i) => sameBits(two[i]!, w));
      }
      const st = threadStats();
      assert.ok(st.workerChunks > 0, "the worker took no chunk");
      // Convolutions forward and back (by examples), the filter gradient's product (by rows)
      // and the fully connected layer's products all split: 10 steps of at least 4 products.
      assert.ok(st.splits >= 40, `only ${st.splits} products split`);
    });
  }
});

Deno.test("the measured choice: each shape probes 4 split and 4 whole calls in turn, then keeps one way", () => {
  const old = setSplitPolicyForTesting("measured");
  const K = wasmKernels("float64");
  const [m, n, k] = [100, 30, 784];
  const alloc = K.allocateWith(lengths("gemmNT", m, n, k), 0, 0, 2);
  try {
    fill(alloc.bufs as never);
    const [a, b, c] = alloc.bufs as Float64Array[];
    const calls = (count: number) => {
      resetThreadStats();
      for (let i = 0; i < count; i++) K.gemmNT(m, n, k, a!, b!, c!);
      return threadStats();
    };
    // Split and whole in turn.
    for (let i = 0; i < 8; i++) {
      const st = calls(1);
      assert.deepEqual([st.splits, st.wholes], i % 2 === 0 ? [1, 0] : [0, 1], `call ${i}`);
    }
    let st;
    st = calls(120);
    assert.ok(
      (st.splits === 120 && st.wholes === 0) || (st.splits === 0 && st.wholes === 120),
      `after the probe: ${st.splits} split, ${st.wholes} whole`,
    );
    st = calls(8); // the next probe
    assert.deepEqual([st.splits, st.wholes], [4, 4]);
  } finally {
    K.release(alloc);
    setSplitPolicyForTesting(old);
  }
});

Deno.test("sgd leaves small products on one thread: no worker for [784, 30, 10] at m = 10", async () => {
  resetThreadStats();
  const net = new Network([784, 30, 10], { seed: 1 });
  await net.sgd(randomData(100), { epochs: 1, miniBatchSize: 10, eta: 3, threads: 2 });
  assert.equal(threadStats().splits, 0);
});

Deno.test("100 short sgd runs in a row: one worker, none left serving, memory bounded", async () => {
  const data = randomData(2000);
  const net = new Network([784, 30, 10], { seed: 1 });
  const options = { epochs: 1, miniBatchSize: 100, eta: 0.1, threads: 2 };
  await net.sgd(data, options); // the worker and the spare memory exist from here on
  const started = threadStats().workersStarted;
  const rss0 = Deno.memoryUsage().rss;
  for (let i = 0; i < 100; i++) await net.sgd(data, options);
  const grown = (Deno.memoryUsage().rss - rss0) / 2 ** 20;
  assert.equal(threadStats().workersStarted, started, "a worker was started per run");
  assert.ok(threadStats().workersRunning <= 1);
  // A fresh 2 MB memory per run, never freed, would be 200 MB.
  assert.ok(grown < 64, `resident memory grew by ${grown.toFixed(0)} MB over 100 runs`);
});

Deno.test("a dead worker is an error, not a hang, and the next run gets a new one", async () => {
  const data = randomData(1000);
  const net = new Network([784, 30, 10], { seed: 1 });
  await assert.rejects(
    net.sgd(data, {
      epochs: 3,
      miniBatchSize: 100,
      eta: 3,
      threads: 2,
      onEpoch: () => crashWorkerForTesting(),
    }),
    (e: Error) =>
      /worker thread died: crash requested by a test; train with threads: 1/.test(e.message),
  );
  const started = threadStats().workersStarted;
  await net.sgd(data, { epochs: 1, miniBatchSize: 100, eta: 3, threads: 2 });
  assert.equal(threadStats().workersStarted, started + 1);
  // And the kernels: a product after the crash throws, then runs again once released.
  const K = wasmKernels("float64");
  const two = K.allocateWith([100 * 784, 30 * 784, 100 * 30], 0, 0, 2);
  const [a, b, c] = two.bufs as [Float64Array, Float64Array, Float64Array];
  try {
    untilWorkerRan(() => K.gemmNT(100, 30, 784, a, b, c));
    crashWorkerForTesting();
    assert.throws(() => K.gemmNT(100, 30, 784, a, b, c), /worker thread died/);
  } finally {
    K.release(two);
  }
});

Deno.test("deno run exits after training on two threads", async () => {
  const script = `
    import { Network } from ${JSON.stringify(new URL("../lib/network.ts", import.meta.url).href)};
    import { threadStats } from ${
    JSON.stringify(new URL("../lib/_wasm_helper.ts", import.meta.url).href)
  };
    const n = 500, inputs = new Uint8Array(n * 784).map((_, i) => (i * 7) % 256);
    const labels = new Uint8Array(n).map((_, i) => i % 10);
    const data = { length: n, inputSize: 784, numClasses: 10, inputs, inputScale: 1 / 255, labels };
    await new Network([784, 30, 10], { seed: 1 }).sgd(data, { epochs: 2, miniBatchSize: 100, eta: 3, threads: 2 });
    console.log(threadStats().workersStarted);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  // A process kept alive by its worker would never end: kill it after 60 s (a generous bound).
  const timer = setTimeout(() => child.kill(), 60_000);
  const out = await child.output();
  clearTimeout(timer);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "1");
});

Deno.test("sgd refuses threads other than 1 or 2, before training", async () => {
  const net = new Network([2, 2, 2], { seed: 1 });
  const before = net.weights[0]!.data.slice();
  for (const threads of [0, 3, 1.5, "2"]) {
    await assert.rejects(
      net.sgd([[[0, 1], 1]], { epochs: 1, miniBatchSize: 1, eta: 1, threads } as never),
      /Cannot train: threads is .*expected an integer ≥ 1 and ≤ 2/,
    );
  }
  sameBits(net.weights[0]!.data, before);
});
