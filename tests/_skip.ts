/**
 * Decides whether tests that need an outside tool (Jupyter, Chromium) run.
 *
 * Outside CI a missing tool skips those tests with one visible notice on stderr; with
 * `CI=true` the tests run anyway and fail, so that CI can never pass by skipping.
 *
 * @module
 */

import type { ToolStatus } from "../bin/_tools.ts";

/** True when running in CI (`CI=true`), where every tool is required. */
export const IN_CI: boolean = Deno.env.get("CI") === "true";

const noticed = new Set<string>();

/**
 * Returns the `ignore` value for `Deno.test`: true only when the tool is missing outside CI,
 * and then prints a notice to stderr once per tool.
 *
 * @param status The tool's status.
 * @returns Whether to ignore the tests that need it.
 */
export function skipWithout(status: ToolStatus): boolean {
  if (status.available || IN_CI) return false;
  if (!noticed.has(status.name)) {
    noticed.add(status.name);
    console.error(
      `%cNotice: skipping the tests that need ${status.name}: ${status.reason} ` +
        `(they are required when CI=true)`,
      "color: yellow",
    );
  }
  return true;
}

/**
 * Throws when the tool is missing: the first step of a test that runs under CI without it.
 *
 * @param status The tool's status.
 */
export function requireTool(status: ToolStatus): void {
  if (!status.available) {
    throw new Error(`${status.name} is required when CI=true: ${status.reason}`);
  }
}
