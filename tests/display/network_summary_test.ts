import assert from "node:assert/strict";
import { jupyterDisplay, Network, networkSummary } from "../../mod.ts";

Deno.test("networkSummary() tabulates sizes, parameters and weight statistics", async (t) => {
  const net = new Network([3, 4, 2], { seed: 9 });
  const fig = networkSummary(net);
  const lines = String(fig).split("\n");
  await t.step("title with the parameter count", () => {
    assert.equal(lines[0], "Network [3, 4, 2]: 26 parameters, QuadraticCost"); // 4·3 + 4 + 2·4 + 2
  });
  await t.step("a row per layer with the right statistics", () => {
    const row = lines[3]!.trim().split(/\s+/);
    const w = Array.from(net.weights[0]!.data);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    assert.deepEqual(row.slice(0, 5), ["1", "4", "sigmoid", "4×3", "16"]);
    const [m, s, lo, hi] = row.slice(5, 9).map(Number);
    assert.ok(Math.abs(m! - mean) <= 1e-3, `mean ${m} vs ${mean}`);
    assert.ok(Math.abs(s! - std) <= 1e-3, `std ${s} vs ${std}`);
    assert.ok(Math.abs(lo! - Math.min(...w)) <= 1e-3 && Math.abs(hi! - Math.max(...w)) <= 1e-3);
    assert.match(lines[4]!, /^2 \(output\)\s+2\s+sigmoid\s+2×4\s+10\s/);
  });
  await t.step("an HTML table with the same rows", async () => {
    const html = (await fig.bundle())["text/html"] as string;
    assert.equal(html.split("<tr>").length - 1, 4);
    assert.match(html, /<td>sigmoid<\/td><td>4×3<\/td><td>16<\/td>/);
  });
});

Deno.test("a Network displays itself as its summary table", async () => {
  const net = new Network([3, 4, 2], { seed: 9 });
  assert.deepEqual(await net[jupyterDisplay](), await networkSummary(net).bundle());
});

Deno.test("networkSummary() names each layer's activation and the cost", () => {
  const net = new Network([4, 3, 2], {
    activations: ["relu", "softmax"],
    cost: "LogLikelihoodCost",
  });
  const lines = String(networkSummary(net)).split("\n");
  assert.equal(lines[0], "Network [4, 3, 2]: 23 parameters, LogLikelihoodCost");
  assert.match(lines[3]!, /^\s*1\s+3\s+relu\s/);
  assert.match(lines[4]!, /^2 \(output\)\s+2\s+softmax\s/);
});
