// An independent forward pass for checking the display helpers' predictions.

import type { Network } from "../../mod.ts";

/** The network's output for `x`, with plain loops over `toArray()` rows. */
export function referenceForward(net: Network, x: ArrayLike<number>): number[] {
  let a = Array.from(x);
  for (let l = 0; l < net.weights.length; l++) {
    const w = net.weights[l]!.toArray(), b = net.biases[l]!.toArray();
    a = w.map((row, i) =>
      1 / (1 + Math.exp(-(row.reduce((s, wij, j) => s + wij * a[j]!, 0) + b[i]![0]!)))
    );
  }
  return a;
}

/** The most active output neuron for `x`. */
export function referenceClass(net: Network, x: ArrayLike<number>): number {
  const a = referenceForward(net, x);
  return a.indexOf(Math.max(...a));
}
