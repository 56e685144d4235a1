// Validation of what comes in through the public entry points: once, at the entry, before
// anything changes. Messages say what was expected and what came.

import type { Source } from "./_batch.ts";
import { typeName } from "./_util.ts";
import { type Data, type Example, isPacked, type PackedData, type Vector } from "./dataset.ts";

export function checkSizes(sizes: unknown, where: string): asserts sizes is number[] {
  if (!Array.isArray(sizes)) {
    throw new TypeError(
      `${where}: sizes is ${
        typeName(sizes)
      }, expected an array of layer sizes such as [784, 30, 10]`,
    );
  }
  if (sizes.length < 2) {
    throw new RangeError(
      `${where}: sizes has ${sizes.length} layer${
        sizes.length === 1 ? "" : "s"
      }, expected at least 2 (input and output)`,
    );
  }
  sizes.forEach((s, l) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1) {
      throw new RangeError(
        `${where}: sizes[${l}] is ${
          typeof s === "string" ? `"${s}"` : String(s)
        }, expected a positive integer`,
      );
    }
  });
  let params = 0;
  for (let l = 1; l < sizes.length; l++) params += sizes[l]! * (sizes[l - 1]! + 1);
  if (params > MAX_PARAMETERS) {
    throw new RangeError(
      `${where}: sizes [${
        sizes.join(", ")
      }] need ${params} weights and biases, expected at most ${MAX_PARAMETERS} (2^27: 1 GiB of float64 for each copy, and training keeps several)`,
    );
  }
}

/** The most weights and biases a network may have, checked before anything is allocated. */
export const MAX_PARAMETERS = 2 ** 27;

export function checkSeed(seed: unknown, where: string): number | undefined {
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new TypeError(
      `${where}: seed is ${typeName(seed)} ${String(seed)}, expected a finite number`,
    );
  }
  return seed as number | undefined;
}

export function checkEta(eta: unknown, where: string): void {
  if (typeof eta !== "number" || !Number.isFinite(eta) || eta <= 0) {
    throw new RangeError(`${where}: eta is ${String(eta)}, expected a positive finite number`);
  }
}

