/**
 * Exporting a network to ONNX, the exchange format that ONNX Runtime, Netron, PyTorch and most
 * inference engines read: one `Gemm` per layer (`y = x·wᵀ + b`) followed by the layer's
 * activation, weights as float32.
 *
 * Models are ONNX IR version 8 with operator set 13 of the default domain. The protobuf is
 * written by the npm package `onnx-proto`, generated from the official `onnx.proto` (see
 * lib/_onnx_graph.ts for why).
 *
 * @module
 */

import { toPath, writeFileAtomic } from "./_file.ts";
import { LEAKY_SLOPE } from "./_kernels.ts";
import { type AttributeValue, GraphBuilder } from "./_onnx_graph.ts";
import { typeName } from "./_util.ts";
import type { ActivationName } from "./activations.ts";
import type { Matrix } from "./matrix.ts";
import { Network } from "./network.ts";

/** The ONNX operator (and its attributes) computing each activation; identity needs none. */
const ACTIVATION_OPS: Readonly<
  Record<ActivationName, { op: string; attributes?: Record<string, AttributeValue> } | null>
> = {
  sigmoid: { op: "Sigmoid" },
  tanh: { op: "Tanh" },
  relu: { op: "Relu" },
  // ONNX's alpha is a float32: 0.01 becomes 0.0099999998, within float32 rounding.
  leakyRelu: { op: "LeakyRelu", attributes: { alpha: LEAKY_SLOPE } },
  // Each row of the [N, k] activations is one example: normalise along axis 1, the neurons.
  softmax: { op: "Softmax", attributes: { axis: 1n } },
  identity: null,
};

/**
 * The network as an ONNX model: the bytes of a `ModelProto` (ONNX IR version 8, operator set
 * 13). The graph takes `input`, a float32 tensor of shape `[N, sizes[0]]` whose batch size `N`
 * is free, and gives `output`, of shape `[N, sizes[numLayers-1]]`: row `i` of `output` is
 * `feedforward` of row `i` of `input`, computed in float32.
 *
 * Layer `l` is a `Gemm` node (`z = a·wᵀ + b`, with `weights[l]` stored as it is, `sizes[l+1]
 * × sizes[l]`, and `transB = 1`) and then its activation: `Sigmoid`, `Tanh`, `Relu`,
 * `LeakyRelu` (α = 0.01), `Softmax` (axis 1), or nothing for the identity. The cost does not
 * enter the forward pass; it is kept, with the sizes and activations, in the model's
 * metadata. Weights and biases are rounded to float32, as ONNX runtimes expect.
 *
 * A network that float32 cannot hold is refused, naming the layer: a weight or bias that is
 * not finite, or beyond float32's range (±3.4·10³⁸), would be exported wrong.
 *
 * @param net The network.
 * @returns The model's bytes, to write to a `.onnx` file (see {@linkcode saveOnnx}).
 * @throws {RangeError} When a weight or bias does not fit in float32.
 *
 * @example Run the exported model in ONNX Runtime (WebAssembly)
 * ```ts
 * import { Network, toOnnx } from "@backprop/backprop";
 * import * as ort from "npm:onnxruntime-web@1.30.0";
 * import assert from "node:assert/strict";
 *
 * const net = new Network([3, 4, 2], { seed: 1, activations: ["relu", "softmax"] });
 * ort.env.wasm.numThreads = 1;
 * const session = await ort.InferenceSession.create(toOnnx(net));
 * const x = [0.5, -1, 2];
 * const { output } = await session.run({ input: new ort.Tensor("float32", x, [1, 3]) });
 * const expected = net.feedforward(x).data;
 * output!.data.forEach((v, i) => assert.ok(Math.abs(Number(v) - expected[i]!) < 1e-6));
 * ```
 */
