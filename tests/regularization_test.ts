import assert from "node:assert/strict";
import { type Example, Network, packData } from "../mod.ts";
import { Workspace } from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";
import {
  assertGradientsClose,
  maxRelDiff,
  numericGradient,
  params,
  Random,
  randomExample,
  refExampleCost,
  snapshot,
} from "./_fd.ts";

function dataset(seed: number, sizes: readonly number[], n: number): Example[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => randomExample(rng, sizes) as Example);
}

Deno.test("sgd() with lambda takes network2.py's steps, as updateMiniBatch() with lambda and n", async (t) => {
  const sizes = [6, 5, 4];
  const data = dataset(13, sizes, 23);
  const order = new Random(77).shuffle(Uint32Array.from({ length: 23 }, (_, i) => i));
  for (const regularization of ["L2", "L1"] as const) {
    await t.step(regularization, async () => {
      const book = new Network(sizes, { seed: 5 });
      for (let start = 0; start < 23; start += 10) {
        const batch = Array.from(order.subarray(start, start + 10), (i) => data[i]!);
        book.updateMiniBatch(batch, 2.5, { lambda: 3, n: 23, regularization });
      }
      const net = new Network(sizes, { seed: 5 });
      await net.sgd(data, {
        epochs: 1,
        miniBatchSize: 10,
        eta: 2.5,
        lambda: 3,
        regularization,
        seed: 77,
      });
      const plain = new Network(sizes, { seed: 5 });
      await plain.sgd(data, { epochs: 1, miniBatchSize: 10, eta: 2.5, seed: 77 });
      snapshot(net).forEach((p, k) =>
        assert.ok(maxRelDiff(p, snapshot(book)[k]!) < 1e-12, `parameter ${k}`)
      );
      // The weights moved differently from unregularized training, the biases too (later
      // mini-batches see other weights).
      assert.ok(maxRelDiff(snapshot(net)[0]!, snapshot(plain)[0]!) > 1e-3);
      assert.deepEqual(net.regularization, { kind: regularization, lambda: 3, dropout: 0 });
    });
  }
});

Deno.test("the L2 and L1 steps descend the regularized cost, by finite differences", async (t) => {
  // One mini-batch: Δw = −η ∇C with C = (1/m) Σₓ Cₓ + (λ/2n) Σ w² (L2) or + (λ/n) Σ |w| (L1).
  const sizes = [4, 3, 2];
  const batch = dataset(3, sizes, 5);
  const [lambda, n, eta] = [0.7, batch.length, 0.1];
  for (const regularization of ["L2", "L1"] as const) {
    await t.step(regularization, async () => {
      const net = new Network(sizes, { seed: 9 });
      const cost = () => {
        let c = 0;
        for (const [x, y] of batch) {
          c += refExampleCost(net, x as number[], y as number[]);
        }
        let penalty = 0;
        for (const w of net.weights) {
          for (const v of w.data) penalty += regularization === "L2" ? v * v / 2 : Math.abs(v);
        }
        return c / batch.length + (lambda / n) * penalty;
      };
      const numeric = numericGradient(net, cost);
      const before = snapshot(net);
      // One epoch of one mini-batch: n is the size of the training data, here m.
      await net.sgd(batch, { epochs: 1, miniBatchSize: n, eta, lambda, regularization, seed: 1 });
      const step = params(net).map((p, k) => Array.from(p, (v, i) => (before[k]![i]! - v) / eta));
      assertGradientsClose(step, numeric, regularization, 1e-6, 1e-9);
    });
  }
});

Deno.test("totalCost() adds network2.py's regularization term", () => {
  const sizes = [3, 4, 2];
  const net = new Network(sizes, { seed: 2 });
  const data = dataset(5, sizes, 9);
  const mean =
    data.reduce((s, [x, y]) => s + refExampleCost(net, x as number[], y as number[]), 0) /
    9;
  let sq = 0, abs = 0;
  for (const w of net.weights) for (const v of w.data) [sq, abs] = [sq + v * v, abs + Math.abs(v)];
  assert.ok(Math.abs(net.totalCost(data) - mean) < 1e-14);
  assert.ok(Math.abs(net.totalCost(data, { lambda: 2 }) - (mean + 0.5 * (2 / 9) * sq)) < 1e-14);
  assert.ok(
    Math.abs(net.totalCost(data, { lambda: 2, regularization: "L1" }) - (mean + (2 / 9) * abs)) <
      1e-14,
  );
});

Deno.test("dropout: gradients match finite differences with the same masks", async (t) => {
  const rng = new Random(41);
  for (const sizes of [[4, 6, 3], [3, 5, 4, 2]]) {
    await t.step(`sizes [${sizes}]`, () => {
      const net = new Network(sizes, { activations: { hidden: "tanh" }, seed: 4 });
      const m = 4;
      const batch = Array.from({ length: m }, () => randomExample(rng, sizes));
      const ws = new Workspace(sizes, m, jsKernels, {
        activations: net.activationNames,
        dropout: true,
      });
      ws.loadParams(net.weights, net.biases);
      ws.gather(
        { kind: "pairs", xs: batch.map((e) => e[0]), ys: batch.map((e) => e[1]) },
        [...Array(m).keys()],
        0,
        m,
        true,
      );
      ws.forward(m, { p: 0.4, rng: new Random(6) });
      const total = ws.backward(m);
      // masksOf(j)[l] multiplies the activations of layer l + 1 of example j.
      const masksOf = (j: number) =>
        sizes.slice(1).map((s, l) =>
          l < sizes.length - 2
            ? Array.from(ws.view().masks[l + 1]!.subarray(j * s, (j + 1) * s))
            : undefined
        );
      const cost = () =>
        batch.reduce((c, [x, y], j) => c + refExampleCost(net, x, y, masksOf(j)), 0);
      assert.ok(Math.abs(total - cost()) < 1e-12);
      const numeric = numericGradient(net, cost);
      assertGradientsClose(
        [...ws.view().nablaW, ...ws.view().nablaB].map((b) => b.slice()),
        numeric,
        "dropout",
      );
      // Some units were dropped, and the kept ones scaled by 1/(1 − p).
      const values = new Set(
        masksOf(0).flatMap((mk) => mk ?? []).concat(masksOf(1).flatMap((mk) => mk ?? [])),
      );
      assert.deepEqual([...values].sort(), [0, 1 / 0.6].sort());
    });
  }
});