export function checkInput(
  sizes: readonly number[],
  x: unknown,
  where: string,
  label = "input",
): Vector {
  if (x === null || typeof x !== "object" || typeof (x as Vector).length !== "number") {
    throw new TypeError(`${where}: ${label} is ${typeName(x)}, expected ${sizes[0]} numbers`);
  }
  const v = x as Vector;
  if (v.length !== sizes[0]) {
    throw new RangeError(
      `${where}: ${label} has length ${v.length}, expected ${sizes[0]} (sizes[0])`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (typeof e !== "number" || !Number.isFinite(e)) {
      throw new TypeError(
        `${where}: ${label}[${i}] is ${typeName(e)} ${String(e)}, expected a finite number`,
      );
    }
  }
  return v;
}

export function checkTarget(
  sizes: readonly number[],
  y: unknown,
  where: string,
  label = "y",
): Vector {
  const nOut = sizes[sizes.length - 1]!;
  if (typeof y === "number") {
    if (!Number.isInteger(y) || y < 0 || y >= nOut) {
      throw new RangeError(
        `${where}: ${label} is class ${y}, expected an integer from 0 to ${nOut - 1}`,
      );
    }
    const v = new Float64Array(nOut);
    v[y] = 1;
    return v;
  }
  if (y === null || typeof y !== "object" || typeof (y as Vector).length !== "number") {
    throw new TypeError(
      `${where}: ${label} is ${typeName(y)}, expected ${nOut} numbers or a class index`,
    );
  }
  const v = y as Vector;
  if (v.length !== nOut) {
    throw new RangeError(
      `${where}: ${label} has length ${v.length}, expected ${nOut} (the output layer's size)`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new TypeError(`${where}: ${label}[${i}] is ${String(v[i])}, expected a finite number`);
    }
  }
  return v;
}

export function checkPairs(
  sizes: readonly number[],
  data: unknown,
  where: string,
  training: boolean,
): readonly Example[] {
  if (!Array.isArray(data)) {
    throw new TypeError(
      `${where}: data is ${typeName(data)}, expected an array of [x, y] pairs or packed data`,
    );
  }
  data.forEach((ex, i) => {
    if (!Array.isArray(ex) || ex.length !== 2) {
      throw new TypeError(`${where}: example ${i} is ${typeName(ex)}, expected an [x, y] pair`);
    }
    checkInput(sizes, ex[0], where, `input ${i}`);
    checkTarget(sizes, ex[1], where, `${training ? "target" : "label"} ${i}`);
  });
  return data;
}

export function toSource(
  sizes: readonly number[],
  data: unknown,
  where: string,
  what: string,
  training: boolean,
): Source {
  if (data !== null && typeof data === "object" && !Array.isArray(data) && isPacked(data as Data)) {
    const p = data as Partial<PackedData>;
    const nOut = sizes[sizes.length - 1]!;
    if (
      !Number.isInteger(p.length) || !ArrayBuffer.isView(p.inputs) || !ArrayBuffer.isView(p.labels)
    ) {
      throw new TypeError(
        `${where}: ${what} data is ${
          typeName(data)
        }, expected an array of [x, y] pairs or packed data`,
      );
    }
    const d = p as PackedData;
    if (d.inputSize !== sizes[0]) {
      throw new RangeError(
        `${where}: ${what} inputs have length ${d.inputSize}, expected ${sizes[0]} (sizes[0])`,
      );
    }
    if (d.inputs.length < d.length * d.inputSize || d.labels.length < d.length) {
      throw new RangeError(
        `${where}: ${what} data claims ${d.length} examples but holds ${
          Math.floor(d.inputs.length / d.inputSize)
        } inputs and ${d.labels.length} labels`,
      );
    }
    if (typeof d.inputScale !== "number" || !Number.isFinite(d.inputScale)) {
      throw new TypeError(
        `${where}: ${what} data has inputScale ${String(d.inputScale)}, expected a finite number`,
      );
    }
    for (let i = 0; i < d.length; i++) {
      const l = d.labels[i]!;
      if (l >= nOut || l < 0) {
        throw new RangeError(
          `${where}: ${what} label ${i} is ${l}, expected 0 to ${
            nOut - 1
          } (the output layer has ${nOut} neurons)`,
        );
      }
    }
    if (!(d.inputs instanceof Uint8Array)) {
      const end = d.length * d.inputSize;
      for (let i = 0; i < end; i++) {
        if (!Number.isFinite(d.inputs[i]!)) {
          throw new TypeError(
            `${where}: ${what} input ${Math.floor(i / d.inputSize)} has ${
              d.inputs[i]
            } at position ${i % d.inputSize}, expected finite numbers`,
          );
        }
      }
    }
    return { kind: "packed", data: d };
  }
  const pairs = checkPairs(sizes, data, `${where}`, training);
  return { kind: "pairs", xs: pairs.map((p) => p[0]), ys: pairs.map((p) => p[1]) };
}

// ---- options ----

/** A number option: finite, within `[min, max]` (or `(min, …` with `minOpen`). */
export function checkNumber(
  v: unknown,
  name: string,
  where: string,
  range: { min: number; max?: number; minOpen?: boolean; maxOpen?: boolean; integer?: boolean },
): number {
  const { min, max = Infinity, minOpen = false, maxOpen = false, integer = false } = range;
  const ok = typeof v === "number" && Number.isFinite(v) && (!integer || Number.isInteger(v)) &&
    (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
  if (!ok) {
    const lo = `${minOpen ? ">" : "≥"} ${min}`;
    const hi = max === Infinity ? "" : ` and ${maxOpen ? "<" : "≤"} ${max}`;
    const what = integer ? "an integer" : "a number";
    const shown = typeof v === "string" ? `"${v}"` : String(v);
    throw new (typeof v === "number" ? RangeError : TypeError)(
      `${where}: ${name} is ${shown}, expected ${what} ${lo}${hi}`,
    );
  }
  return v as number;
}

/** A string option that must be one of `choices`. */
export function checkChoice<T extends string>(
  v: unknown,
  name: string,
  where: string,
  choices: readonly T[],
): T {
  if (typeof v !== "string" || !choices.includes(v as T)) {
    const shown = typeof v === "string" ? `"${v}"` : typeName(v);
    throw new (typeof v === "string" ? RangeError : TypeError)(
      `${where}: ${name} is ${shown}, expected one of ${choices.map((c) => `"${c}"`).join(", ")}`,
    );
  }
  return v as T;
}

/** A boolean option, `false` when absent. */
export function checkFlag(v: unknown, name: string, where: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") {
    throw new TypeError(`${where}: ${name} is ${typeName(v)}, expected true or false`);
  }
  return v;
}

/**
 * An options argument: an object or undefined, whose keys are all among `known` (notebooks are
 * not type-checked, so a misspelt option would otherwise be silently ignored).
 */
export function checkOptions(
  v: unknown,
  where: string,
  expected: string,
  known: readonly string[],
): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new TypeError(`${where}: options is ${typeName(v)}, expected ${expected}`);
  }
  checkKnownKeys(v as Record<string, unknown>, known, where);
  return v as Record<string, unknown>;
}

