/**
 * A diagram of a network: its layers as columns of neurons, its weights as lines.
 *
 * @module
 */

import type { Network } from "../network.ts";
import { type ColorScheme, round, stops } from "./_color.ts";
import { checkNetwork } from "./_data.ts";
import { positiveInt } from "./_gallery.ts";
import { checkFigureOptions, schemeOption, titleOf } from "./_options.ts";
import { Figure, type FigureOptions } from "./figure.ts";

/** Options for {@linkcode networkDiagram}. */
export interface NetworkDiagramOptions extends FigureOptions {
  /** Neurons drawn per layer at most; larger layers show their first and last ones. Default 12. */
  maxNeurons?: number;
  /** Colour scheme of the weights; default `"redblue"` (negative red, positive blue). */
  scheme?: ColorScheme;
}

/** Which neurons of a layer of `n` to draw: all, or the first and last `max / 2`. */
function shownNeurons(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil(max / 2), tail = Math.floor(max / 2);
  return [
    ...Array.from({ length: head }, (_, i) => i),
    ...Array.from({ length: tail }, (_, i) => n - tail + i),
  ];
}

/**
 * The network as a diagram: one column of neurons per layer, a line for every weight
 * between drawn neurons, its colour the weight's sign and its width the weight's size.
 * Hovering shows each weight and bias. Layers larger than `maxNeurons` show their first and
 * last neurons with a gap between.
 *
 * @param net The network.
 * @param options `title`, `width`, `height`, `maxNeurons`, `scheme`.
 * @returns The figure: vega-lite diagram, its SVG, and a summary.
 *
 * @example
 * ```ts
 * import { Network, networkDiagram } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const fig = networkDiagram(new Network([2, 3, 1], { seed: 1 }));
 * assert.equal(String(fig), "Network diagram [2, 3, 1]: 6 neurons, 9 weights drawn");
 * const svg = (await fig.bundle())["image/svg+xml"] as string;
 * assert.ok((svg.match(/<line/g)?.length ?? 0) >= 9);
 * ```
 */
export function networkDiagram(net: Network, options?: NetworkDiagramOptions): Figure {
  const where = "Cannot draw network diagram";
  checkNetwork(net, where);
  const maxNeurons = positiveInt(options?.maxNeurons, "maxNeurons", 12, where);
  const scheme = schemeOption(options?.scheme, "redblue", where);
  const { title, width, height } = checkFigureOptions(options, where, {
    width: Math.min(640, 160 * net.sizes.length),
    height: 320,
  }, ["maxNeurons", "scheme"]);
  const shown = net.sizes.map((n) => shownNeurons(n, maxNeurons));
  const head = Math.ceil(maxNeurons / 2);
  // A cut layer leaves one slot empty between its first and last neurons for a "⋮".
  const cut = shown.map((s, l) => s.length < net.sizes[l]!);
  const slots = shown.map((s, l) => s.length + (cut[l] ? 1 : 0));
  const tallest = Math.max(...slots);
  // Neuron k of a column sits at y = slot + offset, columns centred vertically.
  const yOf = (l: number, k: number) =>
    k + (cut[l] && k >= head ? 1 : 0) + (tallest - slots[l]!) / 2;
  const nodes: Record<string, number | null>[] = [];
  const gaps: { x: number; y: number; text: string }[] = [];
  const names = net.sizes.map((n, l) =>
    `${l === 0 ? "input" : l === net.sizes.length - 1 ? "output" : "hidden"} (${n})`
  );
  for (let l = 0; l < net.sizes.length; l++) {
    shown[l]!.forEach((i, k) => {
      nodes.push({
        layer: l,
        neuron: i,
        x: l,
        y: yOf(l, k),
        bias: l === 0 ? null : round(net.biases[l - 1]!.get(i, 0)),
      });
    });
    if (cut[l]) gaps.push({ x: l, y: yOf(l, head - 1) + 1, text: "⋮" });
  }
  const edges: (Record<string, number | string> & { magnitude: number })[] = [];
  let maxAbs = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const w = net.weights[l]!;
    shown[l + 1]!.forEach((j, kj) => {
      shown[l]!.forEach((i, ki) => {
        const v = w.get(j, i);
        maxAbs = Math.max(maxAbs, Math.abs(v));
        edges.push({
          x: l,
          y: yOf(l, ki),
          x2: l + 1,
          y2: yOf(l + 1, kj),
          weight: round(v),
          magnitude: Math.abs(v),
          from: `layer ${l} neuron ${i}`,
          to: `layer ${l + 1} neuron ${j}`,
        });
      });
    });
  }
  // Strong weights drawn last, on top.
  edges.sort((a, b) => a.magnitude - b.magnitude);
  const m = maxAbs || 1;
  const s = stops(scheme);
  const xScale = { domain: [-0.3, net.sizes.length - 0.7] };
  const yScale = { domain: [tallest - 0.5, -0.5] };
  const x = (field: string) => ({ field, type: "quantitative", scale: xScale, axis: null });
  const y = (field: string) => ({ field, type: "quantitative", scale: yScale, axis: null });
  const text = `Network diagram [${
    net.sizes.join(", ")
  }]: ${nodes.length} neurons, ${edges.length} weights drawn`;
  return new Figure(text, () => ({
    vegaLite: {
      ...titleOf(title),
      width,
      height,
      view: { stroke: null },
      layer: [
        {
          data: { values: edges },
          mark: { type: "rule", tooltip: true },
          encoding: {
            x: x("x"),
            y: y("y"),
            x2: { field: "x2" },
            y2: { field: "y2" },
            color: {
              field: "weight",
              type: "quantitative",
              scale: { domain: [-m, 0, m], range: [s[0], s[Math.floor(s.length / 2)], s.at(-1)] },
              legend: { title: "weight" },
            },
            strokeWidth: {
              field: "magnitude",
              type: "quantitative",
              scale: { domain: [0, m], range: [0.2, 4] },
              legend: null,
            },
            tooltip: [
              { field: "from", type: "nominal" },
              { field: "to", type: "nominal" },
              { field: "weight", type: "quantitative", format: ".4g" },
            ],
          },
        },
        {
          data: { values: nodes },
          mark: { type: "circle", size: 160, stroke: "#333", fill: "white", opacity: 1 },
          encoding: {
            x: x("x"),
            y: y("y"),
            tooltip: [
              { field: "layer", type: "quantitative" },
              { field: "neuron", type: "quantitative" },
              { field: "bias", type: "quantitative", format: ".4g" },
            ],
          },
        },
        {
          data: { values: gaps },
          mark: { type: "text", fontSize: 18, baseline: "middle" },
          encoding: { x: x("x"), y: y("y"), text: { field: "text" } },
        },
        {
          data: { values: names.map((name, l) => ({ x: l, y: tallest - 0.5, name })) },
          mark: { type: "text", baseline: "top", dy: 4, fontWeight: "bold" },
          encoding: { x: x("x"), y: y("y"), text: { field: "name" } },
        },
      ],
    },
  }));
}
