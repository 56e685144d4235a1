import assert from "node:assert/strict";
import { Figure, heatmap, Network, networkSummary, renderReport, writeReport } from "../../mod.ts";
import { scriptJson, scriptText } from "../../lib/display/_browser.ts";
import { chromiumStatus, launchChromium } from "../_chromium.ts";
import { openReport } from "../_report_page.ts";
import { npmFile } from "../_render.ts";
import { requireTool, skipWithout } from "../_skip.ts";

const chromium = await chromiumStatus();

/** Text that would end a `<script>` element, or start an HTML comment in one, if not escaped. */
const NASTY = `</script><script>window.injected = 1</script><!-- </SCRIPT>`;

const bars = (labels: string[]) =>
  new Figure(`${labels.length} bars`, () => ({
    vegaLite: {
      data: { values: labels.map((x, i) => ({ x, y: i + 1 })) },
      mark: "bar",
      encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
    },
  }));

/** The contents of every `<script>` element, found the way an HTML parser finds its end. */
function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script/gi)].map((m) => ({
    attrs: m[1]!,
    body: m[2]!,
  }));
}

/** The libraries inlined in a page, by the comment that heads each one, with their code. */
function inlined(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const { attrs, body } of scripts(html)) {
    const m = /^\/\* (\S+) \*\/\n([\s\S]*)\n$/.exec(body);
    if (attrs === "" && m) found.set(m[1]!, m[2]!);
  }
  return found;
}

Deno.test("renderReport() inlines only the libraries that the figures need", async (t) => {
  const builds: Record<string, [string, string]> = {
    vega: ["vega", "build/vega.min.js"],
    "vega-lite": ["vega-lite", "build/vega-lite.min.js"],
    "vega-embed": ["vega-embed", "build/vega-embed.min.js"],
    plotly: ["plotly.js-dist-min", "plotly.min.js"],
  };
  /** Checks that the page holds exactly these libraries, each as its package has it. */
  async function assertInlined(html: string, names: string[]): Promise<void> {
    const found = inlined(html);
    assert.deepEqual([...found.keys()], names);
    for (const name of names) {
      const [pkg, file] = builds[name]!;
      // Compared as a boolean: a failure message would quote megabytes of minified code.
      const same = found.get(name) === await Deno.readTextFile(await npmFile(pkg, file));
      assert.ok(same, `${name} is inlined as ${pkg}'s ${file}`);
    }
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2");
    assert.doesNotMatch(markup, / (src|href)="(?!data:)/, "nothing is loaded from elsewhere");
  }
  await t.step("vega, vega-lite and vega-embed for a vega-lite chart", async () => {
    const html = await renderReport([{ figure: bars(["a", "b"]) }]);
    await assertInlined(html, ["vega", "vega-lite", "vega-embed"]);
    assert.ok(html.includes("vegaEmbed(target"), "the page's script draws the chart");
  });
  await t.step("plotly alone for a plotly chart", async () => {
    const big = heatmap([[1, -1], [0, 2]], { interactive: "plotly" });
    await assertInlined(await renderReport([{ figure: big }]), ["plotly"]);
  });
  await t.step("no script at all for a table", async () => {
    const html = await renderReport([{ figure: networkSummary(new Network([2, 2], { seed: 1 })) }]);
    assert.deepEqual(scripts(html), []);
    assert.match(html, /<table/);
  });
  await t.step("a Network and a History show as they do in a notebook", async () => {
    const net = new Network([2, 2], { seed: 1 });
    const history = await net.sgd([[[0, 1], [1, 0]]], { epochs: 2, miniBatchSize: 1, eta: 1 });
    const html = await renderReport([{ figure: net }, { figure: history }]);
    assert.match(html, /<table/);
    assert.match(html, /<figcaption>History: 2 epochs/);
    await assertInlined(html, ["vega", "vega-lite", "vega-embed"]);
  });
});

Deno.test("renderReport() keeps text that looks like HTML from breaking the page", async (t) => {
  const html = await renderReport(
    [{ heading: `<h1>${NASTY}`, text: "a < b & c", figure: bars([NASTY, "plain"]) }],
    { title: NASTY, intro: "<b>bold?</b>", details: { [`<i>`]: NASTY } },
  );
  await t.step("each script ends where it is meant to end", () => {
    const found = scripts(html);
    assert.equal(found.length, 5, "spec, three libraries, the page's script");
    for (const s of found) {
      assert.doesNotMatch(s.body, /<!--/, "no comment opener in a script");
      assert.doesNotMatch(s.body, /<script/i, "no script opener in a script");
    }
  });
  await t.step("the spec in the page parses back to the figure's spec", async () => {
    const spec = scripts(html).find((s) => s.attrs.includes("application/json"))!;
    const bundle = await bars([NASTY, "plain"]).bundle();
    assert.deepEqual(JSON.parse(spec.body), bundle["application/vnd.vegalite.v5+json"]);
  });
  await t.step("text outside scripts is escaped", () => {
    const outside = html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, "");
    assert.doesNotMatch(outside, /<\/script>|<b>|<i>|<h1><h1>/i);
    assert.ok(outside.includes("a &#60; b &#38; c"));
  });
});

Deno.test("scriptText() and scriptJson() escape only what would end a script", async (t) => {
  await t.step("code keeps its meaning: strings, templates, regular expressions", () => {
    const js =
      `return [\"</script><!--\", '</SCRIPT>', \`<!-- </Script\`, /^<!--$/.test("<!--"), 1 <2];`;
    const escaped = scriptText(js);
    assert.doesNotMatch(escaped, /<\/script|<!--/i);
    assert.deepEqual(
      new Function(escaped)(),
      ["</script><!--", "</SCRIPT>", "<!-- </Script", true, true],
    );
    assert.equal(scriptText("a < b && c <= d"), "a < b && c <= d");
  });
  await t.step("JSON parses back to the same value", () => {
    const value = { s: NASTY, amp: "a & b > c", line: "\u2028\u2029", n: [1, 2.5, null] };
    const json = scriptJson(value);
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(json), value);
  });
});

