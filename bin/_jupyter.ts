/**
 * Runs notebooks in a real Jupyter against the Deno kernel: execution with Jupyter's nbclient
 * (`bin/_run_notebook.py`, see there why not plain `jupyter nbconvert --execute`), HTML
 * export with `jupyter nbconvert --to html`, and the errors of an executed notebook. Used by
 * `deno task notebooks` and by the tests (tests/_jupyter.ts adds the checks on its charts).
 *
 * The kernel is registered in a temporary Jupyter directory (`JUPYTER_PATH`,
 * `JUPYTER_DATA_DIR`, `JUPYTER_CONFIG_DIR` and `JUPYTER_RUNTIME_DIR` all point inside it) and
 * its `argv` names the Deno binary that runs this code, so neither the user's kernels nor
 * their Jupyter configuration play any part.
 *
 * @module
 */

import { commandSucceeds, type ToolStatus } from "./_tools.ts";

/** One output of a code cell, as nbformat 4 stores it. */
export interface Output {
  /** `"stream"`, `"display_data"`, `"execute_result"`, `"update_display_data"` or `"error"`. */
  output_type: string;
  /** For streams: `"stdout"` or `"stderr"`. */
  name?: string;
  /** For streams: the text, as a string or a list of lines. */
  text?: string | string[];
  /** For displays and results: the MIME bundle. */
  data?: Record<string, unknown>;
  /** For displays and results: per-MIME metadata. */
  metadata?: Record<string, unknown>;
  /** For errors: the exception's name. */
  ename?: string;
  /** For errors: the exception's message. */
  evalue?: string;
  /** For errors: the traceback lines (may hold ANSI colour codes). */
  traceback?: string[];
}

/** One cell of a notebook. */
export interface Cell {
  /** `"code"`, `"markdown"` or `"raw"`. */
  cell_type: string;
  /** Cell id (nbformat 4.5). */
  id?: string;
  /** The source, as a string or a list of lines. */
  source: string | string[];
  /** Cell metadata. */
  metadata: Record<string, unknown>;
  /** Outputs of a code cell. */
  outputs?: Output[];
  /** Execution count of a code cell. */
  execution_count?: number | null;
}

/** A parsed `.ipynb` file. */
export interface Notebook {
  /** The cells, in order. */
  cells: Cell[];
  /** Notebook metadata (`kernelspec`, `language_info`). */
  metadata: Record<string, unknown>;
  /** Always 4. */
  nbformat: number;
  /** Minor format version. */
  nbformat_minor: number;
}

let statusPromise: Promise<ToolStatus> | undefined;

/**
 * Finds out once whether Jupyter can execute notebooks here (`jupyter nbconvert --version`,
 * and nbclient importable by the Python that runs `jupyter`).
 *
 * @returns The status (for the tests' `skipWithout()` and `requireTool()`).
 */
export function jupyterStatus(): Promise<ToolStatus> {
  statusPromise ??= (async () => {
    const install =
      "apt-get install jupyter-nbconvert python3-nbclient jupyter-client, or see .ci/run";
    if (!await commandSucceeds("jupyter", ["nbconvert", "--version"])) {
      return { name: "Jupyter", available: false, reason: `no jupyter nbconvert (${install})` };
    }
    // `python3` on PATH may not be the Python that runs `jupyter` (pyenv, venvs): ask
    // jupyter's own interpreter, named on the first line of its script.
    const python = await jupyterPython();
    if (!await commandSucceeds(python, ["-c", "import nbclient, nbformat, jupyter_client"])) {
      return {
        name: "Jupyter",
        available: false,
        reason: `${python} has no nbclient (${install})`,
      };
    }
    return { name: "Jupyter", available: true, reason: "" };
  })();
  return statusPromise;
}

