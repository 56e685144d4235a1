import assert from "node:assert/strict";
import { History, historyChart, jupyterDisplay, Network, xor } from "../../mod.ts";
import { count, layers, SCHEMA, vegaWarnings, VL } from "./_decode.ts";

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= 1e-4 * Math.abs(e), `value ${i}: ${a} vs ${e}`);
  });
}

function run(): History {
  const h = new History();
  for (let e = 0; e < 4; e++) {
    h.push({
      epoch: e,
      runningCost: 1 / (e + 1),
      seconds: 0.5,
      test: { correct: 70 + 5 * e, total: 100, accuracy: (70 + 5 * e) / 100 },
      evaluation: { total: 100, cost: 1.2 / (e + 1) },
    });
  }
  return h;
}

Deno.test("historyChart() draws cost and accuracy per epoch, one line per series", async (t) => {
  const h = run();
  const bundle = await historyChart(h, { title: "run" }).bundle();
  const l = layers(bundle);
  await t.step("vega-lite 5, SVG and a summary", () => {
    assert.equal(l.interactive.$schema, SCHEMA);
    assert.equal(l.staticMime, "image/svg+xml");
    assert.equal(
      l.text,
      "History: 4 epochs, running cost 1 → 0.25, best test accuracy 85.00% (epoch 3)",
    );
  });
  await t.step("a cost panel and an accuracy panel", () => {
    const [cost, acc] = l.interactive.vconcat;
    type P = { epoch: number; series: string; value: number };
    const costs = cost.data.values as P[];
    // Values are rounded to 4 significant digits in the spec.
    close(
      costs.filter((p) => p.series === "running cost (mini-batches)").map((p) => p.value),
      h.entries.map((e) => e.runningCost),
    );
    close(
      costs.filter((p) => p.series === "cost on the evaluation data").map((p) => p.value),
      h.entries.map((e) => e.evaluation!.cost!),
    );
    const accs = acc.data.values as P[];
    assert.deepEqual(
      accs.map((p) => [p.series, p.epoch]),
      h.entries.map((e) => ["accuracy on the test data", e.epoch]),
    );
    close(accs.map((p) => p.value), h.entries.map((e) => e.test!.accuracy!));
  });
  await t.step("the SVG has a line per data set and a point per value", () => {
    const svg = bundle["image/svg+xml"] as string;
    // Lines: running and evaluation cost, test accuracy.
    assert.equal(count(svg, 'aria-roledescription="line mark"'), 3);
    assert.equal(count(svg, 'aria-roledescription="point"'), 12);
  });
});

Deno.test("historyChart() of a run with every monitor names each series as the book does", async () => {
  const net = new Network([2, 4, 3, 2], { seed: 1 });
  const history = await net.sgd(xor(40, { seed: 1 }), {
    epochs: 3,
    miniBatchSize: 10,
    eta: 1,
    seed: 2,
    testData: xor(20, { seed: 2 }),
    evaluationData: xor(20, { seed: 3 }),
    monitorEvaluationCost: true,
    monitorEvaluationAccuracy: true,
    monitorTrainingCost: true,
    monitorTrainingAccuracy: true,
    monitorGradientNorms: true,
  });
  const l = layers(await historyChart(history).bundle());
  type Panel = {
    encoding: { y: { title: string }; color: { scale: { domain: string[]; range: string[] } } };
    data: { values: { series: string }[] };
  };
  const panels = l.interactive.vconcat as Panel[];
  const cost = [
    "running cost (mini-batches)",
    "cost on the training data",
    "cost on the evaluation data",
  ];
  const accuracy = [
    "accuracy on the test data",
    "accuracy on the evaluation data",
    "accuracy on the training data",
  ];
  // Layers count from the input as 0: [2, 4, 3, 2] has layers 1, 2 and 3 (the output).
  const norms = ["‖∂C/∂b‖ layer 1", "‖∂C/∂b‖ layer 2", "‖∂C/∂b‖ layer 3 (output)"];
  assert.deepEqual(panels.map((p) => p.encoding.y.title), [
    "cost",
    "accuracy",
    "‖∂C/∂b‖ (speed of learning)",
  ]);
  // One legend, shared by the panels: exactly these labels, in this order.
  for (const p of panels) {
    assert.deepEqual(p.encoding.color.scale.domain, [...cost, ...accuracy, ...norms]);
  }
  [cost, accuracy, norms].forEach((labels, k) =>
    assert.deepEqual([...new Set(panels[k]!.data.values.map((v) => v.series))], labels)
  );
  // Each series its own colour, except that a data set keeps its colour across panels.
  const range = panels[0]!.encoding.color.scale.range;
  const colorOf = (label: string) => range[panels[0]!.encoding.color.scale.domain.indexOf(label)];
  assert.equal(colorOf("cost on the training data"), colorOf("accuracy on the training data"));
  assert.equal(colorOf("cost on the evaluation data"), colorOf("accuracy on the evaluation data"));
  assert.equal(new Set(range).size, range.length - 2);
  assert.deepEqual(await vegaWarnings(l.interactive), []);
});

