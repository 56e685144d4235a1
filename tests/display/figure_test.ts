import assert from "node:assert/strict";
import { Figure, jupyterDisplay } from "../../mod.ts";
import { count, layers, SCHEMA, VL } from "./_decode.ts";

const bars = () => ({
  vegaLite: {
    data: { values: [{ x: "a", y: 1 }, { x: "b", y: 3 }, { x: "c", y: 2 }] },
    mark: "bar",
    encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
  },
});

Deno.test("Figure gives vega-lite 5, its SVG and text", async (t) => {
  const fig = new Figure("three bars", bars);
  const bundle = await fig.bundle();
  await t.step("three layers", () => {
    const l = layers(bundle);
    assert.equal(l.mime, VL);
    assert.equal(l.staticMime, "image/svg+xml");
    assert.equal(l.text, "three bars");
  });
  await t.step("the spec pins vega-lite 5's schema", () => {
    assert.equal((bundle[VL] as { $schema: string }).$schema, SCHEMA);
  });
  await t.step("the SVG is the chart: one rect per bar", () => {
    const svg = bundle["image/svg+xml"] as string;
    assert.match(svg, /^<svg/);
    assert.equal(count(svg, 'aria-roledescription="bar"'), 3);
  });
  await t.step("the display symbol and toString agree with bundle()", async () => {
    assert.equal(await fig[jupyterDisplay](), bundle);
    assert.equal(String(fig), "three bars");
  });
});

Deno.test("Figure builds its layers once, on first request", async () => {
  let builds = 0;
  const fig = new Figure("x", () => (builds++, { svg: "<svg/>" }));
  assert.equal(builds, 0);
  await fig.bundle();
  await fig.bundle();
  assert.equal(builds, 1);
});

Deno.test("Figure keeps a given static layer instead of rendering one", async () => {
  const png = Uint8Array.from([137, 80, 78, 71]);
  const bundle = await new Figure("p", () => ({ plotly: { data: [] }, png })).bundle();
  assert.deepEqual(Object.keys(bundle), [
    "application/vnd.plotly.v1+json",
    "image/png",
    "text/plain",
  ]);
  assert.equal(bundle["image/png"], "iVBORw==");
});
