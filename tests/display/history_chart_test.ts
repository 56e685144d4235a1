import assert from "node:assert/strict";
import { History, historyChart, jupyterDisplay } from "../../mod.ts";
import { count, layers, SCHEMA, VL } from "./_decode.ts";

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

Deno.test("historyChart() draws cost and accuracy per epoch, training vs test", async (t) => {
  const h = run();
  const bundle = await historyChart(h, { title: "run" }).bundle();
  const l = layers(bundle);
  await t.step("vega-lite 5, SVG and a summary", () => {
    assert.equal(l.interactive.$schema, SCHEMA);
    assert.equal(l.staticMime, "image/svg+xml");
    assert.equal(
      l.text,
      "History: 4 epochs, training cost 1 → 0.25, best test accuracy 85.00% (epoch 3)",
    );
  });
  await t.step("a cost panel and an accuracy panel", () => {
    const [cost, acc] = l.interactive.vconcat;
    type P = { epoch: number; set: string; value: number };
    const costs = cost.data.values as P[];
    // Values are rounded to 4 significant digits in the spec.
    close(
      costs.filter((p) => p.set === "training").map((p) => p.value),
      h.entries.map((e) => e.runningCost),
    );
    close(
      costs.filter((p) => p.set === "evaluation").map((p) => p.value),
      h.entries.map((e) => e.evaluation!.cost!),
    );
    const accs = acc.data.values as P[];
    assert.deepEqual(accs.map((p) => [p.set, p.epoch]), h.entries.map((e) => ["test", e.epoch]));
    close(accs.map((p) => p.value), h.entries.map((e) => e.test!.accuracy!));
  });
  await t.step("the SVG has a line per data set and a point per value", () => {
    const svg = bundle["image/svg+xml"] as string;
    // Lines: training and evaluation cost, test accuracy.
    assert.equal(count(svg, 'aria-roledescription="line mark"'), 3);
    assert.equal(count(svg, 'aria-roledescription="point"'), 12);
  });
});

Deno.test("historyChart() without test data has only the cost panel", async () => {
  const h = new History();
  h.push({ epoch: 0, runningCost: 0.3, seconds: 1 });
  const l = layers(await historyChart(h).bundle());
  assert.equal(l.interactive.vconcat.length, 1);
  assert.equal(l.text, "History: 1 epoch, training cost 0.3 → 0.3");
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
