/**
 * A figure for notebooks: one piece of content in three layers (an interactive chart, a
 * static image, a text summary) that Deno's Jupyter kernel shows inline.
 *
 * @module
 */

import { type Displayable, jupyterDisplay, type MimeBundle } from "../displayable.ts";
import { afterMacrotask } from "../_util.ts";
import { VEGALITE_SCHEMA, vegaLiteToSvg } from "./_vega.ts";

export type { ColorScheme } from "./_color.ts";

/** The MIME type of vega-lite 5 charts in Jupyter. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
/** The MIME type of plotly charts in Jupyter. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Options shared by the display helpers. */
export interface FigureOptions {
  /** A title shown above the figure. */
  title?: string;
  /** Width of the plotting area in pixels. */
  width?: number;
  /** Height of the plotting area in pixels. */
  height?: number;
}

/**
 * The layers a figure is made of. With a vega-lite spec and neither `svg` nor `png`, the
 * static layer is the spec rendered to SVG by headless vega.
 */
export interface FigureLayers {
  /** An interactive vega-lite 5 chart; its `$schema` is set to vega-lite 5's. */
  vegaLite?: Record<string, unknown>;
  /** An interactive plotly chart, `{ data, layout }`. */
  plotly?: Record<string, unknown>;
  /** A static SVG document. */
  svg?: string;
  /** A static PNG image. */
  png?: Uint8Array;
  /** An HTML rendering (tables). */
  html?: string;
}

/**
 * Something to show in a notebook: it implements Jupyter's display symbol, so a cell that
 * ends with a figure shows it, and its MIME bundle holds an interactive layer (vega-lite or
 * plotly), a static layer (SVG or PNG, for nbconvert's HTML and GitHub's viewer) and a
 * `text/plain` summary (for `jupyter console`).
 *
 * The layers are built on the first request and kept.
 *
 * @example A hand-made figure
 * ```ts
 * import { Figure } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const fig = new Figure("3 bars", () => ({
 *   vegaLite: {
 *     data: { values: [{ x: "a", y: 1 }, { x: "b", y: 3 }, { x: "c", y: 2 }] },
 *     mark: "bar",
 *     encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
 *   },
 * }));
 * const bundle = await fig.bundle();
 * assert.equal(String(fig), "3 bars");
 * assert.match(bundle["image/svg+xml"] as string, /<svg/);
 * assert.equal(bundle["text/plain"], "3 bars");
 * ```
 */
export class Figure implements Displayable {
  readonly #text: string;
  readonly #build: () => FigureLayers | Promise<FigureLayers>;
  #bundle?: Promise<MimeBundle>;

  /**
   * Makes a figure from its summary and a function that builds its layers when first shown.
   *
   * @param text The `text/plain` summary.
   * @param build Returns the layers (or a promise of them).
   *
   * @example
   * ```ts
   * import { Figure } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const fig = new Figure("a table", () => ({ html: "<table></table>" }));
   * assert.equal((await fig.bundle())["text/html"], "<table></table>");
   * ```
   */
  constructor(text: string, build: () => FigureLayers | Promise<FigureLayers>) {
    this.#text = text;
    this.#build = build;
  }

  /**
   * The MIME bundle: interactive, static and text layers keyed by MIME type.
   *
   * @returns A promise of the bundle (the same one on every call).
   *
   * @example
   * ```ts
   * import { Figure } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const fig = new Figure("empty", () => ({ svg: "<svg/>" }));
   * assert.deepEqual(await fig.bundle(), { "image/svg+xml": "<svg/>", "text/plain": "empty" });
   * ```
   */
  bundle(): Promise<MimeBundle> {
    this.#bundle ??= this.#make();
    return this.#bundle;
  }

  async #make(): Promise<MimeBundle> {
    const layers = await this.#build();
    const out: MimeBundle = {};
    if (layers.vegaLite !== undefined) {
      out[VEGALITE_MIME] = { $schema: VEGALITE_SCHEMA, ...layers.vegaLite };
    }
    if (layers.plotly !== undefined) out[PLOTLY_MIME] = layers.plotly;
    if (layers.html !== undefined) out["text/html"] = layers.html;
    if (layers.svg !== undefined) {
      out["image/svg+xml"] = layers.svg;
    } else if (layers.vegaLite !== undefined && layers.png === undefined) {
      out["image/svg+xml"] = await vegaLiteToSvg(out[VEGALITE_MIME] as Record<string, unknown>);
    }
    if (layers.png !== undefined) out["image/png"] = layers.png.toBase64();
    out["text/plain"] = this.#text;
    return out;
  }

  /**
   * The MIME bundle for Deno's Jupyter kernel, which calls this to show the figure. It
   * resolves after a macrotask even when the bundle is ready, so that the kernel files the
   * output under the cell that made it.
   *
   * @returns A promise of the bundle.
   *
   * @example
   * ```ts
   * import { Figure, jupyterDisplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const fig = new Figure("hi", () => ({}));
   * assert.deepEqual(await fig[jupyterDisplay](), { "text/plain": "hi" });
   * ```
   */
  [jupyterDisplay](): Promise<MimeBundle> {
    // Deno's kernel may file a result that resolves at once under the next cell: see
    // afterMacrotask.
    return afterMacrotask(this.bundle());
  }

  /**
   * The text summary.
   *
   * @returns The `text/plain` layer.
   *
   * @example
   * ```ts
   * import { Figure } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${new Figure("hi", () => ({}))}`, "hi");
   * ```
   */
  toString(): string {
    return this.#text;
  }
}
