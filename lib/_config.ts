// The options of `new Network(…)` and of `sgd(…)`, validated and filled in with defaults, once,
// at the public entry and before anything changes.

import { type Source, sourceLength } from "./_batch.ts";
import type { UpdateRule } from "./_optimizers.ts";
import {
  type Backend,
  type Dtype,
  type OptimizerName,
  optimizerNames,
  type RegularizationKind,
  regularizationKinds,
} from "./options.ts";
import { typeName } from "./_util.ts";
import {
  checkChoice,
  checkFlag,
  checkKnownKeys,
  checkNumber,
  checkOptions,
  checkSeed,
  toSource,
} from "./_validate.ts";
import { type ActivationName, activationNames } from "./activations.ts";
import { type Cost, costByName, costNames } from "./costs.ts";
import type { Data } from "./dataset.ts";
import { type InitializerName, initializerNames } from "./initializers.ts";
import { Random } from "./random.ts";

/** A network's functions after validation. */
export interface NetworkConfig {
  readonly cost: Cost;
  readonly activations: readonly ActivationName[];
  readonly init: InitializerName;
  readonly rng: Random;
}

/** Checks that softmax is only on the output layer and that the cost suits the output. */
export function checkPairing(
  activations: readonly ActivationName[],
  cost: Cost,
  where: string,
  label: (l: number) => string = (l) => `activations[${l}]`,
  costLabel = "cost",
): void {
  const last = activations.length - 1;
  activations.forEach((a, l) => {
    if (a === "softmax" && l < last) {
      throw new RangeError(
        `${where}: ${label(l)} is "softmax", expected softmax on the output layer only (${
          label(last)
        })`,
      );
    }
  });
  const out = activations[last]!;
  if (cost.outputActivations !== undefined && !cost.outputActivations.includes(out)) {
    throw new RangeError(
      `${where}: ${costLabel} ${cost.name} needs a ${
        cost.outputActivations.join(" or ")
      } output layer, got ${
        label(last)
      } "${out}" (its δ = a − y holds only there; QuadraticCost suits any output)`,
    );
  }
}

/** Reads `cost`: a cost object or its name. */
function readCost(v: unknown, where: string): Cost {
  if (v === undefined) return costByName("QuadraticCost");
  if (typeof v === "string") return costByName(checkChoice(v, "cost", where, costNames));
  for (const name of costNames) if (v === costByName(name)) return v as Cost;
  throw new TypeError(
    `${where}: cost is ${
      typeName(v)
    }, expected QuadraticCost, CrossEntropyCost or LogLikelihoodCost (or its name)`,
  );
}

/** Reads `activations`: one name per layer after the input, or `{ hidden, output }`. */
function readActivations(v: unknown, layers: number, where: string): ActivationName[] {
  if (v === undefined) return Array.from({ length: layers }, () => "sigmoid");
  if (Array.isArray(v)) {
    if (v.length !== layers) {
      throw new RangeError(
        `${where}: activations has ${v.length} entries, expected ${layers} (one per layer after the input)`,
      );
    }
    return v.map((a, l) => checkChoice(a, `activations[${l}]`, where, activationNames));
  }
  if (v !== null && typeof v === "object") {
    const o = v as { hidden?: unknown; output?: unknown };
    const hidden = o.hidden === undefined
      ? "sigmoid"
      : checkChoice(o.hidden, "activations.hidden", where, activationNames);
    const output = o.output === undefined
      ? "sigmoid"
      : checkChoice(o.output, "activations.output", where, activationNames);
    return Array.from({ length: layers }, (_, l) => (l === layers - 1 ? output : hidden));
  }
  throw new TypeError(
    `${where}: activations is ${typeName(v)}, expected an array of names or { hidden, output }`,
  );
}

/** Validates `new Network(sizes, options)`'s options (sizes already checked). */
export function networkConfig(
  sizes: readonly number[],
  options: unknown,
  where: string,
): NetworkConfig {
  const o = checkOptions(
    options,
    where,
    "an object such as { seed, cost, activations, init }",
    ["seed", "rng", "cost", "activations", "init"],
  );
  const cost = readCost(o.cost, where);
  const activations = readActivations(o.activations, sizes.length - 1, where);
  checkPairing(activations, cost, where);
  const init = o.init === undefined
    ? "large"
    : checkChoice(o.init, "init", where, initializerNames);
  if (o.rng !== undefined && !(o.rng instanceof Random)) {
    throw new TypeError(`${where}: rng is ${typeName(o.rng)}, expected a Random`);
  }
  const rng = (o.rng as Random | undefined) ?? new Random(checkSeed(o.seed, where));
  return { cost, activations, init, rng };
}

