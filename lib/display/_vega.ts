// Headless vega: compiles a vega-lite spec and renders it to SVG without a browser or a
// canvas. vega and vega-lite are big, so they load on the first render only.

import process from "node:process";
import { VEGA, VEGA_LITE } from "../_npm.ts";

type Vega = Awaited<ReturnType<typeof VEGA.load>>;
type VegaLite = Awaited<ReturnType<typeof VEGA_LITE.load>>;

let modules: Promise<[Vega, VegaLite]> | undefined;

function load(): Promise<[Vega, VegaLite]> {
  modules ??= (async () => {
    // vega's fetch fallback pulls in a package that uses node's deprecated `punycode`; keep
    // node's deprecation notice out of the notebook's output while the modules load.
    const flags = process as { noDeprecation?: boolean };
    const quiet = flags.noDeprecation;
    flags.noDeprecation = true;
    try {
      return await Promise.all([VEGA.load(), VEGA_LITE.load()]);
    } finally {
      flags.noDeprecation = quiet;
    }
  })();
  return modules;
}

/** The vega-lite schema URL that Jupyter front-ends render as vega-lite 5. */
export const VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Renders a vega-lite spec to an SVG document. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vl] = await load();
  // vega tags the data objects it ingests: render a copy, so the bundle's spec stays plain.
  const copy = structuredClone(spec) as unknown as Parameters<VegaLite["compile"]>[0];
  const compiled = vl.compile(copy).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
