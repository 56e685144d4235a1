import assert from "node:assert/strict";
import {
  packData,
  type PackedData,
  parseCsv,
  Random,
  splitData,
  standardization,
  standardize,
} from "../../mod.ts";
import { iris } from "../../dev_deps.ts";

function rows(data: PackedData): string[] {
  const out: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const x = [...data.inputs.subarray(i * data.inputSize, (i + 1) * data.inputSize)];
    out.push(`${x.map((v) => v * data.inputScale).join(",")}:${data.labels[i]}`);
  }
  return out;
}

function irisData(): PackedData {
  const text = (iris.getDataset() as (number | string)[][]).map((r) => r.join(",")).join("\n");
  return parseCsv(text, { label: 4, header: false }).data;
}

Deno.test("splitData() splits into disjoint sets that together are the data", async (t) => {
  const data = irisData();
  await t.step("sizes, and the same examples", () => {
    const { training, test } = splitData(data, { seed: 3 });
    assert.deepEqual([training.length, test.length], [120, 30]);
    assert.deepEqual([...rows(training), ...rows(test)].sort(), rows(data).sort());
    assert.equal(training.numClasses, 3);
  });
  await t.step("the same seed gives the same split, another seed another", () => {
    const a = splitData(data, { seed: 3, testFraction: 0.5 });
    const b = splitData(data, { rng: new Random(3), testFraction: 0.5 });
    const c = splitData(data, { seed: 4, testFraction: 0.5 });
    assert.deepEqual(rows(a.test), rows(b.test));
    assert.notDeepEqual(rows(a.test), rows(c.test));
  });
  await t.step("bytes stay bytes, with their scale", () => {
    const bytes: PackedData = {
      length: 4,
      inputSize: 2,
      numClasses: 2,
      inputs: new Uint8Array([0, 255, 10, 20, 30, 40, 50, 60]),
      inputScale: 1 / 255,
      labels: new Uint8Array([0, 1, 0, 1]),
    };
    const { training, test } = splitData(bytes, { seed: 1, testFraction: 0.25 });
    assert.ok(training.inputs instanceof Uint8Array && test.inputs instanceof Uint8Array);
    assert.ok(training.labels instanceof Uint8Array);
    assert.equal(test.inputScale, 1 / 255);
    assert.deepEqual([...rows(training), ...rows(test)].sort(), rows(bytes).sort());
  });
  await t.step("refuses fractions that leave a set empty, and bad options", () => {
    const small = packData([[0], [1], [2]], [0, 1, 0]);
    assert.throws(
      () => splitData(small, { testFraction: 0.1 }),
      /Cannot split data: a test fraction of 0.1 of 3 examples leaves 0 for testing and 3 for training, expected at least one each/,
    );
    assert.throws(() => splitData(small, { testFraction: 1 }), RangeError);
    assert.throws(() => splitData(small, { seeds: 1 } as never), /did you mean `seed`\?/);
    assert.throws(() => splitData([[[0], 0]] as never), /expected packed data/);
  });
});

Deno.test("standardization() gives the Iris data's published means and spreads", () => {
  // Fisher's Iris, UCI summary statistics: means 5.84, 3.05 (3.057 in the corrected data),
  // 3.76, 1.20; sample standard deviations 0.83, 0.43, 1.76, 0.76.
  const { mean, std } = standardization(irisData());
  const sample = [...std].map((s) => s * Math.sqrt(150 / 149));
  [5.843, 3.057, 3.758, 1.199].forEach((m, j) => assert.ok(Math.abs(mean[j]! - m) < 1e-3));
  [0.828, 0.436, 1.765, 0.762].forEach((s, j) => assert.ok(Math.abs(sample[j]! - s) < 1e-3));
});

Deno.test("standardize() gives the training set mean 0 and spread 1", async (t) => {
  const { training, test } = splitData(irisData(), { seed: 2 });
  const s = standardization(training);
  const z = standardize(training, s);
  await t.step("on the training set", () => {
    for (let j = 0; j < 4; j++) {
      const col = [...Array(z.length)].map((_, i) => z.inputs[4 * i + j]!);
      const m = col.reduce((a, b) => a + b) / col.length;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
      assert.ok(Math.abs(m) < 1e-12 && Math.abs(v - 1) < 1e-12, `input ${j}: ${m}, ${v}`);
    }
    assert.deepEqual(z.labels, training.labels);
  });
  await t.step("the test set with the training set's numbers", () => {
    const zt = standardize(test, s);
    for (let i = 0; i < test.length * 4; i++) {
      const want = (test.inputs[i]! - s.mean[i % 4]!) / s.std[i % 4]!;
      assert.ok(Math.abs(zt.inputs[i]! - want) < 1e-15);
    }
  });
  await t.step("a constant input is left centred, not divided by zero", () => {
    const c = packData([[1, 7], [3, 7]], [0, 1]);
    const zc = standardize(c, standardization(c));
    assert.deepEqual([...zc.inputs], [-1, 0, 1, 0]);
  });
  await t.step("scaled bytes are scaled first", () => {
    const b: PackedData = {
      ...packData([[0], [0]], [0, 1]),
      inputs: new Uint8Array([0, 255]),
      inputScale: 1 / 255,
    };
    assert.deepEqual([...standardization(b).mean], [0.5]);
  });
  await t.step("refuses a standardization of other inputs", () => {
    assert.throws(
      () => standardize(packData([[1, 2]], [0]), s),
      /Cannot standardize: expected the mean and std of 2 inputs \(from standardization\), got an object/,
    );
  });
});