/** What to measure after each epoch. */
export interface Monitor {
  readonly evaluationCost: boolean;
  readonly evaluationAccuracy: boolean;
  readonly trainingCost: boolean;
  readonly trainingAccuracy: boolean;
  readonly gradientNorms: boolean;
}

/** A training run's settings after validation. */
export interface TrainConfig {
  readonly epochs: number;
  readonly miniBatchSize: number;
  readonly eta: number;
  readonly interval: number;
  /** Which kernels train: WebAssembly SIMD (default) or TypeScript. */
  readonly backend: Backend;
  /** Element type of the training workspace. */
  readonly dtype: Dtype;
  /** Threads the WebAssembly kernels may use (1 or 2). */
  readonly threads: number;
  readonly train: Source;
  readonly n: number;
  readonly test: Source | undefined;
  readonly evaluation: Source | undefined;
  readonly rng: Random;
  readonly rule: UpdateRule;
  readonly dropout: number;
  readonly monitor: Monitor;
  /** Stop after this many epochs without better evaluation accuracy; 0 for never. */
  readonly earlyStoppingN: number;
  /** Halve η after this many epochs without better evaluation accuracy; 0 for never. */
  readonly etaHalvingN: number;
  /** With halving, stop once η has fallen to this fraction of its first value. */
  readonly etaMinFraction: number;
}

/** Reads `lambda` and `regularization`: network2.py's λ and our choice of penalty. */
export function readRegularization(
  o: Record<string, unknown>,
  where: string,
): { readonly kind: RegularizationKind; readonly lambda: number } {
  const lambda = o.lambda === undefined ? 0 : checkNumber(o.lambda, "lambda", where, { min: 0 });
  const kind = o.regularization === undefined
    ? "L2"
    : checkChoice(o.regularization, "regularization", where, regularizationKinds);
  return { kind, lambda };
}

function readRule(o: Record<string, unknown>, n: number, where: string): UpdateRule {
  const { kind: regularization, lambda } = readRegularization(o, where);
  const optimizer: OptimizerName = o.optimizer === undefined
    ? (o.mu === undefined ? "sgd" : "momentum")
    : checkChoice(o.optimizer, "optimizer", where, optimizerNames);
  const only = (name: string, opt: OptimizerName) => {
    if (o[name] !== undefined && optimizer !== opt) {
      throw new TypeError(
        `${where}: ${name} applies to the ${opt} optimizer, got optimizer "${optimizer}"`,
      );
    }
  };
  only("mu", "momentum");
  for (const name of ["beta1", "beta2", "epsilon"]) only(name, "adam");
  const num = (name: string, dflt: number, range: Parameters<typeof checkNumber>[3]) =>
    o[name] === undefined ? dflt : checkNumber(o[name], name, where, range);
  return {
    optimizer,
    regularization,
    lambda,
    n,
    mu: num("mu", 0.9, { min: 0, max: 1, maxOpen: true }),
    beta1: num("beta1", 0.9, { min: 0, max: 1, maxOpen: true }),
    beta2: num("beta2", 0.999, { min: 0, max: 1, maxOpen: true }),
    epsilon: num("epsilon", 1e-8, { min: 0, minOpen: true }),
  };
}

function readMonitor(o: Record<string, unknown>, hasEvaluation: boolean, where: string): Monitor {
  const m = {
    evaluationCost: checkFlag(o.monitorEvaluationCost, "monitorEvaluationCost", where),
    evaluationAccuracy: checkFlag(o.monitorEvaluationAccuracy, "monitorEvaluationAccuracy", where),
    trainingCost: checkFlag(o.monitorTrainingCost, "monitorTrainingCost", where),
    trainingAccuracy: checkFlag(o.monitorTrainingAccuracy, "monitorTrainingAccuracy", where),
    gradientNorms: checkFlag(o.monitorGradientNorms, "monitorGradientNorms", where),
  };
  for (const name of ["monitorEvaluationCost", "monitorEvaluationAccuracy"] as const) {
    if (o[name] === true && !hasEvaluation) {
      throw new TypeError(`${where}: ${name} needs evaluationData, got none`);
    }
  }
  return m;
}

/** Every option of `sgd`, for the unknown-option check. */
const SGD_OPTION_NAMES = [
  "epochs",
  "miniBatchSize",
  "eta",
  "testData",
  "seed",
  "rng",
  "onEpoch",
  "onProgress",
  "progressInterval",
  "backend",
  "dtype",
  "threads",
  "lambda",
  "regularization",
  "dropout",
  "optimizer",
  "mu",
  "beta1",
  "beta2",
  "epsilon",
  "evaluationData",
  "monitorEvaluationCost",
  "monitorEvaluationAccuracy",
  "monitorTrainingCost",
  "monitorTrainingAccuracy",
  "monitorGradientNorms",
  "earlyStoppingN",
  "etaHalvingN",
  "etaMinFraction",
] as const;

