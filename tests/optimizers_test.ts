import assert from "node:assert/strict";
import { DivergenceError, type Example, Network, type SgdOptions } from "../mod.ts";
import { maxRelDiff, Random, randomExample, snapshot } from "./_fd.ts";

const SIZES = [5, 4, 3];

function dataset(seed: number, n: number): Example[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => randomExample(rng, SIZES) as Example);
}

/**
 * An independent training loop over the book's per-example `backprop`: the same shuffles as
 * `sgd` (a generator seeded alike shuffling the indices once per epoch), and `step` applied to
 * every parameter array with its mean gradient.
 */
function reference(
  net: Network,
  data: readonly Example[],
  o: { epochs: number; miniBatchSize: number; seed: number },
  step: (p: Float64Array, g: Float64Array, k: number, isWeight: boolean) => void,
): void {
  const rng = new Random(o.seed);
  const order = Uint32Array.from({ length: data.length }, (_, i) => i);
  for (let e = 0; e < o.epochs; e++) {
    rng.shuffle(order);
    for (let start = 0; start < data.length; start += o.miniBatchSize) {
      const batch = Array.from(order.subarray(start, start + o.miniBatchSize), (i) => data[i]!);
      const ps = [...net.weights, ...net.biases].map((m) => m.data);
      const gs = ps.map((p) => new Float64Array(p.length));
      for (const [x, y] of batch) {
        const g = net.backprop(x, y);
        [...g.nablaW, ...g.nablaB].forEach((m, k) =>
          m.data.forEach((v, i) => (gs[k]![i] = gs[k]![i]! + v))
        );
      }
      ps.forEach((p, k) => {
        const g = gs[k]!.map((v) => v / batch.length);
        step(p, g, k, k < net.weights.length);
      });
    }
  }
}

Deno.test("momentum takes chapter 3's steps: v ← μv − η∇C, w ← w + v", async (t) => {
  const data = dataset(1, 23);
  const o = { epochs: 2, miniBatchSize: 10, seed: 7 };
  for (const lambda of [0, 2]) {
    await t.step(`lambda ${lambda}`, async () => {
      const [eta, mu, n] = [0.5, 0.8, data.length];
      const ref = new Network(SIZES, { seed: 3 });
      const v = [...ref.weights, ...ref.biases].map((m) => new Float64Array(m.data.length));
      reference(ref, data, o, (p, g, k, isWeight) => {
        for (let i = 0; i < p.length; i++) {
          const grad = g[i]! + (isWeight ? (lambda / n) * p[i]! : 0);
          v[k]![i] = mu * v[k]![i]! - eta * grad;
          p[i] = p[i]! + v[k]![i]!;
        }
      });
      const net = new Network(SIZES, { seed: 3 });
      await net.sgd(data, { ...o, eta, mu, lambda });
      snapshot(net).forEach((p, k) =>
        assert.ok(maxRelDiff(p, snapshot(ref)[k]!) < 1e-12, `parameter ${k}`)
      );
    });
  }
  await t.step("mu = 0 is plain gradient descent", async () => {
    const a = new Network(SIZES, { seed: 3 }), b = new Network(SIZES, { seed: 3 });
    await a.sgd(data, { ...o, eta: 1, optimizer: "momentum", mu: 0 });
    await b.sgd(data, { ...o, eta: 1 });
    snapshot(a).forEach((p, k) => assert.ok(maxRelDiff(p, snapshot(b)[k]!) < 1e-14));
  });
});

