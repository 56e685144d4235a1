import assert from "node:assert/strict";
import { circles, DivergenceError, Matrix, Network, packData, Random } from "../mod.ts";
import type { Example, PackedData } from "../mod.ts";
import { Workspace } from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";
import {
  assertGradientsClose,
  maxRelDiff,
  numericGradient,
  refExampleCost,
  refForward,
  snapshot,
  summedBackprop,
} from "./_fd.ts";

/** Every training backend, with the agreement it must reach with the per-example path. */
const BACKENDS = [
  ["js", "float64", 1e-12],
  ["wasm", "float64", 1e-12],
  ["js", "float32", 1e-5],
  ["wasm", "float32", 1e-5],
] as const;

// ---- independent references (and tests/_fd.ts) ----

/** An input in [−1, 1) and a target with entries in [0, 1) (not one-hot: any target). */
function randomExample(rng: Random, sizes: readonly number[]): [number[], number[]] {
  const x = Array.from({ length: sizes[0]! }, () => rng.uniform() * 2 - 1);
  const y = Array.from({ length: sizes[sizes.length - 1]! }, () => rng.uniform());
  return [x, y];
}

// ---- construction and feedforward ----

Deno.test("new Network() has the book's shapes and N(0, 1) parameters", async (t) => {
  const net = new Network([784, 30, 10], { seed: 11 });
  await t.step("shapes", () => {
    assert.deepEqual(net.sizes, [784, 30, 10]);
    assert.equal(net.numLayers, 3);
    assert.deepEqual(net.weights.map((w) => [w.rows, w.cols]), [[30, 784], [10, 30]]);
    assert.deepEqual(net.biases.map((b) => [b.rows, b.cols]), [[30, 1], [10, 1]]);
  });
  await t.step("weights are drawn from N(0, 1)", () => {
    const w = net.weights[0]!.data;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    // 23,520 samples: the standard error of the mean is 0.0065, of the variance 0.009.
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.04, `variance ${variance}`);
  });
  await t.step("the same seed gives the same network, another seed another", () => {
    assert.deepEqual(
      snapshot(new Network([5, 4, 3], { seed: 3 })),
      snapshot(new Network([5, 4, 3], { seed: 3 })),
    );
    assert.notDeepEqual(
      snapshot(new Network([5, 4, 3], { seed: 3 })),
      snapshot(new Network([5, 4, 3], { seed: 4 })),
    );
  });
});

Deno.test("feedforward() matches a direct computation", () => {
  const rng = new Random(5);
  for (const sizes of [[2, 1], [3, 4, 2], [6, 5, 4, 3]]) {
    const net = new Network(sizes, { seed: 1 });
    const [x] = randomExample(rng, sizes);
    const out = net.feedforward(x);
    assert.equal(out.cols, 1);
    assert.ok(maxRelDiff(out.data, refForward(net, x)) < 1e-14);
    assert.deepEqual(net.feedforward(Matrix.column(x)).data, out.data);
  }
});

// ---- gradients ----

Deno.test("backprop() matches central finite differences", async (t) => {
  const rng = new Random(21);
  for (const sizes of [[2, 3, 2], [4, 5, 3], [3, 4, 4, 2]]) {
    await t.step(`sizes [${sizes}]`, () => {
      const net = new Network(sizes, { seed: 2 });
      const [x, y] = randomExample(rng, sizes);
      const { nablaB, nablaW } = net.backprop(x, y);
      const numeric = numericGradient(net, () => refExampleCost(net, x, y), 1e-5);
      const analytic = [...nablaW, ...nablaB].map((g) => g.data);
      assertGradientsClose(analytic, numeric, `sizes [${sizes}]`, 1e-6, 1e-10);
    });
  }
});