Deno.test("historyChart() keeps a series' colour when others are absent", async () => {
  const h = new History();
  h.push({
    epoch: 0,
    runningCost: 0.3,
    seconds: 1,
    test: { total: 10, correct: 5, accuracy: 0.5 },
  });
  const only = new History();
  only.push({ epoch: 0, runningCost: 0.3, seconds: 1, training: { total: 10, cost: 0.2 } });
  only.push({ epoch: 1, runningCost: 0.2, seconds: 1, training: { total: 10, cost: 0.1 } });
  const scale = async (x: History) =>
    (layers(await historyChart(x).bundle()).interactive.vconcat[0].encoding.color.scale) as {
      domain: string[];
      range: string[];
    };
  const a = await scale(h), b = await scale(only);
  assert.deepEqual(a.domain, ["running cost (mini-batches)", "accuracy on the test data"]);
  assert.deepEqual(b.domain, ["running cost (mini-batches)", "cost on the training data"]);
  assert.equal(a.range[0], b.range[0]);
  assert.notEqual(b.range[1], a.range[1]);
});

Deno.test("historyChart() without test data has only the cost panel", async () => {
  const h = new History();
  h.push({ epoch: 0, runningCost: 0.3, seconds: 1 });
  const l = layers(await historyChart(h).bundle());
  assert.equal(l.interactive.vconcat.length, 1);
  assert.equal(l.text, "History: 1 epoch, running cost 0.3 → 0.3");
});

Deno.test("historyChart() of a history without epochs is a valid spec", async () => {
  const l = layers(await historyChart(new History()).bundle());
  assert.equal(l.text, "History: no epochs yet");
  assert.deepEqual(await vegaWarnings(l.interactive), []);
});

Deno.test("vegaWarnings() reports what a front-end would log", async () => {
  // The warning the live chart gave before its first epoch ended: a layer without data.
  const spec = {
    layer: [
      { data: { values: [{ x: 1, y: 2 }] }, mark: "line" },
      { data: { values: [] }, mark: "point" },
    ],
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  };
  assert.deepEqual(await vegaWarnings(spec), [
    'Infinite extent for field "x": [Infinity, -Infinity]',
    'Infinite extent for field "y": [Infinity, -Infinity]',
  ]);
});

Deno.test("historyChart() rejects what is not a history", () => {
  assert.throws(() => historyChart([] as never), {
    name: "TypeError",
    message: "Cannot chart history: history is an array, expected a History",
  });
});

Deno.test("a History displays itself as its chart", async () => {
  const h = run();
  const own = await h[jupyterDisplay]();
  const chart = await historyChart(h).bundle();
  assert.deepEqual(Object.keys(own), Object.keys(chart));
  assert.deepEqual(own[VL], chart[VL]);
  assert.equal(own["text/plain"], String(historyChart(h)));
});
