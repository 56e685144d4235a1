// Reading examples out of either data form (the book's pairs, or packed), and predicting
// classes through the public feedforward, for the display helpers.

import type { Data, PackedData, Vector } from "../dataset.ts";
import type { Network } from "../network.ts";
import { typeName } from "../_util.ts";

/** Data checked at a public entry: count, input length, and accessors. */
export interface Examples {
  readonly length: number;
  readonly inputSize: number;
  /** Input `i` as float64 values (scaled, for packed data). */
  input(i: number): Float64Array;
  /** Class of example `i`: its label, or the index of the largest entry of a one-hot `y`. */
  label(i: number): number;
}

function isPackedLike(data: unknown): data is PackedData {
  const p = data as Partial<PackedData>;
  return data !== null && typeof data === "object" && !Array.isArray(data) &&
    ArrayBuffer.isView(p.inputs) && ArrayBuffer.isView(p.labels) && Number.isInteger(p.length) &&
    Number.isInteger(p.inputSize) && typeof p.inputScale === "number";
}

/** Checks data at a public entry and wraps it for reading. */
export function examples(data: Data, where: string): Examples {
  if (isPackedLike(data)) {
    if (data.inputs.length < data.length * data.inputSize || data.labels.length < data.length) {
      throw new RangeError(
        `${where}: data claims ${data.length} examples but holds fewer inputs or labels`,
      );
    }
    return {
      length: data.length,
      inputSize: data.inputSize,
      input(i) {
        const x = new Float64Array(data.inputSize);
        const off = i * data.inputSize;
        for (let j = 0; j < x.length; j++) x[j] = data.inputs[off + j]! * data.inputScale;
        return x;
      },
      label: (i) => data.labels[i]!,
    };
  }
  if (!Array.isArray(data)) {
    throw new TypeError(
      `${where}: data is ${typeName(data)}, expected an array of [x, y] pairs or packed data`,
    );
  }
  const inputSize = data.length === 0 ? 0 : (data[0]?.[0] as Vector | undefined)?.length ?? 0;
  data.forEach((ex, i) => {
    if (!Array.isArray(ex) || ex.length !== 2) {
      throw new TypeError(`${where}: example ${i} is ${typeName(ex)}, expected an [x, y] pair`);
    }
    const [x, y] = ex;
    if (x === null || typeof x !== "object" || typeof x.length !== "number") {
      throw new TypeError(`${where}: input ${i} is ${typeName(x)}, expected ${inputSize} numbers`);
    }
    if (x.length !== inputSize) {
      throw new RangeError(
        `${where}: input ${i} has length ${x.length}, expected ${inputSize} (as input 0)`,
      );
    }
    if (typeof y !== "number" && (y === null || typeof y !== "object")) {
      throw new TypeError(`${where}: label ${i} is ${typeName(y)}, expected a class or a vector`);
    }
  });
  return {
    length: data.length,
    inputSize,
    input: (i) => Float64Array.from(data[i]![0]),
    label(i) {
      const y = data[i]![1];
      if (typeof y === "number") return y;
      let best = 0;
      for (let k = 1; k < y.length; k++) if (y[k]! > y[best]!) best = k;
      return best;
    },
  };
}

/** The index of the largest output, the book's `np.argmax`. */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < a.length; k++) if (a[k]! > a[best]!) best = k;
  return best;
}

/** Checks that a network's input layer fits the data. */
export function checkFits(net: Network, ex: Examples, where: string): void {
  if (ex.length > 0 && ex.inputSize !== net.sizes[0]) {
    throw new RangeError(
      `${where}: inputs have length ${ex.inputSize}, expected ${net.sizes[0]} (sizes[0])`,
    );
  }
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
