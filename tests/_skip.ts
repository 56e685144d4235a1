/**
 * Decides whether tests that need an outside tool (Jupyter, Chromium) run.
 *
 * Outside CI a missing tool skips those tests with one visible notice on stderr; with
 * `CI=true` the tests run anyway and fail, so that CI can never pass by skipping.
 *
 * @module
 */

/** Whether a tool was found, and what was missing when not. */
export interface ToolStatus {
  /** Short name shown in notices, e.g. `"Jupyter"`. */
  name: string;
  /** True when the tool answered. */
  available: boolean;
  /** What was missing and how to install it; empty when available. */
  reason: string;
}

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

/**
 * Runs a command and reports whether it exited with status 0.
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @returns True on success; false when it failed or does not exist.
 */
export async function commandSucceeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null", stdin: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}
