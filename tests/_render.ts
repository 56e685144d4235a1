/**
 * Renders vega-lite and plotly MIME outputs in headless Chromium with the real front-end
 * libraries (vega-embed, vega, vega-lite, plotly.js-dist-min), loaded as `file:` scripts from
 * Deno's npm cache at the versions pinned in deno.json.
 *
 * @module
 */

import type { Page } from "./_chromium.ts";

/** The vega-lite MIME type of Jupyter (v5, the newest JupyterLab renders). */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
/** The plotly MIME type of Jupyter. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** One interactive chart to render. */
export interface Chart {
  /** Where it came from, for messages, e.g. `"02_mnist.ipynb cell 4"`. */
  label: string;
  /** `VEGALITE_MIME` or `PLOTLY_MIME`. */
  mime: string;
  /** The MIME bundle's value: a vega-lite spec, or plotly's `{ data, layout, config }`. */
  spec: unknown;
}

/** What rendering one chart gave. */
export interface RenderResult {
  /** The chart's label. */
  label: string;
  /** The error thrown by the renderer, or "" when it drew. */
  error: string;
  /** Drawn marks: vega items under `.role-mark` groups, or plotly traces. */
  marks: number;
}

let cacheDir: Promise<string> | undefined;

/** Deno's npm cache folder for the registry in use. */
function npmCacheDir(): Promise<string> {
  cacheDir ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { npmCache: string };
    const registry = new URL(Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org");
    return `${info.npmCache}/${registry.hostname}`;
  })();
  return cacheDir;
}

/**
 * The path of a file inside an npm package pinned in deno.json's `imports`, downloading the
 * package into Deno's cache first when needed.
 *
 * @param name The import name, e.g. `"vega-lite"`.
 * @param file The path inside the package, e.g. `"build/vega-lite.min.js"`.
 * @returns The absolute path of the file in Deno's npm cache.
 */
export async function npmFile(name: string, file: string): Promise<string> {
  const root = new URL("..", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    imports?: Record<string, string>;
  };
  const specifier = config.imports?.[name] ?? "";
  const match = specifier.match(/^npm:((?:@[^/]+\/)?[^@/]+)@(\d[^/]*)$/);
  if (!match) {
    throw new TypeError(
      `Expected deno.json to map "${name}" to an exact npm version, got "${specifier}"`,
    );
  }
  const path = `${await npmCacheDir()}/${match[1]}/${match[2]}/${file}`;
  try {
    await Deno.stat(path);
  } catch {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["cache", `npm:${match[1]}@${match[2]}`],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`Cannot download ${specifier}: ${new TextDecoder().decode(out.stderr)}`);
    }
    await Deno.stat(path);
  }
  return path;
}

/**
 * The browser scripts of the renderers, in load order: vega, vega-lite, vega-embed, plotly.
 *
 * @returns Absolute paths in Deno's npm cache.
 */
export async function rendererScripts(): Promise<string[]> {
  return [
    await npmFile("vega", "build/vega.min.js"),
    await npmFile("vega-lite", "build/vega-lite.min.js"),
    await npmFile("vega-embed", "build/vega-embed.min.js"),
    await npmFile("plotly.js-dist-min", "plotly.min.js"),
  ];
}

/**
 * Writes an HTML page that loads the renderers, ready for `renderCharts()`.
 *
 * @param path Where to write the page.
 * @param title The page's heading.
 */
export async function writeRendererPage(path: string, title: string): Promise<void> {
  const scripts = (await rendererScripts())
    .map((p) => `<script src="file://${encodeURI(p)}"></script>`)
    .join("\n");
  const heading = title.replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"));
  await Deno.writeTextFile(
    path,
    `<!doctype html>
<html><head><meta charset="utf-8"><title>${heading}</title>
<style>body { font: 13px sans-serif; margin: 16px; } .chart { margin: 12px 0 24px; }
h2 { font-size: 13px; font-weight: normal; color: #555; margin: 0; }</style>
${scripts}
</head><body><h1>${heading}</h1><div id="charts"></div></body></html>
`,
  );
}