/**
 * Refuses a key of `o` not in `known`, naming the closest known one:
 * ``unknown option `lamda`; did you mean `lambda`?`` (keys whose value is undefined count too).
 */
export function checkKnownKeys(
  o: Record<string, unknown>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    const hint = near === undefined
      ? `expected one of ${known.map((k) => `\`${k}\``).join(", ")}`
      : `did you mean \`${near}\`?`;
    throw new TypeError(`${where}: unknown option \`${key}\`; ${hint}`);
  }
}

/** The name in `names` nearest to `s` by edit distance, if any is near enough to be a typo. */
function closest(s: string, names: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const name of names) {
    const d = editDistance(s.toLowerCase(), name.toLowerCase());
    if (d < bestD) [best, bestD] = [name, d];
  }
  return bestD <= Math.max(2, Math.floor(s.length / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

// ---- data without a network ----

/**
 * The layer sizes that data implies, to check it with {@linkcode toSource} when no network is
 * at hand (a gallery of the data alone): `[input length, classes]`, the first input's length
 * and one more than the largest class, or the first target's length. Never throws: what is
 * malformed is left for `toSource` to name.
 */
export function impliedSizes(data: unknown): number[] {
  const p = data as Partial<PackedData> | null;
  if (p !== null && typeof p === "object" && !Array.isArray(p)) {
    let classes = 1;
    const labels = ArrayBuffer.isView(p.labels) ? p.labels : [];
    for (let i = 0; i < labels.length; i++) {
      if (Number.isFinite(labels[i]!)) classes = Math.max(classes, labels[i]! + 1);
    }
    return [Number.isInteger(p.inputSize) ? p.inputSize! : 0, classes];
  }
  if (!Array.isArray(data)) return [0, 1];
  const first = data[0]?.[0] as Vector | undefined;
  let classes = 1;
  for (const ex of data) {
    const y: unknown = Array.isArray(ex) ? ex[1] : undefined;
    if (typeof y === "number" && Number.isFinite(y)) classes = Math.max(classes, Math.floor(y) + 1);
    else if (y !== null && typeof y === "object" && typeof (y as Vector).length === "number") {
      return [first?.length ?? 0, (y as Vector).length];
    }
  }
  return [typeof first?.length === "number" ? first.length : 0, classes];
}
