// Colour schemes shared by every layer of a figure: the same stops feed the vega-lite scale,
// the plotly colour scale and the pixels of our PNGs, so all three show the same colours.

/** Names of the colour schemes the display helpers accept. */
export type ColorScheme = "redblue" | "purplegreen" | "greys" | "blues" | "viridis";

// Stops from low to high. The diverging schemes are ColorBrewer's RdBu and PRGn (negative
// red or purple, zero near white, positive blue or green); greys runs white to black, so
// MNIST digits show as ink on paper; blues and viridis are sequential.
const STOPS: Record<ColorScheme, readonly string[]> = {
  redblue: [
    "#67001f",
    "#b2182b",
    "#d6604d",
    "#f4a582",
    "#fddbc7",
    "#f7f7f7",
    "#d1e5f0",
    "#92c5de",
    "#4393c3",
    "#2166ac",
    "#053061",
  ],
  purplegreen: [
    "#40004b",
    "#762a83",
    "#9970ab",
    "#c2a5cf",
    "#e7d4e8",
    "#f7f7f7",
    "#d9f0d3",
    "#a6dba0",
    "#5aae61",
    "#1b7837",
    "#00441b",
  ],
  greys: ["#ffffff", "#000000"],
  blues: [
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
  ],
  viridis: [
    "#440154",
    "#482878",
    "#3e4989",
    "#31688e",
    "#26828e",
    "#1f9e89",
    "#35b779",
    "#6ece58",
    "#b5de2b",
    "#fde725",
  ],
};

const SCHEMES = Object.keys(STOPS) as ColorScheme[];

/** Whether the scheme is diverging, meant to be centred on 0. */
export function isDiverging(scheme: ColorScheme): boolean {
  return scheme === "redblue" || scheme === "purplegreen";
}

/** Checks a scheme option at a public entry. */
export function checkScheme(scheme: unknown, where: string): ColorScheme {
  if (typeof scheme !== "string" || !SCHEMES.includes(scheme as ColorScheme)) {
    throw new RangeError(
      `${where}: scheme is ${JSON.stringify(scheme)}, expected one of ${SCHEMES.join(", ")}`,
    );
  }
  return scheme as ColorScheme;
}

/** The scheme's stops as hex strings, low to high. */
export function stops(scheme: ColorScheme): readonly string[] {
  return STOPS[scheme];
}

function rgbOf(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A lookup table of 256 RGB colours for `t` in [0, 1], interpolated linearly between stops. */
export function colorTable(scheme: ColorScheme): Uint8Array {
  const s = STOPS[scheme].map(rgbOf);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (s.length - 1);
    const k = Math.min(Math.floor(x), s.length - 2);
    const f = x - k;
    for (let c = 0; c < 3; c++) {
      table[i * 3 + c] = Math.round(s[k]![c]! * (1 - f) + s[k + 1]![c]! * f);
    }
  }
  return table;
}

/** The colour domain of some values: symmetric about 0 for diverging schemes. */
export function domainOf(
  values: ArrayLike<number>,
  scheme: ColorScheme,
): [lo: number, hi: number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [-1, 1];
  if (isDiverging(scheme)) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** A vega-lite colour scale spreading the scheme's stops evenly over `[lo, hi]`. */
export function vegaScale(
  scheme: ColorScheme,
  [lo, hi]: [number, number],
): Record<string, unknown> {
  const s = STOPS[scheme];
  return {
    domain: s.map((_, i) => round(lo + ((hi - lo) * i) / (s.length - 1))),
    range: [...s],
    clamp: true,
  };
}

/** A plotly colour scale with the scheme's stops. */
export function plotlyScale(scheme: ColorScheme): [number, string][] {
  const s = STOPS[scheme];
  return s.map((c, i) => [i / (s.length - 1), c]);
}

/** Rounds to 4 significant digits, which keeps specs small and hover values readable. */
export function round(v: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(4));
}

/** Ten distinct colours for classes (vega's tableau10). */
export const CLASS_COLORS: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];

/** A hex colour as RGB bytes. */
export function rgb(hex: string): [number, number, number] {
  return rgbOf(hex);
}
