/**
 * Checks on notebooks executed by bin/_jupyter.ts: their charts, each chart's three layers,
 * and whether a fresh run displays what the committed file shows.
 *
 * @module
 */

import type { Cell, Notebook } from "../bin/_jupyter.ts";
import type { Chart } from "./_render.ts";

const VEGALITE = "application/vnd.vegalite.v5+json";
const PLOTLY = "application/vnd.plotly.v1+json";
const VEGALITE_SCHEMA = /^https:\/\/vega\.github\.io\/schema\/vega-lite\/v5(\.\d+)*\.json$/;

function displayOutputs(notebook: Notebook): { index: number; data: Record<string, unknown> }[] {
  return notebook.cells.flatMap((cell, index) =>
    (cell.outputs ?? [])
      .filter((o) => o.data !== undefined)
      .map((o) => ({ index, data: o.data as Record<string, unknown> }))
  );
}

/**
 * Lists the interactive charts (vega-lite v5 and plotly outputs) of a notebook.
 *
 * @param notebook An executed notebook.
 * @param name The notebook's name, for the labels.
 * @returns One chart per interactive layer, labelled `"<name> cell <index>"`.
 */
export function chartsOf(notebook: Notebook, name: string): Chart[] {
  return displayOutputs(notebook).flatMap(({ index, data }) =>
    [VEGALITE, PLOTLY]
      .filter((mime) => mime in data)
      .map((mime) => ({ label: `${name} cell ${index}`, mime, spec: data[mime] }))
  );
}

/**
 * Checks that every chart output carries all three layers: interactive (vega-lite v5 with the
 * v5 `$schema`, or plotly), static (`image/svg+xml` or `image/png`) and `text/plain`; and that
 * no output uses another vega or vega-lite version, which JupyterLab or Deno's kernel would
 * not show as intended.
 *
 * @param notebook An executed notebook.
 * @returns One line per problem (`cell 4: no static layer (...)`); empty when all is well.
 */
export function chartLayerProblems(notebook: Notebook): string[] {
  const problems: string[] = [];
  for (const { index, data } of displayOutputs(notebook)) {
    const mimes = Object.keys(data);
    const other = mimes.filter((m) =>
      /^application\/vnd\.vega(lite)?\.v/.test(m) && m !== VEGALITE
    );
    if (other.length > 0) problems.push(`cell ${index}: unsupported ${other.join(", ")}`);
    if (!mimes.includes(VEGALITE) && !mimes.includes(PLOTLY)) continue;
    const layers = `(has ${mimes.join(", ")})`;
    if (!mimes.includes("image/svg+xml") && !mimes.includes("image/png")) {
      problems.push(`cell ${index}: no static layer, image/svg+xml or image/png ${layers}`);
    }
    if (typeof data["text/plain"] !== "string" && !Array.isArray(data["text/plain"])) {
      problems.push(`cell ${index}: no text/plain layer ${layers}`);
    }
    if (VEGALITE in data) {
      const schema = (data[VEGALITE] as { $schema?: unknown } | null)?.$schema;
      if (typeof schema !== "string" || !VEGALITE_SCHEMA.test(schema)) {
        problems.push(`cell ${index}: vega-lite $schema is ${schema}, expected the v5 schema`);
      }
    }
  }
  return problems;
}

/** The MIME types a cell displays (its display and result outputs), sorted, as one string. */
function displayedKinds(cell: Cell): string {
  const kinds = new Set<string>();
  for (const output of cell.outputs ?? []) {
    for (const mime of Object.keys(output.data ?? {})) kinds.add(mime);
  }
  return [...kinds].sort().join(", ");
}

/**
 * Compares what each code cell displays in the committed file and in a fresh run: the same
 * MIME types must come out, so committed outputs are current and no display went missing.
 *
 * @param committed The notebook as committed (with outputs).
 * @param executed The same notebook, just executed.
 * @returns One line per differing cell; empty when they agree.
 */
export function outputKindProblems(committed: Notebook, executed: Notebook): string[] {
  if (committed.cells.length !== executed.cells.length) {
    return [`has ${committed.cells.length} cells committed but ${executed.cells.length} ran`];
  }
  const problems: string[] = [];
  committed.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const before = displayedKinds(cell);
    const after = displayedKinds(executed.cells[index]!);
    if (before !== after) {
      problems.push(`cell ${index}: committed shows [${before}], a fresh run shows [${after}]`);
    }
  });
  return problems;
}
