import assert from "node:assert/strict";
import {
  activationByName,
  type ActivationName,
  activationNames,
  leakyRelu,
  leakyReluPrime,
  Matrix,
  Network,
  relu,
  reluPrime,
  sigmoid,
  sigmoidPrime,
  softmax,
  softmaxBackward,
  tanh,
  tanhPrime,
} from "../mod.ts";
import { Workspace } from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";
import {
  assertGradientsClose,
  maxRelDiff,
  numericGradient,
  Random,
  randomExample,
  refActivate,
  refExampleCost,
  refForward,
  summedBackprop,
} from "./_fd.ts";

const PAIRS: [string, (z: number) => number, (z: number) => number][] = [
  ["sigmoid", sigmoid, sigmoidPrime],
  ["tanh", tanh, tanhPrime],
  ["relu", relu, reluPrime],
  ["leakyRelu", leakyRelu, leakyReluPrime],
];

Deno.test("each activation's derivative matches central finite differences", async (t) => {
  // Points away from ReLU's kink at 0, where the derivative is one-sided.
  const zs = [-7.5, -2, -0.3, 0.2, 1.1, 3, 8];
  const h = 1e-6;
  for (const [name, f, fPrime] of PAIRS) {
    await t.step(name, () => {
      for (const z of zs) {
        const numeric = (f(z + h) - f(z - h)) / (2 * h);
        assert.ok(
          Math.abs(fPrime(z) - numeric) < 1e-8,
          `${name}'(${z}): ${fPrime(z)} vs ${numeric}`,
        );
      }
    });
  }
  await t.step("the matrix forms agree with the scalar ones", () => {
    const m = Matrix.column(zs);
    for (const [name, f, fPrime] of PAIRS) {
      const fm = (f as unknown as (z: Matrix) => Matrix)(m);
      const pm = (fPrime as unknown as (z: Matrix) => Matrix)(m);
      assert.deepEqual(Array.from(fm.data), zs.map(f), name);
      assert.deepEqual(Array.from(pm.data), zs.map(fPrime), name);
    }
  });
  await t.step("values match direct formulas", () => {
    for (const name of ["sigmoid", "tanh", "relu", "leakyRelu", "identity"] as const) {
      const got = Array.from(activationByName(name).fn(Matrix.column(zs)).data);
      assert.ok(maxRelDiff(got, refActivate(name, zs)) < 1e-15, name);
    }
  });
});

Deno.test("backward() is the Jacobian-vector product, by finite differences", async (t) => {
  const rng = new Random(3);
  for (const name of activationNames) {
    await t.step(name, () => {
      const z = Matrix.column(Array.from({ length: 5 }, () => rng.uniform() * 6 - 3));
      const g = Matrix.column(Array.from({ length: 5 }, () => rng.uniform() * 2 - 1));
      const act = activationByName(name);
      const a = act.fn(z);
      const back = act.backward(z, a, g);
      // ∂(g·f(z))/∂zᵢ by central differences.
      const h = 1e-6;
      for (let i = 0; i < 5; i++) {
        const dot = (v: number) => {
          const zz = z.clone();
          zz.data[i] = v;
          const f = act.fn(zz);
          return f.data.reduce((s, fv, k) => s + fv * g.data[k]!, 0);
        };
        const numeric = (dot(z.data[i]! + h) - dot(z.data[i]! - h)) / (2 * h);
        assert.ok(
          Math.abs(back.data[i]! - numeric) < 1e-8,
          `${name}: ${back.data[i]} vs ${numeric}`,
        );
      }
    });
  }
});