Deno.test("batched gradients equal the sum of per-example backprop() to 1e-12", async (t) => {
  const rng = new Random(8);
  const cases: [number[], number][] = [[[3, 4, 2], 1], [[3, 4, 2], 7], [[5, 7, 6, 3], 10], [[
    784,
    30,
    10,
  ], 10], [[20, 9, 10], 33]];
  for (const [sizes, m] of cases) {
    for (const kernels of [jsKernels, wasmKernels("float64")]) {
      await t.step(`sizes [${sizes}], batch ${m}, ${kernels.name}`, () => {
        const net = new Network(sizes, { seed: 9 });
        const batch = Array.from({ length: m }, () => randomExample(rng, sizes));
        const ws = new Workspace(net.sizes, m + 3, kernels);
        ws.loadParams(net.weights, net.biases);
        ws.gather(
          { kind: "pairs", xs: batch.map((e) => e[0]), ys: batch.map((e) => e[1]) },
          Array.from({ length: m }, (_, i) => i),
          0,
          m,
          true,
        );
        ws.forward(m);
        ws.backward(m);
        const sum = summedBackprop(net, batch);
        for (let l = 0; l < net.weights.length; l++) {
          assert.ok(maxRelDiff(ws.view().nablaW[l]!, sum.nablaW[l]!) < 1e-12, `nablaW[${l}]`);
          assert.ok(maxRelDiff(ws.view().nablaB[l]!, sum.nablaB[l]!) < 1e-12, `nablaB[${l}]`);
        }
      });
    }
  }
});

Deno.test("sgd() takes the same steps as the book's updateMiniBatch()", async (t) => {
  // One epoch over 23 examples in mini-batches of 10: the last mini-batch has 3.
  const sizes = [6, 5, 4];
  const rng = new Random(13);
  const pairs = Array.from({ length: 23 }, () => {
    const [x] = randomExample(rng, sizes);
    return [x, rng.int(4)] as [number[], number];
  });
  const oneHot = pairs.map(([x, c]) =>
    [x, Array.from({ length: 4 }, (_, i) => (i === c ? 1 : 0))] as Example
  );
  // The shuffle sgd makes: indices 0 … n−1 shuffled once per epoch by a generator seeded alike.
  const order = new Random(77).shuffle(Uint32Array.from({ length: 23 }, (_, i) => i));
  const book = new Network(sizes, { seed: 5 });
  for (let start = 0; start < 23; start += 10) {
    book.updateMiniBatch(Array.from(order.subarray(start, start + 10), (i) => oneHot[i]!), 2.5);
  }
  for (
    const [name, data] of [["pairs", oneHot], ["class indices", pairs], [
      "packed",
      packData(pairs.map((p) => p[0]), pairs.map((p) => p[1]), 4),
    ]] as const
  ) {
    for (const [backend, dtype, tol] of BACKENDS) {
      await t.step(`${name}, ${backend} ${dtype}`, async () => {
        const net = new Network(sizes, { seed: 5 });
        await net.sgd(data, { epochs: 1, miniBatchSize: 10, eta: 2.5, seed: 77, backend, dtype });
        snapshot(net).forEach((p, k) =>
          assert.ok(maxRelDiff(p, snapshot(book)[k]!) < tol, `parameter ${k}`)
        );
      });
    }
  }
});

Deno.test("sgd() on byte inputs (as MNIST) takes the book's steps, with test data resident too", async (t) => {
  // 37 examples of 21 bytes (not a multiple of 16: the SIMD widening has a tail), scale 1/255,
  // 2 epochs in mini-batches of 8. The book's path gets the same inputs as number arrays.
  const sizes = [21, 6, 3], n = 37;
  const rng = new Random(4);
  const inputs = Uint8Array.from({ length: n * 21 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: n }, () => rng.int(3));
  const data: PackedData = {
    length: n,
    inputSize: 21,
    numClasses: 3,
    inputs,
    inputScale: 1 / 255,
    labels,
  };
  const x = (i: number) => Array.from(inputs.subarray(i * 21, (i + 1) * 21), (v) => v * (1 / 255));
  const oneHot = (i: number) => [0, 1, 2].map((c) => (c === labels[i] ? 1 : 0));
  const book = new Network(sizes, { seed: 8 });
  const shuffler = new Random(31);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < 2; epoch++) {
    shuffler.shuffle(order);
    for (let start = 0; start < n; start += 8) {
      const batch = Array.from(order.subarray(start, start + 8), (i): Example => [x(i), oneHot(i)]);
      book.updateMiniBatch(batch, 1.5);
    }
  }
  // Test data of its own (resident beside the training data), and the training data's first
  // rows as a view: a second Uint8Array on the same buffer.
  const testInputs = Uint8Array.from({ length: 13 * 21 }, () => rng.int(256));
  const test: PackedData = {
    ...data,
    length: 13,
    inputs: testInputs,
    labels: Uint8Array.from({ length: 13 }, () => rng.int(3)),
  };
  const head: PackedData = { ...data, length: 9, inputs: inputs.subarray(0, 9 * 21) };
  const want = [book.evaluate(test), book.evaluate(head)];
  for (const [backend, dtype, tol] of BACKENDS) {
    await t.step(`${backend} ${dtype}`, async () => {
      const net = new Network(sizes, { seed: 8 });
      const history = await net.sgd(data, {
        epochs: 2,
        miniBatchSize: 8,
        eta: 1.5,
        seed: 31,
        backend,
        dtype,
        testData: test,
        evaluationData: head,
        monitorEvaluationAccuracy: true,
      });
      snapshot(net).forEach((p, k) =>
        assert.ok(maxRelDiff(p, snapshot(book)[k]!) < tol, `parameter ${k}`)
      );
      if (dtype === "float64") {
        assert.deepEqual([history.last?.test?.correct, history.last?.evaluation?.correct], want);
      }
    });
  }
});

