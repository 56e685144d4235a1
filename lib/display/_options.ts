// Checks of the options shared by the display helpers, at their public entries.

import { typeName } from "../_util.ts";
import { checkOptions } from "../_validate.ts";
import { checkScheme, type ColorScheme } from "./_color.ts";
import type { FigureOptions } from "./figure.ts";

/** Checked figure options with defaults filled in. */
export interface Checked {
  title: string | undefined;
  width: number;
  height: number;
}

/** The options every figure takes, `FigureOptions`'s keys. */
export const FIGURE_OPTIONS: readonly string[] = ["title", "width", "height"];

/**
 * Checks `title`, `width` and `height`, and that no key is outside these and the helper's
 * own `known` ones (a misspelt option would otherwise be silently ignored); the defaults
 * apply where they are absent.
 */
export function checkFigureOptions(
  options: FigureOptions | undefined,
  where: string,
  defaults: { width: number; height: number },
  known: readonly string[] = [],
): Checked {
  checkOptions(options, where, "an object", [...FIGURE_OPTIONS, ...known]);
  if (options === undefined) return { title: undefined, ...defaults };
  const { title, width = defaults.width, height = defaults.height } = options;
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`${where}: title is ${typeName(title)}, expected a string`);
  }
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 1 || v > 10_000) {
      throw new RangeError(`${where}: ${name} is ${String(v)}, expected a number from 1 to 10000`);
    }
  }
  return { title, width, height };
}

/** Checks an optional `scheme` option. */
export function schemeOption(
  scheme: unknown,
  fallback: ColorScheme,
  where: string,
): ColorScheme {
  return scheme === undefined ? fallback : checkScheme(scheme, where);
}

/** The vega-lite `title` property for an optional title. */
export function titleOf(title: string | undefined): Record<string, unknown> {
  return title === undefined ? {} : { title: { text: title, anchor: "start" } };
}

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
