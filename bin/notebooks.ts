// `deno task notebooks [FILE.ipynb ...]`: re-executes the notebooks in place on the Deno
// kernel (all of notebooks/ by default), in a real Jupyter, so their committed outputs are
// current, then formats their cells with `deno fmt`. A notebook whose cells fail is left as it
// was, and the task exits with status 1.
// (deno.json keeps `.ipynb` files out of the project-wide `deno fmt`: see `formatNotebook`.)

import {
  executeNotebook,
  formatNotebook,
  jupyterStatus,
  listNotebooks,
  notebookErrors,
} from "./_jupyter.ts";

const status = await jupyterStatus();
if (!status.available) {
  console.error(`Cannot run the notebooks: ${status.reason}`);
  Deno.exit(1);
}

const paths = Deno.args.length > 0
  ? Deno.args.map((p) => (p.startsWith("/") ? p : `${Deno.cwd()}/${p}`))
  : listNotebooks(new URL("../notebooks/", import.meta.url));
if (paths.length === 0) console.error("No notebooks in notebooks/");

let failed = 0;
for (const path of paths) {
  const started = performance.now();
  try {
    const notebook = await executeNotebook(path, { inplace: true });
    await formatNotebook(path);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const size = (await Deno.stat(path)).size;
    const problems = notebookErrors(notebook);
    const note = size >= 2 * 1024 * 1024 ? ", over the 2 MB limit" : "";
    console.log(`${path}: ${notebook.cells.length} cells, ${size} bytes${note}, ${seconds} s`);
    for (const problem of problems) console.error(`  ${problem}`);
    if (problems.length > 0 || note) failed++;
  } catch (e) {
    console.error(`${path}: ${(e as Error).message}`);
    failed++;
  }
}
if (failed > 0) Deno.exit(1);
