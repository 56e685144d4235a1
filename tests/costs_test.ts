import assert from "node:assert/strict";
import {
  activationByName,
  type ActivationName,
  type Cost,
  costByName,
  costNames,
  CrossEntropyCost,
  LogLikelihoodCost,
  Matrix,
  Network,
  QuadraticCost,
  sigmoid,
} from "../mod.ts";
import { Workspace } from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";
import { Random, refActivate, refCost } from "./_fd.ts";

/** Every pairing `Network` accepts: the quadratic cost with any output, the others with theirs. */
const PAIRINGS: [Cost, ActivationName][] = [
  ...(["sigmoid", "tanh", "relu", "leakyRelu", "identity", "softmax"] as const).map(
    (a) => [QuadraticCost, a] as [Cost, ActivationName],
  ),
  [CrossEntropyCost, "sigmoid"],
  [LogLikelihoodCost, "softmax"],
];

function randomColumn(rng: Random, n: number, scale: number): Matrix {
  return Matrix.column(Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale));
}

Deno.test("delta() is ∂C/∂z: it matches finite differences of fn()", async (t) => {
  const rng = new Random(31);
  for (const [cost, act] of PAIRINGS) {
    for (const soft of [false, true]) {
      if (soft && cost !== LogLikelihoodCost && cost !== CrossEntropyCost) continue;
      await t.step(`${cost.name} with ${act} outputs${soft ? ", soft targets" : ""}`, () => {
        const f = activationByName(act);
        for (let trial = 0; trial < 5; trial++) {
          const z = randomColumn(rng, 4, 3);
          const y = Matrix.column(new Array(4).fill(0));
          if (soft) {
            // A probability vector (LL) or independent probabilities (CE).
            const u = [0, 1, 2, 3].map(() => rng.uniform());
            const s = cost === LogLikelihoodCost ? u.reduce((a, b) => a + b, 0) : 1;
            u.forEach((v, i) => (y.data[i] = v / s));
          } else y.data[rng.int(4)] = 1;
          const delta = cost.delta(z, f.fn(z), y, act);
          const h = 1e-6;
          for (let i = 0; i < 4; i++) {
            const at = (v: number) => {
              const zz = z.clone();
              zz.data[i] = v;
              return refCost(cost.name, refActivate(act, Array.from(zz.data)), Array.from(y.data));
            };
            const numeric = (at(z.data[i]! + h) - at(z.data[i]! - h)) / (2 * h);
            assert.ok(
              Math.abs(delta.data[i]! - numeric) < 1e-7,
              `δ[${i}] = ${delta.data[i]}, numeric ${numeric}`,
            );
          }
        }
      });
    }
  }
});

Deno.test("fn() matches the book's formulas, with and without z", () => {
  const rng = new Random(4);
  for (const [cost, act] of PAIRINGS) {
    const z = randomColumn(rng, 5, 4);
    const a = activationByName(act).fn(z);
    const y = Matrix.column([0, 1, 0, 0, 0]);
    if (act === "relu" || act === "identity" || act === "leakyRelu" || act === "tanh") {
      // Logarithms need outputs in (0, 1): only the quadratic cost is paired with these.
      assert.equal(cost, QuadraticCost);
    }
    const expected = refCost(cost.name, Array.from(a.data), Array.from(y.data));
    assert.ok(Math.abs(cost.fn(a, y) - expected) < 1e-13 * Math.max(1, expected), cost.name);
    assert.ok(Math.abs(cost.fn(a, y, z) - expected) < 1e-13 * Math.max(1, expected), cost.name);
  }
});

Deno.test("cross-entropy and log-likelihood give no NaN from log(0)", async (t) => {
  const MAX = Number.MAX_VALUE;
  await t.step("0 · ln 0 counts 0, as numpy's nan_to_num makes it", () => {
    assert.equal(CrossEntropyCost.fn(Matrix.column([0, 1]), Matrix.column([0, 1])), 0);
    assert.equal(LogLikelihoodCost.fn(Matrix.column([0, 1]), Matrix.column([0, 1])), 0);
  });
  await t.step("a saturated wrong output counts as the largest finite number", () => {
    assert.equal(CrossEntropyCost.fn(Matrix.column([1]), Matrix.column([0])), MAX);
    assert.equal(CrossEntropyCost.fn(Matrix.column([0, 0]), Matrix.column([1, 1])), MAX);
    assert.equal(LogLikelihoodCost.fn(Matrix.column([1, 0]), Matrix.column([0, 1])), MAX);
  });
  await t.step("given z, the cost is exact at |z| = 1000", () => {
    const z = Matrix.column([1000, -1000, 1000]), y = Matrix.column([0, 1, 1]);
    const a = sigmoid(z);
    // −ln(1 − σ(1000)) = 1000 + ln(1 + e^−1000), likewise for σ(−1000) with y = 1.
    assert.equal(CrossEntropyCost.fn(a, y, z), 2000);
    const zs = Matrix.column([1000, -1000, 0]), ys = Matrix.column([0, 1, 0]);
    const as = activationByName("softmax").fn(zs);
    assert.equal(LogLikelihoodCost.fn(as, ys, zs), 2000);
    assert.equal(LogLikelihoodCost.fn(as, Matrix.column([1, 0, 0]), zs), 0);
  });
  await t.step("delta() stays a − y at saturation", () => {
    const z = Matrix.column([1000, -1000]), y = Matrix.column([0, 1]);
    assert.deepEqual(Array.from(CrossEntropyCost.delta(z, sigmoid(z), y).data), [1, -1]);
    const as = activationByName("softmax").fn(z);
    assert.deepEqual(Array.from(LogLikelihoodCost.delta(z, as, y).data), [1, -1]);
  });
});

