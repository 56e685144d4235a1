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