/** Reads `backend`, if given. */
export function readBackend(o: Record<string, unknown>, where: string): Backend | undefined {
  return o.backend === undefined
    ? undefined
    : checkChoice(o.backend, "backend", where, ["wasm", "js"] as const);
}

/** Validates `sgd(trainingData, options)` (sizes of the network given). */
export function trainConfig(
  sizes: readonly number[],
  trainingData: Data,
  options: unknown,
  where: string,
): TrainConfig {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${where}: expected an options object with epochs, miniBatchSize and eta, got ${
        typeName(options)
      }`,
    );
  }
  const o = options as Record<string, unknown>;
  checkKnownKeys(o, SGD_OPTION_NAMES, where);
  const { epochs, miniBatchSize } = o;
  if (!Number.isInteger(epochs) || (epochs as number) < 1) {
    throw new RangeError(`${where}: epochs is ${String(epochs)}, expected an integer ≥ 1`);
  }
  if (!Number.isInteger(miniBatchSize) || (miniBatchSize as number) < 1) {
    throw new RangeError(
      `${where}: miniBatchSize is ${String(miniBatchSize)}, expected an integer ≥ 1`,
    );
  }
  if (typeof o.eta !== "number" || !Number.isFinite(o.eta) || o.eta <= 0) {
    throw new RangeError(`${where}: eta is ${String(o.eta)}, expected a positive finite number`);
  }
  const interval = o.progressInterval ?? 250;
  if (typeof interval !== "number" || !(interval >= 0)) {
    throw new RangeError(
      `${where}: progressInterval is ${String(interval)}, expected a number ≥ 0`,
    );
  }
  for (const name of ["onEpoch", "onProgress"]) {
    if (o[name] !== undefined && typeof o[name] !== "function") {
      throw new TypeError(`${where}: ${name} is ${typeName(o[name])}, expected a function`);
    }
  }
  const train = toSource(sizes, trainingData, where, "training", true);
  const n = sourceLength(train);
  if (n === 0) {
    throw new RangeError(`${where}: training data is empty, expected at least one example`);
  }
  const test = o.testData === undefined
    ? undefined
    : toSource(sizes, o.testData, where, "test", false);
  const evaluation = o.evaluationData === undefined
    ? undefined
    : toSource(sizes, o.evaluationData, where, "evaluation", false);
  const rule = readRule(o, n, where);
  const dropout = o.dropout === undefined
    ? 0
    : checkNumber(o.dropout, "dropout", where, { min: 0, max: 1, maxOpen: true });
  const monitor = readMonitor(o, evaluation !== undefined, where);
  const patience = (name: string) =>
    o[name] === undefined ? 0 : checkNumber(o[name], name, where, { min: 0, integer: true });
  const earlyStoppingN = patience("earlyStoppingN"), etaHalvingN = patience("etaHalvingN");
  if ((earlyStoppingN > 0 || etaHalvingN > 0) && evaluation === undefined) {
    throw new TypeError(
      `${where}: ${
        earlyStoppingN > 0 ? "earlyStoppingN" : "etaHalvingN"
      } needs evaluationData (its accuracy decides), got none`,
    );
  }
  const etaMinFraction = o.etaMinFraction === undefined
    ? 1 / 128
    : checkNumber(o.etaMinFraction, "etaMinFraction", where, { min: 0, max: 1, minOpen: true });
  if (o.rng !== undefined && !(o.rng instanceof Random)) {
    throw new TypeError(`${where}: rng is ${typeName(o.rng)}, expected a Random`);
  }
  const rng = (o.rng as Random | undefined) ?? new Random(checkSeed(o.seed, where));
  const backend = readBackend(o, where) ?? "wasm";
  const dtype = o.dtype === undefined
    ? "float64"
    : checkChoice(o.dtype, "dtype", where, ["float64", "float32"] as const);
  // Two where the machine has them: each large product then splits only where measured faster.
  const threads = o.threads === undefined
    ? (navigator.hardwareConcurrency >= 2 ? 2 : 1)
    : checkNumber(o.threads, "threads", where, { min: 1, max: 2, integer: true });
  return {
    epochs: epochs as number,
    miniBatchSize: miniBatchSize as number,
    eta: o.eta,
    interval,
    backend,
    dtype,
    threads,
    train,
    n,
    test,
    evaluation,
    rng,
    rule,
    dropout,
    monitor,
    earlyStoppingN,
    etaHalvingN,
    etaMinFraction,
  };
}
