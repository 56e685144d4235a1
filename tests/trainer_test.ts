import assert from "node:assert/strict";
import { circles, Network, slice } from "../mod.ts";

Deno.test("sgd() refuses a second run on a network that is still training, and changes nothing", async () => {
  const data = circles(200, { seed: 1, noise: 0.05 });
  const net = new Network([2, 8, 2], { seed: 1 });
  let second: unknown;
  let before: Float64Array[] | undefined;
  const first = net.sgd(data, {
    epochs: 3,
    miniBatchSize: 10,
    eta: 1,
    seed: 1,
    progressInterval: 0,
    onProgress: async (p) => {
      if (p.epoch !== 1 || p.batch !== 1) return;
      before = net.weights.map((w) => w.data.slice());
      // A cell re-run while the first still trains: refused at once, before any step.
      await net.sgd(data, { epochs: 1, miniBatchSize: 10, eta: 1 }).catch((e) => (second = e));
      assert.throws(() => net.updateMiniBatch([[[0, 0], 0]], 1), /still training/);
      assert.deepEqual(net.weights.map((w) => w.data.slice()), before);
    },
  });
  const history = await first;
  assert.equal(history.length, 3);
  assert.ok(second instanceof Error);
  assert.match(
    (second as Error).message,
    /^Cannot train: this network is still training \(an sgd run of 3 epochs \(eta 1\) started at .*\); await that run before starting another$/,
  );
  // The refused run did not interleave: the same seed alone gives the same weights.
  const alone = new Network([2, 8, 2], { seed: 1 });
  await alone.sgd(data, { epochs: 3, miniBatchSize: 10, eta: 1, seed: 1 });
  assert.deepEqual(alone.weights.map((w) => w.data), net.weights.map((w) => w.data));
  // Once it has finished, the network trains again.
  await net.sgd(slice(data, 0, 20), { epochs: 1, miniBatchSize: 10, eta: 1 });
});

Deno.test("onProgress sees the network's current weights, not last epoch's", async () => {
  const data = circles(400, { seed: 2, noise: 0.05 });
  const net = new Network([2, 8, 2], { seed: 2 });
  const seen: Float64Array[] = [];
  await net.sgd(data, {
    epochs: 1,
    miniBatchSize: 10,
    eta: 1,
    seed: 2,
    progressInterval: 0,
    onProgress: (p) => {
      if (p.batch <= 3) seen.push(net.weights[0]!.data.slice());
    },
  });
  // After 1, 2 and 3 mini-batches of the first epoch: three different sets of weights (before
  // they were stored only at the end of each epoch, so all three were the initial ones).
  assert.equal(seen.length, 3);
  const ref = new Network([2, 8, 2], { seed: 2 });
  assert.notDeepEqual(seen[0], ref.weights[0]!.data);
  assert.notDeepEqual(seen[1], seen[0]);
  assert.notDeepEqual(seen[2], seen[1]);
});
