/**
 * Whether an outside program (Jupyter, Chromium) is installed, and what to install when not.
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
