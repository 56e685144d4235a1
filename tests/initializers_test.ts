import assert from "node:assert/strict";
import {
  defaultWeightInitializer,
  heWeightInitializer,
  initializerByName,
  initializerNames,
  largeWeightInitializer,
  Network,
  Random,
  xavierWeightInitializer,
} from "../mod.ts";

const SIZES = [7, 5, 3];

/** The first `n` N(0, 1) draws of a generator seeded with `seed`. */
function draws(seed: number, n: number): number[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => r.gaussian());
}

Deno.test("each initialiser scales N(0, 1) draws as its formula says, in network.py's order", async (t) => {
  // network.py draws every bias first, then every weight matrix, row by row.
  const nB = 5 + 3, nW = 5 * 7 + 3 * 5;
  const g = draws(9, nB + nW);
  const check = (
    p: { weights: { data: Float64Array }[]; biases: { data: Float64Array }[] },
    biasDraws: boolean,
    scale: (nIn: number, nOut: number) => number,
  ) => {
    const b = p.biases.flatMap((m) => Array.from(m.data));
    assert.deepEqual(b, biasDraws ? g.slice(0, nB) : new Array(nB).fill(0));
    let k = biasDraws ? nB : 0;
    p.weights.forEach((w, l) => {
      const s = scale(SIZES[l]!, SIZES[l + 1]!);
      w.data.forEach((v) => assert.equal(v, g[k++]! * s));
    });
  };
  await t.step(
    "large: N(0, 1)",
    () => check(largeWeightInitializer(SIZES, new Random(9)), true, () => 1),
  );
  await t.step(
    "default: N(0, 1/n_in)",
    () => check(defaultWeightInitializer(SIZES, new Random(9)), true, (nIn) => 1 / Math.sqrt(nIn)),
  );
  await t.step(
    "Xavier: N(0, 2/(n_in + n_out)), zero biases",
    () =>
      check(xavierWeightInitializer(SIZES, new Random(9)), false, (i, o) => Math.sqrt(2 / (i + o))),
  );
  await t.step(
    "He: N(0, 2/n_in), zero biases",
    () => check(heWeightInitializer(SIZES, new Random(9)), false, (nIn) => Math.sqrt(2 / nIn)),
  );
});

Deno.test("initial weights have the intended spread", () => {
  const sizes = [400, 300];
  const variance = (d: Float64Array) => d.reduce((s, v) => s + v * v, 0) / d.length;
  const cases: [string, number][] = [
    ["large", 1],
    ["default", 1 / 400],
    ["xavier", 2 / 700],
    ["he", 2 / 400],
  ];
  for (const [name, expected] of cases) {
    const w = initializerByName(name as "he")(sizes, new Random(3)).weights[0]!.data;
    // 120,000 draws: the relative standard error of the variance is 0.4%.
    assert.ok(
      Math.abs(variance(w) / expected - 1) < 0.02,
      `${name}: ${variance(w)} vs ${expected}`,
    );
  }
});

Deno.test("new Network() draws with the chosen initialiser, N(0, 1) by default", () => {
  for (const init of initializerNames) {
    const net = new Network(SIZES, { init, seed: 4 });
    const direct = initializerByName(init)(SIZES, new Random(4));
    assert.deepEqual(net.weights.map((w) => w.data), direct.weights.map((w) => w.data), init);
    assert.deepEqual(net.biases.map((b) => b.data), direct.biases.map((b) => b.data), init);
  }
  const plain = new Network(SIZES, { seed: 4 });
  assert.deepEqual(
    plain.weights[1]!.data,
    largeWeightInitializer(SIZES, new Random(4)).weights[1]!.data,
  );
  assert.throws(
    () => new Network(SIZES, { init: "glorot" as "xavier" }),
    /init is "glorot", expected one of "large", "default", "xavier", "he"/,
  );
  assert.throws(() => initializerByName("zeros" as "he"), /Unknown initializer "zeros"/);
  assert.throws(
    () => heWeightInitializer([3], new Random(1)),
    /sizes has 1 layer, expected at least 2 \(input and output\)/,
  );
  assert.throws(
    () => heWeightInitializer([3, 0], new Random(1)),
    /sizes\[1\] is 0, expected a positive integer/,
  );
});
