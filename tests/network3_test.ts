import assert from "node:assert/strict";
import {
  ConvPoolLayer,
  ensembleVote,
  FullyConnectedLayer,
  jupyterDisplay,
  loadMnist,
  loadNetwork3,
  Network3,
  networkSummary,
  packData,
  Random,
  saveNetwork,
  slice,
  SoftmaxLayer,
} from "../mod.ts";
import { withTempDir } from "./_temp.ts";

/** A small network with odd shapes: 2 channels, a non-square filter and pool, every layer kind. */
function small(seed: number, pDropout = 0): Network3 {
  return new Network3([
    new ConvPoolLayer({ filterShape: [3, 2, 2, 3], imageShape: [2, 7, 6], poolSize: [3, 2] }),
    new FullyConnectedLayer({ nIn: 12, nOut: 5, activation: "tanh", pDropout }),
    new SoftmaxLayer({ nIn: 5, nOut: 3 }),
  ], { seed });
}

function randomInput(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.uniform());
}

/** The log-likelihood of one example, computed from `feedforward` alone. */
function cost(net: Network3, x: number[], y: number): number {
  return -Math.log(net.feedforward(x).get(y));
}

Deno.test("Network3.backprop() matches central finite differences in every layer", () => {
  const net = small(1), rng = new Random(2);
  const x = randomInput(rng, 84), y = 2;
  const { nablaW, nablaB } = net.backprop(x, y);
  const h = 1e-5;
  net.layers.forEach((layer, l) => {
    for (const [params, grad] of [[layer.w, nablaW[l]!], [layer.b, nablaB[l]!]] as const) {
      assert.equal(grad.length, params.length);
      for (let k = 0; k < params.length; k += Math.max(1, Math.floor(params.length / 7))) {
        const v = params[k]!;
        params[k] = v + h;
        const up = cost(net, x, y);
        params[k] = v - h;
        const down = cost(net, x, y);
        params[k] = v;
        const fd = (up - down) / (2 * h);
        const scale = Math.max(1e-3, Math.abs(fd), Math.abs(grad[k]!));
        assert.ok(
          Math.abs(fd - grad[k]!) / scale < 1e-6,
          `layer ${l + 1} [${k}]: ${grad[k]} vs ${fd}`,
        );
      }
    }
  });
});

Deno.test("one sgd step is w ← (1 − ηλm/n)·w − (η/m)·Σ backprop, network3's λ", async () => {
  const rng = new Random(3), m = 4;
  const xs = Array.from({ length: m }, () => randomInput(rng, 84)), ys = [0, 1, 2, 1];
  const data = packData(xs, ys, 3);
  const net = small(4), eta = 0.3, lambda = 0.5;
  const before = net.layers.map((l) => ({ w: l.w.slice(), b: l.b.slice() }));
  const grads = xs.map((x, e) => net.backprop(x, ys[e]!));
  await net.sgd(data, { epochs: 1, miniBatchSize: m, eta, lambda, backend: "js", seed: 1 });
  // One mini-batch of all n = m examples: network3 decays by ηλ/(n/m) = ηλ.
  net.layers.forEach((layer, l) => {
    layer.w.forEach((w, k) => {
      const sum = grads.reduce((s, g) => s + g.nablaW[l]![k]!, 0);
      const want = (1 - eta * lambda) * before[l]!.w[k]! - (eta / m) * sum;
      assert.ok(Math.abs(w - want) <= 1e-12 * Math.max(1, Math.abs(want)), `w ${l} ${k}`);
    });
    layer.b.forEach((b, k) => {
      const sum = grads.reduce((s, g) => s + g.nablaB[l]![k]!, 0);
      const want = before[l]!.b[k]! - (eta / m) * sum;
      assert.ok(Math.abs(b - want) <= 1e-12 * Math.max(1, Math.abs(want)), `b ${l} ${k}`);
    });
  });
});

Deno.test("Network3.sgd() gives the same float64 weights on the WebAssembly and TypeScript kernels", async () => {
  const rng = new Random(5);
  const xs = Array.from({ length: 60 }, () => randomInput(rng, 84));
  const data = packData(xs, xs.map((_, i) => i % 3), 3);
  const [js, wasm] = [small(6), small(6)];
  const options = { epochs: 2, miniBatchSize: 7, eta: 0.5, lambda: 0.1, seed: 2 } as const;
  await js.sgd(data, { ...options, backend: "js" });
  await wasm.sgd(data, { ...options, backend: "wasm" });
  js.layers.forEach((l, i) => {
    l.w.forEach((v, k) => assert.ok(Math.abs(v - wasm.layers[i]!.w[k]!) < 1e-10, `${i} ${k}`));
  });
});

Deno.test("Network3 refuses what it cannot do, changing nothing", async (t) => {
  const net = small(7), data = packData([randomInput(new Random(1), 84)], [0], 3);
  const before = net.layers[0]!.w.slice();
  await t.step("the dropout option (dropout is the layers' pDropout)", async () => {
    await assert.rejects(
      () => net.sgd(data, { epochs: 1, miniBatchSize: 1, eta: 1, dropout: 0.5 }),
      /set pDropout on the FullyConnectedLayer or SoftmaxLayer instead/,
    );
  });
  await t.step("a misspelt option", async () => {
    await assert.rejects(
      () => net.sgd(data, { epochs: 1, miniBatchSize: 1, eta: 1, lamda: 1 } as never),
      /unknown option `lamda`; did you mean `lambda`\?/,
    );
  });
  await t.step("inputs of the wrong size", async () => {
    await assert.rejects(
      () => net.sgd([[[1, 2, 3], 0]], { epochs: 1, miniBatchSize: 1, eta: 1 }),
      /has length 3, expected 84/,
    );
  });
  await t.step("a second run while one trains", async () => {
    let refused: unknown;
    await net.sgd(data, {
      epochs: 2,
      miniBatchSize: 1,
      eta: 1e-9,
      progressInterval: 0,
      onProgress: async () => {
        refused ??= await net.sgd(data, { epochs: 1, miniBatchSize: 1, eta: 1 }).catch((e) => e);
      },
    });
    assert.match(String(refused), /this network is still training/);
  });
  assert.ok(net.layers[0]!.w.every((v, k) => Math.abs(v - before[k]!) < 1e-6));
});

