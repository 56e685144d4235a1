/**
 * The Jupyter display protocol, without any display code: the symbol a notebook kernel looks
 * for and the shape of a MIME bundle. The math layers (`History`, `Network`) import this
 * file to declare that they can display themselves; the charts live in `lib/display/`.
 *
 * @module
 */

/**
 * The key of the method that Deno's Jupyter kernel calls to show an object:
 * `Symbol.for("Jupyter.display")`. The method returns a {@linkcode MimeBundle} or a promise
 * of one, which the kernel awaits.
 *
 * @example An object that shows itself as text
 * ```ts
 * import { jupyterDisplay } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const hello = { [jupyterDisplay]: () => ({ "text/plain": "hello" }) };
 * assert.equal(jupyterDisplay, Symbol.for("Jupyter.display"));
 * assert.deepEqual(hello[jupyterDisplay](), { "text/plain": "hello" });
 * ```
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/**
 * A MIME bundle: the same content in several formats, keyed by MIME type, richest first
 * (`application/vnd.vegalite.v5+json`, `image/svg+xml`, `text/plain`...). Text and
 * base64-encoded images are strings; JSON formats are objects.
 */
export type MimeBundle = Record<string, string | object>;

/**
 * Something a notebook shows as a figure: it implements the Jupyter display symbol and gives
 * its MIME bundle and a text summary on request.
 */
export interface Displayable {
  /**
   * The MIME bundle, for Deno's Jupyter kernel.
   *
   * @returns A promise of the bundle.
   */
  [jupyterDisplay](): Promise<MimeBundle>;
  /**
   * The MIME bundle (the same as the display method gives), for tests and reports.
   *
   * @returns A promise of the bundle.
   */
  bundle(): Promise<MimeBundle>;
  /**
   * A short text summary, the bundle's `text/plain`.
   *
   * @returns The summary.
   */
  toString(): string;
}
