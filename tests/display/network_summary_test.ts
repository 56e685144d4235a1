import assert from "node:assert/strict";
import {
  ConvPoolLayer,
  FullyConnectedLayer,
  jupyterDisplay,
  Network,
  Network3,
  networkSummary,
  Random,
  SoftmaxLayer,
} from "../../mod.ts";

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

Deno.test("networkSummary() of a network of layers: type, output shape, parameters", async (t) => {
  const rng = new Random(4);
  // The book's chapter-6 network, its dense layers with dropout.
  const net = new Network3([
    new ConvPoolLayer(
      { filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" },
      rng,
    ),
    new ConvPoolLayer(
      { filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12], activation: "relu" },
      rng,
    ),
    new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activation: "relu", pDropout: 0.5 }, rng),
    new SoftmaxLayer({ nIn: 100, nOut: 10, pDropout: 0.5 }),
  ]);
  const fig = networkSummary(net);
  const lines = String(fig).split("\n");
  // Parameters by hand: filters F·C·KH·KW plus F biases; dense nOut·nIn plus nOut.
  const counts = [20 * 25 + 20, 40 * 20 * 25 + 40, 100 * 640 + 100, 10 * 100 + 10];
  await t.step("title: the shapes from input to output, the total and the cost", () => {
    assert.equal(
      lines[0],
      `Network3 1×28×28 → 20×12×12 → 40×4×4 → 100 → 10: ${
        counts.reduce((s, n) => s + n)
      } parameters, LogLikelihoodCost`,
    );
  });
  await t.step("a row per layer, numbered from 1", () => {
    const rows = lines.slice(2).map((r) => r.trim().split(/\s{2,}/));
    assert.deepEqual(rows, [
      ["0 (input)", "1×28×28", "0"],
      ["1", "ConvPoolLayer", "20×12×12", "relu", "20×1×5×5", String(counts[0])],
      ["2", "ConvPoolLayer", "40×4×4", "relu", "40×20×5×5", String(counts[1])],
      ["3", "FullyConnectedLayer", "100", "relu", "100×640", String(counts[2]), "0.5"],
      ["4 (output)", "SoftmaxLayer", "10", "softmax", "10×100", String(counts[3]), "0.5"],
    ]);
    assert.match(
      lines[1]!,
      /^layer\s+type\s+output\s+activation\s+weights\s+parameters\s+pDropout$/,
    );
  });
  await t.step("an HTML table and an SVG of the same rows", async () => {
    const bundle = await fig.bundle();
    const html = bundle["text/html"] as string;
    assert.equal(html.split("<tr>").length - 1, 6);
    assert.match(html, /<td[^>]*>FullyConnectedLayer<\/td>/);
    assert.match(bundle["image/svg+xml"] as string, /^<svg[^]*ConvPoolLayer/);
  });
});

Deno.test("networkSummary() of a dense network of layers starts from nIn", () => {
  const rng = new Random(4);
  const net = new Network3([
    new FullyConnectedLayer({ nIn: 6, nOut: 3, activation: "tanh" }, rng),
    new SoftmaxLayer({ nIn: 3, nOut: 2 }),
  ]);
  const lines = String(networkSummary(net)).split("\n");
  assert.equal(lines[0], "Network3 6 → 3 → 2: 29 parameters, LogLikelihoodCost"); // 3·6 + 3 + 2·3 + 2
  assert.match(lines[2]!, /^0 \(input\)\s+6\s+0$/);
  assert.match(lines[3]!, /^1\s+FullyConnectedLayer\s+3\s+tanh\s+3×6\s+21$/);
});

Deno.test("networkSummary() rejects what is not a network", () => {
  assert.throws(() => networkSummary({ sizes: [1] } as never), {
    name: "TypeError",
    message: "Cannot summarize network: net is an object, expected a Network or a Network3",
  });
  assert.throws(() => networkSummary({ layers: [{}], layerOutputs: () => [] } as never), {
    name: "TypeError",
    message: "Cannot summarize network: layer 1 is an object, expected a ConvPoolLayer, " +
      "FullyConnectedLayer or SoftmaxLayer",
  });
});