export function toOnnx(net: Network): Uint8Array {
  const where = "Cannot export to ONNX";
  if (!(net instanceof Network)) {
    throw new TypeError(`${where}: expected a Network, got ${typeName(net)}`);
  }
  checkLayers(net, where);
  const g = new GraphBuilder();
  const last = net.sizes.length - 1;
  let a = g.input("input", ["N", net.sizes[0]!]);
  for (let l = 0; l < last; l++) {
    const layer = `layer${l + 1}`;
    const act = ACTIVATION_OPS[net.activationNames[l]!];
    const w = net.weights[l]!, b = net.biases[l]!;
    const z = act === null && l === last - 1 ? "output" : `${layer}.z`;
    // The book's z = w·a + b for a column a; with one example per row of A, Z = A·wᵀ + b.
    g.node(
      "Gemm",
      `${layer}.gemm`,
      [
        a,
        g.initializer(`weights.${l}`, [w.rows, w.cols], w.data),
        g.initializer(`biases.${l}`, [b.rows], b.data),
      ],
      [z],
      { transB: 1n },
    );
    a = z;
    if (act !== null) {
      a = l === last - 1 ? "output" : `${layer}.a`;
      g.node(act.op, `${layer}.${net.activationNames[l]}`, [z], [a], act.attributes);
    }
  }
  g.output("output", ["N", net.sizes[last]!]);
  return g.toModel({
    graphName: `network_${net.sizes.join("_")}`,
    docString: `${String(net)}, exported by backprop`,
    metadata: {
      sizes: JSON.stringify(net.sizes),
      activations: JSON.stringify(net.activationNames),
      cost: net.cost.name,
    },
  });
}

/**
 * Writes the network to an ONNX file (see {@linkcode toOnnx}), atomically: the file at `path`
 * is always either the old one or the complete new one.
 *
 * @param net The network.
 * @param path Where to write (a path or a file URL), usually ending in `.onnx`.
 * @returns A promise that resolves once the file is in place.
 *
 * @example
 * ```ts
 * import { Network, saveOnnx, toOnnx } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const net = new Network([784, 30, 10], { seed: 1 });
 * await saveOnnx(net, `${dir}/mnist.onnx`);
 * assert.deepEqual(await Deno.readFile(`${dir}/mnist.onnx`), toOnnx(net));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveOnnx(net: Network, path: string | URL): Promise<void> {
  const target = toPath(path, "Cannot save ONNX model");
  await writeFileAtomic(target, toOnnx(net));
}

/** Refuses a layer whose parameters float32 cannot hold, or whose shape is not the sizes'. */
function checkLayers(net: Network, where: string): void {
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const name = `layer ${l + 1} (${net.activationNames[l]})`;
    if (!Object.hasOwn(ACTIVATION_OPS, net.activationNames[l]!)) {
      throw new RangeError(
        `${where}: ${name} is not an activation we can export, expected one of ${
          Object.keys(ACTIVATION_OPS).join(", ")
        }`,
      );
    }
    checkParameters(net.weights[l], `weights[${l}]`, net.sizes[l + 1]!, net.sizes[l]!, name, where);
    checkParameters(net.biases[l], `biases[${l}]`, net.sizes[l + 1]!, 1, name, where);
  }
}

function checkParameters(
  m: Matrix | undefined,
  what: string,
  rows: number,
  cols: number,
  layer: string,
  where: string,
): void {
  if (m === undefined || m.rows !== rows || m.cols !== cols || m.data.length !== rows * cols) {
    throw new TypeError(
      `${where}: ${layer} has ${what} of ${m?.rows} × ${m?.cols}, expected ${rows} × ${cols}`,
    );
  }
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i]!;
    if (!Number.isFinite(Math.fround(v))) {
      const at = cols === 1
        ? `${what}[${i}]`
        : `${what} row ${Math.floor(i / cols)}, column ${i % cols}`;
      throw new RangeError(
        `${where}: ${layer} has ${v} at ${at}, expected a finite number within float32's range (±3.4e38)`,
      );
    }
  }
}
