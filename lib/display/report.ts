/**
 * A report: figures in one self-contained HTML page that works offline, the chart libraries
 * inlined from their npm packages.
 *
 * @module
 */

import { jupyterDisplay, type MimeBundle } from "../displayable.ts";
import { typeName } from "../_util.ts";
import { checkKnownKeys, checkOptions } from "../_validate.ts";
import {
  type BrowserLibrary,
  browserLibraryName,
  browserScript,
  scriptJson,
  scriptText,
} from "./_browser.ts";
import { escapeXml } from "./_options.ts";
import { PLOTLY_MIME, VEGALITE_MIME } from "./figure.ts";

/** One part of a report: a heading, a few words, and a figure. */
export interface ReportSection {
  /** The section's heading. */
  heading?: string;
  /** Plain text under the heading: what the figure shows and how to read it. */
  text?: string;
  /** A figure, or anything else that a notebook displays (a `Network`, a `History`). */
  figure: { [jupyterDisplay](): MimeBundle | Promise<MimeBundle> };
}

/** Options for {@linkcode renderReport} and {@linkcode writeReport}. */
export interface ReportOptions {
  /** The page's title and main heading; default `"Report"`. */
  title?: string;
  /** Plain text under the title. */
  intro?: string;
  /** Facts listed under the title as name and value, e.g. `{ epochs: 30, "η": 3 }`. */
  details?: Readonly<Record<string, string | number>>;
}

/** How one section is drawn: which layer is interactive and which stands in for it. */
interface Part {
  kind: "vega-lite" | "plotly" | "html" | "image" | "text";
  spec?: unknown;
  image?: string;
  html?: string;
  text: string;
}

const WHERE = "Cannot write report";

function checkText(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "string") {
    throw new TypeError(`${WHERE}: ${name} is ${typeName(value)}, expected a string`);
  }
}

function checkArguments(sections: unknown, options: unknown): void {
  if (!Array.isArray(sections)) {
    throw new TypeError(`${WHERE}: sections is ${typeName(sections)}, expected an array`);
  }
  sections.forEach((s: unknown, i) => {
    if (s === null || typeof s !== "object" || Array.isArray(s)) {
      throw new TypeError(`${WHERE}: sections[${i}] is ${typeName(s)}, expected an object`);
    }
    checkKnownKeys(
      s as Record<string, unknown>,
      ["heading", "text", "figure"],
      `${WHERE}: sections[${i}]`,
    );
    const { heading, text, figure } = s as Record<string, unknown>;
    if (
      figure === null || typeof figure !== "object" ||
      typeof (figure as Record<symbol, unknown>)[jupyterDisplay] !== "function"
    ) {
      throw new TypeError(
        `${WHERE}: sections[${i}].figure is ${
          typeName(figure)
        }, expected something a notebook displays (a figure)`,
      );
    }
    checkText(heading, `sections[${i}].heading`);
    checkText(text, `sections[${i}].text`);
  });
  if (options === undefined) return;
  const { title, intro, details } = checkOptions(options, WHERE, "an object", [
    "title",
    "intro",
    "details",
  ]);
  checkText(title, "title");
  checkText(intro, "intro");
  if (details === undefined) return;
  if (details === null || typeof details !== "object" || Array.isArray(details)) {
    throw new TypeError(`${WHERE}: details is ${typeName(details)}, expected an object`);
  }
  for (const [name, value] of Object.entries(details)) {
    if (typeof value !== "string" && typeof value !== "number") {
      throw new TypeError(
        `${WHERE}: details[${JSON.stringify(name)}] is ${
          typeName(value)
        }, expected a string or number`,
      );
    }
  }
}

/** Picks the richest layer of a bundle that a page can draw, and its static stand-in. */
function partOf(bundle: MimeBundle): Part {
  const text = typeof bundle["text/plain"] === "string" ? bundle["text/plain"] : "";
  const svg = bundle["image/svg+xml"], png = bundle["image/png"];
  const image = typeof svg === "string"
    ? `data:image/svg+xml;base64,${new TextEncoder().encode(svg).toBase64()}`
    : typeof png === "string"
    ? `data:image/png;base64,${png}`
    : undefined;
  if (bundle[VEGALITE_MIME] !== undefined) {
    return { kind: "vega-lite", spec: bundle[VEGALITE_MIME], image, text };
  }
  if (bundle[PLOTLY_MIME] !== undefined) {
    return { kind: "plotly", spec: bundle[PLOTLY_MIME], image, text };
  }
  if (typeof bundle["text/html"] === "string") {
    return { kind: "html", html: bundle["text/html"], text };
  }
  if (image !== undefined) return { kind: "image", image, text };
  return { kind: "text", text };
}

