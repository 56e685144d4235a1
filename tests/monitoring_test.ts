import assert from "node:assert/strict";
import { type EpochEntry, type Example, Network, spiral } from "../mod.ts";
import { Random, randomExample, refExampleCost, refForward } from "./_fd.ts";

const SIZES = [4, 6, 3];

function labelled(seed: number, n: number): Example[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => randomExample(rng, SIZES) as Example);
}

/** Accuracy and mean cost (with network2's L2 term, n the data's size), computed directly. */
function reference(net: Network, data: readonly Example[], lambda: number) {
  let cost = 0, correct = 0;
  for (const [x, y] of data) {
    const yv = typeof y === "number" ? [0, 1, 2].map((i) => (i === y ? 1 : 0)) : Array.from(y);
    cost += refExampleCost(net, x as number[], yv);
    const out = refForward(net, x as number[]);
    if (out.indexOf(Math.max(...out)) === yv.indexOf(1)) correct++;
  }
  let sq = 0;
  for (const w of net.weights) for (const v of w.data) sq += v * v;
  return { cost: cost / data.length + 0.5 * (lambda / data.length) * sq, correct };
}

Deno.test("every monitored series matches an independent computation", async () => {
  const training = labelled(1, 40);
  const evaluationData = labelled(2, 15).map(([x, y]) =>
    [x, [...(y as number[])].indexOf(1)] as Example
  );
  const net = new Network(SIZES, { cost: "CrossEntropyCost", init: "default", seed: 3 });
  const lambda = 0.5;
  const checked: number[] = [];
  const history = await net.sgd(training, {
    epochs: 3,
    miniBatchSize: 8,
    eta: 0.5,
    lambda,
    seed: 4,
    evaluationData,
    testData: evaluationData,
    monitorEvaluationCost: true,
    monitorEvaluationAccuracy: true,
    monitorTrainingCost: true,
    monitorTrainingAccuracy: true,
    monitorGradientNorms: true,
    // The network holds the epoch's weights when onEpoch runs.
    onEpoch: (e: EpochEntry) => {
      const ev = reference(net, evaluationData, lambda), tr = reference(net, training, lambda);
      assert.ok(
        Math.abs(e.evaluation!.cost! - ev.cost) < 1e-12,
        `evaluation cost ${e.evaluation?.cost} vs ${ev.cost}`,
      );
      assert.equal(e.evaluation!.correct, ev.correct);
      assert.equal(e.evaluation!.total, 15);
      assert.equal(e.evaluation!.accuracy, ev.correct / 15);
      assert.equal(e.test!.correct, ev.correct);
      assert.ok(Math.abs(e.training!.cost! - tr.cost) < 1e-12);
      assert.equal(e.training!.correct, tr.correct);
      assert.equal(e.training!.accuracy, tr.correct / 40);
      assert.equal(e.eta, 0.5);
      // ‖∂C/∂b‖ and ‖∂C/∂w‖ of the mean gradient over the (fewer than 1,000) examples.
      const sums = [...net.biases, ...net.weights].map((m) => new Float64Array(m.data.length));
      for (const [x, y] of training) {
        const g = net.backprop(x, y);
        [...g.nablaB, ...g.nablaW].forEach((m, k) =>
          m.data.forEach((v, i) => (sums[k]![i] = sums[k]![i]! + v))
        );
      }
      const norms = sums.map((s) => Math.hypot(...s) / training.length);
      assert.equal(e.gradientNorms!.biases.length, 2);
      assert.equal(e.gradientNorms!.weights.length, 2);
      e.gradientNorms!.biases.forEach((v, l) =>
        assert.ok(Math.abs(v - norms[l]!) < 1e-12 * norms[l]!)
      );
      e.gradientNorms!.weights.forEach((v, l) =>
        assert.ok(Math.abs(v - norms[2 + l]!) < 1e-12 * norms[2 + l]!)
      );
      checked.push(e.epoch);
    },
  });
  assert.deepEqual(checked, [0, 1, 2]);
  assert.equal(history.entries[2]!.evaluation!.total, 15);
});

Deno.test("without monitoring flags an entry holds only the running cost and time", async () => {
  const history = await new Network(SIZES, { seed: 1 }).sgd(labelled(1, 10), {
    epochs: 1,
    miniBatchSize: 5,
    eta: 1,
    evaluationData: labelled(2, 5),
  });
  assert.deepEqual(Object.keys(history.entries[0]!).sort(), [
    "epoch",
    "eta",
    "runningCost",
    "seconds",
  ]);
});

Deno.test("monitoring the evaluation data needs evaluation data", async () => {
  for (const flag of ["monitorEvaluationCost", "monitorEvaluationAccuracy"]) {
    await assert.rejects(
      () =>
        new Network(SIZES).sgd(labelled(1, 4), {
          epochs: 1,
          miniBatchSize: 2,
          eta: 1,
          [flag]: true,
        }),
      (e: unknown) => e instanceof TypeError && e.message.includes(`${flag} needs evaluationData`),
    );
  }
  await assert.rejects(
    () =>
      new Network(SIZES).sgd(labelled(1, 4), {
        epochs: 1,
        miniBatchSize: 2,
        eta: 1,
        monitorTrainingCost: "yes" as never,
      }),
    /monitorTrainingCost is a string, expected true or false/,
  );
});

Deno.test("gradient norms show chapter 5's vanishing gradient in a deep sigmoid network", async () => {
  // Four hidden sigmoid layers with network2's default initial weights: the layers nearest
  // the input learn slowest, as in the book's [784, 30, 30, 30, 30, 10] experiment.
  const data = spiral(200, { seed: 2 });
  const net = new Network([2, 30, 30, 30, 30, 3], { init: "default", seed: 5 });
  const h = await net.sgd(data, {
    epochs: 2,
    miniBatchSize: 10,
    eta: 0.1,
    seed: 1,
    monitorGradientNorms: true,
  });
  const norms = h.last!.gradientNorms!.biases;
  assert.equal(norms.length, 5);
  assert.ok(norms[0]! < norms[2]! && norms[2]! < norms[4]!, `norms ${norms}`);
});