Deno.test("softmax() sums to 1 per column and softmaxBackward() matches the Jacobian", () => {
  const z = Matrix.fromArray([[1, -2], [0.5, 3], [-1, 0]]);
  const a = softmax(z);
  for (let j = 0; j < 2; j++) {
    const col = [0, 1, 2].map((i) => a.get(i, j));
    assert.ok(Math.abs(col.reduce((s, v) => s + v, 0) - 1) < 1e-15);
    assert.ok(maxRelDiff(col, refActivate("softmax", [0, 1, 2].map((i) => z.get(i, j)))) < 1e-15);
  }
  // Jacobian diag(a) − a·aᵀ, written out, applied to g.
  const g = Matrix.fromArray([[0.3, -1], [2, 0.5], [-0.7, 0.1]]);
  const d = softmaxBackward(a, g);
  for (let j = 0; j < 2; j++) {
    for (let i = 0; i < 3; i++) {
      let expected = 0;
      for (let k = 0; k < 3; k++) {
        const jac = (i === k ? a.get(i, j) : 0) - a.get(i, j) * a.get(k, j);
        expected += jac * g.get(k, j);
      }
      assert.ok(Math.abs(d.get(i, j) - expected) < 1e-15);
    }
  }
});

Deno.test("activations are stable at |z| = 1000", async (t) => {
  await t.step("sigmoid and its derivative", () => {
    assert.equal(sigmoid(1000), 1);
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoidPrime(1000), 0);
    assert.equal(sigmoidPrime(-1000), 0);
  });
  await t.step("tanh and its derivative", () => {
    assert.equal(tanh(1000), 1);
    assert.equal(tanh(-1000), -1);
    assert.equal(tanhPrime(-1000), 0);
  });
  await t.step("softmax", () => {
    const a = softmax(Matrix.column([1000, -1000, 0, 1000]));
    assert.deepEqual(Array.from(a.data), [0.5, 0, 0, 0.5]);
    const b = softmax(Matrix.column([-1000, -1000]));
    assert.deepEqual(Array.from(b.data), [0.5, 0.5]);
  });
  await t.step("the batched kernels, through a network with huge weights", () => {
    for (const output of ["sigmoid", "softmax", "tanh"] as const) {
      const net = new Network([2, 3, 2], { activations: { hidden: "tanh", output }, seed: 1 });
      for (const w of net.weights) w.data.fill(500);
      const x = [1, 1]; // z = 1000 at the hidden layer, 1500·… at the output
      const out = net.feedforward(x).data;
      assert.ok(out.every(Number.isFinite), `${output}: ${out}`);
      const ws = new Workspace(net.sizes, 1, jsKernels, { activations: net.activationNames });
      ws.loadParams(net.weights, net.biases);
      ws.gather({ kind: "pairs", xs: [x], ys: [0] }, [0], 0, 1, false);
      ws.forward(1);
      assert.deepEqual(Array.from(ws.view().activations[2]!), Array.from(out));
    }
  });
});

Deno.test("activationByName() knows every name and refuses others", () => {
  for (const name of activationNames) assert.equal(activationByName(name).name, name);
  for (const bad of ["Sigmoid", "constructor", "__proto__", ""]) {
    assert.throws(
      () => activationByName(bad as ActivationName),
      (e: unknown) => e instanceof RangeError && /Unknown activation/.test(e.message),
    );
  }
});

// ---- through the network: per-example backprop and the batched path ----

const NETS: [ActivationName[], "QuadraticCost" | "CrossEntropyCost" | "LogLikelihoodCost"][] = [
  [["tanh", "sigmoid"], "QuadraticCost"],
  [["relu", "relu", "identity"], "QuadraticCost"],
  [["leakyRelu", "softmax"], "QuadraticCost"],
  [["identity", "tanh"], "QuadraticCost"],
  [["relu", "leakyRelu", "sigmoid"], "CrossEntropyCost"],
  [["tanh", "softmax"], "LogLikelihoodCost"],
];

function sizesFor(acts: readonly ActivationName[]): number[] {
  return [4, 5, 3, 3].slice(0, acts.length + 1);
}

