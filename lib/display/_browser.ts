// The browser builds of the chart renderers (vega, vega-lite, vega-embed, plotly), read as
// text from the npm packages pinned in lib/_npm.ts, for pages that must work offline.

import process from "node:process";
import { PLOTLY, VEGA, VEGA_EMBED, VEGA_LITE } from "../_npm.ts";

/** A renderer that a page can inline. */
export type BrowserLibrary = "vega" | "vega-lite" | "vega-embed" | "plotly";

interface Package {
  /** The pinned specifier, for messages. */
  specifier: string;
  /** Imports the package, so that Deno downloads it into its npm cache. */
  load: () => Promise<unknown>;
  /** The package's entry point as Deno resolves it (throws when it cannot). */
  entry: () => string;
  /** The minified browser build, relative to the entry point. */
  file: string;
}

const PACKAGES: Record<BrowserLibrary, Package> = {
  vega: { ...VEGA, file: "vega.min.js" },
  "vega-lite": { ...VEGA_LITE, file: "vega-lite.min.js" },
  "vega-embed": { ...VEGA_EMBED, file: "vega-embed.min.js" },
  plotly: { ...PLOTLY, file: "plotly.min.js" },
};

/** The browser build's URL next to the entry point, or undefined when it is not there. */
async function locate(pkg: Package): Promise<URL | undefined> {
  try {
    const url = new URL(pkg.file, pkg.entry());
    if (url.protocol === "file:" && (await Deno.stat(url)).isFile) return url;
  } catch { /* not downloaded yet, or not resolvable */ }
  return undefined;
}

/**
 * Name and version of a renderer's package, e.g. `"vega@5.33.1"`.
 */
export function browserLibraryName(name: BrowserLibrary): string {
  return PACKAGES[name].specifier.slice("npm:".length);
}

const cache = new Map<BrowserLibrary, Promise<string>>();

/**
 * The minified browser build of a renderer, as JavaScript text. When the package is not in
 * Deno's npm cache yet (a fresh clone), importing it makes Deno download it first.
 */
export function browserScript(name: BrowserLibrary): Promise<string> {
  let text = cache.get(name);
  if (text === undefined) {
    text = read(PACKAGES[name]);
    text.catch(() => cache.delete(name));
    cache.set(name, text);
  }
  return text;
}

async function read(pkg: Package): Promise<string> {
  let url = await locate(pkg);
  if (url === undefined) {
    // Only the download matters: a browser build may fail to run in Deno. vega's fetch
    // fallback uses node's deprecated `punycode`; keep the notice off the user's screen.
    const flags = process as { noDeprecation?: boolean };
    const quiet = flags.noDeprecation;
    flags.noDeprecation = true;
    try {
      await pkg.load();
    } catch {
      /* checked below */
    } finally {
      flags.noDeprecation = quiet;
    }
    url = await locate(pkg);
  }
  if (url === undefined) {
    throw new Error(
      `Cannot find ${pkg.file} of ${pkg.specifier} in Deno's npm cache: run \`deno cache ${pkg.specifier}\``,
    );
  }
  return await Deno.readTextFile(url);
}

/** JSON that can sit inside a `<script>` element: no `<`, `>` or `&` can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * JavaScript that can sit inside a `<script>` element: `</script` would end it and `<!--`
 * would change how the HTML parser reads it. `\x3C` is `<` in strings, templates and regular
 * expressions alike, the only places a minified library can have these.
 */
export function scriptText(js: string): string {
  return js.replace(/<(?=\/script|!--)/gi, "\\x3C");
}
