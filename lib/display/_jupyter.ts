// The only module that touches `Deno.jupyter`: finds the kernel safely and sends display
// messages through it (or through an injected sink, in tests).

import type { MimeBundle } from "../displayable.ts";

/**
 * Where display messages go: Deno's Jupyter kernel (`Deno.jupyter.broadcast`) or a stand-in
 * with the same method, e.g. one that records the messages in a test.
 */
export interface JupyterSink {
  /**
   * Sends one message on the kernel's IOPub channel.
   *
   * @param msgType `"display_data"` or `"update_display_data"`.
   * @param content The message content: `{ data, metadata, transient }`.
   * @returns A promise that settles once the message is handed over.
   */
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/** Options for {@linkcode sendDisplay}. */
export interface SendOptions {
  /** Names the output so that later updates replace it in place. */
  displayId?: string;
  /** Replace the output named `displayId` rather than add a new one. */
  update?: boolean;
  /** Where to send; defaults to the running Jupyter kernel. */
  sink?: JupyterSink;
}

let found: JupyterSink | null | undefined;

/** The running Deno Jupyter kernel, or `undefined` outside one. */
export function jupyterKernel(): JupyterSink | undefined {
  if (found === undefined) {
    try {
      // Outside `deno jupyter`, merely reading `Deno.jupyter` throws.
      const j = Deno.jupyter;
      found = typeof j?.broadcast === "function"
        ? { broadcast: (msgType, content) => j.broadcast(msgType, content) }
        : null;
    } catch {
      found = null;
    }
  }
  return found ?? undefined;
}

/**
 * Shows a bundle as a new output (`display_data`) or replaces the output named `displayId`
 * (`update_display_data`), then yields to the event loop so that the message leaves before
 * the caller's next stretch of computation.
 *
 * @returns `false` when there is nowhere to send (not in a kernel and no sink).
 */
export async function sendDisplay(bundle: MimeBundle, options: SendOptions = {}): Promise<boolean> {
  const sink = options.sink ?? jupyterKernel();
  if (sink === undefined) return false;
  await sink.broadcast(options.update ? "update_display_data" : "display_data", {
    data: bundle,
    metadata: {},
    transient: options.displayId === undefined ? {} : { display_id: options.displayId },
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  return true;
}