Deno.test("renderReport() and writeReport() check their arguments", async (t) => {
  const fig = bars(["a"]);
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "sections not an array",
      () => renderReport(fig as never),
      /sections is an object, expected an array/,
    ],
    [
      "a section without a figure",
      () => renderReport([{ heading: "x" } as never]),
      /sections\[0\]\.figure is undefined, expected something a notebook displays/,
    ],
    [
      "a heading that is not text",
      () => renderReport([{ heading: 3 as never, figure: fig }]),
      /sections\[0\]\.heading is a number, expected a string/,
    ],
    [
      "options not an object",
      () => renderReport([], "t" as never),
      /options is a string, expected an object/,
    ],
    [
      "details with an object",
      () => renderReport([], { details: { a: {} as never } }),
      /details\["a"\] is an object, expected a string or number/,
    ],
    ["an empty path", () => writeReport("", []), /path is empty, expected a path or file URL/],
    [
      "an http URL",
      () => writeReport(new URL("http://example.com/r.html"), []),
      /http:\/\/example\.com\/r\.html is not a file URL/,
    ],
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, async () => {
      await assert.rejects(call, (e: Error) => e instanceof TypeError && message.test(e.message));
    });
  }
  await t.step("a bad section fails before anything is drawn or written", async () => {
    let built = 0;
    const counted = new Figure("counted", () => (built++, {}));
    const dir = await Deno.makeTempDir({ prefix: "report_test_" });
    try {
      await assert.rejects(
        () => writeReport(`${dir}/r.html`, [{ figure: counted }, { figure: null as never }]),
        TypeError,
      );
      assert.equal(built, 0);
      assert.deepEqual([...Deno.readDirSync(dir)], []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("writeReport() replaces the file whole and leaves no temporary file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "report_test_" });
  try {
    const url = new URL(`file://${dir}/my%20report.html`);
    await t.step("to a file URL", async () => {
      const bytes = await writeReport(url, [{ figure: bars(["a"]) }], { title: "first" });
      const html = await Deno.readTextFile(`${dir}/my report.html`);
      assert.equal(bytes, (await Deno.stat(`${dir}/my report.html`)).size);
      assert.match(html, /<title>first<\/title>/);
    });
    await t.step("over an older report", async () => {
      await writeReport(`${dir}/my report.html`, [], { title: "second" });
      assert.match(await Deno.readTextFile(url), /<title>second<\/title>/);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["my report.html"]);
    });
    await t.step("into a missing folder: the error, and nothing left", async () => {
      await assert.rejects(() => writeReport(`${dir}/missing/r.html`, []), Deno.errors.NotFound);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["my report.html"]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "renderReport()'s page draws its charts offline in Chromium, or shows their pictures",
  ignore: skipWithout(chromium),
  async fn(t) {
    requireTool(chromium);
    // A chart whose spec vega-lite rejects, with a static picture of its own to fall back on.
    const broken = new Figure("broken chart", () => ({
      vegaLite: { mark: "no-such-mark" },
      svg: `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" ` +
        `height="20" fill="teal"/></svg>`,
    }));
    const sections = [
      { heading: "Bars", figure: bars([NASTY, "plain", "third"]) },
      { heading: "Heatmap", figure: heatmap([[1, -1, 0], [0, 2, 1]], { interactive: "plotly" }) },
      { heading: "Table", figure: networkSummary(new Network([3, 2], { seed: 1 })) },
      { heading: "Broken", figure: broken },
    ];
    const dir = await Deno.makeTempDir({ prefix: "report_test_" });
    await using browser = await launchChromium({ offline: true });
    try {
      await writeReport(`${dir}/report.html`, sections, { title: NASTY });
      const { page, figures } = await openReport(browser, `${dir}/report.html`);
      const [bar, heat, table, bad] = figures;
      await t.step("no request leaves the page", () => {
        assert.deepEqual(page.blocked, []);
      });
      await t.step("the vega-lite chart draws one bar per label, the labels intact", async () => {
        assert.equal(bar!.error, "");
        assert.ok(bar!.rendered);
        assert.equal(bar!.staticImages, 0, "the interactive chart replaced the picture");
        assert.equal(bar!.vegaMarks["mark-rect"], 3);
        const labels = await page.evaluate<string[]>(
          `[...document.querySelectorAll("#figure-0 .interactive svg .role-axis-label text")]
            .map((t) => t.textContent)`,
        );
        assert.ok(labels.includes("plain"), labels.join(" | "));
        assert.equal(await page.evaluate("window.injected"), undefined);
        assert.equal(await page.evaluate("document.title"), NASTY);
      });
      await t.step("the plotly chart draws its heatmap", () => {
        assert.equal(heat!.kind, "plotly");
        assert.equal(heat!.error, "");
        assert.equal(heat!.plotlyTraces, 1);
      });
      await t.step("the table is there", () => {
        assert.equal(table!.kind, "");
        assert.match(table!.text, /layer/);
      });
      await t.step("a chart that fails keeps its picture and says so", () => {
        assert.equal(bad!.rendered, false);
        assert.notEqual(bad!.error, "");
        assert.equal(bad!.staticImages, 1);
        assert.match(bad!.text, /The interactive chart failed/);
        assert.equal(page.errors.length, 1, page.errors.join("\n"));
        assert.ok(page.errors[0]!.startsWith(`figure-3: ${bad!.error}`), page.errors[0]);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
