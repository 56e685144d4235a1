// Reading a network's JSON: network2.py's format `{ sizes, weights, biases, cost }`, and ours,
// which adds `version`, `activations` and `regularization`. Every field and shape is checked
// before anything is allocated from it, and names are looked up in fixed tables: nothing in
// the file is evaluated (network2.py's `load` calls `getattr` on the cost's name).

import { checkPairing } from "./_config.ts";
import { type Regularization, regularizationKinds } from "./options.ts";
import { typeName } from "./_util.ts";
import { checkChoice, checkSizes } from "./_validate.ts";
import { type ActivationName, activationNames } from "./activations.ts";
import { type Cost, costByName, costNames } from "./costs.ts";

/**
 * The JSON form of a network: network2.py's `save` format, `{ sizes, weights, biases, cost }`,
 * with a format `version`, the `activations` and the `regularization` it was trained with.
 */
export interface NetworkJson {
  /** Format version, 1; files without it are read as network2.py's. */
  version?: number;
  /** Layer sizes. */
  sizes: number[];
  /** Weights, each as nested rows (`sizes[l+1]` rows of `sizes[l]` numbers). */
  weights: number[][][];
  /** Biases, each as nested rows (`sizes[l+1]` rows of one number). */
  biases: number[][][];
  /** The cost's class name in network2.py. */
  cost: string;
  /** Activation of each layer after the input; all sigmoid when absent. */
  activations?: string[];
  /** The regularization of the last training run; none when absent. */
  regularization?: Regularization;
}

/** The format version `toJSON` writes; files without `version` are network2.py's. */
export const FORMAT_VERSION = 1;

/** A network's JSON after validation. */
export interface ParsedNetwork {
  readonly sizes: number[];
  /** Row-major values of each weight matrix and bias column. */
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
  readonly cost: Cost;
  readonly activations: ActivationName[];
  readonly regularization: Regularization;
}

const WHERE = "Cannot load network";

function field(name: string): string {
  return `${WHERE}: field "${name}"`;
}

/** Reads `rows × cols` finite numbers stored as nested rows, checking every entry. */
function readMatrix(v: unknown, name: string, rows: number, cols: number): Float64Array {
  if (!Array.isArray(v) || v.length !== rows) {
    throw new TypeError(
      `${field(name)} must be ${rows} rows of ${cols} numbers, got ${
        Array.isArray(v) ? `${v.length} rows` : typeName(v)
      }`,
    );
  }
  // Shapes first: nothing is allocated for a file that claims more than it holds.
  v.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new TypeError(`${field(`${name}[${i}]`)} must be an array of ${cols} numbers`);
    }
  });
  const out = new Float64Array(rows * cols);
  v.forEach((row: unknown[], i: number) => {
    row.forEach((x: unknown, j: number) => {
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new TypeError(
          `${field(`${name}[${i}][${j}]`)} is ${typeName(x)} ${
            typeof x === "string" ? JSON.stringify(x) : String(x)
          }, expected a finite number`,
        );
      }
      out[i * cols + j] = x;
    });
  });
  return out;
}

function readLayers(
  o: Record<string, unknown>,
  name: "weights" | "biases",
  sizes: readonly number[],
): Float64Array[] {
  const v = o[name];
  if (!Array.isArray(v) || v.length !== sizes.length - 1) {
    throw new TypeError(
      `${field(name)} is ${
        Array.isArray(v) ? `an array of ${v.length}` : typeName(v)
      }, expected an array of ${sizes.length - 1} matrices`,
    );
  }
  return v.map((m, l) =>
    readMatrix(m, `${name}[${l}]`, sizes[l + 1]!, name === "weights" ? sizes[l]! : 1)
  );
}

function readActivations(v: unknown, layers: number): ActivationName[] {
  if (v === undefined) return Array.from({ length: layers }, () => "sigmoid");
  if (!Array.isArray(v) || v.length !== layers) {
    throw new TypeError(
      `${field("activations")} is ${
        Array.isArray(v) ? `an array of ${v.length}` : typeName(v)
      }, expected an array of ${layers} names`,
    );
  }
  return v.map((a, l) => checkChoice(a, `field "activations[${l}]"`, WHERE, activationNames));
}

function readRegularization(v: unknown): Regularization {
  if (v === undefined || v === null) return { kind: "L2", lambda: 0, dropout: 0 };
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new TypeError(
      `${field("regularization")} is ${typeName(v)}, expected an object { kind, lambda, dropout }`,
    );
  }
  const r = v as Record<string, unknown>;
  const kind = checkChoice(r.kind, 'field "regularization.kind"', WHERE, regularizationKinds);
  const num = (name: "lambda" | "dropout", max: number) => {
    const x = r[name];
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x >= max) {
      throw new TypeError(
        `${field(`regularization.${name}`)} is ${typeName(x)} ${String(x)}, expected a number ≥ 0${
          max === Infinity ? "" : ` and < ${max}`
        }`,
      );
    }
    return x;
  };
  return { kind, lambda: num("lambda", Infinity), dropout: num("dropout", 1) };
}

/** Parses (if text) and validates a network's JSON. */
export function parseNetworkJson(json: unknown): ParsedNetwork {
  let obj = json;
  if (typeof json === "string") {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new SyntaxError(`${WHERE}: the text is not valid JSON (${(e as Error).message})`);
    }
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new TypeError(
      `${WHERE}: expected an object with sizes, weights and biases, got ${typeName(obj)}`,
    );
  }
  const o = obj as Record<string, unknown>;
  const own = (k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);
  const version = own("version");
  if (version !== undefined && version !== FORMAT_VERSION) {
    throw new RangeError(
      `${field("version")} is ${
        JSON.stringify(version) ?? typeName(version)
      }, expected ${FORMAT_VERSION} (or no version for a network2.py file)`,
    );
  }
  const sizes = own("sizes");
  if (!Array.isArray(sizes)) {
    throw new TypeError(`${field("sizes")} is ${typeName(sizes)}, expected an array`);
  }
  checkSizes(sizes, field("sizes"));
  const weights = readLayers({ weights: own("weights") }, "weights", sizes);
  const biases = readLayers({ biases: own("biases") }, "biases", sizes);
  // network2.py always writes the cost; a file without one is taken as network.py's quadratic.
  const cost = costByName(
    own("cost") === undefined
      ? "QuadraticCost"
      : checkChoice(own("cost"), 'field "cost"', WHERE, costNames),
  );
  const activations = readActivations(own("activations"), sizes.length - 1);
  checkPairing(activations, cost, WHERE, (l) => `field "activations[${l}]"`, 'field "cost"');
  return {
    sizes,
    weights,
    biases,
    cost,
    activations,
    regularization: readRegularization(own("regularization")),
  };
}
