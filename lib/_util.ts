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