// ---- training ----

Deno.test("sgd() learns, reports each epoch and is reproducible", async () => {
  const rng = new Random(3);
  // Two Gaussian blobs, linearly separable.
  const make = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const c = i % 2;
      return [[c * 2 - 1 + rng.gaussian() * 0.3, c * 2 - 1 + rng.gaussian() * 0.3], c] as [
        number[],
        number,
      ];
    });
  const train = make(200), test = make(100);
  const run = async () => {
    const net = new Network([2, 4, 2], { seed: 1 });
    const seen: number[] = [];
    const history = await net.sgd(train, {
      epochs: 10,
      miniBatchSize: 10,
      eta: 3,
      seed: 2,
      testData: test,
      onEpoch: (e) => seen.push(e.epoch),
    });
    return { net, history, seen };
  };
  const a = await run(), b = await run();
  assert.deepEqual(a.seen, [...Array(10).keys()]);
  assert.equal(a.history.length, 10);
  assert.ok(a.history.last!.test!.correct! >= 97, `correct ${a.history.last!.test?.correct}`);
  assert.equal(a.history.last!.test!.total, 100);
  assert.ok(a.history.entries[9]!.runningCost < a.history.entries[0]!.runningCost);
  assert.deepEqual(snapshot(a.net), snapshot(b.net));
  // evaluate() agrees with argmax of feedforward() computed independently.
  const direct = test.filter(([x, c]) => {
    const out = refForward(a.net, x);
    return out.indexOf(Math.max(...out)) === c;
  }).length;
  assert.equal(a.net.evaluate(test), direct);
  assert.equal(a.history.last!.test!.correct, direct);
});

Deno.test("sgd() reports progress while it trains", async () => {
  const data = Array.from(
    { length: 400 },
    (_, i) => [[i % 2, 1 - (i % 2)], i % 2] as [number[], number],
  );
  const calls: number[] = [];
  const done: boolean[] = [];
  await new Network([2, 2], { seed: 1 }).sgd(data, {
    epochs: 3,
    miniBatchSize: 1,
    eta: 1,
    seed: 1,
    progressInterval: 0,
    onProgress: (p) => {
      calls.push(p.batch);
      done.push(p.done);
      assert.ok(p.examplesPerSecond > 0);
      assert.equal(p.batches, 400);
    },
  });
  // Every mini-batch with interval 0, plus one call at the end of each epoch.
  assert.equal(calls.length, 3 * 401);
  // Only the very last report says the run is done.
  assert.equal(done.indexOf(true), done.length - 1);
});

Deno.test("sgd() stops with DivergenceError and keeps the weights when the cost turns non-finite", async () => {
  const net = new Network([2, 2], { seed: 1 });
  net.weights[0]!.data.fill(3);
  const before = snapshot(net);
  // Finite inputs so large that w·x overflows: 3e308 − 3e308 is NaN, and so is the cost.
  const data: Example[] = [[[1e308, -1e308], [1, 0]], [[1e308, 1e308], [0, 1]]];
  await assert.rejects(
    () => net.sgd(data, { epochs: 1, miniBatchSize: 2, eta: 1, seed: 1 }),
    (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.equal(e.epoch, 0);
      assert.equal(e.batch, 0);
      assert.match(e.message, /epoch 0, mini-batch 0.*smaller eta/);
      return true;
    },
  );
  assert.deepEqual(snapshot(net), before);
});

// ---- bad input ----

