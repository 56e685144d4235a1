// network3.py's layers and networks as the display layer reads them: by shape, as it
// constructs none and reaches into no private state (see checkNetwork in _data.ts).

import type { ConvPoolLayer, Layer } from "../layers.ts";
import type { Network3 } from "../network3.ts";
import { typeName } from "../_util.ts";

const isShape = (v: unknown, n: number): v is readonly number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => Number.isInteger(x) && x > 0);

/** Whether `l` is a convolutional layer: filter, image, pool and output shapes, filters, biases. */
export function isConvLayer(l: unknown): l is ConvPoolLayer {
  const c = l as Partial<ConvPoolLayer>;
  if (l === null || typeof l !== "object") return false;
  if (!isShape(c.filterShape, 4) || !isShape(c.imageShape, 3) || !isShape(c.outputShape, 3)) {
    return false;
  }
  const [f, ch, kh, kw] = c.filterShape;
  return ArrayBuffer.isView(c.w) && ArrayBuffer.isView(c.b) &&
    (c.w as Float64Array).length === f! * ch! * kh! * kw! && (c.b as Float64Array).length === f;
}

/** Whether `net` is a network of layers (a `Network3`): an array of layers and `layerOutputs`. */
export function isLayered(net: unknown): net is Network3 {
  const n = net as Partial<Network3>;
  return net !== null && typeof net === "object" && Array.isArray(n.layers) &&
    typeof n.layerOutputs === "function";
}

/** Checks that every layer has the fields the display reads; returns the layers. */
export function checkLayered(net: unknown, where: string, expected: string): readonly Layer[] {
  if (!isLayered(net)) {
    throw new TypeError(`${where}: net is ${typeName(net)}, expected ${expected}`);
  }
  net.layers.forEach((l, i) => {
    const d = l as Partial<Layer>;
    if (
      l === null || typeof l !== "object" || !Number.isInteger(d.nIn) ||
      !Number.isInteger(d.nOut) || !Array.isArray(d.outputShape) || !ArrayBuffer.isView(d.w) ||
      !ArrayBuffer.isView(d.b)
    ) {
      throw new TypeError(
        `${where}: layer ${i + 1} is ${typeName(l)}, expected a ConvPoolLayer, ` +
          "FullyConnectedLayer or SoftmaxLayer",
      );
    }
  });
  return net.layers;
}

/** The layer's class name: `ConvPoolLayer`, `FullyConnectedLayer`, `SoftmaxLayer`. */
export function layerType(l: Layer): string {
  return isConvLayer(l) ? "ConvPoolLayer" : l.constructor.name;
}

/** What the colours of a scheme mean, for a figure's text layer. */
export function colorWords(scheme: string): string {
  switch (scheme) {
    case "redblue":
      return "blue positive, red negative";
    case "purplegreen":
      return "green positive, purple negative";
    case "viridis":
      return "yellow is larger";
    default:
      return "darker is larger";
  }
}
