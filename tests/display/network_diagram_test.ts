import assert from "node:assert/strict";
import { Network, networkDiagram } from "../../mod.ts";
import { count, layers } from "./_decode.ts";

type Edge = { x: number; x2: number; weight: number; magnitude: number; from: string; to: string };

Deno.test("networkDiagram() draws every weight of a small network", async (t) => {
  const net = new Network([2, 3, 2], { seed: 4 });
  const bundle = await networkDiagram(net).bundle();
  const l = layers(bundle);
  const [edgeLayer, nodeLayer] = l.interactive.layer;
  const edges = edgeLayer.data.values as Edge[];
  await t.step("an edge per weight, with its value", () => {
    assert.equal(edges.length, 2 * 3 + 3 * 2);
    for (const e of edges) {
      const [, i] = e.from.match(/neuron (\d+)/)!, [, j] = e.to.match(/neuron (\d+)/)!;
      const w = net.weights[e.x]!.get(Number(j), Number(i));
      assert.ok(Math.abs(e.weight - w) <= 1e-3 * Math.abs(w), `${e.from} → ${e.to}`);
    }
  });
  await t.step("colour by sign and width by size", () => {
    const enc = edgeLayer.encoding;
    assert.equal(enc.color.field, "weight");
    assert.equal(enc.color.scale.domain[1], 0);
    assert.equal(enc.strokeWidth.field, "magnitude");
  });
  await t.step("the SVG has the lines and the neurons", () => {
    const svg = bundle["image/svg+xml"] as string;
    assert.equal(count(svg, 'aria-roledescription="rule mark"'), 12);
    assert.equal(count(svg, 'aria-roledescription="circle"'), 7);
    assert.equal(nodeLayer.data.values.length, 7);
  });
});

Deno.test("networkDiagram() cuts large layers to their first and last neurons", async () => {
  const net = new Network([784, 30, 10], { seed: 1 });
  const fig = networkDiagram(net, { maxNeurons: 6 });
  const l = layers(await fig.bundle());
  const nodes = l.interactive.layer[1].data.values as { layer: number; neuron: number }[];
  assert.deepEqual(
    nodes.filter((n) => n.layer === 0).map((n) => n.neuron),
    [0, 1, 2, 781, 782, 783],
  );
  assert.equal(l.interactive.layer[2].data.values.length, 3); // a "⋮" in each cut layer
  assert.equal(String(fig), "Network diagram [784, 30, 10]: 18 neurons, 72 weights drawn");
});
