// Independent readers for what the display helpers produce: a PNG decoder with a bitwise
// CRC (not the library's table), and small helpers to pick apart bundles.

/** A decoded PNG: its header fields and its pixels as RGB triples. */
export interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  /** `width × height × 3` bytes: palette entries looked up, grey widened. */
  rgb: Uint8Array;
  /** Chunk types in file order. */
  chunks: string[];
}

/** CRC-32 computed bit by bit, as the PNG specification describes it. */
export function bitwiseCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decodes an 8-bit, non-interlaced, unfiltered PNG; throws on a bad signature or CRC. */
export async function decodePng(png: Uint8Array): Promise<DecodedPng> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  sig.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`Bad PNG signature at byte ${i}`);
  });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  const chunks: string[] = [];
  let width = 0, height = 0, colorType = -1;
  let palette = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + len);
    const crc = view.getUint32(at + 8 + len);
    if (bitwiseCrc(png.subarray(at + 4, at + 8 + len)) !== crc) {
      throw new Error(`Bad CRC in chunk ${type}`);
    }
    chunks.push(type);
    if (type === "IHDR") {
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error("Expected 8-bit, not interlaced");
      colorType = body[9]!;
    }
    if (type === "PLTE") palette = body.slice();
    if (type === "IDAT") idat.push(body.slice());
    at += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 3: 1, 6: 4 }[colorType];
  if (channels === undefined) throw new Error(`Unexpected colour type ${colorType}`);
  const raw = await inflate(new Uint8Array(idat.flatMap((c) => [...c])));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error("IDAT has the wrong length");
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`Row ${y} uses a filter`);
    for (let x = 0; x < width; x++) {
      const p = raw.subarray(y * (stride + 1) + 1 + x * channels);
      const out = (y * width + x) * 3;
      if (colorType === 3) rgb.set(palette.subarray(p[0]! * 3, p[0]! * 3 + 3), out);
      else if (colorType === 0) rgb.fill(p[0]!, out, out + 3);
      else rgb.set(p.subarray(0, 3), out);
    }
  }
  return { width, height, colorType, rgb, chunks };
}

/** The PNG inside a `data:image/png;base64,` URL. */
export function pngFromDataUrl(url: string): Uint8Array {
  const prefix = "data:image/png;base64,";
  if (!url.startsWith(prefix)) throw new Error(`Not a PNG data URL: ${url.slice(0, 40)}`);
  return Uint8Array.fromBase64(url.slice(prefix.length));
}

/** How many times `tag` opens in an SVG document, e.g. `count(svg, "<rect")`. */
export function count(svg: string, tag: string): number {
  return svg.split(tag).length - 1;
}

/** `#rrggbb` as bytes. */
export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The vega-lite MIME type. */
export const VL = "application/vnd.vegalite.v5+json";
/** The plotly MIME type. */
export const PLOTLY = "application/vnd.plotly.v1+json";
/** The vega-lite 5 schema. */
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Any JSON value, for walking specs. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** Asserts the three layers of a chart bundle and returns them. */
export function layers(bundle: Record<string, unknown>): {
  interactive: Json;
  mime: string;
  staticMime: string;
  text: string;
} {
  const mime = VL in bundle ? VL : PLOTLY in bundle ? PLOTLY : "";
  const staticMime = "image/svg+xml" in bundle
    ? "image/svg+xml"
    : "image/png" in bundle
    ? "image/png"
    : "";
  if (mime === "") throw new Error(`No interactive layer in ${Object.keys(bundle)}`);
  if (staticMime === "") throw new Error(`No static layer in ${Object.keys(bundle)}`);
  const text = bundle["text/plain"];
  if (typeof text !== "string" || text.length === 0) throw new Error("No text/plain layer");
  return { interactive: bundle[mime], mime, staticMime, text };
}

/**
 * What vega and vega-lite warn about while compiling and running a spec, as a front-end
 * does (vega-embed logs at the warning level; the library's headless SVG renderer does not
 * log at all).
 */
export async function vegaWarnings(spec: Json): Promise<string[]> {
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  const warnings: string[] = [];
  let level = vega.Warn;
  const logger = {
    level(l?: number): Json {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...a: unknown[]) => (warnings.push(`error: ${a.join(" ")}`), logger),
    warn: (...a: unknown[]) => (warnings.push(a.join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  const compiled = vl.compile(structuredClone(spec), { logger }).spec;
  const view = new vega.View(vega.parse(compiled), {
    logger,
    logLevel: vega.Warn,
    renderer: "none",
  });
  try {
    await view.runAsync();
  } finally {
    view.finalize();
  }
  return warnings;
}