async function jupyterPython(): Promise<string> {
  try {
    const which = await new Deno.Command("sh", { args: ["-c", "command -v jupyter"] }).output();
    const script = new TextDecoder().decode(which.stdout).trim();
    const first = (await Deno.readTextFile(script)).split("\n", 1)[0] ?? "";
    const match = first.match(/^#!\s*(\S+)(?:\s+(\S+))?/);
    if (match?.[1]?.endsWith("/env") && match[2]) return match[2];
    if (match?.[1]) return match[1];
  } catch { /* fall through */ }
  return "python3";
}

/**
 * Registers the Deno kernel as `deno` in a fresh temporary Jupyter directory, runs `fn` with
 * the environment that selects it, then kills whatever is still running from that directory
 * (a kernel orphaned by a timeout) and removes it.
 *
 * @param fn Receives the environment variables to pass to `jupyter`.
 * @returns What `fn` returns.
 */
export async function withDenoKernel<T>(
  fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "backprop_jupyter_" });
  try {
    await Deno.mkdir(`${dir}/kernels/deno`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/kernels/deno/kernel.json`,
      JSON.stringify(
        {
          argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
          display_name: "Deno",
          language: "typescript",
        },
        null,
        2,
      ),
    );
    return await fn({
      JUPYTER_PATH: dir,
      JUPYTER_DATA_DIR: dir,
      JUPYTER_CONFIG_DIR: `${dir}/config`,
      JUPYTER_RUNTIME_DIR: `${dir}/runtime`,
      JUPYTER_PLATFORM_DIRS: "0",
    });
  } finally {
    await killProcessesMentioning(dir);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Kills the processes whose command line contains `text` (a unique temp path of ours). */
async function killProcessesMentioning(text: string): Promise<void> {
  let killed = false;
  let pids: string[];
  try {
    pids = [...Deno.readDirSync("/proc")].map((e) => e.name).filter((n) => /^\d+$/.test(n));
  } catch {
    return; // no /proc: nothing we can find
  }
  for (const pid of pids) {
    try {
      const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
      if (cmdline.includes(text) && Number(pid) !== Deno.pid) {
        Deno.kill(Number(pid), "SIGKILL");
        killed = true;
      }
    } catch { /* gone meanwhile */ }
  }
  if (killed) await new Promise((r) => setTimeout(r, 200));
}

/** Options of `executeNotebook()`. */
export interface ExecuteOptions {
  /** Write the executed notebook back to `path` (for `deno task notebooks`). */
  inplace?: boolean;
  /**
   * Keep running after a cell fails and return the error outputs (default: true unless
   * `inplace`, which stops at the first error and leaves the file as it was).
   */
  allowErrors?: boolean;
  /** Time limit of one cell, in seconds (default 300). */
  cellTimeoutSeconds?: number;
  /** Time limit of the whole run, in seconds (default 900). */
  timeoutSeconds?: number;
}

/**
 * Executes a notebook with Jupyter's nbclient on the Deno kernel (through
 * `bin/_run_notebook.py`, which also keeps the outputs that Deno's kernel sends late).
 *
 * Cells run with the notebook's own folder as working directory, so `import "../mod.ts"`
 * works. Without `inplace` the file is left untouched and the result comes from a temp copy;
 * with it, the file is rewritten only when every cell succeeded.
 *
 * @param path Path of the `.ipynb` file.
 * @param options In-place mode, error handling and time limits.
 * @returns The executed notebook.
 */
export async function executeNotebook(
  path: string,
  options: ExecuteOptions = {},
): Promise<Notebook> {
  const inplace = options.inplace ?? false;
  const allowErrors = options.allowErrors ?? !inplace;
  const out = await Deno.makeTempDir({ prefix: "backprop_nb_" });
  try {
    const target = inplace ? path : `${out}/${path.split("/").pop()}`;
    const script = new URL("./_run_notebook.py", import.meta.url).pathname;
    const args = [
      script,
      path,
      target,
      "--timeout",
      String(options.cellTimeoutSeconds ?? 300),
      ...(allowErrors ? ["--allow-errors"] : []),
    ];
    await withDenoKernel(async (env) =>
      run(await jupyterPython(), args, env, options.timeoutSeconds ?? 900, `Cannot execute ${path}`)
    );
    return JSON.parse(await Deno.readTextFile(target)) as Notebook;
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

async function run(
  program: string,
  args: string[],
  env: Record<string, string>,
  timeoutSeconds: number,
  what: string,
): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
  try {
    const result = await new Deno.Command(program, {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    if (controller.signal.aborted) {
      throw new Error(`${what}: timed out after ${timeoutSeconds} s\n${stderr.slice(-3000)}`);
    }
    if (!result.success) {
      throw new Error(
        `${what}: ${program} exited with ${result.code}\n${stripAnsi(stderr).slice(-3000)}`,
      );
    }
    return stderr;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Formats a notebook's cells as `deno fmt` would with deno.json, which excludes `.ipynb` files:
 * Deno 2.9's `deno fmt --check` reports every `.ipynb` file as unformatted unless its
 * incremental cache says otherwise (so always on a fresh machine), while `deno fmt` leaves the
 * same file unchanged; and excluded files are skipped even when named. So this runs
 * `deno fmt --no-config` with the config's line width.
 *
 * @param path Path of the `.ipynb` file, rewritten in place.
 */
export async function formatNotebook(path: string): Promise<void> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { fmt?: { lineWidth?: number } };
  const args = ["fmt", "--no-config", `--line-width=${config.fmt?.lineWidth ?? 80}`, path];
  const result = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!result.success) {
    const stderr = stripAnsi(new TextDecoder().decode(result.stderr)).slice(-2000);
    throw new Error(`Cannot format ${path}: deno fmt exited with ${result.code}\n${stderr}`);
  }
}

/**
 * Exports a notebook to HTML with `jupyter nbconvert --to html` (the default "lab" template).
 *
 * @param notebook The notebook, e.g. from `executeNotebook()`.
 * @param htmlPath Where to write the HTML file.
 */
export async function exportHtml(notebook: Notebook, htmlPath: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "backprop_html_" });
  try {
    const slash = htmlPath.lastIndexOf("/");
    const outDir = slash >= 0 ? htmlPath.slice(0, slash) || "/" : ".";
    const base = htmlPath.slice(slash + 1).replace(/\.html$/, "");
    await Deno.writeTextFile(`${dir}/${base}.ipynb`, JSON.stringify(notebook));
    await run(
      "jupyter",
      [
        "nbconvert",
        "--to",
        "html",
        // Debian 12's nbconvert 6.5 passes SVG outputs through lxml's clean_html, which drops
        // every element inside <svg>, so each figure would export blank. Our notebooks are
        // trusted: show their SVG as JupyterLab and GitHub do.
        "--TemplateExporter.filters={'clean_html': 'os.fspath'}",
        "--output-dir",
        outDir,
        "--output",
        base,
        `${dir}/${base}.ipynb`,
      ],
      { JUPYTER_CONFIG_DIR: `${dir}/config` },
      120,
      `Cannot export ${base} to HTML`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Lists the notebooks of a folder, sorted by name.
 *
 * @param dir A folder path or `file:` URL.
 * @returns Absolute paths of its `*.ipynb` files (empty when the folder does not exist).
 */
export function listNotebooks(dir: string | URL): string[] {
  const base = dir instanceof URL ? dir.pathname : dir;
  try {
    return [...Deno.readDirSync(base)]
      .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
      .map((e) => `${base.replace(/\/$/, "")}/${e.name}`)
      .sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/**
 * Joins a multiline nbformat field (a string or a list of lines).
 *
 * @param text The field.
 * @returns One string.
 */
export function joinText(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : text ?? "";
}

/**
 * Removes ANSI colour codes (Deno's kernel colours `text/plain` and tracebacks).
 *
 * @param text Text with escape codes.
 * @returns The plain text.
 */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

/**
 * Describes every error in an executed notebook: error outputs, and stderr streams that
 * mention "error".
 *
 * @param notebook An executed notebook.
 * @returns One line per problem (`cell 3: TypeError: ...`); empty when clean.
 */
export function notebookErrors(notebook: Notebook): string[] {
  const problems: string[] = [];
  notebook.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "error") {
        const trace = stripAnsi((output.traceback ?? []).join("\n")).slice(0, 1500);
        problems.push(`cell ${index}: ${output.ename}: ${output.evalue}\n${trace}`);
      } else if (output.output_type === "stream" && output.name === "stderr") {
        const text = stripAnsi(joinText(output.text));
        if (/error/i.test(text)) {
          problems.push(`cell ${index} wrote to stderr: ${text.slice(0, 1500)}`);
        }
      }
    }
  });
  return problems;
}