Deno.test("backprop() matches finite differences with every activation", async (t) => {
  const rng = new Random(17);
  for (const [acts, cost] of NETS) {
    await t.step(`${acts.join(", ")} with ${cost}`, () => {
      const sizes = sizesFor(acts);
      const net = new Network(sizes, { activations: acts, cost, init: "xavier", seed: 5 });
      // Non-zero biases so that ReLU units are not all on one side.
      for (const b of net.biases) b.data.forEach((_, i) => (b.data[i] = rng.uniform() - 0.5));
      const [x, y] = randomExample(rng, sizes);
      const g = net.backprop(x, y);
      const numeric = numericGradient(net, () => refExampleCost(net, x, y));
      assertGradientsClose([...g.nablaW, ...g.nablaB].map((m) => m.data), numeric, acts.join());
      assert.ok(maxRelDiff(net.feedforward(x).data, refForward(net, x)) < 1e-14);
    });
  }
});

Deno.test("batched gradients equal per-example backprop() to 1e-12 with every activation", async (t) => {
  const rng = new Random(23);
  for (const [acts, costName] of NETS) {
    await t.step(`${acts.join(", ")} with ${costName}`, () => {
      const sizes = sizesFor(acts);
      const net = new Network(sizes, { activations: acts, cost: costName, init: "he", seed: 2 });
      const m = 7;
      const batch = Array.from({ length: m }, () => randomExample(rng, sizes));
      const ws = new Workspace(net.sizes, m, jsKernels, {
        activations: net.activationNames,
        cost: net.cost.name,
      });
      ws.loadParams(net.weights, net.biases);
      ws.gather(
        { kind: "pairs", xs: batch.map((e) => e[0]), ys: batch.map((e) => e[1]) },
        [...Array(m).keys()],
        0,
        m,
        true,
      );
      ws.forward(m);
      const cost = ws.backward(m);
      const refTotal = batch.reduce((s, [x, y]) => s + refExampleCost(net, x, y), 0);
      assert.ok(
        Math.abs(cost - refTotal) < 1e-12 * Math.max(1, refTotal),
        `${cost} vs ${refTotal}`,
      );
      const sum = summedBackprop(net, batch);
      for (let l = 0; l < net.weights.length; l++) {
        assert.ok(maxRelDiff(ws.view().nablaW[l]!, sum.nablaW[l]!) < 1e-12, `nablaW[${l}]`);
        assert.ok(maxRelDiff(ws.view().nablaB[l]!, sum.nablaB[l]!) < 1e-12, `nablaB[${l}]`);
      }
    });
  }
});

Deno.test("new Network() checks its activations", async (t) => {
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    [
      "softmax on a hidden layer",
      () => new Network([2, 3, 2], { activations: ["softmax", "softmax"] }),
      RangeError,
      /activations\[0\] is "softmax", expected softmax on the output layer only/,
    ],
    [
      "a list of the wrong length",
      () => new Network([2, 3, 2], { activations: ["relu"] }),
      RangeError,
      /activations has 1 entries, expected 2/,
    ],
    [
      "an unknown name",
      () => new Network([2, 2], { activations: ["swish" as ActivationName] }),
      RangeError,
      /activations\[0\] is "swish", expected one of "sigmoid", "tanh"/,
    ],
    [
      "an unknown hidden name",
      () => new Network([2, 2, 2], { activations: { hidden: 3 as unknown as ActivationName } }),
      TypeError,
      /activations.hidden is a number/,
    ],
  ];
  for (const [name, fn, type, message] of cases) {
    await t.step(name, () => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof type, `${name}: ${e}`);
        assert.match((e as Error).message, message);
        assert.doesNotMatch((e as Error).message, /\.$/);
        return true;
      });
    });
  }
  await t.step("{ hidden, output } fills every layer", () => {
    const net = new Network([3, 4, 4, 2], { activations: { hidden: "relu", output: "softmax" } });
    assert.deepEqual(net.activationNames, ["relu", "relu", "softmax"]);
    assert.deepEqual(new Network([3, 2]).activationNames, ["sigmoid"]);
  });
});
