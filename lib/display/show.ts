/**
 * Showing figures from code in a notebook, including updating one in place.
 *
 * @module
 */

import type { Displayable, MimeBundle } from "../displayable.ts";
import { typeName } from "../_util.ts";
import { checkOptions } from "../_validate.ts";
import { jupyterKernel, type JupyterSink, sendDisplay } from "./_jupyter.ts";

/** Options for {@linkcode show}. */
export interface ShowOptions {
  /** Names the output, so that a later `show` with `update: true` replaces it. */
  displayId?: string;
  /** Replace the output named `displayId` instead of adding one. */
  update?: boolean;
  /** Where display messages go; default the running Jupyter kernel. */
  sink?: JupyterSink;
}

/**
 * Whether this code runs in Deno's Jupyter kernel.
 *
 * @returns `true` inside `deno jupyter`, `false` elsewhere.
 *
 * @example
 * ```ts
 * import { inJupyter } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inJupyter(), false); // under deno test
 * ```
 */
export function inJupyter(): boolean {
  return jupyterKernel() !== undefined;
}

/**
 * Shows a figure (or a raw MIME bundle) in the notebook now, rather than as the cell's
 * result, and waits until the message has left. With `displayId` a later call with
 * `update: true` redraws the same output in place: a figure that follows training, say,
 * from `sgd`'s `onProgress`. Outside a notebook (and without `sink`) it does nothing.
 *
 * @param figure A {@linkcode Displayable} such as a `Figure`, or a MIME bundle.
 * @param options `displayId`, `update`, `sink`.
 * @returns Whether the figure was sent somewhere.
 *
 * @example Replacing an output
 * ```ts
 * import { Figure, show } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const sent: [string, unknown][] = [];
 * const sink = { broadcast: async (type: string, content: object) => void sent.push([type, content]) };
 * await show(new Figure("epoch 1", () => ({})), { displayId: "fit", sink });
 * await show(new Figure("epoch 2", () => ({})), { displayId: "fit", update: true, sink });
 * assert.deepEqual(sent.map(([type]) => type), ["display_data", "update_display_data"]);
 * assert.deepEqual(sent[1]![1], {
 *   data: { "text/plain": "epoch 2" }, metadata: {}, transient: { display_id: "fit" },
 * });
 * assert.equal(await show(new Figure("x", () => ({}))), false); // no kernel here
 * ```
 */
export async function show(
  figure: Displayable | MimeBundle,
  options: ShowOptions = {},
): Promise<boolean> {
  const where = "Cannot show";
  if (figure === null || typeof figure !== "object") {
    throw new TypeError(
      `${where}: figure is ${typeName(figure)}, expected a figure or a MIME bundle`,
    );
  }
  checkOptions(options, where, "an object", ["displayId", "update", "sink"]);
  if (options.update && options.displayId === undefined) {
    throw new TypeError(`${where}: update needs the displayId of the output to replace`);
  }
  if (options.sink === undefined && jupyterKernel() === undefined) return false;
  const bundle = typeof (figure as Displayable).bundle === "function"
    ? await (figure as Displayable).bundle()
    : figure as MimeBundle;
  return sendDisplay(bundle, options);
}
