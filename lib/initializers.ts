/**
 * Ways to draw a network's initial weights and biases: network.py's N(0, 1) ("large"),
 * network2.py's N(0, 1/n_in) ("default"), and Xavier (Glorot) and He initialisation.
 *
 * @module
 */

import { typeName } from "./_util.ts";
import { checkSizes } from "./_validate.ts";
import { Matrix } from "./matrix.ts";
import { Random } from "./random.ts";

/** The initialisers by name: `"large"`, `"default"`, `"xavier"`, `"he"`. */
export type InitializerName = "large" | "default" | "xavier" | "he";

/** Initial parameters: `weights[l]` is `sizes[l+1] × sizes[l]`, `biases[l]` is `sizes[l+1] × 1`. */
export interface InitialParameters {
  /** Weights into each layer after the input. */
  weights: Matrix[];
  /** Biases of each layer after the input. */
  biases: Matrix[];
}

/**
 * Every {@linkcode InitializerName}, in a fixed order.
 *
 * @example
 * ```ts
 * import { initializerNames } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(initializerNames, ["large", "default", "xavier", "he"]);
 * ```
 */
export const initializerNames: readonly InitializerName[] = Object.freeze([
  "large",
  "default",
  "xavier",
  "he",
]);

/**
 * Draws biases, then weights, layer by layer: bias entries from `bias()` and the weights into
 * layer `l + 1` as `N(0, 1) · scale(nIn, nOut)`. The order of draws is network.py's.
 */
function draw(
  sizes: readonly number[],
  rng: Random,
  bias: (r: Random) => number,
  scale: (nIn: number, nOut: number) => number,
  where: string,
): InitialParameters {
  checkSizes(sizes, where);
  if (!(rng instanceof Random)) {
    throw new TypeError(`${where}: rng is ${typeName(rng)}, expected a Random`);
  }
  const biases: Matrix[] = [], weights: Matrix[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const b = new Matrix(sizes[l]!, 1);
    for (let i = 0; i < b.data.length; i++) b.data[i] = bias(rng);
    biases.push(b);
  }
  for (let l = 1; l < sizes.length; l++) {
    const w = new Matrix(sizes[l]!, sizes[l - 1]!);
    const s = scale(sizes[l - 1]!, sizes[l]!);
    for (let i = 0; i < w.data.length; i++) w.data[i] = rng.gaussian() * s;
    weights.push(w);
  }
  return { weights, biases };
}

/**
 * network.py's initialisation (network2.py's `large_weight_initializer`): every weight and
 * bias drawn from N(0, 1). With many inputs, `z = w·x + b` then has a large spread and the
 * sigmoid neurons start saturated (the book's chapter 3).
 *
 * @param sizes Neurons per layer, input first.
 * @param rng The generator to draw from.
 * @returns The weights and biases.
 *
 * @example
 * ```ts
 * import { largeWeightInitializer, Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const { weights, biases } = largeWeightInitializer([3, 2], new Random(1));
 * assert.equal(weights[0]!.rows, 2);
 * assert.equal(biases[0]!.rows, 2);
 * ```
 */
export function largeWeightInitializer(
  sizes: readonly number[],
  rng: Random,
): InitialParameters {
  return draw(sizes, rng, (r) => r.gaussian(), () => 1, "Cannot initialise");
}

/**
 * network2.py's `default_weight_initializer`: biases from N(0, 1), and the weights into a
 * neuron with `n_in` inputs from N(0, 1/n_in), so that `z` has a spread near 1 and the
 * neuron starts unsaturated.
 *
 * @param sizes Neurons per layer, input first.
 * @param rng The generator to draw from.
 * @returns The weights and biases.
 *
 * @example Weights into 100 inputs have standard deviation 1/10
 * ```ts
 * import { defaultWeightInitializer, Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const w = defaultWeightInitializer([100, 50], new Random(2)).weights[0]!.data;
 * const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
 * assert.ok(Math.abs(sd - 0.1) < 0.005);
 * ```
 */
export function defaultWeightInitializer(
  sizes: readonly number[],
  rng: Random,
): InitialParameters {
  return draw(sizes, rng, (r) => r.gaussian(), (nIn) => 1 / Math.sqrt(nIn), "Cannot initialise");
}

/**
 * Xavier (Glorot) initialisation: weights from N(0, 2/(n_in + n_out)), biases 0. It keeps the
 * spread of activations and of gradients alike from layer to layer, for tanh-like neurons.
 *
 * @param sizes Neurons per layer, input first.
 * @param rng The generator to draw from.
 * @returns The weights and biases.
 *
 * @example
 * ```ts
 * import { xavierWeightInitializer, Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const { biases } = xavierWeightInitializer([4, 3], new Random(3));
 * assert.deepEqual(Array.from(biases[0]!.data), [0, 0, 0]);
 * ```
 */
export function xavierWeightInitializer(
  sizes: readonly number[],
  rng: Random,
): InitialParameters {
  return draw(
    sizes,
    rng,
    () => 0,
    (nIn, nOut) => Math.sqrt(2 / (nIn + nOut)),
    "Cannot initialise",
  );
}

/**
 * He initialisation: weights from N(0, 2/n_in), biases 0. The factor 2 makes up for ReLU
 * zeroing about half of its inputs.
 *
 * @param sizes Neurons per layer, input first.
 * @param rng The generator to draw from.
 * @returns The weights and biases.
 *
 * @example
 * ```ts
 * import { heWeightInitializer, Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const w = heWeightInitializer([200, 100], new Random(4)).weights[0]!.data;
 * const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
 * assert.ok(Math.abs(variance - 0.01) < 0.0005);
 * ```
 */
export function heWeightInitializer(
  sizes: readonly number[],
  rng: Random,
): InitialParameters {
  return draw(sizes, rng, () => 0, (nIn) => Math.sqrt(2 / nIn), "Cannot initialise");
}

/**
 * The initialiser with the given name.
 *
 * @param name One of {@linkcode initializerNames}.
 * @returns The initialiser, a function of `sizes` and a generator.
 *
 * @example
 * ```ts
 * import { initializerByName, heWeightInitializer } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * assert.equal(initializerByName("he"), heWeightInitializer);
 * ```
 */
export function initializerByName(
  name: InitializerName,
): (sizes: readonly number[], rng: Random) => InitialParameters {
  switch (name) {
    case "large":
      return largeWeightInitializer;
    case "default":
      return defaultWeightInitializer;
    case "xavier":
      return xavierWeightInitializer;
    case "he":
      return heWeightInitializer;
    default:
      throw new RangeError(
        `Unknown initializer ${JSON.stringify(name)}, expected one of ${
          initializerNames.join(", ")
        }`,
      );
  }
}
