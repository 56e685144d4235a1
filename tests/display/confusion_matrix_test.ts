import assert from "node:assert/strict";
import { ConfusionMatrix, confusionMatrix, Network, packData, Random } from "../../mod.ts";
import { count, layers } from "./_decode.ts";
import { referenceClass } from "./_reference.ts";

function data(n: number, seed: number) {
  const rng = new Random(seed);
  const xs = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.uniform()));
  return packData(xs, xs.map(() => rng.int(3)), 3);
}

Deno.test("confusionMatrix() counts what a direct count finds", async (t) => {
  const net = new Network([4, 5, 3], { seed: 3 });
  const d = data(200, 4);
  const cm = confusionMatrix(net, d, { title: "toy" });
  const direct = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < d.length; i++) {
    const x = Array.from(d.inputs.subarray(i * 4, i * 4 + 4));
    direct[d.labels[i]!]![referenceClass(net, x)]!++;
  }
  await t.step("counts", () => assert.deepEqual(cm.counts, direct));
  await t.step("accuracy per class and overall", () => {
    direct.forEach((row, k) => {
      const total = row.reduce((s, c) => s + c, 0);
      assert.equal(cm.classAccuracy[k], row[k]! / total);
    });
    assert.equal(cm.accuracy, net.evaluate(d) / d.length);
  });
  await t.step("the chart holds the counts and draws a cell and a bar per class", async () => {
    const l = layers(await cm.bundle());
    const cells = l.interactive.hconcat[0].data.values as {
      actual: string;
      predicted: string;
      count: number;
    }[];
    for (const c of cells) assert.equal(c.count, direct[Number(c.actual)]![Number(c.predicted)]);
    const svg = (await cm.bundle())["image/svg+xml"] as string;
    assert.equal(count(svg, 'aria-roledescription="rect mark"'), 9);
    assert.equal(count(svg, 'aria-roledescription="bar"'), 3);
    assert.match(
      l.text,
      /^toy: confusion matrix of 200 examples, \d+\.\d\d% correct; per class: 0 /,
    );
  });
});

Deno.test("confusionMatrix() takes the book's pairs with one-hot or index labels", () => {
  const net = new Network([2, 2], { seed: 1 });
  const pairs = [[[0, 1], [1, 0]], [[1, 0], 1]] as const;
  const cm = confusionMatrix(net, pairs);
  assert.equal(cm.counts.flat().reduce((s, c) => s + c, 0), 2);
  assert.equal(cm.counts[0]!.reduce((s, c) => s + c, 0), 1);
});

Deno.test("ConfusionMatrix gives NaN accuracy for a class without examples", () => {
  const cm = new ConfusionMatrix([[3, 1], [0, 0]]);
  assert.equal(cm.classAccuracy[0], 0.75);
  assert.ok(Number.isNaN(cm.classAccuracy[1]));
  assert.match(String(cm), /1 –$/);
});

Deno.test("confusionMatrix() rejects bad input", () => {
  const net = new Network([2, 2], { seed: 1 });
  assert.throws(() => confusionMatrix(net, packData([[1, 2, 3]], [0])), {
    name: "RangeError",
    message: "Cannot draw confusion matrix: the inputs have length 3, expected 2 (sizes[0])",
  });
  assert.throws(() => confusionMatrix(net, packData([[1, 2]], [5])), {
    name: "RangeError",
    message:
      "Cannot draw confusion matrix: the label 0 is 5, expected 0 to 1 (the output layer has 2 neurons)",
  });
  assert.throws(() => confusionMatrix({} as never, []), {
    name: "TypeError",
    message: "Cannot draw confusion matrix: net is an object, expected a Network",
  });
});

Deno.test("confusionMatrix() refuses a NaN input, as training does", () => {
  const net = new Network([2, 2], { seed: 1 });
  const data = packData([[0, 1], [1, NaN]], [0, 1]);
  assert.throws(() => confusionMatrix(net, data), {
    name: "TypeError",
    message:
      "Cannot draw confusion matrix: the input 1 has NaN at position 1, expected finite numbers",
  });
});

Deno.test("confusionMatrix() names a ragged input", () => {
  const net = new Network([2, 2], { seed: 1 });
  assert.throws(() => confusionMatrix(net, [[[0, 1], 0], [[1], 1]]), {
    name: "RangeError",
    message: "Cannot draw confusion matrix: input 1 has length 1, expected 2 (sizes[0])",
  });
});
