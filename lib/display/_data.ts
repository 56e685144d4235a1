// Reading examples out of either data form (the book's pairs, or packed), checked by the
// validation module as the training entry points check theirs, and predicting classes
// through the public feedforward, for the display helpers.

import { classOf, type Source } from "../_batch.ts";
import type { Data } from "../dataset.ts";
import type { Network } from "../network.ts";
import { argmax, typeName } from "../_util.ts";
import { impliedSizes, toSource } from "../_validate.ts";

/** Data checked at a public entry: count, input length, and accessors. */
export interface Examples {
  readonly length: number;
  readonly inputSize: number;
  /** Input `i` as float64 values (scaled, for packed data). */
  input(i: number): Float64Array;
  /** Class of example `i`: its label, or the index of the largest entry of a one-hot `y`. */
  label(i: number): number;
}

/**
 * Checks data at a public entry and wraps it for reading: against the network's `sizes`
 * when there is one, else against the sizes the data implies (its first input's length).
 */
export function examples(data: Data, where: string, sizes?: readonly number[]): Examples {
  const src: Source = toSource(sizes ?? impliedSizes(data), data, where, "the", false);
  if (src.kind === "packed") {
    const d = src.data;
    return {
      length: d.length,
      inputSize: d.inputSize,
      input(i) {
        const x = new Float64Array(d.inputSize);
        const off = i * d.inputSize;
        for (let j = 0; j < x.length; j++) x[j] = d.inputs[off + j]! * d.inputScale;
        return x;
      },
      label: (i) => classOf(src, i),
    };
  }
  const { xs } = src;
  return {
    length: xs.length,
    inputSize: xs[0]?.length ?? sizes?.[0] ?? 0,
    input: (i) => Float64Array.from(xs[i]!),
    label: (i) => classOf(src, i),
  };
}

/** The network's class for each example: the most active output neuron. */
export function predictAll(net: Network, ex: Examples): Int32Array {
  const out = new Int32Array(ex.length);
  for (let i = 0; i < ex.length; i++) out[i] = argmax(net.feedforward(ex.input(i)).data);
  return out;
}

/** Checks that `net` is a network (by shape, as the display layer does not construct one). */
export function checkNetwork(net: unknown, where: string, expected = "a Network"): Network {
  const n = net as Partial<Network>;
  if (
    net === null || typeof net !== "object" || !Array.isArray(n.sizes) ||
    !Array.isArray(n.weights) || !Array.isArray(n.biases) || typeof n.feedforward !== "function"
  ) {
    throw new TypeError(`${where}: net is ${typeName(net)}, expected ${expected}`);
  }
  return net as Network;
}
