import assert from "node:assert/strict";
import {
  CrossEntropyCost,
  loadNetwork,
  LogLikelihoodCost,
  Network,
  type NetworkJson,
  QuadraticCost,
  saveNetwork,
} from "../mod.ts";
import { Random, randomExample, snapshot } from "./_fd.ts";
import { withTempDir } from "./_temp.ts";

Deno.test("saveNetwork() and loadNetwork() keep everything", async () => {
  await withTempDir("backprop_serialize_", async (dir) => {
    const sizes = [4, 5, 3];
    const net = new Network(sizes, {
      activations: { hidden: "leakyRelu", output: "softmax" },
      cost: LogLikelihoodCost,
      init: "he",
      seed: 2,
    });
    const rng = new Random(1);
    const data = Array.from({ length: 10 }, () => randomExample(rng, sizes));
    await net.sgd(data, {
      epochs: 2,
      miniBatchSize: 5,
      eta: 0.1,
      lambda: 0.3,
      dropout: 0.2,
      seed: 1,
    });
    await saveNetwork(net, `${dir}/net.json`);
    const copy = await loadNetwork(new URL(`file://${dir}/net.json`));
    assert.deepEqual(snapshot(copy), snapshot(net));
    assert.deepEqual(copy.sizes, sizes);
    assert.equal(copy.cost, LogLikelihoodCost);
    assert.deepEqual(copy.activationNames, ["leakyRelu", "softmax"]);
    assert.deepEqual(copy.regularization, { kind: "L2", lambda: 0.3, dropout: 0.2 });
    assert.deepEqual(copy.feedforward(data[0]![0]).data, net.feedforward(data[0]![0]).data);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/net.json`));
    assert.equal(json.version, 1);
    assert.equal(json.cost, "LogLikelihoodCost");
  });
});

Deno.test("a file saved by network2.py loads", async (t) => {
  // network2.py: json.dump({"sizes", "weights": [w.tolist()], "biases": [b.tolist()], "cost": str(cost.__name__)})
  const text = JSON.stringify({
    sizes: [2, 2, 1],
    weights: [[[0.5, -1], [0.25, 2]], [[1, -1]]],
    biases: [[[0.1], [-0.2]], [[0.3]]],
    cost: "CrossEntropyCost",
  });
  await t.step("with its cost and sigmoid layers", () => {
    const net = Network.fromJSON(text);
    assert.equal(net.cost, CrossEntropyCost);
    assert.deepEqual(net.activationNames, ["sigmoid", "sigmoid"]);
    assert.deepEqual(net.regularization, { kind: "L2", lambda: 0, dropout: 0 });
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const h = [sig(0.5 - 1 + 0.1), sig(0.25 + 2 - 0.2)];
    assert.ok(Math.abs(net.feedforward([1, 1]).get(0) - sig(h[0]! - h[1]! + 0.3)) < 1e-15);
  });
  await t.step("network.py's quadratic cost, and a file without a cost", () => {
    const quadratic = Network.fromJSON(text.replace("CrossEntropyCost", "QuadraticCost"));
    assert.equal(quadratic.cost, QuadraticCost);
    const { cost: _, ...noCost } = JSON.parse(text);
    assert.equal(Network.fromJSON(noCost).cost, QuadraticCost);
  });
});

Deno.test("an edited or truncated file is refused with the field named", async (t) => {
  const good = (): NetworkJson & Record<string, unknown> => ({
    ...new Network([2, 3, 2], { seed: 1 }).toJSON(),
  });
  const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
    ["a newer version", (j) => ({ ...j, version: 2 }), /field "version" is 2, expected 1/],
    [
      "sizes a string",
      (j) => ({ ...j, sizes: "2,3,2" }),
      /field "sizes" is a string, expected an array/,
    ],
    ["a size of 0", (j) => ({ ...j, sizes: [2, 0, 2] }), /field "sizes".*sizes\[1\] is 0/],
    [
      "huge sizes",
      (j) => ({ ...j, sizes: [2, 1e9, 2] }),
      // Refused from the sizes alone, before the weights are read or anything allocated.
      /field "sizes": sizes \[2, 1000000000, 2\] need 5000000002 weights and biases, expected at most 134217728/,
    ],
    ["a short weight row", (j) => {
      (j.weights as number[][][])[1]![1] = [1, 2];
      return j;
    }, /field "weights\[1\]\[1\]" must be an array of 3 numbers/],
    ["a bias that is a string", (j) => {
      (j.biases as unknown[][][])[0]![2]![0] = "0.5";
      return j;
    }, /field "biases\[0\]\[2\]\[0\]" is a string "0.5", expected a finite number/],
    [
      "an infinite weight",
      (j) =>
        JSON.stringify(j).replace('"weights":[[[', '"weights":[[[1e999,').replace(
          /1e999,[^,\]]*/,
          "1e999",
        ),
      /field "weights\[0\]\[0\]\[0\]" is a number Infinity, expected a finite number/,
    ],
    [
      "a missing layer",
      (j) => ({ ...j, biases: (j.biases as unknown[]).slice(1) }),
      /field "biases" is an array of 1, expected an array of 2 matrices/,
    ],
    [
      "an unknown cost",
      (j) => ({ ...j, cost: "EvilCost" }),
      /field "cost" is "EvilCost", expected one of "QuadraticCost"/,
    ],
    [
      "a cost naming a built-in",
      (j) => ({ ...j, cost: "constructor" }),
      /field "cost" is "constructor"/,
    ],
    [
      "an unknown activation",
      (j) => ({ ...j, activations: ["sigmoid", "eval"] }),
      /field "activations\[1\]" is "eval"/,
    ],
    [
      "activations of the wrong length",
      (j) => ({ ...j, activations: ["sigmoid"] }),
      /field "activations" is an array of 1, expected an array of 2 names/,
    ],
    [
      "softmax on a hidden layer",
      (j) => ({ ...j, activations: ["softmax", "softmax"] }),
      /field "activations\[0\]" is "softmax"/,
    ],
    [
      "a cost that does not fit the output",
      (j) => ({ ...j, cost: "LogLikelihoodCost" }),
      /field "cost" LogLikelihoodCost needs a softmax output layer, got field "activations\[1\]" "sigmoid"/,
    ],
    [
      "an unknown regularization",
      (j) => ({ ...j, regularization: { kind: "L3", lambda: 1, dropout: 0 } }),
      /field "regularization.kind" is "L3"/,
    ],
    [
      "a negative lambda",
      (j) => ({ ...j, regularization: { kind: "L2", lambda: -1, dropout: 0 } }),
      /field "regularization.lambda" is a number -1, expected a number ≥ 0/,
    ],
    [
      "dropout 1",
      (j) => ({ ...j, regularization: { kind: "L2", lambda: 0, dropout: 1 } }),
      /field "regularization.dropout" is a number 1, expected a number ≥ 0 and < 1/,
    ],
    [
      "fields hidden behind __proto__",
      (j) => `{"__proto__": ${JSON.stringify(j)}}`,
      /field "sizes" is undefined/,
    ],
    [
      "not an object",
      () => "[1, 2]",
      /expected an object with sizes, weights and biases, got an array/,
    ],
  ];
  for (const [name, edit, message] of cases) {
    await t.step(name, () => {
      const edited = edit(good());
      const text = typeof edited === "string" ? edited : JSON.stringify(edited);
      assert.throws(() => Network.fromJSON(text), (e: unknown) => {
        assert.ok(e instanceof TypeError || e instanceof RangeError, `${name}: ${e}`);
        assert.match((e as Error).message, /^Cannot load network: /);
        assert.match((e as Error).message, message);
        assert.doesNotMatch((e as Error).message, /\.$/);
        return true;
      });
    });
  }
  await t.step("every truncation of a file", () => {
    const text = JSON.stringify(good());
    for (let end = 0; end < text.length; end++) {
      assert.throws(() => Network.fromJSON(text.slice(0, end)), SyntaxError);
    }
  });
});

Deno.test("saveNetwork() writes atomically", async (t) => {
  await withTempDir("backprop_serialize_", async (dir) => {
    const path = `${dir}/net.json`;
    const a = new Network([3, 2], { seed: 1 }), b = new Network([3, 4, 2], { seed: 2 });
    await t.step("overwrites the file and leaves no temporary file", async () => {
      await saveNetwork(a, path);
      await saveNetwork(b, path);
      assert.deepEqual((await loadNetwork(path)).sizes, [3, 4, 2]);
      const names = [];
      for await (const e of Deno.readDir(dir)) names.push(e.name);
      assert.deepEqual(names, ["net.json"]);
    });
    await t.step("a failed write leaves the old file and no temporary file", async () => {
      await Deno.mkdir(`${dir}/taken.json`);
      await Deno.writeTextFile(`${dir}/taken.json/keep`, "x");
      await assert.rejects(() => saveNetwork(a, `${dir}/taken.json`));
      assert.equal(await Deno.readTextFile(`${dir}/taken.json/keep`), "x");
      const names = [];
      for await (const e of Deno.readDir(dir)) names.push(e.name);
      assert.deepEqual(names.sort(), ["net.json", "taken.json"]);
      assert.deepEqual((await loadNetwork(path)).sizes, [3, 4, 2]);
    });
  });
});

Deno.test("loadNetwork() names the file and refuses oversized files", async () => {
  await withTempDir("backprop_serialize_", async (dir) => {
    await Deno.writeTextFile(
      `${dir}/bad.json`,
      '{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[["x"]]]}',
    );
    await assert.rejects(
      () => loadNetwork(`${dir}/bad.json`),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message.startsWith(`Cannot load network from ${dir}/bad.json: field "biases[0][0][0]"`),
    );
    await assert.rejects(
      () => loadNetwork(`${dir}/bad.json`, { maxBytes: 10 }),
      /bad.json has \d+ bytes, expected at most 10 \(maxBytes\)/,
    );
    await assert.rejects(
      () => saveNetwork({} as Network, `${dir}/x.json`),
      /expected a Network or a Network3, got an object/,
    );
  });
});