Deno.test("dropout keeps each hidden neuron with probability 1 − p", () => {
  const sizes = [2, 200, 2];
  const ws = new Workspace(sizes, 50, jsKernels, { dropout: true });
  const x = Array.from({ length: 50 }, () => [0.5, -0.5]);
  ws.gather({ kind: "pairs", xs: x, ys: x.map(() => 0) }, [...Array(50).keys()], 0, 50, false);
  ws.forward(50, { p: 0.3, rng: new Random(1) });
  const mask = ws.view().masks[1]!;
  let dropped = 0;
  for (const v of mask) {
    if (v === 0) dropped++;
    else assert.equal(v, 1 / 0.7);
  }
  // 10,000 draws: the standard error of the fraction is 0.0046.
  assert.ok(Math.abs(dropped / mask.length - 0.3) < 0.02, `dropped ${dropped / mask.length}`);
  // The output layer is never dropped, and a forward pass without dropout uses no mask.
  assert.equal(ws.view().masks[2]!.length, 0);
  ws.forward(50);
  assert.deepEqual(ws.view().inputs[1], ws.view().activations[1]);
});

Deno.test("dropout in sgd() is seeded, and dropout 0 is plain sgd", async () => {
  const sizes = [5, 8, 3];
  const data = packData(
    dataset(2, sizes, 40).map((e) => e[0]),
    Array.from({ length: 40 }, (_, i) => i % 3),
    3,
  );
  const run = async (extra: Record<string, number>) => {
    const net = new Network(sizes, { seed: 3 });
    await net.sgd(data, { epochs: 2, miniBatchSize: 7, eta: 1, seed: 4, ...extra });
    return snapshot(net);
  };
  assert.deepEqual(await run({ dropout: 0.5 }), await run({ dropout: 0.5 }));
  assert.notDeepEqual(await run({ dropout: 0.5 }), await run({ dropout: 0.25 }));
  assert.deepEqual(await run({ dropout: 0 }), await run({}));
});

Deno.test("with dropout, sgd()'s fused step equals the unfused one (momentum with μ = 0)", async (t) => {
  // Plain gradient descent adds the weight gradient straight into the weights, from the
  // dropped activations; momentum with μ = 0 takes the same step through the stored
  // gradient and a separate update. The same seed gives the same masks to both.
  const sizes = [6, 9, 7, 3];
  const data = packData(
    dataset(5, sizes, 30).map((e) => e[0]),
    Array.from({ length: 30 }, (_, i) => i % 3),
    3,
  );
  for (
    const [backend, dtype, tol] of [["js", "float64", 1e-12], ["wasm", "float64", 1e-12]] as const
  ) {
    await t.step(`${backend} ${dtype}`, async () => {
      const run = async (extra: Record<string, unknown>) => {
        const net = new Network(sizes, { seed: 6 });
        const options = { epochs: 3, miniBatchSize: 4, eta: 0.8, seed: 9, dropout: 0.4 };
        await net.sgd(data, { ...options, backend, dtype, ...extra });
        return snapshot(net);
      };
      const fused = await run({ lambda: 2 });
      const unfused = await run({ lambda: 2, optimizer: "momentum", mu: 0 });
      const start = snapshot(new Network(sizes, { seed: 6 }));
      fused.forEach((p, k) => {
        assert.ok(maxRelDiff(p, unfused[k]!) < tol, `parameter ${k}`);
        assert.ok(maxRelDiff(p, start[k]!) > 1e-3, `parameter ${k} moved`);
      });
    });
  }
});

Deno.test("bad regularization options give a clear error and change nothing", async (t) => {
  const net = new Network([2, 2], { seed: 1 });
  const good: Example[] = [[[0, 1], [1, 0]]];
  const ok = { epochs: 1, miniBatchSize: 1, eta: 1 };
  const before = snapshot(net);
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    [
      "negative lambda",
      () => net.sgd(good, { ...ok, lambda: -1 }),
      RangeError,
      /lambda is -1, expected a number ≥ 0/,
    ],
    [
      "unknown regularization",
      () => net.sgd(good, { ...ok, lambda: 1, regularization: "L3" as "L2" }),
      RangeError,
      /regularization is "L3", expected one of "L2", "L1"/,
    ],
    [
      "dropout 1",
      () => net.sgd(good, { ...ok, dropout: 1 }),
      RangeError,
      /dropout is 1, expected a number ≥ 0 and < 1/,
    ],
    ["dropout NaN", () => net.sgd(good, { ...ok, dropout: NaN }), RangeError, /dropout is NaN/],
    [
      "lambda without n in updateMiniBatch",
      () => net.updateMiniBatch(good, 1, { lambda: 1 }),
      TypeError,
      /lambda needs n, the size of the training data/,
    ],
  ];
  for (const [name, fn, type, message] of cases) {
    await t.step(name, async () => {
      await assert.rejects(async () => await fn(), (e: unknown) => {
        assert.ok(e instanceof type, `${name}: ${e}`);
        assert.match((e as Error).message, message);
        return true;
      });
      assert.deepEqual(snapshot(net), before);
    });
  }
});