Deno.test("bad input gives a clear error and changes nothing", async (t) => {
  const net = new Network([3, 2], { seed: 1 });
  const good: Example[] = [[[0, 0, 0], [1, 0]], [[1, 1, 1], [0, 1]]];
  const ok = { epochs: 1, miniBatchSize: 1, eta: 1 };
  const before = snapshot(net);
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    [
      "sizes with one layer",
      () => new Network([3]),
      RangeError,
      /sizes has 1 layer, expected at least 2/,
    ],
    [
      "sizes with a zero",
      () => new Network([3, 0, 2]),
      RangeError,
      /sizes\[1\] is 0, expected a positive integer/,
    ],
    [
      "sizes with a fraction",
      () => new Network([3, 2.5]),
      RangeError,
      /sizes\[1\] is 2.5, expected a positive integer/,
    ],
    [
      "sizes not an array",
      () => new Network("3,2" as unknown as number[]),
      TypeError,
      /sizes is a string, expected an array/,
    ],
    [
      "input of the wrong length",
      () => net.feedforward([1, 2]),
      RangeError,
      /input has length 2, expected 3 \(sizes\[0\]\)/,
    ],
    [
      "non-finite input",
      () => net.feedforward([1, NaN, 2]),
      TypeError,
      /input\[1\] is a number NaN, expected a finite number/,
    ],
    [
      "label out of range",
      () => net.evaluate([[[0, 0, 0], 2]]),
      RangeError,
      /label 0 is class 2, expected an integer from 0 to 1/,
    ],
    [
      "target of the wrong length",
      () => net.backprop([0, 0, 0], [1, 0, 0]),
      RangeError,
      /y has length 3, expected 2/,
    ],
    [
      "eta zero",
      () => net.sgd(good, { ...ok, eta: 0 }),
      RangeError,
      /eta is 0, expected a positive finite number/,
    ],
    ["eta infinite", () => net.sgd(good, { ...ok, eta: Infinity }), RangeError, /eta is Infinity/],
    [
      "mini-batch size 0",
      () => net.sgd(good, { ...ok, miniBatchSize: 0 }),
      RangeError,
      /miniBatchSize is 0, expected an integer ≥ 1/,
    ],
    [
      "epochs 1.5",
      () => net.sgd(good, { ...ok, epochs: 1.5 }),
      RangeError,
      /epochs is 1.5, expected an integer ≥ 1/,
    ],
    ["empty training set", () => net.sgd([], ok), RangeError, /training data is empty/],
    [
      "training input 1 too short",
      () => net.sgd([good[0]!, [[1, 1], [0, 1]]], ok),
      RangeError,
      /input 1 has length 2, expected 3 \(sizes\[0\]\)/,
    ],
    [
      "training input infinite",
      () => net.sgd([[[1, Infinity, 1], [0, 1]]], ok),
      TypeError,
      /input 0\[1\] is a number Infinity, expected a finite number/,
    ],
    [
      "bad test label after good training data",
      () => net.sgd(good, { ...ok, testData: [[[0, 0, 0], 5]] }),
      RangeError,
      /label 0 is class 5/,
    ],
    [
      "packed data of the wrong width",
      () => net.sgd(packData([[1, 2]], [0]), ok),
      RangeError,
      /training inputs have length 2, expected 3/,
    ],
    [
      "packed label out of range",
      () => net.sgd(packData([[1, 2, 3]], [4]), ok),
      RangeError,
      /training label 0 is 4, expected 0 to 1/,
    ],
    [
      "packed NaN input",
      () =>
        net.sgd(
          { ...packData([[1, 2, 3]], [0]), inputs: new Float64Array([1, NaN, 3]) } as PackedData,
          ok,
        ),
      TypeError,
      /training input 0 has NaN at position 1/,
    ],
    [
      "unknown backend",
      () => net.sgd(good, { ...ok, backend: "gpu" as "js" }),
      RangeError,
      /backend is "gpu", expected one of "wasm", "js"/,
    ],
    ["empty mini-batch", () => net.updateMiniBatch([], 1), RangeError, /mini-batch is empty/],
  ];
  for (const [name, fn, type, message] of cases) {
    await t.step(name, async () => {
      await assert.rejects(async () => await fn(), (e: unknown) => {
        assert.ok(e instanceof type, `${name}: got ${e}`);
        assert.match((e as Error).message, message);
        assert.doesNotMatch((e as Error).message, /\.$/);
        return true;
      });
      assert.deepEqual(snapshot(net), before);
    });
  }
});

// ---- JSON ----