// Runs in the page: draws each interactive figure over its static picture, which stays when
// drawing fails. `window.reportRendered` resolves to one `{ id, error }` per figure.
const RENDER = `window.reportRendered = (async () => {
  const results = [];
  for (const figure of document.querySelectorAll("figure[data-kind]")) {
    const kind = figure.dataset.kind;
    const chart = figure.querySelector(".chart");
    const target = document.createElement("div");
    target.className = "interactive";
    chart.append(target);
    try {
      const spec = JSON.parse(document.getElementById(figure.dataset.spec).textContent);
      if (kind === "vega-lite") {
        const result = await vegaEmbed(target, spec, { renderer: "svg", actions: false });
        await result.view.runAsync();
      } else {
        await Plotly.newPlot(target, spec.data, spec.layout || {},
          Object.assign({ displaylogo: false }, spec.config));
      }
      for (const img of chart.querySelectorAll("img.static")) img.remove();
      figure.dataset.rendered = "true";
      results.push({ id: figure.id, error: "" });
    } catch (e) {
      target.remove();
      const note = document.createElement("p");
      note.className = "error";
      note.textContent = "The interactive chart failed (" + e + "); this is its static picture.";
      figure.append(note);
      console.error(figure.id + ": " + (e && e.stack || e));
      results.push({ id: figure.id, error: String(e) });
    }
  }
  document.body.dataset.rendered = "true";
  return results;
})();`;

const STYLE = `body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 0 auto;
  max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0; }
h2 { font-size: 18px; margin: 32px 0 4px; border-bottom: 1px solid #ddd; }
dl.details { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.details dt { color: #666; } dl.details dd { margin: 0; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0; } figure .chart { overflow-x: auto; }
figcaption, pre.summary { color: #555; font-size: 12px; white-space: pre-line; margin-top: 4px; }
p.error { color: #b00; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right; }
footer { margin-top: 40px; color: #888; font-size: 12px; }`;

const paragraphs = (text: string): string =>
  text.split(/\n\s*\n/).map((p) => `<p>${escapeXml(p.trim())}</p>`).join("\n");

function sectionHtml(section: ReportSection, part: Part, i: number): string {
  const out = ["<section>"];
  if (section.heading !== undefined) out.push(`<h2>${escapeXml(section.heading)}</h2>`);
  if (section.text !== undefined) out.push(paragraphs(section.text));
  const caption = part.text === "" ? "" : `<figcaption>${escapeXml(part.text)}</figcaption>`;
  const img = part.image === undefined
    ? ""
    : `<img class="static" alt="${escapeXml(part.text)}" src="${part.image}">`;
  if (part.kind === "vega-lite" || part.kind === "plotly") {
    out.push(
      `<figure id="figure-${i}" data-kind="${part.kind}" data-spec="spec-${i}">`,
      `<div class="chart">${img}</div>${caption}</figure>`,
      `<script type="application/json" id="spec-${i}">${scriptJson(part.spec)}</script>`,
    );
  } else if (part.kind === "html") {
    // An HTML layer (a table) already says what its text summary says.
    out.push(`<figure id="figure-${i}"><div class="chart">${part.html}</div></figure>`);
  } else if (part.kind === "image") {
    out.push(`<figure id="figure-${i}"><div class="chart">${img}</div>${caption}</figure>`);
  } else {
    out.push(`<pre class="summary">${escapeXml(part.text)}</pre>`);
  }
  out.push("</section>");
  return out.join("\n");
}

