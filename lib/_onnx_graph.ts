// A small builder of ONNX graphs: float32 initializers, nodes with their attributes, one
// float32 input and one output, then the model's bytes. Each kind of network adds its own
// nodes through it (lib/onnx.ts: Gemm and activations for the book's Network; Reshape, Conv,
// MaxPool, Flatten, Gemm and Softmax for Network3).
//
// The protobuf messages are written by the npm package onnx-proto: code that pbjs
// (protobufjs's generator) made from the official onnx.proto of ONNX 1.10 (IR version 8),
// run by protobufjs/minimal. We chose it over writing the protobuf wire format ourselves or
// a hand-written schema for protobufjs because its field numbers and types come from
// onnx.proto itself rather than from us, and it parses no schema at run time.

import { onnxProto } from "./_npm.ts";

const { onnx } = onnxProto;

/** ONNX IR version of the models we write (ONNX 1.10's `IR_VERSION`). */
export const IR_VERSION = 8;

/**
 * Version of the default ("ai.onnx") operator set we use: 13 (ONNX 1.8), where Softmax
 * normalises along one axis (earlier versions flattened every axis from `axis` on).
 */
export const OPSET_VERSION = 13;

/**
 * An attribute value: a float, an integer (a bigint), a string, or a list of integers (as
 * Conv's `kernel_shape`, `strides` and `pads`).
 */
export type AttributeValue = number | bigint | string | readonly bigint[];

/** A tensor dimension: a fixed size, or a name for a size fixed at run time ("N"). */
export type Dim = number | string;

/** Builds one graph; `toModel` gives the bytes of its `ModelProto`. */
export class GraphBuilder {
  #nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  #initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  #inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  #outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  #names = new Set<string>();

  /** A constant float32 tensor of shape `dims` holding `values` (rounded to float32). */
  initializer(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.#claim(name);
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) {
      throw new RangeError(`Initializer ${name} has ${values.length} values, expected ${count}`);
    }
    // raw_data holds the values little-endian whatever the host's byte order.
    const raw = new Uint8Array(4 * count);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < count; i++) view.setFloat32(4 * i, values[i]!, true);
    this.#initializers.push(onnx.TensorProto.create({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: raw,
    }));
    return name;
  }

  /** A constant int64 tensor (a shape for Reshape, for example). */
  int64Initializer(name: string, dims: readonly number[], values: readonly bigint[]): string {
    this.#claim(name);
    const raw = new Uint8Array(8 * values.length);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
    this.#initializers.push(onnx.TensorProto.create({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: raw,
    }));
    return name;
  }

  /** A node applying `opType` to `inputs`, writing `outputs`, with its attributes. */
  node(
    opType: string,
    name: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): void {
    for (const out of outputs) this.#claim(out);
    this.#nodes.push(onnx.NodeProto.create({
      opType,
      name,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([key, v]) => attribute(key, v)),
    }));
  }

  /** Declares a float32 graph input of shape `dims`. */
  input(name: string, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Declares a float32 graph output of shape `dims` (some node must write it). */
  output(name: string, dims: readonly Dim[]): void {
    this.#outputs.push(valueInfo(name, dims));
  }

  /** The bytes of a `ModelProto` holding this graph. */
  toModel(options: {
    graphName: string;
    docString: string;
    metadata: Readonly<Record<string, string>>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: OPSET_VERSION })],
      producerName: "backprop",
      docString: options.docString,
      graph: onnx.GraphProto.create({
        name: options.graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      }),
      metadataProps: Object.entries(options.metadata).map(([key, value]) =>
        onnx.StringStringEntryProto.create({ key, value })
      ),
    });
    // protobufjs hands back a Node Buffer under Deno; copy it into a plain Uint8Array.
    return new Uint8Array(onnx.ModelProto.encode(model).finish());
  }

  /** Every value in an ONNX graph has one writer: refuse a name used twice. */
  #claim(name: string): void {
    if (this.#names.has(name)) throw new RangeError(`ONNX value ${name} is defined twice`);
    this.#names.add(name);
  }
}

function attribute(name: string, v: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === "number") return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
  if (typeof v === "bigint") {
    return onnx.AttributeProto.create({ name, type: T.INT, i: Number(v) });
  }
  if (typeof v !== "string") {
    return onnx.AttributeProto.create({ name, type: T.INTS, ints: v.map(Number) });
  }
  return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
}

function valueInfo(name: string, dims: readonly Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            onnx.TensorShapeProto.Dimension.create(
              typeof d === "number" ? { dimValue: d } : { dimParam: d },
            )
          ),
        }),
      }),
    }),
  });
}
