/**
 * Saving a network to a JSON file and loading it back (network2.py's `save` and `load`). The
 * file is network2.py's JSON with what is new here: a format version, the activations, the
 * cost and the regularization. A file written by network2.py loads too.
 *
 * @module
 */

import { toPath, writeFileAtomic } from "./_file.ts";
import { typeName } from "./_util.ts";
import { checkOptions } from "./_validate.ts";
import { Network } from "./network.ts";
import { Network3 } from "./network3.ts";

/** Options for {@linkcode loadNetwork}. */
export interface LoadNetworkOptions {
  /** Largest file to read, in bytes; default 256 MiB (a `[784, 100, 10]` network is ~2 MB). */
  maxBytes?: number;
}

/**
 * Writes a network to a JSON file, atomically: the JSON goes to a temporary file in the same
 * directory, is flushed to disk, and is then renamed over `path`, so that the file at `path`
 * is always either the old one or the complete new one.
 *
 * @param net The network.
 * @param path Where to write (a path or a file URL).
 * @returns A promise that resolves once the file is in place.
 *
 * @example Save and load
 * ```ts
 * import { loadNetwork, Network, saveNetwork } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const net = new Network([3, 2], { seed: 1, cost: "CrossEntropyCost" });
 * await saveNetwork(net, `${dir}/net.json`);
 * const copy = await loadNetwork(`${dir}/net.json`);
 * assert.deepEqual(copy.weights[0]!.data, net.weights[0]!.data);
 * assert.equal(copy.cost.name, "CrossEntropyCost");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveNetwork(net: Network | Network3, path: string | URL): Promise<void> {
  const where = "Cannot save network";
  if (!(net instanceof Network || net instanceof Network3)) {
    throw new TypeError(`${where}: expected a Network or a Network3, got ${typeName(net)}`);
  }
  const target = toPath(path, where);
  await writeFileAtomic(target, new TextEncoder().encode(JSON.stringify(net)));
}

/**
 * Reads a network from a JSON file written by {@linkcode saveNetwork} or by network2.py's
 * `save`. Every field and shape is checked and a wrong one is named in the error; nothing in
 * the file is evaluated (see {@linkcode Network.fromJSON}).
 *
 * @param path The file (a path or a file URL).
 * @param options `maxBytes`: refuse larger files.
 * @returns The network.
 *
 * @example A truncated file is refused
 * ```ts
 * import { loadNetwork, Network, saveNetwork } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await saveNetwork(new Network([2, 2], { seed: 1 }), `${dir}/net.json`);
 * const text = await Deno.readTextFile(`${dir}/net.json`);
 * await Deno.writeTextFile(`${dir}/cut.json`, text.slice(0, 40));
 * await assert.rejects(() => loadNetwork(`${dir}/cut.json`), /not valid JSON/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadNetwork(
  path: string | URL,
  options: LoadNetworkOptions = {},
): Promise<Network> {
  return await loadWith(path, options, (text) => Network.fromJSON(text));
}

/**
 * Reads a {@linkcode Network3} from a JSON file written by {@linkcode saveNetwork}, every field
 * checked (see {@linkcode Network3.fromJSON}).
 *
 * @param path The file (a path or a file URL).
 * @param options `maxBytes`: refuse larger files.
 * @returns The network.
 *
 * @example Save and load a layered network
 * ```ts
 * import { FullyConnectedLayer, loadNetwork3, Network3, saveNetwork, SoftmaxLayer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const net = new Network3([new FullyConnectedLayer({ nIn: 3, nOut: 2 }), new SoftmaxLayer({ nIn: 2, nOut: 2 })], { seed: 1 });
 * await saveNetwork(net, `${dir}/net3.json`);
 * assert.deepEqual((await loadNetwork3(`${dir}/net3.json`)).layers[0]!.w, net.layers[0]!.w);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadNetwork3(
  path: string | URL,
  options: LoadNetworkOptions = {},
): Promise<Network3> {
  return await loadWith(path, options, (text) => Network3.fromJSON(text));
}

/** Reads the file (size checked first) and parses it, naming the file in any error. */
async function loadWith<T>(
  path: string | URL,
  options: LoadNetworkOptions,
  parse: (text: string) => T,
): Promise<T> {
  const where = "Cannot load network";
  const file = toPath(path, where);
  const o = checkOptions(options, where, "an object such as { maxBytes }", ["maxBytes"]);
  const maxBytes = o.maxBytes ?? 256 * 2 ** 20;
  if (typeof maxBytes !== "number" || !(maxBytes > 0)) {
    throw new RangeError(`${where}: maxBytes is ${String(maxBytes)}, expected a positive number`);
  }
  const { size } = await Deno.stat(file);
  if (size > maxBytes) {
    throw new RangeError(
      `${where}: ${file} has ${size} bytes, expected at most ${maxBytes} (maxBytes)`,
    );
  }
  const text = await Deno.readTextFile(file);
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // Name the file in the message, keeping the error's type.
    const ctor = e.constructor as new (message: string) => Error;
    throw new ctor(e.message.replace(where, `${where} from ${file}`));
  }
}
