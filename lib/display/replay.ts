/**
 * A replay of a training run: snapshots taken as the network trains, and a figure with a
 * slider that steps through them in the page.
 *
 * @module
 */

import type { Data } from "../dataset.ts";
import { type Displayable, jupyterDisplay, type MimeBundle } from "../displayable.ts";
import type { EpochEntry } from "../history.ts";
import type { Network } from "../network.ts";
import { checkKnownKeys, checkOptions } from "../_validate.ts";
import { typeName } from "../_util.ts";
import { CLASS_COLORS, domainOf, round } from "./_color.ts";
import { checkNetwork, examples } from "./_data.ts";
import { checkShape, gallerySpec, positiveInt, type Tile } from "./_gallery.ts";
import { matrixPng } from "./_image.ts";
import { titleOf } from "./_options.ts";
import { encodePng, pngDataUrl } from "./_png.ts";
import { checkExtent, type Extent, extentOf, regionLayers, regionPixels } from "./_regions.ts";
import { Figure } from "./figure.ts";

/** What {@linkcode TrainingReplay} records at each snapshot. */
export interface TrainingReplayOptions {
  /** The decision regions of a two-input network, with these points drawn on top. */
  boundary?: {
    /** Labelled points with 2 inputs. */
    data: Data;
    /** Grid cells per side; default 50. */
    resolution?: number;
    /** The plotted region `[xMin, xMax, yMin, yMax]`; default the data's, with a margin. */
    extent?: [number, number, number, number];
    /** Draw at most this many points; default 200. */
    maxPoints?: number;
  };
  /** The receptive fields of a layer: each neuron's incoming weights as an image. */
  fields?: {
    /** The layer, from 1 (the first hidden layer, the default). */
    layer?: number;
    /** Image shape `[height, width]` of the previous layer; default square. */
    shape?: [number, number];
    /** Show the first this many neurons; default 10. */
    limit?: number;
    /** Screen pixels per weight; default 2. */
    scale?: number;
  };
  /** A heatmap of `weights[layer - 1]`, on one colour range for all snapshots. */
  heatmap?: {
    /** The layer whose incoming weights to draw, from 1; default the output layer. */
    layer?: number;
  };
  /**
   * Chart the history (cost and accuracy per epoch) up to each snapshot; default `true`.
   * Long runs are thinned to about 150 epochs per line, the snapshots' epochs among them.
   */
  history?: boolean;
  /** Take a snapshot every this many epochs (`onEpoch` calls); default 1. */
  every?: number;
  /** A title above the figure. */
  title?: string;
}

/** One snapshot: what the network looked like after `trained` epochs. */
interface Snapshot {
  readonly trained: number;
  readonly regions?: Uint8Array;
  readonly fields?: Float64Array[];
  readonly heatmap?: Float64Array;
}

/** A history entry with the number of epochs trained when it was made. */
interface Logged {
  readonly trained: number;
  readonly entry: EpochEntry;
}

const SERIES_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2"];

/**
 * Records a network as it trains and replays it: pass {@linkcode TrainingReplay.onEpoch} to
 * `sgd` (the weights are current when `onEpoch` runs) and call
 * {@linkcode TrainingReplay.record} before training for the starting point. Its figure has a
 * slider over the snapshots that redraws, in the page and without the kernel, the decision
 * regions, the receptive fields, a weight heatmap and the history up to that epoch
 * (vega-lite parameters bound to a range input); its static layer shows the last snapshot.
 *
 * The epochs are counted by the replay itself, so a network trained by several `sgd` calls
 * replays as one run: "epochs trained" is 0 before training and k after the k-th `onEpoch`.
 *
 * @example The decision regions of XOR as it is learned
 * ```ts
 * import { Network, TrainingReplay, xor } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const data = xor(40, { seed: 1 });
 * const net = new Network([2, 4, 2], { seed: 1 });
 * const replay = new TrainingReplay(net, { boundary: { data, resolution: 20 }, every: 5 });
 * replay.record();
 * await net.sgd(data, { epochs: 20, miniBatchSize: 10, eta: 3, seed: 1, onEpoch: replay.onEpoch });
 * assert.equal(replay.length, 5); // after 0, 5, 10, 15 and 20 epochs
 * const spec = (await replay.figure().bundle())["application/vnd.vegalite.v5+json"] as {
 *   params: { bind: { input: string } }[];
 * };
 * assert.equal(spec.params[0]!.bind.input, "range");
 * ```
 */
