// Internal helpers shared by the public entry points (not exported from mod.ts).

/** Describes a value's type for error messages: `"a string"`, `"null"`, `"an array"`. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  const t = typeof v;
  return t === "object" ? "an object" : `${/^[aeiou]/.test(t) ? "an" : "a"} ${t}`;
}

/**
 * The index of the largest of `length` values from `start` (the book's `np.argmax`), the
 * first one on a tie.
 */
export function argmax(a: ArrayLike<number>, start = 0, length = a.length - start): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (a[start + k]! > a[start + best]!) best = k;
  return best;
}

/**
 * Resolves with `value` after a macrotask (a `setTimeout` of 0), never in the same turn of
 * the event loop. Every `[jupyterDisplay]()` method returns through this: Deno's Jupyter
 * kernel (2.9.6) sometimes publishes a display result that resolves at once under the parent
 * header of the next queued request, so JupyterLab draws it under the next cell; a result
 * that resolves after a macrotask was never seen to move (0 of 130 runs in JupyterLab 4.6).
 */
export async function afterMacrotask<T>(value: T | Promise<T>): Promise<T> {
  const result = await value;
  await new Promise((resolve) => setTimeout(resolve, 0));
  return result;
}

/** Whether every value of every array is finite (`x · 0` is 0 for finite x, NaN otherwise). */
export function allFinite(arrays: readonly ArrayLike<number>[]): boolean {
  let sum = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) sum += a[i]! * 0;
  return sum === 0;
}
