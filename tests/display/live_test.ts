import assert from "node:assert/strict";
import { historyChart, liveTraining, Network, packData, Random } from "../../mod.ts";
import type { JupyterSink } from "../../mod.ts";
import { layers, vegaWarnings, VL } from "./_decode.ts";

interface Message {
  type: string;
  id: string;
  text: string;
  keys: string[];
  spec: unknown;
  /** Event-loop turns counted by a timer when the message was sent. */
  ticks: number;
}

function recorder(clock: { ticks: number }): JupyterSink & { messages: Message[] } {
  const messages: Message[] = [];
  return {
    messages,
    broadcast(type, content) {
      const c = content as { data: Record<string, unknown>; transient: { display_id: string } };
      messages.push({
        type,
        id: c.transient.display_id,
        text: c.data["text/plain"] as string,
        keys: Object.keys(c.data),
        spec: c.data[VL],
        ticks: clock.ticks,
      });
      return Promise.resolve();
    },
  };
}

function data(n: number) {
  const rng = new Random(3);
  const xs = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.uniform()));
  return packData(xs, xs.map((x) => (x[0]! > 0.5 ? 1 : 0)), 2);
}

Deno.test("liveTraining() updates one output in place while training runs", async (t) => {
  const clock = { ticks: 0 };
  const timer = setInterval(() => clock.ticks++, 0);
  const sink = recorder(clock);
  const net = new Network([6, 4, 2], { seed: 1 });
  const live = liveTraining({ sink, interval: 0, budget: 1, title: "toy" });
  assert.equal(live.mode, "notebook");
  // sgd refuses options it does not know: spreading passes the callbacks only.
  assert.deepEqual(Object.keys({ ...live }).sort(), ["onEpoch", "onProgress"]);
  const history = await net.sgd(data(40), {
    epochs: 3,
    miniBatchSize: 10,
    eta: 1,
    progressInterval: 0,
    ...live,
  }).finally(() => clearInterval(timer));
  const m = sink.messages;
  await t.step("one display, then updates of the same display_id", () => {
    assert.equal(m[0]!.type, "display_data");
    assert.ok(m.slice(1).every((x) => x.type === "update_display_data"));
    assert.ok(new Set(m.map((x) => x.id)).size === 1 && m[0]!.id.length > 0);
  });
  await t.step("progress goes out batch by batch, not all at the end", () => {
    const progress = m.filter((x) => x.text.startsWith("epoch "));
    const seen = progress.map((x) => {
      const [, e, b] = x.text.match(/^epoch (\d+)\/3 .* batch (\d+)\/4/)!;
      return (Number(e) - 1) * 4 + Number(b);
    });
    // Every one of the 3 × 4 mini-batches reported, in order, before the final chart.
    assert.deepEqual([...new Set(seen)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  });
  await t.step("training yields to the event loop after every update", () => {
    for (let i = 1; i < m.length; i++) {
      assert.ok(m[i]!.ticks > m[i - 1]!.ticks, `no event-loop turn before message ${i}`);
    }
  });
  await t.step("updates carry vega-lite, SVG and text; the last is the history chart", () => {
    for (const x of m) {
      assert.deepEqual(x.keys, ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
    }
    assert.equal(m.at(-1)!.text, String(historyChart(history)));
    assert.match(m.at(-1)!.text, /^History: 3 epochs, running cost /);
  });
  await t.step("vega compiles and runs every redraw without a warning", async () => {
    // Among them the first redraws, before any epoch has ended.
    assert.ok(m.filter((x) => x.text.startsWith("epoch 1/3 ")).length >= 4);
    for (const x of m) assert.deepEqual(await vegaWarnings(x.spec), [], x.text);
  });
});

Deno.test("liveTraining() spaces its redraws", async () => {
  const sink = recorder({ ticks: 0 });
  const net = new Network([6, 4, 2], { seed: 1 });
  await net.sgd(data(40), {
    epochs: 5,
    miniBatchSize: 5,
    eta: 1,
    progressInterval: 0,
    ...liveTraining({ sink, interval: 60_000 }),
  });
  // The first report shows the display, the last turns it into the chart; nothing between.
  assert.deepEqual(sink.messages.map((x) => x.type), ["display_data", "update_display_data"]);
});

Deno.test("liveTraining() opens a new output for each run", async () => {
  const sink = recorder({ ticks: 0 });
  const live = liveTraining({ sink, interval: 60_000 });
  const net = new Network([6, 4, 2], { seed: 1 });
  await net.sgd(data(20), { epochs: 2, miniBatchSize: 10, eta: 1, ...live });
  await net.sgd(data(20), { epochs: 2, miniBatchSize: 10, eta: 1, ...live });
  const m = sink.messages;
  assert.deepEqual(m.map((x) => x.type), [
    "display_data",
    "update_display_data",
    "display_data",
    "update_display_data",
  ]);
  assert.equal(m[0]!.id, m[1]!.id);
  assert.notEqual(m[1]!.id, m[2]!.id);
});

Deno.test("liveTraining() final chart is the history chart", async () => {
  let last: Record<string, unknown> = {};
  const sink: JupyterSink = {
    broadcast: (
      _type,
      content,
    ) => (last = (content as { data: Record<string, unknown> }).data, Promise.resolve()),
  };
  const net = new Network([6, 4, 2], { seed: 1 });
  await net.sgd(data(20), {
    epochs: 2,
    miniBatchSize: 10,
    eta: 1,
    testData: data(20),
    ...liveTraining({ sink }),
  });
  const l = layers(last);
  assert.equal(l.interactive.vconcat.length, 2); // cost, accuracy
  assert.match(l.interactive.title.text, /^2 epochs in \d+s$/);
});

Deno.test("liveTraining() outside a notebook draws in the terminal, or nothing", async () => {
  let out = "";
  const writer = { writeSync: (p: Uint8Array) => (out += new TextDecoder().decode(p), p.length) };
  const live = liveTraining({ terminal: { writer } });
  assert.equal(live.mode, "terminal");
  const net = new Network([6, 4, 2], { seed: 1 });
  await net.sgd(data(20), { epochs: 2, miniBatchSize: 10, eta: 1, ...live });
  assert.match(out, /^Epoch 0 complete .*\nEpoch 1 complete .*\nTrained 2 epochs/);
  assert.equal(liveTraining({ terminal: false }).mode, "off");
});

Deno.test("liveTraining() rejects bad options", () => {
  assert.throws(() => liveTraining({ budget: 0 }), {
    name: "RangeError",
    message: "Cannot show live training: budget is 0, expected a number in (0, 1]",
  });
  assert.throws(() => liveTraining({ interval: -1 }), /interval is -1, expected a number ≥ 0/);
});