Deno.test("the batched cost equals the sum of fn() over the examples", async (t) => {
  const rng = new Random(8);
  for (const [cost, act] of PAIRINGS) {
    await t.step(`${cost.name} with ${act}`, () => {
      const sizes = [3, 4];
      const net = new Network(sizes, { activations: [act], cost, seed: 3 });
      // Weights large enough that some outputs saturate to 0 or 1 in float64.
      for (const w of net.weights) {
        w.data.forEach((_, i) => (w.data[i] = (rng.uniform() - 0.5) * 400));
      }
      const m = 6;
      const xs = Array.from({ length: m }, () => [0, 1, 2].map(() => rng.uniform() * 2 - 1));
      const ys = xs.map(() => rng.int(4));
      const ws = new Workspace(sizes, m, jsKernels, { activations: [act], cost: cost.name });
      ws.loadParams(net.weights, net.biases);
      ws.gather({ kind: "pairs", xs, ys }, [...Array(m).keys()], 0, m, true);
      ws.forward(m);
      const batched = ws.costSum(m);
      let expected = 0;
      for (let j = 0; j < m; j++) {
        const z = Matrix.column(ws.view().zs[1]!.subarray(j * 4, j * 4 + 4));
        const a = net.feedforward(xs[j]!);
        const y = Matrix.column([0, 1, 2, 3].map((i) => (i === ys[j] ? 1 : 0)));
        expected += cost.fn(a, y, z);
      }
      assert.ok(Number.isFinite(batched), `${batched}`);
      assert.ok(
        Math.abs(batched - expected) <= 1e-12 * Math.max(1, expected),
        `${batched} vs ${expected}`,
      );
    });
  }
});

Deno.test("cross-entropy learns from a saturated wrong output where the quadratic cost stalls", async () => {
  // The book's chapter 3 neuron: one input x = 1, target 0, w = b = 2 (output 0.98), η = 0.15.
  const run = async (cost: Cost) => {
    const net = new Network([1, 1], { cost, seed: 1 });
    net.weights[0]!.data[0] = 2;
    net.biases[0]!.data[0] = 2;
    await net.sgd([[[1], [0]]], { epochs: 40, miniBatchSize: 1, eta: 0.15, seed: 1 });
    return net.feedforward([1]).get(0);
  };
  const quadratic = await run(QuadraticCost), crossEntropy = await run(CrossEntropyCost);
  assert.ok(quadratic > 0.9, `quadratic: output ${quadratic}`);
  assert.ok(crossEntropy < 0.5, `cross-entropy: output ${crossEntropy}`);
});

Deno.test("new Network() pairs each cost with a suitable output layer", async (t) => {
  await t.step("by object or by name", () => {
    assert.equal(new Network([2, 2], { cost: "CrossEntropyCost" }).cost, CrossEntropyCost);
    assert.equal(new Network([2, 2]).cost, QuadraticCost);
  });
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    [
      "cross-entropy with ReLU outputs",
      () => new Network([2, 2], { cost: CrossEntropyCost, activations: ["relu"] }),
      RangeError,
      /cost CrossEntropyCost needs a sigmoid output layer, got activations\[0\] "relu"/,
    ],
    [
      "log-likelihood with sigmoid outputs",
      () => new Network([2, 3, 2], { cost: LogLikelihoodCost }),
      RangeError,
      /LogLikelihoodCost needs a softmax output layer, got activations\[1\] "sigmoid"/,
    ],
    [
      "an unknown cost name",
      () => new Network([2, 2], { cost: "HingeCost" as never }),
      RangeError,
      /cost is "HingeCost", expected one of "QuadraticCost"/,
    ],
    [
      "a look-alike cost object",
      () => new Network([2, 2], { cost: { ...QuadraticCost } }),
      TypeError,
      /cost is an object, expected QuadraticCost, CrossEntropyCost or LogLikelihoodCost/,
    ],
  ];
  for (const [name, fn, type, message] of cases) {
    await t.step(name, () => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof type, `${name}: ${e}`);
        assert.match((e as Error).message, message);
        return true;
      });
    });
  }
  await t.step("costByName() is a fixed table", () => {
    for (const name of costNames) assert.equal(costByName(name).name, name);
    for (const bad of ["toString", "__proto__", "constructor"]) {
      assert.throws(() => costByName(bad as never), RangeError);
    }
  });
});

Deno.test("training at |z| = 1000: cross-entropy's cost stays finite and it learns", async () => {
  // One sigmoid neuron with w = 1000, b = 0, x = 1, target 0: a = σ(1000) is exactly 1.
  const run = async (cost: Cost) => {
    const net = new Network([1, 1], { cost, seed: 1 });
    net.weights[0]!.data[0] = 1000;
    net.biases[0]!.data[0] = 0;
    const h = await net.sgd([[[1], [0]]], { epochs: 10, miniBatchSize: 1, eta: 60, seed: 1 });
    return { h, out: net.feedforward([1]).get(0) };
  };
  const ce = await run(CrossEntropyCost);
  // −ln(1 − σ(1000)) = 1000 (from z), not ∞; δ = a − y = 1 moves w and b by η each step.
  assert.equal(ce.h.entries[0]!.runningCost, 1000);
  assert.ok(ce.h.entries.every((e) => Number.isFinite(e.runningCost)));
  assert.ok(ce.out < 0.5, `output ${ce.out}`);
  // The quadratic cost's δ = (a − y)·σ'(z) is 0 here: the neuron cannot learn at all.
  const quadratic = await run(QuadraticCost);
  assert.equal(quadratic.out, 1);
});
