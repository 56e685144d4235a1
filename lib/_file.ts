// File helpers shared by the functions that save: paths as strings or file URLs, and writing
// a file atomically.

import { typeName } from "./_util.ts";

/** A path or `file:` URL as a path string; anything else is refused, naming `where`. */
export function toPath(path: string | URL, where: string): string {
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(`${where}: ${path.href} is not a file URL, expected a path or file URL`);
    }
    return decodeURIComponent(path.pathname);
  }
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`${where}: path is ${typeName(path)}, expected a path or file URL`);
  }
  return path;
}

/**
 * Writes `bytes` to `target` atomically: to a temporary file in the same directory, flushed to
 * disk, then renamed over `target`, so that the file at `target` is always either the old one
 * or the complete new one.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  // Same directory as the target, so that the rename cannot cross file systems.
  const tmp = `${target}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
