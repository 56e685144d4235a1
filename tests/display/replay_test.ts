import assert from "node:assert/strict";
import * as vega from "vega";
import * as vl from "vega-lite";
import { type Matrix, Network, TrainingReplay, xor } from "../../mod.ts";
import { count, decodePng, type Json, layers, pngFromDataUrl, VL } from "./_decode.ts";
import { referenceClass } from "./_reference.ts";
import { chromiumStatus, launchChromium, toFileUrl } from "../_chromium.ts";
import { renderCharts, writeRendererPage } from "../_render.ts";
import { requireTool, skipWithout } from "../_skip.ts";

const chromium = await chromiumStatus();

const data = xor(40, { seed: 3 });

/** Trains with a replay and keeps copies of the parameters at each onEpoch, independently. */
async function recorded(every: number) {
  const net = new Network([2, 3, 2], { seed: 2 });
  const replay = new TrainingReplay(net, {
    boundary: { data, resolution: 12, extent: [-1, 2, -1, 2] },
    heatmap: { layer: 1 },
    fields: { layer: 1, shape: [1, 2] },
    every,
  });
  const copies: { weights: Matrix[]; biases: Matrix[] }[] = [];
  const keep = () =>
    copies.push({
      weights: net.weights.map((w) => w.clone()),
      biases: net.biases.map((b) => b.clone()),
    });
  replay.record();
  keep();
  await net.sgd(data, {
    epochs: 6,
    miniBatchSize: 10,
    eta: 3,
    seed: 1,
    testData: data,
    onEpoch: (e) => {
      replay.onEpoch(e);
      keep();
    },
  });
  return { net, replay, copies };
}

