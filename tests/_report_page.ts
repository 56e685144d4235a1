/**
 * Opens a report written by `renderReport()` in headless Chromium and says what each figure
 * drew, counted in the page's DOM.
 *
 * @module
 */

import type { Browser, Page } from "./_chromium.ts";
import { toFileUrl } from "./_chromium.ts";

/** What one `<figure>` of the report shows after the page's script ran. */
export interface DrawnFigure {
  /** The figure's id, `figure-<section index>`. */
  id: string;
  /** `"vega-lite"`, `"plotly"`, or `""` for a figure without a chart (a table, a picture). */
  kind: string;
  /** The error the page's script reported for it, `""` when it drew. */
  error: string;
  /** Whether the page's script marked it drawn. */
  rendered: boolean;
  /** Static pictures still shown (0 once the interactive chart replaced them). */
  staticImages: number;
  /**
   * Items drawn by vega-embed, by mark type: `{ "mark-rect": 100, "mark-text": 100 }`
   * (children of `.role-mark` groups in the interactive SVG).
   */
  vegaMarks: Record<string, number>;
  /** Plotly heatmap and scatter traces drawn. */
  plotlyTraces: number;
  /** The figure's visible text, for checks on escaping. */
  text: string;
}

const PROBE = `(async () => {
  const results = window.reportRendered ? await window.reportRendered : [];
  return [...document.querySelectorAll("figure")].map((f) => {
    const vegaMarks = {};
    for (const g of f.querySelectorAll(".interactive svg .role-mark")) {
      const type = [...g.classList].find((c) => c.startsWith("mark-"));
      vegaMarks[type] = (vegaMarks[type] || 0) + g.childElementCount;
    }
    const r = results.find((x) => x.id === f.id);
    return {
      id: f.id,
      kind: f.dataset.kind || "",
      error: r ? r.error : "",
      rendered: f.dataset.rendered === "true",
      staticImages: f.querySelectorAll("img.static").length,
      vegaMarks,
      plotlyTraces: f.querySelectorAll(".interactive .main-svg .hm, .interactive .main-svg .trace")
        .length,
      text: f.innerText,
    };
  });
})()`;

/**
 * Loads a report file in a new tab and waits for its charts.
 *
 * @param browser A browser from `launchChromium()` (offline, to prove the page needs no network).
 * @param path The report's absolute path.
 * @returns The tab (read `errors` and `blocked`) and what each figure drew, in page order.
 */
export async function openReport(
  browser: Browser,
  path: string,
): Promise<{ page: Page; figures: DrawnFigure[] }> {
  const page = await browser.newPage();
  await page.goto(toFileUrl(path));
  const figures = await page.evaluate<DrawnFigure[]>(PROBE);
  return { page, figures };
}
