/**
 * A network as a table: layer sizes, parameter counts and weight statistics for a `Network`;
 * type, output shape and parameter count of each layer for a `Network3`. This is what either
 * shows in a notebook.
 *
 * @module
 */

import type { Network } from "../network.ts";
import type { Network3 } from "../network3.ts";
import { round } from "./_color.ts";
import { checkNetwork } from "./_data.ts";
import { checkLayered, isConvLayer, isLayered, layerType } from "./_layered.ts";
import { escapeXml } from "./_options.ts";
import { Figure } from "./figure.ts";
import { table } from "./table.ts";

/** Mean, standard deviation, minimum and maximum of some values. */
function stats(v: Float64Array): [mean: number, std: number, min: number, max: number] {
  let sum = 0, min = Infinity, max = -Infinity;
  for (const x of v) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return [mean, Math.sqrt(sq / v.length), min, max];
}

const HEAD = [
  "layer",
  "neurons",
  "activation",
  "weights",
  "parameters",
  "weight mean",
  "weight std",
  "weight min",
  "weight max",
  "bias mean",
  "bias std",
];

/**
 * A summary table of a network. For a `Network`: for each layer its neurons, activation, the
 * shape of its weight matrix, its parameters (weights and biases), and the mean, standard
 * deviation and range of its weights and biases; above, the total number of parameters and
 * the cost. For a `Network3` (network3.py's layers): for each layer, numbered from 1 as
 * `net.layers[0]`, its type, output shape (`F×H×W` for a conv layer, after pooling), activation,
 * weight shape (filters `F×C×KH×KW`, dense `nOut×nIn`), parameters and dropout; above, the
 * shapes from input to output, the total number of parameters and the cost.
 *
 * One function for both, as both networks show themselves with it.
 *
 * @param net The network: a `Network` or a `Network3`.
 * @returns The figure: an HTML table and the same table as text (and, for a `Network3`, as
 *   SVG).
 *
 * @example
 * ```ts
 * import { Network, networkSummary } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const fig = networkSummary(new Network([784, 30, 10], { seed: 1 }));
 * assert.match(String(fig), /^Network \[784, 30, 10\]: 23860 parameters, QuadraticCost/);
 * assert.match((await fig.bundle())["text/html"] as string, /<table/);
 * ```
 *
 * @example The book's chapter-6 network
 * ```ts
 * import {
 *   ConvPoolLayer,
 *   FullyConnectedLayer,
 *   Network3,
 *   networkSummary,
 *   SoftmaxLayer,
 * } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const net = new Network3([
 *   new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" }),
 *   new ConvPoolLayer({ filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12], activation: "relu" }),
 *   new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activation: "relu" }),
 *   new SoftmaxLayer({ nIn: 100, nOut: 10 }),
 * ], { seed: 1 });
 * const lines = String(networkSummary(net)).split("\n");
 * assert.equal(
 *   lines[0],
 *   "Network3 1×28×28 → 20×12×12 → 40×4×4 → 100 → 10: 85670 parameters, LogLikelihoodCost",
 * );
 * assert.match(lines[3]!, /^1\s+ConvPoolLayer\s+20×12×12\s+relu\s+20×1×5×5\s+520$/);
 * ```
 */
export function networkSummary(net: Network | Network3): Figure {
  const where = "Cannot summarize network";
  if (isLayered(net)) return layeredSummary(net, where);
  checkNetwork(net, where, "a Network or a Network3");
  const rows: string[][] = [];
  let total = 0;
  net.sizes.forEach((n, l) => {
    if (l === 0) {
      rows.push(["0 (input)", String(n), "", "", "0", "", "", "", "", "", ""]);
      return;
    }
    const w = net.weights[l - 1]!, b = net.biases[l - 1]!;
    const p = w.data.length + b.data.length;
    total += p;
    const [wm, ws, wlo, whi] = stats(w.data);
    const [bm, bs] = stats(b.data);
    rows.push([
      `${l}${l === net.sizes.length - 1 ? " (output)" : ""}`,
      String(n),
      net.activationNames?.[l - 1] ?? "sigmoid",
      `${w.rows}×${w.cols}`,
      String(p),
      ...[wm, ws, wlo, whi, bm, bs].map((x) => String(round(Number(x.toFixed(4))))),
    ]);
  });
  const widths = HEAD.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padStart(widths[c]!)).join("  ").trimEnd();
  const title = `Network [${net.sizes.join(", ")}]: ${total} parameters, ${
    net.cost?.name ?? "QuadraticCost"
  }`;
  const text = [title, line(HEAD), ...rows.map(line)].join("\n");
  const cells = (r: string[], tag: string) =>
    `<tr>${r.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join("")}</tr>`;
  const html = `<table><caption style="text-align:left">${escapeXml(title)}</caption>` +
    `<thead>${cells(HEAD, "th")}</thead><tbody>${
      rows.map((r) => cells(r, "td")).join("")
    }</tbody></table>`;
  return new Figure(text, () => ({ html }));
}

/** network3's table: a row per layer with its type, output shape and parameters. */
function layeredSummary(net: Network3, where: string): Figure {
  const layers = checkLayered(net, where, "a Network or a Network3");
  const first = layers[0]!;
  const inputShape = isConvLayer(first) ? first.imageShape : [first.nIn];
  const rows: (string | number)[][] = [["0 (input)", "", inputShape.join("×"), "", "", 0, ""]];
  let total = 0;
  layers.forEach((l, i) => {
    const p = l.w.length + l.b.length;
    total += p;
    const conv = isConvLayer(l);
    rows.push([
      `${i + 1}${i === layers.length - 1 ? " (output)" : ""}`,
      layerType(l),
      l.outputShape.join("×"),
      "activation" in l ? l.activation : "softmax",
      conv ? l.filterShape.join("×") : `${l.nOut}×${l.nIn}`,
      p,
      conv || l.pDropout === 0 ? "" : String(l.pDropout),
    ]);
  });
  const shapes = [inputShape, ...layers.map((l) => l.outputShape)].map((s) => s.join("×"));
  return table(
    ["layer", "type", "output", "activation", "weights", "parameters", "pDropout"],
    rows,
    { title: `Network3 ${shapes.join(" → ")}: ${total} parameters, LogLikelihoodCost` },
  );
}
