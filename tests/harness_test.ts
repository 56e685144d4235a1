// The notebook and browser test machinery catches what it is meant to catch.

import assert from "node:assert/strict";
import {
  executeNotebook,
  joinText,
  jupyterStatus,
  type Notebook,
  notebookErrors,
} from "../bin/_jupyter.ts";
import { chartLayerProblems, outputKindProblems } from "./_jupyter.ts";
import { chromiumStatus, launchChromium, toFileUrl } from "./_chromium.ts";
import { PLOTLY_MIME, renderCharts, VEGALITE_MIME, writeRendererPage } from "./_render.ts";
import { requireTool, skipWithout } from "./_skip.ts";

const jupyter = await jupyterStatus();
const chromium = await chromiumStatus();
const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const V5 = "https://vega.github.io/schema/vega-lite/v5.json";
const BARS = {
  $schema: V5,
  data: { values: [{ x: "a", y: 1 }, { x: "b", y: 3 }] },
  mark: "bar",
  encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
};

function notebookWith(...outputs: Record<string, unknown>[]): Notebook {
  return {
    cells: outputs.map((o) => ({
      cell_type: "code",
      source: "",
      metadata: {},
      outputs: [{ output_type: "display_data", data: o }],
    })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

Deno.test("notebookErrors() reports error outputs and stderr that mentions an error", () => {
  const notebook: Notebook = {
    cells: [
      {
        cell_type: "code",
        source: "",
        metadata: {},
        outputs: [
          { output_type: "stream", name: "stderr", text: ["warning: slow\n"] },
          { output_type: "stream", name: "stdout", text: "error rate 3%\n" },
        ],
      },
      {
        cell_type: "code",
        source: "",
        metadata: {},
        outputs: [
          { output_type: "stream", name: "stderr", text: "\x1b[31mError\x1b[0m: bad\n" },
          { output_type: "error", ename: "TypeError", evalue: "x is not a function" },
        ],
      },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  const problems = notebookErrors(notebook);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^cell 1 wrote to stderr: Error: bad/);
  assert.match(problems[1]!, /^cell 1: TypeError: x is not a function/);
});

Deno.test("chartLayerProblems() requires static and text layers and vega-lite v5", async (t) => {
  const svg = "<svg></svg>";
  await t.step("accepts complete bundles", () => {
    const notebook = notebookWith(
      { [VEGALITE_MIME]: BARS, "image/svg+xml": svg, "text/plain": "bars" },
      { [PLOTLY_MIME]: { data: [] }, "image/png": "iVBOR", "text/plain": ["heat", "map"] },
      { "text/plain": "no chart, no rules" },
    );
    assert.deepEqual(chartLayerProblems(notebook), []);
  });
  await t.step("reports a missing static layer", () => {
    const problems = chartLayerProblems(notebookWith({ [PLOTLY_MIME]: {}, "text/plain": "p" }));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^cell 0: no static layer/);
  });
  await t.step("reports a missing text layer", () => {
    const problems = chartLayerProblems(
      notebookWith({ [VEGALITE_MIME]: BARS, "image/svg+xml": svg }),
    );
    assert.deepEqual(problems.length, 1);
    assert.match(problems[0]!, /^cell 0: no text\/plain layer/);
  });
  await t.step("reports another vega-lite version or $schema", () => {
    const v4 = "application/vnd.vegalite.v4+json";
    const problems = chartLayerProblems(notebookWith(
      { [v4]: BARS, "image/svg+xml": svg, "text/plain": "old" },
      {
        [VEGALITE_MIME]: { ...BARS, $schema: "https://vega.github.io/schema/vega-lite/v6.json" },
        "image/svg+xml": svg,
        "text/plain": "new",
      },
    ));
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^cell 0: unsupported application\/vnd\.vegalite\.v4\+json/);
    assert.match(problems[1]!, /^cell 1: vega-lite \$schema is .*v6\.json, expected/);
  });
});

Deno.test({
  name: "executeNotebook() runs every cell and returns the errors",
  ignore: skipWithout(jupyter),
  async fn() {
    requireTool(jupyter);
    const notebook = await executeNotebook(`${fixtures}failing.ipynb`);
    const problems = notebookErrors(notebook);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^cell 1 wrote to stderr: Error: the cost is NaN/);
    assert.match(problems[1]!, /^cell 2: RangeError: Cannot train: input 17 has length 783/);
    const last = notebook.cells[3]?.outputs?.find((o) => o.output_type === "execute_result");
    assert.match(joinText(last?.data?.["text/plain"] as string), /2/);
  },
});

Deno.test({
  name: "renderCharts() draws real charts and reports broken or empty ones",
  ignore: skipWithout(chromium),
  async fn() {
    requireTool(chromium);
    const dir = await Deno.makeTempDir({ prefix: "backprop_render_test_" });
    await using browser = await launchChromium({ offline: true });
    try {
      await writeRendererPage(`${dir}/charts.html`, "render test");
      const page = await browser.newPage();
      await page.goto(toFileUrl(`${dir}/charts.html`));
      const heatmap = { data: [{ type: "heatmap", z: [[1, 2], [3, 4]] }], layout: {} };
      const results = await renderCharts(page, [
        { label: "bars", mime: VEGALITE_MIME, spec: BARS },
        { label: "no data", mime: VEGALITE_MIME, spec: { ...BARS, data: { values: [] } } },
        { label: "bad mark", mime: VEGALITE_MIME, spec: { ...BARS, mark: "nonsense" } },
        { label: "heatmap", mime: PLOTLY_MIME, spec: heatmap },
        { label: "no traces", mime: PLOTLY_MIME, spec: { data: [] } },
      ]);
      const [bars, noData, badMark, heat, noTraces] = results;
      assert.equal(bars?.error, "");
      assert.equal(bars?.marks, 2);
      assert.equal(noData?.marks, 0);
      assert.match(badMark?.error ?? "", /Error/);
      assert.equal(badMark?.marks, 0);
      assert.equal(heat?.error, "");
      assert.ok((heat?.marks ?? 0) > 0);
      assert.equal(noTraces?.marks, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "launchChromium() offline refuses the network, online reaches it, and closes cleanly",
  ignore: skipWithout(chromium),
  async fn() {
    requireTool(chromium);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () =>
        new Response("window.fromServer = true;", {
          headers: { "content-type": "text/javascript" },
        }),
    );
    const dir = await Deno.makeTempDir({ prefix: "backprop_offline_test_" });
    try {
      const script = `http://127.0.0.1:${server.addr.port}/script.js`;
      await Deno.writeTextFile(`${dir}/local.js`, "window.fromFile = true;");
      await Deno.writeTextFile(
        `${dir}/page.html`,
        `<script src="local.js"></script><script src="${script}"></script>` +
          `<script>console.error("drawn by the page");</script>`,
      );
      for (const offline of [true, false]) {
        const browser = await launchChromium({ offline });
        const page = await browser.newPage();
        await page.goto(toFileUrl(`${dir}/page.html`));
        const loaded = await page.evaluate<boolean[]>("[!!window.fromFile, !!window.fromServer]");
        await assert.rejects(page.evaluate("missing.call()"), /missing is not defined/);
        await browser.close();
        assert.deepEqual(loaded, [true, !offline]);
        assert.deepEqual(page.blocked, offline ? [script] : []);
        assert.ok(page.errors.includes("drawn by the page"), page.errors.join("\n"));
        // No process of this browser is left: they all name its profile folder.
        const left = [...Deno.readDirSync("/proc")].filter((e) => {
          try {
            return /^\d+$/.test(e.name) &&
              Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(browser.profile);
          } catch {
            return false;
          }
        });
        assert.deepEqual(left, []);
        await assert.rejects(Deno.stat(browser.profile), Deno.errors.NotFound);
      }
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("outputKindProblems() reports a display that went missing or changed", () => {
  const chart = { [VEGALITE_MIME]: BARS, "image/svg+xml": "<svg></svg>", "text/plain": "bars" };
  const committed = notebookWith(chart, { "text/plain": "2" });
  assert.deepEqual(outputKindProblems(committed, notebookWith(chart, { "text/plain": "3" })), []);
  const problems = outputKindProblems(committed, notebookWith({ "text/plain": "bars" }, {}));
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^cell 0: committed shows \[application\/vnd\.vegalite\.v5\+json, /);
  assert.match(problems[1]!, /^cell 1: committed shows \[text\/plain\], a fresh run shows \[\]/);
  assert.equal(outputKindProblems(committed, notebookWith(chart)).length, 1);
});