Deno.test("dropout layers: masks in training, (1 − p)-scaled weighted input at inference", () => {
  const net = small(8, 0.5), x = randomInput(new Random(9), 84);
  const [, conv, fc] = net.layerOutputs(x);
  const layer = net.layers[1] as FullyConnectedLayer;
  for (let j = 0; j < layer.nOut; j++) {
    let z = layer.b[j]!;
    for (let i = 0; i < layer.nIn; i++) z += 0.5 * layer.w[j * layer.nIn + i]! * conv![i]!;
    assert.ok(Math.abs(fc![j]! - Math.tanh(z)) < 1e-14);
  }
});

Deno.test("Network3's JSON round-trips, and a bad file is refused naming the field", async (t) => {
  const net = small(10), x = randomInput(new Random(11), 84);
  const copy = Network3.fromJSON(JSON.stringify(net));
  assert.deepEqual(Array.from(copy.feedforward(x).data), Array.from(net.feedforward(x).data));
  await t.step("saveNetwork and loadNetwork3", async () => {
    await withTempDir("backprop_net3_", async (dir) => {
      await saveNetwork(net, `${dir}/net3.json`);
      const loaded = await loadNetwork3(`${dir}/net3.json`);
      assert.deepEqual(loaded.layers[1]!.w, net.layers[1]!.w);
    });
  });
  const good = () => JSON.parse(JSON.stringify(net));
  // deno-lint-ignore no-explicit-any -- the test edits a parsed file freely
  type Json = Record<string, any>;
  const cases: [string, (j: Json) => unknown, RegExp][] = [
    ["a version", (j) => ({ ...j, version: 2 }), /field "version" is 2, expected 1/],
    [
      "a kind",
      (j) => ({ ...j, kind: "network" }),
      /field "kind" is "network", expected "network3"/,
    ],
    ["a layer type", (j) => {
      j.layers[1].type = "Dense";
      return j;
    }, /layers\[1\]: type is "Dense"/],
    ["a short w", (j) => {
      j.layers[0].w.pop();
      return j;
    }, /layers\[0\]\.w has 35 numbers, expected 36/],
    ["a NaN-like entry", (j) => {
      j.layers[2].b[1] = "x";
      return j;
    }, /layers\[2\]\.b\[1\] is x, expected a finite number/],
    ["layers that do not fit", (j) => {
      j.layers[1].nIn = 13;
      j.layers[1].w = new Array(65).fill(0);
      return j;
    }, /FullyConnectedLayer 2 expects nIn 13, but ConvPoolLayer 1 outputs 3×2×2 = 12/],
    ["a bad pool", (j) => {
      j.layers[0].poolSize = [4, 2];
      return j;
    }, /pool 4×2 does not divide the 6×4 feature map/],
  ];
  for (const [name, edit, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => Network3.fromJSON(edit(good())), message);
    });
  }
});

Deno.test("ensembleVote() counts a majority vote, checked against feedforward", () => {
  const nets = [small(12), small(13), small(14)], rng = new Random(15);
  const xs = Array.from({ length: 40 }, () => randomInput(rng, 84));
  const ys = xs.map((_, i) => i % 3);
  const argmax = (v: Float64Array) => v.indexOf(Math.max(...v));
  let byHand = 0;
  xs.forEach((x, e) => {
    const count = [0, 0, 0];
    for (const n of nets) count[argmax(n.feedforward(x).data)]!++;
    const best = count.indexOf(Math.max(...count)); // the first of the tied
    if (best === ys[e]) byHand++;
  });
  assert.equal(ensembleVote(nets, packData(xs, ys, 3)), byHand);
});

Deno.test("the book's chapter-6 network learns MNIST digits (a subset, float32)", async () => {
  const { training, test } = await loadMnist();
  const net = new Network3([
    new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], activation: "relu" }),
    new FullyConnectedLayer({ nIn: 20 * 12 * 12, nOut: 100, activation: "relu" }),
    new SoftmaxLayer({ nIn: 100, nOut: 10 }),
  ], { seed: 1 });
  const history = await net.sgd(slice(training, 0, 3000), {
    epochs: 1,
    miniBatchSize: 10,
    eta: 0.03,
    lambda: 0.1,
    seed: 1,
    dtype: "float32",
    testData: slice(test, 0, 1000),
  });
  assert.ok(history.last!.test!.accuracy! > 0.8, `accuracy ${history.last!.test!.accuracy}`);
  assert.equal(net.evaluate(slice(test, 0, 1000)), history.last!.test!.correct);
});

Deno.test("a Network3 shows in a notebook as its networkSummary", async () => {
  const net = small(16);
  assert.deepEqual(await net[jupyterDisplay](), await networkSummary(net).bundle());
});