export class TrainingReplay implements Displayable {
  /** The network recorded. */
  readonly net: Network;
  readonly #title: string | undefined;
  readonly #snapshots: Snapshot[] = [];
  readonly #logged: Logged[] = [];
  readonly #every: number;
  readonly #history: boolean;
  #trained = 0;
  // Checked settings of each panel (undefined: not drawn).
  readonly #boundary?: {
    extent: Extent;
    res: number;
    points: { x: number; y: number; label: number }[];
  };
  readonly #fields?: { layer: number; shape: readonly [number, number]; n: number; scale: number };
  readonly #heatmap?: { layer: number; rows: number; cols: number };

  /**
   * Prepares a replay of `net`; nothing is recorded yet.
   *
   * @param net The network that will train.
   * @param options What to record: `boundary`, `fields`, `heatmap`, `history`, `every`,
   *   `title`.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([4, 3, 2]), { heatmap: { layer: 1 } });
   * assert.equal(replay.length, 0);
   * assert.throws(() => new TrainingReplay(new Network([4, 3, 2]), { heatmap: { layer: 3 } }), {
   *   name: "RangeError",
   * });
   * ```
   */
  constructor(net: Network, options: TrainingReplayOptions = {}) {
    const where = "Cannot make training replay";
    checkNetwork(net, where);
    const o = checkOptions(options, where, "an object", [
      "boundary",
      "fields",
      "heatmap",
      "history",
      "every",
      "title",
    ]) as TrainingReplayOptions;
    if (o.title !== undefined && typeof o.title !== "string") {
      throw new TypeError(`${where}: title is ${typeName(o.title)}, expected a string`);
    }
    if (o.history !== undefined && typeof o.history !== "boolean") {
      throw new TypeError(`${where}: history is ${typeName(o.history)}, expected a boolean`);
    }
    const layers = net.sizes.length - 1;
    const layerOf = (v: unknown, name: string, fallback: number) => {
      const l = v ?? fallback;
      if (!Number.isInteger(l) || (l as number) < 1 || (l as number) > layers) {
        throw new RangeError(
          `${where}: ${name} is ${String(l)}, expected 1 to ${layers} (a layer after the input)`,
        );
      }
      return l as number;
    };
    const group = <T extends object>(v: T | undefined, name: string, known: string[]) => {
      if (v === undefined) return undefined;
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        throw new TypeError(`${where}: ${name} is ${typeName(v)}, expected an object`);
      }
      checkKnownKeys(v as Record<string, unknown>, known, `${where}: ${name}`);
      return v;
    };
    const b = group(o.boundary, "boundary", ["data", "resolution", "extent", "maxPoints"]);
    if (b !== undefined) {
      if (net.sizes[0] !== 2) {
        throw new RangeError(
          `${where}: the network has ${net.sizes[0]} inputs, expected 2 for a boundary`,
        );
      }
      // Checked against the network as decisionBoundary checks (one output tells two classes).
      const ex = examples(b.data, where, [2, Math.max(2, net.sizes.at(-1)!)]);
      const res = positiveInt(b.resolution, "boundary.resolution", 50, where);
      const n = Math.min(ex.length, positiveInt(b.maxPoints, "boundary.maxPoints", 200, where));
      const xs = Array.from({ length: n }, (_, i) => ex.input(i));
      const extent = b.extent === undefined ? extentOf(xs) : checkExtent(b.extent, where);
      const points = xs.map((x, i) => ({ x: round(x[0]!), y: round(x[1]!), label: ex.label(i) }));
      this.#boundary = { extent, res, points };
    }
    const f = group(o.fields, "fields", ["layer", "shape", "limit", "scale"]);
    if (f !== undefined) {
      const layer = layerOf(f.layer, "fields.layer", 1);
      const w = net.weights[layer - 1]!;
      this.#fields = {
        layer,
        shape: checkShape(f.shape, w.cols, where),
        n: Math.min(w.rows, positiveInt(f.limit, "fields.limit", 10, where)),
        scale: positiveInt(f.scale, "fields.scale", 2, where),
      };
    }
    const h = group(o.heatmap, "heatmap", ["layer"]);
    if (h !== undefined) {
      const layer = layerOf(h.layer, "heatmap.layer", layers);
      const w = net.weights[layer - 1]!;
      this.#heatmap = { layer, rows: w.rows, cols: w.cols };
    }
    this.#every = positiveInt(o.every, "every", 1, where);
    this.#history = o.history ?? true;
    this.#title = o.title;
    this.net = net;
  }

  /**
   * Epochs trained so far: the number of `onEpoch` calls.
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay, xor } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([2, 2]);
   * const replay = new TrainingReplay(net);
   * await net.sgd(xor(8), { epochs: 3, miniBatchSize: 4, eta: 1, onEpoch: replay.onEpoch });
   * assert.equal(replay.epochsTrained, 3);
   * ```
   */
  get epochsTrained(): number {
    return this.#trained;
  }

  /**
   * The number of snapshots taken.
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([2, 2]));
   * replay.record();
   * assert.equal(replay.length, 1);
   * ```
   */
  get length(): number {
    return this.#snapshots.length;
  }

  /**
   * Takes a snapshot of the network now (before training, or between `sgd` calls): copies of
   * what the figure draws. A second snapshot at the same epoch count replaces the first.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([2, 2]));
   * replay.record();
   * replay.record();
   * assert.equal(replay.length, 1);
   * ```
   */
  record(): void {
    const net = this.net;
    const b = this.#boundary, f = this.#fields, h = this.#heatmap;
    const snapshot: Snapshot = {
      trained: this.#trained,
      regions: b === undefined ? undefined : regionPixels(net, b.extent, b.res, CLASS_COLORS),
      fields: f === undefined ? undefined : Array.from({ length: f.n }, (_, j) => {
        const w = net.weights[f.layer - 1]!;
        return w.data.slice(j * w.cols, (j + 1) * w.cols);
      }),
      heatmap: h === undefined ? undefined : net.weights[h.layer - 1]!.data.slice(),
    };
    if (this.#snapshots.at(-1)?.trained === this.#trained) this.#snapshots.pop();
    this.#snapshots.push(snapshot);
  }

  /**
   * For `sgd`'s `onEpoch`: counts the epoch, keeps its entry for the history, and takes a
   * snapshot every `every` epochs. It is bound to the replay, so it can be passed as it is.
   *
   * @param entry The epoch's entry.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay, xor } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const net = new Network([2, 2]);
   * const replay = new TrainingReplay(net, { every: 2 });
   * await net.sgd(xor(8), { epochs: 5, miniBatchSize: 4, eta: 1, onEpoch: replay.onEpoch });
   * assert.equal(replay.length, 2); // after 2 and 4 epochs
   * ```
   */
  readonly onEpoch = (entry: EpochEntry): void => {
    this.#trained++;
    if (this.#history) this.#logged.push({ trained: this.#trained, entry });
    if (this.#trained % this.#every === 0) this.record();
  };

  /**
   * The figure: a slider over the snapshots ("epochs trained") and the panels recorded,
   * redrawn in the page; the static layer and the text show the last snapshot.
   *
   * @returns The figure.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([2, 2]), { heatmap: {} });
   * replay.record();
   * assert.match(String(replay.figure()), /^Training replay of \[2, 2\]: 1 snapshot/);
   * ```
   */
  figure(): Figure {
    if (this.#snapshots.length === 0) {
      throw new RangeError(
        "Cannot draw training replay: no snapshots yet, expected record() or onEpoch to run first",
      );
    }
    const snaps = this.#snapshots.slice();
    const logged = this.#logged.slice();
    const spec = () => this.#spec(snaps, logged);
    return new Figure(this.#summary(snaps, logged), spec);
  }

  #summary(snaps: readonly Snapshot[], logged: readonly Logged[]): string {
    const last = snaps.at(-1)!;
    const panels = [
      this.#boundary && "decision regions",
      this.#fields && `receptive fields of layer ${this.#fields.layer}`,
      this.#heatmap && `weights[${this.#heatmap.layer - 1}]`,
      this.#history && logged.length > 0 && "history",
    ].filter(Boolean);
    const entry = [...logged].reverse().find((l) => l.trained <= last.trained)?.entry;
    const acc = entry?.test?.accuracy ?? entry?.evaluation?.accuracy;
    const n = snaps.length;
    return `Training replay of [${this.net.sizes.join(", ")}]: ${n} snapshot${
      n === 1 ? "" : "s"
    } after ${snaps[0]!.trained} to ${last.trained} epochs${
      panels.length > 0 ? ` (${panels.join(", ")})` : ""
    }; a slider steps through them, shown here after ${last.trained} epochs${
      acc === undefined ? "" : `, accuracy ${(100 * acc).toFixed(2)}%`
    }${this.#title === undefined ? "" : ` (${this.#title})`}`;
  }

  async #spec(
    snaps: readonly Snapshot[],
    logged: readonly Logged[],
  ): Promise<{ vegaLite: Record<string, unknown> }> {
    const epochs = snaps.map((s) => s.trained);
    const step = epochs.length > 1 ? epochs[1]! - epochs[0]! : 1;
    const uniform = epochs.every((e, i) => e === epochs[0]! + i * step);
    // The slider runs over the epochs when they are evenly spaced, else over the snapshots.
    const param = uniform
      ? {
        name: "trained",
        value: epochs.at(-1),
        bind: {
          input: "range",
          min: epochs[0],
          max: Math.max(epochs.at(-1)!, epochs[0]! + 1),
          step,
          name: "epochs trained ",
        },
      }
      : {
        name: "snapshot",
        value: epochs.length - 1,
        bind: { input: "range", min: 0, max: epochs.length - 1, step: 1, name: "snapshot " },
      };
    const current = uniform ? "trained" : `[${epochs.join(", ")}][snapshot]`;
    const frame = [{ filter: `datum.trained == (${current})` }];
    const top: Record<string, unknown>[] = [];
    const b = this.#boundary;
    if (b !== undefined) {
      const [x0, x1, y0, y1] = b.extent;
      const images = [];
      for (const s of snaps) {
        const png = await encodePng(b.res, b.res, s.regions!, 3);
        images.push({ trained: s.trained, url: pngDataUrl(png), x: x0, x2: x1, y: y1, y2: y0 });
      }
      top.push({
        title: "decision regions",
        width: 220,
        height: 220,
        layer: regionLayers(b.extent, images, b.points, CLASS_COLORS, {
          size: 24,
          strokeWidth: 0.6,
        }, frame),
      });
    }
    const h = this.#heatmap;
    if (h !== undefined) {
      const all = new Float64Array(snaps.length * h.rows * h.cols);
      snaps.forEach((s, k) => all.set(s.heatmap!, k * h.rows * h.cols));
      const domain = domainOf(all, "redblue");
      const cell = Math.max(1, Math.min(16, Math.floor(220 / Math.max(h.rows, h.cols))));
      const images = [];
      for (const s of snaps) {
        const png = await matrixPng(s.heatmap!, h.rows, h.cols, "redblue", domain, cell, cell);
        images.push({
          trained: s.trained,
          url: pngDataUrl(png),
          x: 0,
          x2: h.cols,
          y: 0,
          y2: h.rows,
        });
      }
      const px = (n: number) => ({ domain: [0, n], nice: false, zero: false });
      top.push({
        title: `weights[${h.layer - 1}], colour ±${round(domain[1])}`,
        width: h.cols * cell,
        height: h.rows * cell,
        data: { values: images },
        transform: frame,
        mark: { type: "image", aspect: false, aria: false, smooth: false },
        encoding: {
          url: { field: "url", type: "nominal" },
          x: { field: "x", type: "quantitative", scale: px(h.cols), title: "from neuron" },
          x2: { field: "x2" },
          y: {
            field: "y",
            type: "quantitative",
            scale: { ...px(h.rows), reverse: true },
            title: "to neuron",
          },
          y2: { field: "y2" },
        },
      });
    }
    if (this.#history && logged.length > 0) {
      top.push(historySpec(logged, epochs, current));
    }
    const rows: Record<string, unknown>[] = [];
    // Each panel keeps its own colours (classes, data sets).
    const independent = { scale: { color: "independent" } };
    if (top.length > 0) rows.push({ hconcat: top, resolve: independent });
    const f = this.#fields;
    if (f !== undefined) {
      const values: Record<string, unknown>[] = [];
      let gallery: Record<string, unknown> = {};
      for (const s of snaps) {
        const tiles: Tile[] = [];
        for (const [j, row] of s.fields!.entries()) {
          const png = await matrixPng(
            row,
            f.shape[0],
            f.shape[1],
            "redblue",
            domainOf(row, "redblue"),
          );
          tiles.push({
            url: pngDataUrl(png),
            caption: `${j}`,
            color: "#222222",
            info: { neuron: j },
          });
        }
        gallery = gallerySpec(tiles, f.shape, 10, f.scale, `receptive fields of layer ${f.layer}`);
        const data = gallery.data as { values: Record<string, unknown>[] };
        for (const v of data.values) values.push({ ...v, trained: s.trained });
      }
      rows.push({ ...gallery, data: { values }, transform: frame });
    }
    const caption = {
      width: 300,
      height: 14,
      view: { stroke: null },
      data: { values: [{}] },
      mark: {
        type: "text",
        align: "left",
        baseline: "top",
        fontSize: 13,
        text: { expr: `'after ' + (${current}) + ' epochs trained'` },
      },
      encoding: { x: { value: 0 }, y: { value: 0 } },
    };
    return {
      vegaLite: {
        ...titleOf(this.#title),
        params: [param],
        vconcat: [caption, ...rows],
        resolve: independent,
      },
    };
  }

  /**
   * The figure's MIME bundle (what a notebook shows), for tests and reports.
   *
   * @returns A promise of the bundle.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([2, 3, 2]), { heatmap: { layer: 1 } });
   * replay.record();
   * assert.ok("application/vnd.vegalite.v5+json" in await replay.bundle());
   * ```
   */
  bundle(): Promise<MimeBundle> {
    return this.figure().bundle();
  }

  /**
   * The figure's MIME bundle, for Deno's Jupyter kernel: a cell that ends with the replay
   * shows it.
   *
   * @returns A promise of the bundle.
   *
   * @example
   * ```ts
   * import { jupyterDisplay, Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const replay = new TrainingReplay(new Network([2, 2]), { heatmap: {} });
   * replay.record();
   * assert.match((await replay[jupyterDisplay]())["image/svg+xml"] as string, /<svg/);
   * ```
   */
  [jupyterDisplay](): Promise<MimeBundle> {
    return this.figure().bundle();
  }

  /**
   * A one-line summary.
   *
   * @returns The figure's text, or what is recorded so far.
   *
   * @example
   * ```ts
   * import { Network, TrainingReplay } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${new TrainingReplay(new Network([2, 2]))}`, "Training replay of [2, 2]: no snapshots yet");
   * ```
   */
  toString(): string {
    return this.#snapshots.length === 0
      ? `Training replay of [${this.net.sizes.join(", ")}]: no snapshots yet`
      : this.#summary(this.#snapshots, this.#logged);
  }
}

/** The history up to the current snapshot: a cost panel and an accuracy panel. */
function historySpec(
  logged: readonly Logged[],
  epochs: readonly number[],
  current: string,
): Record<string, unknown> {
  const points: { trained: number; metric: string; set: string; value: number }[] = [];
  // At most about 150 points per line (and every snapshot's epoch), to keep the spec small.
  const stride = Math.ceil(logged.length / 150);
  const shown = new Set(epochs);
  for (const [i, { trained, entry }] of logged.entries()) {
    if ((i + 1) % stride !== 0 && !shown.has(trained) && i !== logged.length - 1) continue;
    const add = (metric: string, set: string, v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) {
        points.push({ trained, metric, set, value: round(v) });
      }
    };
    add("cost", "running (mini-batches)", entry.runningCost);
    for (const set of ["training", "test", "evaluation"] as const) {
      add("cost", set, entry[set]?.cost);
      add("accuracy", set, entry[set]?.accuracy);
    }
  }
  const sets = [...new Set(points.map((p) => p.set))];
  const xDomain = [Math.min(0, epochs[0]!), Math.max(1, epochs.at(-1)!, logged.at(-1)!.trained)];
  const panel = (metric: string) => {
    const mine = points.filter((p) => p.metric === metric);
    const vs = mine.map((p) => p.value);
    // Fixed domains: the chart keeps its axes while the slider moves, and an early
    // snapshot with no points yet draws an empty chart (no infinite extent).
    let lo = Math.min(...vs), hi = Math.max(...vs);
    if (metric === "accuracy") hi = Math.min(1, hi);
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    const pad = 0.05 * (hi - lo);
    return {
      width: 260,
      height: 100,
      layer: [
        {
          data: { values: mine },
          transform: [{ filter: `datum.trained <= (${current})` }],
          mark: { type: "line", point: mine.length <= 60 * sets.length, clip: true },
          encoding: {
            x: {
              field: "trained",
              type: "quantitative",
              title: "epochs trained",
              scale: { domain: xDomain, nice: false },
              axis: { tickMinStep: 1, format: "d" },
            },
            y: {
              field: "value",
              type: "quantitative",
              title: metric,
              scale: { domain: [round(lo - pad), round(hi + pad)], nice: false, zero: false },
              ...(metric === "accuracy" ? { axis: { format: ".0%" } } : {}),
            },
            color: {
              field: "set",
              type: "nominal",
              title: "data",
              scale: { domain: sets, range: sets.map((_, i) => SERIES_COLORS[i % 5]) },
              legend: { labelLimit: 200 },
            },
            tooltip: [
              { field: "trained", type: "quantitative", title: "epochs trained" },
              { field: "set", type: "nominal", title: "data" },
              { field: "value", type: "quantitative", title: metric, format: ".4g" },
            ],
          },
        },
        {
          data: { values: epochs.map((trained) => ({ trained })) },
          transform: [{ filter: `datum.trained == (${current})` }],
          mark: { type: "rule", color: "#888888", strokeDash: [3, 3] },
          encoding: {
            x: { field: "trained", type: "quantitative", scale: { domain: xDomain, nice: false } },
          },
        },
      ],
    };
  };
  const panels = ["cost", "accuracy"]
    .filter((m) => points.some((p) => p.metric === m))
    .map(panel);
  return { title: "history", vconcat: panels, resolve: { scale: { color: "shared" } } };
}