/**
 * Renders figures into one self-contained HTML page: each chart is drawn by the real
 * renderers (vega-embed, or plotly for plotly figures), whose minified builds are read from
 * the pinned npm packages and inlined, so the page needs no network. Each chart sits over its
 * static picture (the bundle's SVG or PNG), which stays if the chart cannot be drawn; the
 * `text/plain` summary is its caption. A bundle without a chart shows its HTML (a table), its
 * picture, or its text. Only the libraries the figures use are inlined
 * (vega, vega-lite and vega-embed weigh about 0.8 MB, plotly 4.8 MB).
 *
 * @param sections The figures, in order, each with an optional heading and text.
 * @param options `title`, `intro`, `details`.
 * @returns A promise of the HTML document.
 *
 * @example A page with one chart
 * ```ts
 * import { Figure, renderReport } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const bars = new Figure("two bars", () => ({
 *   vegaLite: {
 *     data: { values: [{ x: "a", y: 1 }, { x: "b", y: 2 }] },
 *     mark: "bar",
 *     encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
 *   },
 * }));
 * const html = await renderReport([{ heading: "Bars", figure: bars }], { title: "Demo" });
 * assert.match(html, /^<!doctype html>/);
 * assert.match(html, /<title>Demo<\/title>/);
 * assert.match(html, /vegaEmbed/); // the renderer is in the page
 * assert.doesNotMatch(html, /<script[^>]* src=/); // and nothing is loaded from elsewhere
 * ```
 */
export async function renderReport(
  sections: readonly ReportSection[],
  options?: ReportOptions,
): Promise<string> {
  checkArguments(sections, options);
  const title = options?.title ?? "Report";
  const parts = await Promise.all(
    sections.map(async (s) => partOf(await s.figure[jupyterDisplay]())),
  );
  const libraries: BrowserLibrary[] = [];
  if (parts.some((p) => p.kind === "vega-lite")) libraries.push("vega", "vega-lite", "vega-embed");
  if (parts.some((p) => p.kind === "plotly")) libraries.push("plotly");
  const scripts = await Promise.all(libraries.map(browserScript));

  const head = [`<h1>${escapeXml(title)}</h1>`];
  if (options?.intro !== undefined) head.push(paragraphs(options.intro));
  const details = Object.entries(options?.details ?? {});
  if (details.length > 0) {
    head.push(
      `<dl class="details">${
        details.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(String(v))}</dd>`).join("")
      }</dl>`,
    );
  }
  const footer = libraries.length === 0
    ? "Made with backprop."
    : `Made with backprop. Drawn by ${
      libraries.map(browserLibraryName).join(", ")
    }, inlined in this file: it needs no network.`;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head><body>",
    `<header>${head.join("\n")}</header>`,
    ...sections.map((s, i) => sectionHtml(s, parts[i]!, i)),
    `<footer>${escapeXml(footer)}</footer>`,
    ...scripts.map((js, i) => `<script>/* ${libraries[i]} */\n${scriptText(js)}\n</script>`),
    ...(libraries.length === 0 ? [] : [`<script>\n${RENDER}\n</script>`]),
    "</body></html>",
    "",
  ].join("\n");
}

/**
 * Writes a report (see {@linkcode renderReport}) to a file, atomically: the page goes to a
 * temporary file in the same folder, which is then renamed over `path`, so that the file at
 * `path` is always a whole page.
 *
 * @param path Where to write (a path or a file URL), e.g. `"report.html"`.
 * @param sections The figures, in order, each with an optional heading and text.
 * @param options `title`, `intro`, `details`.
 * @returns A promise of the file's size in bytes.
 *
 * @example Write and read back
 * ```ts
 * import { Figure, writeReport } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const note = new Figure("Nothing to plot yet", () => ({}));
 * const bytes = await writeReport(`${dir}/report.html`, [{ figure: note }], { title: "Empty" });
 * const html = await Deno.readTextFile(`${dir}/report.html`);
 * assert.equal(bytes, new TextEncoder().encode(html).length);
 * assert.match(html, /Nothing to plot yet/);
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["report.html"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReport(
  path: string | URL,
  sections: readonly ReportSection[],
  options?: ReportOptions,
): Promise<number> {
  let target: string;
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(`${WHERE}: ${path.href} is not a file URL, expected a path or file URL`);
    }
    target = decodeURIComponent(path.pathname);
  } else if (typeof path === "string" && path !== "") {
    target = path;
  } else {
    const got = path === "" ? "empty" : typeName(path);
    throw new TypeError(`${WHERE}: path is ${got}, expected a path or file URL`);
  }
  checkArguments(sections, options);
  const bytes = new TextEncoder().encode(await renderReport(sections, options));
  // Same folder as the target, so that the rename cannot cross file systems.
  const tmp = `${target}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeFile(tmp, bytes, { createNew: true });
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return bytes.length;
}
