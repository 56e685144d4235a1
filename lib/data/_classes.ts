// How the loaders of one's own data turn class names (a CSV's label column, a folder's names)
// into class indices, one rule for all of them.

import { typeName } from "../_util.ts";

/** Class names by index, and the index of each name. */
export interface ClassMapping {
  readonly classes: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

/**
 * The mapping for the distinct `names` found in the data. With `given` (the caller's list),
 * class `i` is `given[i]` and other names are the caller's to refuse. Otherwise names that are
 * all whole numbers (digits "0" to "9") are their own index, so that a folder holding only 3s
 * and 7s still gives MNIST's classes 3 and 7; any other names are sorted (by code point, the
 * same on every machine) and numbered from 0.
 */
export function classMapping(
  names: Iterable<string>,
  given: unknown,
  where: string,
): ClassMapping {
  let classes: string[];
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length === 0 || given.some((c) => typeof c !== "string")) {
      throw new TypeError(
        `${where}: classes is ${typeName(given)}, expected a non-empty array of class names`,
      );
    }
    classes = [...given];
    const seen = new Set<string>();
    for (const c of classes) {
      if (seen.has(c)) throw new RangeError(`${where}: classes names "${c}" twice, expected once`);
      seen.add(c);
    }
  } else {
    const distinct = [...new Set(names)];
    if (distinct.length > 0 && distinct.every((n) => /^(0|[1-9]\d{0,4})$/.test(n))) {
      const max = Math.max(...distinct.map(Number));
      classes = Array.from({ length: max + 1 }, (_, i) => String(i));
    } else {
      classes = distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
  }
  return { classes, index: new Map(classes.map((c, i) => [c, i])) };
}

/** "0 setosa, 1 versicolor, 2 virginica": the mapping as the loaders' `toString` shows it. */
export function describeClasses(classes: readonly string[]): string {
  return classes.map((c, i) => `${i} ${c}`).join(", ");
}

/** Labels as the smallest unsigned array that holds them. */
export function labelArray(
  labels: readonly number[],
  numClasses: number,
): Uint8Array | Uint16Array | Int32Array {
  if (numClasses <= 2 ** 8) return Uint8Array.from(labels);
  return numClasses <= 2 ** 16 ? Uint16Array.from(labels) : Int32Array.from(labels);
}