/** The vega-lite spec compiled to vega and run headless with the slider at `value`. */
async function svgAt(spec: Json, name: string, value: number): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(structuredClone(spec)).spec), {
    renderer: "none",
  });
  try {
    view.signal(name, value);
    await view.runAsync();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const imagesOf = (svg: string) =>
  [...svg.matchAll(/href="(data:image\/png;base64,[^"]+)"/g)].map((m) => m[1]!);

Deno.test("TrainingReplay records the network as it was at each snapshot", async (t) => {
  const { replay, copies } = await recorded(2);
  assert.equal(replay.epochsTrained, 6);
  assert.equal(replay.length, 4); // after 0, 2, 4 and 6 epochs
  const bundle = await replay.bundle();
  const spec = layers(bundle).interactive;
  const [, top] = spec.vconcat;
  const regions = top.hconcat[0].layer[0].data.values as { trained: number; url: string }[];
  await t.step("one regions image per snapshot", () => {
    assert.deepEqual(regions.map((r) => r.trained), [0, 2, 4, 6]);
  });
  await t.step("each image shows the classes of the parameters of its epoch", async () => {
    for (const { trained, url } of regions) {
      const png = await decodePng(pngFromDataUrl(url));
      const then = copies[trained]! as unknown as Network;
      let agree = 0, cells = 0;
      for (let r = 0; r < 12; r++) {
        for (let c = 0; c < 12; c++) {
          const x = -1 + ((c + 0.5) / 12) * 3, y = 2 - ((r + 0.5) / 12) * 3;
          const px = png.rgb.subarray((r * 12 + c) * 3, (r * 12 + c) * 3 + 3);
          // Class 0 is blue (#4c78a8), class 1 orange (#f58518): compare red and blue.
          const drawn = px[0]! > px[2]! ? 1 : 0;
          cells++;
          if (drawn === referenceClass(then, [x, y])) agree++;
        }
      }
      assert.equal(agree, cells, `after ${trained} epochs`);
    }
  });
  await t.step("the images differ as training goes", () => {
    assert.equal(new Set(regions.map((r) => r.url)).size, regions.length);
  });
});

Deno.test("TrainingReplay's figure has a slider that redraws the snapshot", async (t) => {
  const { replay } = await recorded(2);
  const bundle = await replay.bundle();
  const spec = bundle[VL] as Json;
  await t.step("the spec compiles with vega-lite", () => {
    assert.ok(vl.compile(structuredClone(spec)).spec.signals !== undefined);
  });
  await t.step("the parameter is bound to a range input over the epochs", () => {
    assert.equal(spec.params.length, 1);
    const [p] = spec.params;
    assert.equal(p.name, "trained");
    assert.equal(p.value, 6);
    assert.deepEqual(
      { input: p.bind.input, min: p.bind.min, max: p.bind.max, step: p.bind.step },
      { input: "range", min: 0, max: 6, step: 2 },
    );
  });
  const urls = (k: number) => {
    const [, top, fields] = spec.vconcat;
    return [
      top.hconcat[0].layer[0].data.values[k].url,
      top.hconcat[1].data.values[k].url,
      ...fields.data.values.filter((v: Json) => v.trained === 2 * k).map((v: Json) => v.url),
    ] as string[];
  };
  await t.step("the static layer shows the last snapshot only", () => {
    const svg = bundle["image/svg+xml"] as string;
    assert.deepEqual(imagesOf(svg).sort(), urls(3).sort());
    assert.match(svg, /after 6 epochs trained/);
  });
  await t.step("moving the slider shows an earlier snapshot and the history up to it", async () => {
    const svg = await svgAt(spec, "trained", 2);
    assert.deepEqual(imagesOf(svg).sort(), urls(1).sort());
    assert.match(svg, /after 2 epochs trained/);
    // The accuracy line has its points up to epoch 2 only: 2 of 6 per panel.
    const last = bundle["image/svg+xml"] as string;
    assert.ok(count(svg, "<path") < count(last, "<path"));
  });
  await t.step("the text names the snapshots and the last one", () => {
    assert.match(
      String(replay),
      /^Training replay of \[2, 3, 2\]: 4 snapshots after 0 to 6 epochs \(decision regions, receptive fields of layer 1, weights\[0\], history\); a slider steps through them, shown here after 6 epochs, accuracy \d+\.\d\d%$/,
    );
  });
});

Deno.test("TrainingReplay counts epochs over several sgd calls", async () => {
  const net = new Network([2, 2], { seed: 1 });
  const replay = new TrainingReplay(net, { heatmap: {}, every: 3 });
  for (let i = 0; i < 3; i++) {
    await net.sgd(data, { epochs: 2, miniBatchSize: 10, eta: 1, onEpoch: replay.onEpoch });
  }
  assert.equal(replay.epochsTrained, 6);
  const spec = (await replay.bundle())[VL] as Json;
  assert.deepEqual(spec.vconcat[1].hconcat[0].data.values.map((v: Json) => v.trained), [3, 6]);
});

Deno.test("TrainingReplay with uneven snapshots slides over their index", async () => {
  const net = new Network([2, 2], { seed: 1 });
  const replay = new TrainingReplay(net, { heatmap: {}, history: false });
  replay.record();
  await net.sgd(data, { epochs: 1, miniBatchSize: 10, eta: 1, onEpoch: replay.onEpoch });
  await net.sgd(data, { epochs: 3, miniBatchSize: 10, eta: 1 });
  replay.record(); // still "1 epoch trained": the plain sgd call was not counted
  const spec = (await replay.bundle())[VL] as Json;
  assert.deepEqual(spec.params[0].bind, {
    input: "range",
    min: 0,
    max: 1,
    step: 1,
    name: "epochs trained ",
  });
  const uneven = new TrainingReplay(net, { heatmap: {}, every: 2 });
  uneven.record();
  for (let i = 0; i < 3; i++) uneven.onEpoch({ epoch: i, runningCost: 0, seconds: 0 });
  uneven.onEpoch({ epoch: 3, runningCost: 0, seconds: 0 });
  uneven.onEpoch({ epoch: 4, runningCost: 0, seconds: 0 });
  uneven.record(); // after 0, 2, 4 and 5 epochs
  const s2 = (await uneven.bundle())[VL] as Json;
  assert.equal(s2.params[0].name, "snapshot");
  assert.deepEqual([s2.params[0].bind.min, s2.params[0].bind.max], [0, 3]);
  const svg = await svgAt(s2, "snapshot", 1);
  assert.match(svg, /after 2 epochs trained/);
});

Deno.test("TrainingReplay checks its options before recording", async (t) => {
  const net = new Network([3, 2]);
  await t.step("a boundary needs two inputs", () => {
    assert.throws(() => new TrainingReplay(net, { boundary: { data } }), {
      name: "RangeError",
      message: "Cannot make training replay: the network has 3 inputs, expected 2 for a boundary",
    });
  });
  await t.step("unknown options are named", () => {
    assert.throws(
      () => new TrainingReplay(net, { heatmap: { layr: 1 } } as never),
      { name: "TypeError", message: /unknown option `layr`; did you mean `layer`\?/ },
    );
    assert.throws(() => new TrainingReplay(net, { evry: 2 } as never), {
      name: "TypeError",
      message: /unknown option `evry`; did you mean `every`\?/,
    });
  });
  await t.step("layers are checked", () => {
    assert.throws(() => new TrainingReplay(net, { fields: { layer: 2 } }), {
      name: "RangeError",
      message:
        "Cannot make training replay: fields.layer is 2, expected 1 to 1 (a layer after the input)",
    });
  });
  await t.step("a figure needs a snapshot", () => {
    assert.throws(() => new TrainingReplay(net).figure(), {
      name: "RangeError",
      message: /no snapshots yet/,
    });
  });
});

Deno.test("TrainingReplay thins a long history and keeps the snapshots' epochs", async () => {
  const net = new Network([2, 2], { seed: 1 });
  const replay = new TrainingReplay(net, { heatmap: {}, every: 7 });
  for (let i = 0; i < 1000; i++) replay.onEpoch({ epoch: i, runningCost: 1 / (i + 1), seconds: 0 });
  const spec = (await replay.bundle())[VL] as Json;
  const history = spec.vconcat[1].hconcat[1];
  const points = history.vconcat[0].layer[0].data.values as { trained: number }[];
  const trained = new Set(points.map((p) => p.trained));
  assert.ok(points.length < 300, `${points.length} points`);
  for (let e = 7; e <= 1000; e += 7) assert.ok(trained.has(e), `epoch ${e} is kept`);
  assert.ok(trained.has(1000));
});

Deno.test({
  name: "TrainingReplay's slider redraws the snapshot in Chromium, without the kernel",
  ignore: skipWithout(chromium),
  async fn() {
    requireTool(chromium);
    const { replay } = await recorded(2);
    const spec = (await replay.bundle())[VL] as Json;
    const dir = await Deno.makeTempDir({ prefix: "backprop_replay_" });
    await using browser = await launchChromium({ offline: true });
    try {
      await writeRendererPage(`${dir}/replay.html`, "replay");
      const page = await browser.newPage();
      await page.goto(toFileUrl(`${dir}/replay.html`));
      const [result] = await renderCharts(page, [{ label: "replay", mime: VL, spec }]);
      assert.equal(result!.error, "");
      const shown = () =>
        page.evaluate<string[]>(
          `[...document.querySelectorAll("svg image")].map((i) => i.getAttribute("href")).sort()`,
        );
      const regions = spec.vconcat[1].hconcat[0].layer[0].data.values as Json[];
      assert.ok((await shown()).includes(regions[3].url), "the last snapshot first");
      // Move the slider as a person would: set the range input and fire its input event.
      await page.evaluate<boolean>(`(async () => {
        const input = document.querySelector("input[type=range]");
        input.value = "2";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((r) => setTimeout(r, 300));
        return true;
      })()`);
      const after = await shown();
      assert.ok(after.includes(regions[1].url), "the snapshot after 2 epochs");
      assert.ok(!after.includes(regions[3].url));
      const caption = await page.evaluate<string>(`document.querySelector("svg").textContent`);
      assert.match(caption, /after 2 epochs trained/);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.warnings, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
