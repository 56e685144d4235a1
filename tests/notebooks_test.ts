// Every notebook in notebooks/ runs in a real Jupyter on the Deno kernel, its charts carry
// all three layers, render in a real browser, and its HTML export is screenshotted to
// screenshots/ (git-ignored) for a person to look at. While notebooks/ is empty, the tiny
// fixture tests/fixtures/harness.ipynb stands in, so the machinery itself stays tested.

import assert from "node:assert/strict";
import {
  executeNotebook,
  exportHtml,
  formatNotebook,
  jupyterStatus,
  listNotebooks,
  type Notebook,
  notebookErrors,
} from "../bin/_jupyter.ts";
import { chartLayerProblems, chartsOf, outputKindProblems } from "./_jupyter.ts";
import { chromiumStatus, launchChromium, screenshotPath, toFileUrl } from "./_chromium.ts";
import { hasSliders, moveSliders, renderCharts, writeRendererPage } from "./_render.ts";
import { requireTool, skipWithout } from "./_skip.ts";

const root = new URL("..", import.meta.url).pathname;
const found = listNotebooks(`${root}notebooks`);
const notebooks = found.length > 0 ? found : [`${root}tests/fixtures/harness.ipynb`];
const jupyter = await jupyterStatus();
const chromium = await chromiumStatus();

for (const path of notebooks) {
  const file = path.slice(path.lastIndexOf("/") + 1);
  const name = file.replace(/\.ipynb$/, "");

  Deno.test({
    name: `${file} runs in Jupyter and its charts render in Chromium`,
    ignore: skipWithout(jupyter),
    async fn(t) {
      requireTool(jupyter);
      const committed = await Deno.stat(path);
      const stored = JSON.parse(await Deno.readTextFile(path)) as Notebook;
      const notebook = await executeNotebook(path);

      await t.step("has no error output", () => {
        assert.deepEqual(notebookErrors(notebook), []);
      });

      await t.step("is a TypeScript notebook for the Deno kernel, under 2 MB", () => {
        const meta = notebook.metadata as {
          kernelspec?: { name?: string };
          language_info?: { name?: string };
        };
        assert.equal(meta.kernelspec?.name, "deno");
        assert.equal(meta.language_info?.name, "typescript");
        assert.ok(committed.size < 2 * 1024 * 1024, `${file} has ${committed.size} bytes`);
      });

      await t.step({
        name: "is committed with current outputs (deno task notebooks refreshes them)",
        ignore: found.length === 0, // the fixture is committed without outputs
        fn() {
          assert.deepEqual(outputKindProblems(stored, notebook), []);
        },
      });

      await t.step({
        name: "its cells are formatted (deno task notebooks formats them)",
        ignore: found.length === 0,
        async fn() {
          const dir = await Deno.makeTempDir({ prefix: "backprop_fmt_" });
          try {
            await Deno.copyFile(path, `${dir}/${file}`);
            await formatNotebook(`${dir}/${file}`);
            const formatted = await Deno.readTextFile(`${dir}/${file}`);
            assert.ok(formatted === await Deno.readTextFile(path), `deno fmt changes ${file}`);
          } finally {
            await Deno.remove(dir, { recursive: true });
          }
        },
      });

      await t.step("every chart has interactive, static and text layers", () => {
        assert.deepEqual(chartLayerProblems(notebook), []);
      });

      await t.step({
        name: "every vega-lite and plotly output draws marks in Chromium",
        ignore: skipWithout(chromium),
        async fn() {
          requireTool(chromium);
          const charts = chartsOf(notebook, file);
          if (charts.length === 0) return;
          const dir = await Deno.makeTempDir({ prefix: "backprop_charts_" });
          await using browser = await launchChromium({ offline: true });
          try {
            await writeRendererPage(`${dir}/charts.html`, file);
            const page = await browser.newPage();
            await page.goto(toFileUrl(`${dir}/charts.html`));
            const results = await renderCharts(page, charts);
            await page.screenshot(screenshotPath(`${name}_charts`));
            const failures = results
              .filter((r) => r.error !== "" || r.marks === 0)
              .map((r) => `${r.label}: ${r.error || "nothing drawn"}`);
            assert.deepEqual(failures, []);
            assert.deepEqual(page.errors, []);
            assert.deepEqual(page.warnings, []);
          } finally {
            await Deno.remove(dir, { recursive: true });
          }
        },
      });

      await t.step({
        name: "every vega-lite slider redraws its chart in Chromium, without the kernel",
        ignore: skipWithout(chromium),
        async fn() {
          requireTool(chromium);
          const charts = chartsOf(notebook, file).filter((c) => hasSliders(c.spec));
          if (charts.length === 0) return;
          const dir = await Deno.makeTempDir({ prefix: "backprop_sliders_" });
          await using browser = await launchChromium({ offline: true });
          try {
            await writeRendererPage(`${dir}/sliders.html`, file);
            const page = await browser.newPage();
            await page.goto(toFileUrl(`${dir}/sliders.html`));
            const stuck: string[] = [];
            for (const chart of charts) {
              const moved = await moveSliders(page, chart);
              if (moved.length === 0) stuck.push(`${chart.label}: no slider drawn`);
              for (const m of moved) if (!m.redrawn) stuck.push(`${chart.label}: ${m.name}`);
            }
            assert.deepEqual(stuck, []);
            assert.deepEqual(page.errors, []);
          } finally {
            await Deno.remove(dir, { recursive: true });
          }
        },
      });

      await t.step({
        name: "its HTML export is screenshotted to screenshots/",
        ignore: skipWithout(chromium),
        async fn() {
          requireTool(chromium);
          const dir = await Deno.makeTempDir({ prefix: "backprop_export_" });
          await using browser = await launchChromium({ offline: true });
          try {
            await exportHtml(notebook, `${dir}/${name}.html`);
            const page = await browser.newPage();
            await page.goto(toFileUrl(`${dir}/${name}.html`));
            const cells = await page.evaluate<number>(
              "document.querySelectorAll('.jp-Cell, .cell').length",
            );
            assert.ok(cells >= notebook.cells.length, `${cells} cells shown in the HTML export`);
            const bytes = await page.screenshot(screenshotPath(name));
            assert.ok(bytes > 1000, `screenshot of ${bytes} bytes`);
          } finally {
            await Deno.remove(dir, { recursive: true });
          }
        },
      });
    },
  });
}