/** Runs in the page: draws one chart into a new div and counts what it drew. */
const RENDER_ONE = `async (label, mime, spec) => {
  const box = document.createElement("div");
  box.className = "chart";
  const caption = document.createElement("h2");
  caption.textContent = label;
  const target = document.createElement("div");
  box.append(caption, target);
  document.getElementById("charts").append(box);
  try {
    if (mime === ${JSON.stringify(VEGALITE_MIME)}) {
      const result = await vegaEmbed(target, spec, { renderer: "svg", actions: false });
      await result.view.runAsync();
      return { error: "", marks: target.querySelectorAll("svg .role-mark > *").length };
    }
    if (mime === ${JSON.stringify(PLOTLY_MIME)}) {
      await Plotly.newPlot(target, spec.data, spec.layout ?? {}, spec.config ?? {});
      if (!target.querySelector(".main-svg")) return { error: "no .main-svg", marks: 0 };
      return { error: "", marks: target.querySelectorAll(".trace, .hm").length };
    }
    return { error: "unknown MIME type " + mime, marks: 0 };
  } catch (e) {
    return { error: String(e && e.stack || e), marks: 0 };
  }
}`;

/**
 * Draws each chart into the page written by `writeRendererPage()` (already loaded), one
 * under the other, and reports render errors and mark counts.
 *
 * @param page A Chromium page showing the renderer page.
 * @param charts The charts.
 * @returns One result per chart, in order.
 */
export async function renderCharts(page: Page, charts: Chart[]): Promise<RenderResult[]> {
  const results: RenderResult[] = [];
  for (const chart of charts) {
    const { error, marks } = await page.evaluate<{ error: string; marks: number }>(
      `(${RENDER_ONE})(${JSON.stringify(chart.label)}, ${JSON.stringify(chart.mime)}, ${
        JSON.stringify(chart.spec)
      })`,
    );
    results.push({ label: chart.label, error, marks });
  }
  return results;
}

/** Whether a vega-lite spec has a parameter bound to a range input (a slider). */
export function hasSliders(spec: unknown): boolean {
  const params = (spec as { params?: { bind?: { input?: string } }[] } | null)?.params;
  return Array.isArray(params) && params.some((p) => p?.bind?.input === "range");
}

/**
 * Runs in the page: draws a chart with sliders, moves each slider to another value (as a
 * reader would: the input's value, then an `input` event) and tells whether the drawing
 * changed each time, without the kernel.
 */
const MOVE_SLIDERS = `async (spec) => {
  const target = document.createElement("div");
  document.getElementById("charts").append(target);
  const result = await vegaEmbed(target, spec, { renderer: "svg", actions: false });
  await result.view.runAsync();
  const moved = [];
  for (const input of target.querySelectorAll("input[type=range]")) {
    const before = target.querySelector("svg").innerHTML;
    const min = Number(input.min), max = Number(input.max);
    input.value = String(Number(input.value) === min ? max : min);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await result.view.runAsync();
    moved.push({ name: input.name, redrawn: target.querySelector("svg").innerHTML !== before });
  }
  result.finalize();
  return moved;
}`;

/**
 * Moves every slider of a vega-lite chart in the page written by `writeRendererPage()` and
 * reports, per slider, whether the chart was redrawn.
 *
 * @param page A Chromium page showing the renderer page.
 * @param chart A vega-lite chart with sliders (see `hasSliders`).
 * @returns One entry per slider: its input's name and whether the drawing changed.
 */
export function moveSliders(
  page: Page,
  chart: Chart,
): Promise<{ name: string; redrawn: boolean }[]> {
  return page.evaluate(`(${MOVE_SLIDERS})(${JSON.stringify(chart.spec)})`);
}
