// TensorFlow.js's cpu backend with its gradients registered, for the tests that compare our
// gradients with its autodiff (an independent implementation). Importing this module sets it up.

import { tf, tfEntries } from "../dev_deps.ts";

/**
 * Registers TensorFlow.js's gradient functions. tfjs-core 4 ships them only as its ESM sources
 * (`dist/register_all_gradients.js` with extensionless imports, meant for bundlers; the
 * `@tensorflow/tfjs` umbrella package, some 300 MB of dependencies, imports them), which Deno's
 * Node-style resolver cannot load: so we bundle that module of the pinned tfjs-core with
 * `deno bundle` and import the bundle. It registers into the same global registry.
 */
async function registerTfGradients(): Promise<void> {
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

await registerTfGradients();
tf.env().set("PROD", true); // no console banner from the cpu backend
await tf.setBackend("cpu");

export { tf };