Deno.test("toJSON() and fromJSON() use network2.py's format", async (t) => {
  await t.step("round trip keeps every parameter exactly", () => {
    const net = new Network([4, 3, 2], { seed: 6 });
    const copy = Network.fromJSON(JSON.parse(JSON.stringify(net)));
    assert.deepEqual(snapshot(copy), snapshot(net));
    assert.deepEqual(copy.sizes, net.sizes);
  });
  await t.step("a file as network2.py's save() writes it loads", () => {
    // json.dump({"sizes": ..., "weights": [w.tolist() ...], "biases": [b.tolist() ...], "cost": ...})
    const text =
      '{"sizes": [2, 1], "weights": [[[0.5, -0.25]]], "biases": [[[0.125]]], "cost": "QuadraticCost"}';
    const net = Network.fromJSON(text);
    assert.equal(net.weights[0]!.get(0, 1), -0.25);
    assert.equal(net.biases[0]!.get(0, 0), 0.125);
    assert.ok(Math.abs(net.feedforward([1, 1]).get(0, 0) - 1 / (1 + Math.exp(-0.375))) < 1e-15);
  });
  await t.step("a wrong shape names the field", () => {
    const json = new Network([2, 2], { seed: 1 }).toJSON();
    json.weights[0]![1] = [1];
    assert.throws(
      () => Network.fromJSON(json),
      /field "weights\[0\]\[1\]" must be an array of 2 numbers/,
    );
    assert.throws(
      () => Network.fromJSON({ sizes: [2, 2] }),
      /field "weights" is undefined, expected an array of 1 matrices/,
    );
    assert.throws(
      () =>
        Network.fromJSON(
          '{"sizes": [2, 2], "weights": [[[1, 2], [3, 4]]], "biases": [[[1], ["2"]]]}',
        ),
      /field "biases\[0\]\[1\]\[0\]" is a string/,
    );
    assert.throws(() => Network.fromJSON('{"sizes": [2, 2], "wei'), /not valid JSON/);
  });
});

Deno.test("options with a misspelt or unknown key are refused, naming the closest valid one", async (t) => {
  const net = new Network([2, 2], { seed: 1 });
  const before = net.weights.map((w) => w.data.slice());
  const data = [[[0, 1], 0], [[1, 0], 1]] as const;
  const cases: [string, () => unknown, RegExp][] = [
    [
      "sgd",
      () => net.sgd(data, { epochs: 1, miniBatchSize: 1, eta: 1, lamda: 0.1 } as never),
      /^TypeError: Cannot train: unknown option `lamda`; did you mean `lambda`\?$/,
    ],
    [
      "the constructor",
      () => new Network([2, 2], { sed: 1 } as never),
      /^TypeError: Cannot create network: unknown option `sed`; did you mean `seed`\?$/,
    ],
    [
      "updateMiniBatch",
      () => net.updateMiniBatch([[[0, 1], 0]], 1, { lambd: 1, n: 2 } as never),
      /^TypeError: Cannot update: unknown option `lambd`; did you mean `lambda`\?$/,
    ],
    [
      "totalCost",
      () => net.totalCost(data, { regularisation: "L1" } as never),
      /^TypeError: Cannot compute cost: unknown option `regularisation`; did you mean `regularization`\?$/,
    ],
    [
      "evaluate",
      () => net.evaluate(data, { zzz: 1 } as never),
      /^TypeError: Cannot evaluate: unknown option `zzz`; expected one of `backend`$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, async () => {
      await assert.rejects(async () => await call(), TypeError);
      await assert.rejects(async () => await call(), message);
      assert.deepEqual(net.weights.map((w) => w.data.slice()), before);
    });
  }
});

Deno.test("sizes whose parameters cannot be allocated are refused before allocating", () => {
  assert.throws(
    () => new Network([1e9, 1e9]),
    /^RangeError: Cannot create network: sizes \[1000000000, 1000000000\] need 1000000001000000000 weights and biases, expected at most 134217728/,
  );
});

Deno.test("evaluate() and totalCost() take the backend, and agree across backends", async () => {
  const data = circles(300, { seed: 4, noise: 0.1 });
  const net = new Network([2, 6, 2], { seed: 4 });
  await net.sgd(data, { epochs: 2, miniBatchSize: 10, eta: 1, seed: 4, backend: "js" });
  const js = net.evaluate(data, { backend: "js" });
  assert.equal(net.evaluate(data), js); // the last run's backend
  assert.equal(net.evaluate(data, { backend: "wasm" }), js);
  const cost = net.totalCost(data, { lambda: 1, backend: "js" });
  assert.ok(Math.abs(net.totalCost(data, { lambda: 1, backend: "wasm" }) - cost) < 1e-12 * cost);
  assert.throws(() => net.evaluate(data, { backend: "gpu" } as never), /backend is "gpu"/);
});
