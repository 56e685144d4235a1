/**
 * A training progress bar for the terminal, drawn on stderr through `sgd`'s callbacks.
 *
 * @module
 */

import { type EpochEntry, formatEpoch, type History } from "../history.ts";
import type { Progress } from "../history.ts";
import { checkOptions } from "../_validate.ts";

/** Somewhere to write bytes synchronously, such as `Deno.stderr`. */
export interface ProgressWriter {
  /**
   * Writes some bytes.
   *
   * @param p The bytes.
   * @returns How many were written.
   */
  writeSync(p: Uint8Array): number;
}

/** The callbacks to spread into `sgd`'s options. */
export interface TrainingCallbacks {
  /**
   * Receives progress within the run (sgd's `onProgress`).
   *
   * @param progress Where the run is.
   * @returns Nothing, or a promise that training waits for.
   */
  onProgress(progress: Progress): void | Promise<void>;
  /**
   * Receives each epoch's entry (sgd's `onEpoch`).
   *
   * @param entry The epoch's entry.
   * @param history The run so far.
   */
  onEpoch(entry: EpochEntry, history: History): void;
}

/** Options for {@linkcode terminalProgress}. */
export interface TerminalProgressOptions {
  /** Where to write; default `Deno.stderr`. */
  writer?: ProgressWriter;
  /**
   * Redraw one line in place (`\r`) rather than write a line per epoch. Default: whether
   * stderr is a terminal when writing to it, `false` for another writer.
   */
  isTerminal?: boolean;
  /** Characters in the bar; default 24. */
  width?: number;
  /** Minimum milliseconds between redraws; default 100. */
  interval?: number;
}

/**
 * A duration for people: `42s`, `3:07` or `1:02:03`.
 *
 * @param seconds The duration.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatDuration } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatDuration(42.4), "42s");
 * assert.equal(formatDuration(187), "3:07");
 * assert.equal(formatDuration(3723), "1:02:03");
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

function rate(r: number): string {
  return r >= 1e4 ? `${(r / 1000).toFixed(1)}k` : r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

/**
 * One line of progress: epoch, a bar of the epoch's mini-batches, examples per second, time
 * left and the epoch's cost so far.
 *
 * @param p Progress as `sgd` reports it.
 * @param width Characters in the bar (default 24; 0 for no bar).
 * @returns For example `epoch 3/30 ██████░░░░ batch 2500/5000 · 12.3k ex/s · ETA 4:10 · cost 0.0412`.
 *
 * @example
 * ```ts
 * import { formatProgress, History } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const line = formatProgress({
 *   epoch: 0, epochs: 2, batch: 5, batches: 10, examplesSeen: 50, examplesPerSecond: 100,
 *   etaSeconds: 1.5, cost: 0.25, history: new History(), done: false,
 * }, 10);
 * assert.equal(line, "epoch 1/2 █████░░░░░ batch 5/10 · 100 ex/s · ETA 2s · cost 0.25");
 * ```
 */
export function formatProgress(p: Progress, width = 24): string {
  const done = Math.round((p.batch / Math.max(1, p.batches)) * width);
  const bar = width > 0 ? ` ${"█".repeat(done)}${"░".repeat(width - done)}` : "";
  return `epoch ${p.epoch + 1}/${p.epochs}${bar} batch ${p.batch}/${p.batches} · ${
    rate(p.examplesPerSecond)
  } ex/s · ETA ${formatDuration(p.etaSeconds)} · cost ${Number(p.cost.toPrecision(4))}`;
}

/**
 * A progress bar for training in a terminal. On a terminal it redraws one line in place
 * (epoch, bar, examples per second, time left, cost) and leaves the book's
 * `Epoch j: k / n` line after each epoch; elsewhere (a log file, CI) it writes only the
 * epoch lines. It finishes with a line of totals.
 *
 * @param options `writer` (default `Deno.stderr`), `isTerminal`, `width`, `interval`.
 * @returns `onProgress` and `onEpoch`, to spread into `sgd`'s options.
 *
 * @example Epoch lines into a string
 * ```ts
 * import { Network, terminalProgress } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const writer = { writeSync: (p: Uint8Array) => (out += new TextDecoder().decode(p), p.length) };
 * const net = new Network([2, 2], { seed: 1 });
 * await net.sgd([[[0, 1], [1, 0]]], {
 *   epochs: 2, miniBatchSize: 1, eta: 1, ...terminalProgress({ writer }),
 * });
 * assert.match(out, /^Epoch 0 complete .*\nEpoch 1 complete .*\nTrained 2 epochs in /);
 * ```
 */
export function terminalProgress(options: TerminalProgressOptions = {}): TrainingCallbacks {
  checkOptions(options, "Cannot make progress bar", "an object", [
    "writer",
    "isTerminal",
    "width",
    "interval",
  ]);
  const writer = options.writer ?? Deno.stderr;
  const tty = options.isTerminal ??
    (options.writer === undefined ? Deno.stderr.isTerminal() : false);
  const width = options.width ?? 24;
  const interval = options.interval ?? 100;
  if (!Number.isInteger(width) || width < 0) {
    throw new RangeError(`Cannot make progress bar: width is ${width}, expected an integer ≥ 0`);
  }
  if (typeof interval !== "number" || !(interval >= 0)) {
    throw new RangeError(
      `Cannot make progress bar: interval is ${interval}, expected a number ≥ 0`,
    );
  }
  const encoder = new TextEncoder();
  const write = (s: string) => {
    const bytes = encoder.encode(s);
    for (let at = 0; at < bytes.length;) at += writer.writeSync(bytes.subarray(at));
  };
  let last = -Infinity;
  let drawn = false;
  return {
    onProgress(p) {
      if (p.done) {
        const seconds = p.examplesPerSecond > 0 ? p.examplesSeen / p.examplesPerSecond : 0;
        write(
          `${drawn ? "\r\x1b[K" : ""}Trained ${p.epochs} epoch${p.epochs === 1 ? "" : "s"} in ${
            formatDuration(seconds)
          } (${rate(p.examplesPerSecond)} examples/s)\n`,
        );
        drawn = false;
        last = -Infinity;
        return;
      }
      if (!tty) return;
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      write(`\r${formatProgress(p, width)}\x1b[K`);
      drawn = true;
    },
    onEpoch(entry) {
      write(`${drawn ? "\r\x1b[K" : ""}${formatEpoch(entry)}\n`);
      drawn = false;
    },
  };
}