Deno.test("Adam takes Kingma and Ba's steps", async (t) => {
  const data = dataset(2, 23);
  const o = { epochs: 2, miniBatchSize: 10, seed: 5 };
  for (const [lambda, regularization] of [[0, "L2"], [1.5, "L2"], [1.5, "L1"]] as const) {
    await t.step(`lambda ${lambda} ${regularization}`, async () => {
      const [eta, b1, b2, eps, n] = [0.01, 0.85, 0.99, 1e-7, data.length];
      const ref = new Network(SIZES, { seed: 4 });
      const ps = [...ref.weights, ...ref.biases];
      const m1 = ps.map((m) => new Float64Array(m.data.length));
      const m2 = ps.map((m) => new Float64Array(m.data.length));
      let t = 0;
      reference(ref, data, o, (p, g, k, isWeight) => {
        if (k === 0) t++;
        for (let i = 0; i < p.length; i++) {
          const reg = !isWeight ? 0 : regularization === "L2" ? p[i]! : Math.sign(p[i]!);
          const grad = g[i]! + (lambda / n) * reg;
          m1[k]![i] = b1 * m1[k]![i]! + (1 - b1) * grad;
          m2[k]![i] = b2 * m2[k]![i]! + (1 - b2) * grad * grad;
          const mHat = m1[k]![i]! / (1 - b1 ** t), vHat = m2[k]![i]! / (1 - b2 ** t);
          p[i] = p[i]! - (eta * mHat) / (Math.sqrt(vHat) + eps);
        }
      });
      const net = new Network(SIZES, { seed: 4 });
      await net.sgd(data, {
        ...o,
        eta,
        optimizer: "adam",
        beta1: b1,
        beta2: b2,
        epsilon: eps,
        lambda,
        regularization,
      });
      snapshot(net).forEach((p, k) =>
        assert.ok(maxRelDiff(p, snapshot(ref)[k]!) < 1e-12, `parameter ${k}`)
      );
    });
  }
  await t.step("the first step moves every parameter by about η against its gradient", async () => {
    const net = new Network(SIZES, { seed: 6 });
    const before = snapshot(net);
    const [x, y] = data[0]!;
    const g = net.backprop(x, y);
    await net.sgd([data[0]!], { epochs: 1, miniBatchSize: 1, eta: 0.001, optimizer: "adam" });
    const grads = [...g.nablaW, ...g.nablaB].map((m) => Array.from(m.data));
    snapshot(net).forEach((p, k) =>
      p.forEach((v, i) => {
        const gi = grads[k]![i]!;
        // Δ = −η·g/(|g| + ε): within η·ε/|g| of −η·sgn(g).
        const bound = (0.001 * 1e-8) / Math.abs(gi) + 1e-15;
        assert.ok(Math.abs(v - (before[k]![i]! - 0.001 * Math.sign(gi))) <= bound);
      })
    );
  });
});

Deno.test("every optimizer stops with DivergenceError and keeps the weights from before the failing mini-batch", async (t) => {
  // ReLU and a huge η: the first step blows the weights up, and the next forward pass
  // overflows. With the whole data as one mini-batch, "before mini-batch 0 of epoch e" is
  // "after e epochs", which an identical run of e epochs reproduces.
  const data = dataset(3, 12);
  const opts: [string, Partial<SgdOptions>][] = [
    ["sgd", { eta: 1e200 }],
    ["momentum", { eta: 1e200, optimizer: "momentum" }],
    ["adam", { eta: 1e200, optimizer: "adam" }],
    ["sgd, a step that overflows the weights", { eta: 1e308 }],
    // The fused step of plain gradient descent on every kernel set: float32 overflows at 3e38.
    ["sgd, js float64", { eta: 1e200, backend: "js" }],
    ["sgd, wasm float32", { eta: 1e30, dtype: "float32" }],
    ["sgd, js float32", { eta: 1e30, backend: "js", dtype: "float32" }],
    ["sgd, wasm float32, a step that overflows the weights", { eta: 1e38, dtype: "float32" }],
  ];
  for (const [name, o] of opts) {
    await t.step(name, async () => {
      const make = () =>
        new Network(SIZES, { activations: ["relu", "identity"], init: "he", seed: 2 });
      const net = make();
      const run = { epochs: 5, miniBatchSize: 12, seed: 1, ...o } as SgdOptions;
      let error: DivergenceError | undefined;
      await net.sgd(data, run).catch((e) => (error = e));
      assert.ok(error instanceof DivergenceError, `${name}: ${error}`);
      assert.equal(error.batch, 0);
      assert.match(error.message, new RegExp(`epoch ${error.epoch}, mini-batch 0.*smaller eta`));
      const expected = make();
      if (error.epoch > 0) await expected.sgd(data, { ...run, epochs: error.epoch });
      assert.deepEqual(snapshot(net), snapshot(expected));
      assert.ok(snapshot(net).flat().every(Number.isFinite));
    });
  }
  await t.step("with several mini-batches, the weights stay finite", async () => {
    const net = new Network(SIZES, { activations: ["relu", "identity"], seed: 2 });
    await assert.rejects(
      () => net.sgd(data, { epochs: 3, miniBatchSize: 4, eta: 1e150, seed: 1 }),
      DivergenceError,
    );
    assert.ok(snapshot(net).flat().every(Number.isFinite));
  });
});

