import assert from "node:assert/strict";
import { jupyterDisplay, table } from "../../mod.ts";

Deno.test("table() gives HTML, SVG and aligned text of the same rows", async (t) => {
  const fig = table(["digit", "count", "share"], [
    ["zero", 980, 0.098],
    ["one", 1135, 0.1135],
    ["none", "", 1 / 3],
  ], { title: "Test digits" });
  const bundle = await fig.bundle();
  await t.step("text: title, then columns padded to their widest cell", () => {
    assert.deepEqual(String(fig).split("\n"), [
      "Test digits",
      "digit  count      share",
      "zero     980  0.0980000", // six significant digits
      "one     1135   0.113500",
      "none           0.333333",
    ]);
    assert.equal(bundle["text/plain"], String(fig));
  });
  await t.step("HTML: a caption, a header row and one row per entry", () => {
    const html = bundle["text/html"] as string;
    assert.match(html, /^<table><caption style="text-align:left">Test digits<\/caption>/);
    assert.equal(html.split("<tr>").length - 1, 4);
    assert.equal(html.split("<th ").length - 1, 3);
    assert.match(html, /<td style="text-align:left">one<\/td><td style="text-align:right">1135</);
  });
  await t.step("SVG: every cell as a text element, numbers right-aligned", () => {
    const svg = bundle["image/svg+xml"] as string;
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(texts, [
      "Test digits",
      ...["digit", "count", "share"],
      ...["zero", "980", "0.0980000", "one", "1135", "0.113500", "none", "", "0.333333"],
    ]);
    // count and share, header and empty cell included: 2 columns × 4 rows
    assert.equal(svg.split('text-anchor="end"').length - 1, 8);
  });
  await t.step("SVG: wide enough for the widest row and for the title", async () => {
    const svg = bundle["image/svg+xml"] as string;
    const width = Number(svg.match(/width="(\d+)"/)![1]);
    // 22 monospace characters of 0.6 × 13 px, and the 11-character bold title, fit.
    assert.ok(width >= 22 * 0.6 * 13, `width ${width}`);
    const long = table(["a"], [[1]], { title: "a title much longer than the only column" });
    const longSvg = (await long.bundle())["image/svg+xml"] as string;
    assert.ok(Number(longSvg.match(/width="(\d+)"/)![1]) >= 40 * 0.6 * 13);
  });
  await t.step("the display method gives the same bundle", async () => {
    assert.equal(await fig[jupyterDisplay](), bundle);
  });
});

Deno.test("table() escapes markup and keeps integers whole", async () => {
  const fig = table(["a<b", "n"], [["x & y", 123456789]], { precision: 3 });
  assert.equal(String(fig), "a<b            n\nx & y  123456789");
  const bundle = await fig.bundle();
  for (const layer of [bundle["text/html"], bundle["image/svg+xml"]] as string[]) {
    assert.match(layer, /a&#60;b/);
    assert.match(layer, /x &#38; y/);
    assert.doesNotMatch(layer, /a<b|x & y/);
  }
});

Deno.test("table() refuses bad input before building anything", async (t) => {
  await t.step("a row of the wrong length", () => {
    assert.throws(() => table(["a", "b"], [["1", 2], ["3"]]), {
      name: "RangeError",
      message: "Cannot make table: row 1 has 1 cells, expected 2 (the header's)",
    });
  });
  await t.step("a cell that is neither text nor a number", () => {
    assert.throws(() => table(["a"], [[null as unknown as string]]), {
      name: "TypeError",
      message: "Cannot make table: row 0 cell 0 is null, expected a string or a number",
    });
  });
  await t.step("a header that is not strings", () => {
    assert.throws(() => table("a" as unknown as string[], []), {
      name: "TypeError",
      message: "Cannot make table: header is a string, expected an array of strings",
    });
  });
  await t.step("a bad precision", () => {
    assert.throws(() => table(["a"], [[1.5]], { precision: 0 }), {
      name: "RangeError",
      message: "Cannot make table: precision is 0, expected an integer from 1 to 21",
    });
  });
});
