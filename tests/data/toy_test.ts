import assert from "node:assert/strict";
import { circles, moons, type PackedData, Random, spiral, xor } from "../../mod.ts";

const makers = { xor, moons, circles, spiral } as const;

function point(data: PackedData, i: number): [number, number] {
  return [data.inputs[2 * i]!, data.inputs[2 * i + 1]!];
}

function classCounts(data: PackedData): number[] {
  const counts = new Array(data.numClasses).fill(0);
  for (const l of data.labels) counts[l]++;
  return counts;
}

function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

Deno.test("toy datasets are packed, balanced and seeded", async (t) => {
  for (const [name, make] of Object.entries(makers)) {
    await t.step(name, () => {
      const a = make(600, { seed: 5 });
      assert.equal(a.length, 600);
      assert.equal(a.inputSize, 2);
      assert.equal(a.inputScale, 1);
      assert.ok(a.inputs instanceof Float64Array);
      assert.equal(a.inputs.length, 1200);
      assert.ok(a.inputs.every(Number.isFinite));
      const counts = classCounts(a);
      assert.deepEqual(counts, new Array(a.numClasses).fill(600 / a.numClasses));
      // Same seed, same data; another seed, other data; a generator works as a seed does.
      assert.deepEqual(make(600, { seed: 5 }), a);
      assert.notDeepEqual(make(600, { seed: 6 }).inputs, a.inputs);
      assert.deepEqual(make(600, { rng: new Random(5) }), a);
    });
  }
});

Deno.test("xor() puts points at the corners with the XOR of their coordinates", () => {
  const data = xor(40, { seed: 1, noise: 0 });
  for (let i = 0; i < data.length; i++) {
    const [x, y] = point(data, i);
    assert.ok((x === 0 || x === 1) && (y === 0 || y === 1));
    assert.equal(data.labels[i], x !== y ? 1 : 0);
  }
  // With noise, each coordinate strays from its corner with standard deviation `noise`.
  const noisy = xor(8000, { seed: 2, noise: 0.2 });
  const dx = Array.from({ length: 8000 }, (_, i) => point(noisy, i)[0] - ((i >> 1) & 1));
  assert.ok(Math.abs(std(dx) - 0.2) < 0.01);
});

Deno.test("moons() points without noise lie on their arcs", () => {
  const data = moons(500, { seed: 3, noise: 0 });
  assert.equal(data.numClasses, 2);
  for (let i = 0; i < data.length; i++) {
    const [x, y] = point(data, i);
    if (data.labels[i] === 0) {
      // Upper half of the unit circle.
      assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-12);
      assert.ok(y >= 0);
    } else {
      // Lower half of the unit circle around (1, 0.5).
      assert.ok(Math.abs(Math.hypot(x - 1, y - 0.5) - 1) < 1e-12);
      assert.ok(y <= 0.5);
    }
  }
  // The moons interleave: each reaches past the other's centre.
  const xs0 = Array.from({ length: 250 }, (_, k) => point(data, 2 * k)[0]);
  const xs1 = Array.from({ length: 250 }, (_, k) => point(data, 2 * k + 1)[0]);
  assert.ok(Math.max(...xs0) > 0.95 && Math.min(...xs1) < 0.05);
});

Deno.test("circles() puts the inner circle inside the outer one", async (t) => {
  const radius = (data: PackedData, c: number) =>
    Array.from({ length: data.length }, (_, i) => i)
      .filter((i) => data.labels[i] === c)
      .map((i) => Math.hypot(...point(data, i)));
  await t.step("without noise the radii are exact", () => {
    const data = circles(200, { seed: 4, noise: 0, factor: 0.4 });
    assert.ok(radius(data, 0).every((r) => Math.abs(r - 1) < 1e-12));
    assert.ok(radius(data, 1).every((r) => Math.abs(r - 0.4) < 1e-12));
  });
  await t.step("with noise the mean radii stay apart", () => {
    const data = circles(4000, { seed: 4, noise: 0.1 });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const inner = mean(radius(data, 1)), outer = mean(radius(data, 0));
    assert.ok(inner < outer);
    assert.ok(Math.abs(outer - 1) < 0.02 && Math.abs(inner - 0.5) < 0.03, `${inner} ${outer}`);
  });
});

Deno.test("spiral() points follow their arms", () => {
  const arms = 4, turns = 1.25;
  const data = spiral(400, { seed: 6, noise: 0, arms, turns });
  assert.equal(data.numClasses, arms);
  for (let i = 0; i < data.length; i++) {
    const [x, y] = point(data, i);
    const r = Math.hypot(x, y);
    assert.ok(r >= 0 && r < 1);
    if (r < 1e-9) continue;
    // The angle 2π (k / arms + turns · r), compared modulo a full turn.
    const expected = 2 * Math.PI * (data.labels[i]! / arms + turns * r);
    const diff = Math.atan2(y, x) - expected;
    const wrapped = diff - 2 * Math.PI * Math.round(diff / (2 * Math.PI));
    assert.ok(Math.abs(wrapped) < 1e-9, `point ${i}: off its arm by ${wrapped}`);
  }
});

Deno.test("toy datasets reject bad arguments", async (t) => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "n zero",
      () => xor(0),
      /^RangeError: Cannot make xor: n is a number 0, expected an integer ≥ 1$/,
    ],
    ["n fractional", () => moons(2.5), /^RangeError: Cannot make moons: n is a number 2.5/],
    [
      "negative noise",
      () => circles(10, { noise: -1 }),
      /^RangeError: Cannot make circles: noise is -1, expected a finite number ≥ 0$/,
    ],
    ["NaN noise", () => spiral(10, { noise: NaN }), /noise is NaN/],
    [
      "bad seed",
      () => xor(4, { seed: "x" as unknown as number }),
      /^TypeError: Cannot make xor: seed is a string x, expected a finite number$/,
    ],
    [
      "bad rng",
      () => moons(4, { rng: {} as Random }),
      /^TypeError: Cannot make moons: rng is an object, expected a Random$/,
    ],
    ["factor 1", () => circles(4, { factor: 1 }), /factor is 1, expected a number in \(0, 1\)$/],
    ["one arm", () => spiral(4, { arms: 1 }), /arms is 1, expected an integer from 2 to 255$/],
    ["infinite turns", () => spiral(4, { turns: Infinity }), /turns is Infinity/],
  ];
  for (const [label, fn, message] of cases) {
    await t.step(label, () => assert.throws(fn, message));
  }
});