Deno.test("eta halving and early stopping follow the evaluation accuracy", async (t) => {
  // η so small that the accuracy never changes: every epoch after the first is "no better".
  const data = dataset(4, 20);
  const evaluationData = data.map(([x, y]) => [x, Array.from(y as number[]).indexOf(1)] as Example);
  const base = { miniBatchSize: 5, eta: 1e-9, seed: 1, evaluationData };
  await t.step("early stopping after n epochs without improvement", async () => {
    const h = await new Network(SIZES, { seed: 1 }).sgd(data, {
      ...base,
      epochs: 30,
      earlyStoppingN: 3,
    });
    assert.equal(h.length, 4);
    assert.match(h.stopReason!, /Early stopping: no better evaluation accuracy in 3 epochs/);
    assert.equal(h.last!.evaluation!.total, 20);
  });
  await t.step("halving eta, then stopping at the floor", async () => {
    const h = await new Network(SIZES, { seed: 1 }).sgd(data, {
      ...base,
      epochs: 30,
      etaHalvingN: 2,
      etaMinFraction: 1 / 8,
    });
    assert.deepEqual(h.entries.map((e) => e.eta! / 1e-9), [1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
    assert.match(h.stopReason!, /eta halved to .*8 times below/);
  });
  await t.step("a run that ends normally has no stop reason", async () => {
    const h = await new Network(SIZES, { seed: 1 }).sgd(data, { ...base, epochs: 2 });
    assert.equal(h.length, 2);
    assert.equal(h.stopReason, undefined);
  });
});

Deno.test("bad optimizer options give a clear error", async (t) => {
  const net = new Network([2, 2], { seed: 1 });
  const good: Example[] = [[[0, 1], [1, 0]]];
  const ok = { epochs: 1, miniBatchSize: 1, eta: 1 };
  const cases: [string, Partial<SgdOptions>, ErrorConstructor, RegExp][] = [
    ["unknown optimizer", { optimizer: "rmsprop" as "sgd" }, RangeError, /optimizer is "rmsprop"/],
    [
      "mu with adam",
      { optimizer: "adam", mu: 0.5 },
      TypeError,
      /mu applies to the momentum optimizer, got optimizer "adam"/,
    ],
    ["beta1 with sgd", { beta1: 0.5 }, TypeError, /beta1 applies to the adam optimizer/],
    ["mu of 1", { mu: 1 }, RangeError, /mu is 1, expected a number ≥ 0 and < 1/],
    [
      "epsilon 0",
      { optimizer: "adam", epsilon: 0 },
      RangeError,
      /epsilon is 0, expected a number > 0/,
    ],
    [
      "early stopping without evaluation data",
      { earlyStoppingN: 3 },
      TypeError,
      /earlyStoppingN needs evaluationData/,
    ],
    [
      "halving without evaluation data",
      { etaHalvingN: 3 },
      TypeError,
      /etaHalvingN needs evaluationData/,
    ],
    [
      "fractional patience",
      { earlyStoppingN: 1.5, evaluationData: [[[0, 1], 0]] },
      RangeError,
      /earlyStoppingN is 1.5, expected an integer ≥ 0/,
    ],
  ];
  for (const [name, o, type, message] of cases) {
    await t.step(name, async () => {
      await assert.rejects(() => net.sgd(good, { ...ok, ...o }), (e: unknown) => {
        assert.ok(e instanceof type, `${name}: ${e}`);
        assert.match((e as Error).message, message);
        assert.doesNotMatch((e as Error).message, /\.$/);
        return true;
      });
    });
  }
});
