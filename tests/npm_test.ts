// lib/_npm.ts writes each runtime npm version next to deno.json's copy (the comment there
// says why it cannot read it): these checks keep the copies equal, and the only ones.

import assert from "node:assert/strict";
import * as npm from "../lib/_npm.ts";

const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
  imports: Record<string, string>;
};

/** Every `npm:name@version` written in a file's text, as [name, specifier] pairs. */
function npmSpecifiers(text: string): [string, string][] {
  return [...text.matchAll(/npm:((?:@[\w.-]+\/)?[\w.-]+)@[\w.+-]+/g)].map((m) => [m[1]!, m[0]]);
}

/** The .ts files under `dir`, recursively, as URLs. */
async function* tsFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* tsFiles(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

Deno.test("lib/_npm.ts pins the versions deno.json pins", async (t) => {
  // The packages loaded on first use; the rest of the module re-exports static imports.
  const packages = Object.entries(npm).filter(([, v]) =>
    typeof v === "object" && v !== null && "specifier" in v
  ) as [string, { specifier: string }][];
  const source = await Deno.readTextFile(new URL("lib/_npm.ts", root));
  const code = source.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l)).join("\n");

  await t.step("each static import's version is deno.json's", () => {
    for (const [name, specifier] of npmSpecifiers(code)) {
      assert.equal(specifier, config.imports[name], `lib/_npm.ts names ${specifier}`);
    }
  });

  await t.step("each package's specifier is deno.json's", () => {
    for (const [constant, pkg] of packages) {
      const name = pkg.specifier.match(/^npm:(.+)@[^@]+$/)?.[1];
      assert.ok(name !== undefined, `${constant}.specifier is "${pkg.specifier}"`);
      assert.equal(pkg.specifier, config.imports[name], `${constant} (${name})`);
    }
  });

  await t.step("each load() and entry() name its specifier", () => {
    // They are literals (Deno needs literals there): read them from the source.
    for (const [constant, pkg] of packages) {
      const block = source.match(new RegExp(`export const ${constant} = \\{([^}]*)\\}`))?.[1];
      assert.ok(block !== undefined, `${constant} in lib/_npm.ts`);
      const named = [...block.matchAll(/(import|import\.meta\.resolve)\("([^"]+)"\)/g)];
      assert.deepEqual(named.map((m) => [m[1], m[2]]), [
        ["import", pkg.specifier],
        ["import.meta.resolve", pkg.specifier],
      ], constant);
    }
  });

  await t.step("every npm package in deno.json's imports is one of them", () => {
    const pinned = new Set(npmSpecifiers(code).map(([, specifier]) => specifier));
    for (const [name, specifier] of Object.entries(config.imports)) {
      if (!specifier.startsWith("npm:")) continue;
      assert.ok(
        pinned.has(specifier),
        `deno.json's "${name}" (${specifier}) is not loaded by lib/_npm.ts: a test-, bench- or build-only package belongs in dev_deps.ts`,
      );
    }
  });

  await t.step("no other file of lib/ names an npm version", async () => {
    const others: string[] = [];
    for await (const file of tsFiles(new URL("lib/", root))) {
      if (file.pathname.endsWith("/lib/_npm.ts")) continue;
      // JSDoc examples (lines starting with "*") may import a test-only package to show use.
      const code = (await Deno.readTextFile(file)).split("\n").filter((l) => !/^\s*\*/.test(l));
      for (const [, specifier] of npmSpecifiers(code.join("\n"))) {
        others.push(`${file.pathname.slice(root.pathname.length)}: ${specifier}`);
      }
    }
    assert.deepEqual(others, []);
  });

  await t.step("the checks see a specifier", () => {
    assert.deepEqual(npmSpecifiers('import("npm:@scope/a-b@1.2.3") npm:c.d@4.5.6-rc.1'), [
      ["@scope/a-b", "npm:@scope/a-b@1.2.3"],
      ["c.d", "npm:c.d@4.5.6-rc.1"],
    ]);
  });
});
