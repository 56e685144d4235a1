// Every display method resolves after a macrotask: Deno's Jupyter kernel (2.9.6) may file a
// result that resolves at once under the next queued request's cell (see afterMacrotask).

import assert from "node:assert/strict";
import { Figure, jupyterDisplay, Network } from "../mod.ts";
import { afterMacrotask } from "../lib/_util.ts";

/** Whether `p` is still pending after many microtask turns (so it waits for a macrotask). */
async function pendingAfterMicrotasks(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  // A promise that needs no macrotask settles well within these turns.
  for (let i = 0; i < 1000; i++) await Promise.resolve();
  const pending = !settled;
  await p;
  return pending;
}

Deno.test("afterMacrotask() resolves only after a timer queued before it", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("timer"), 0);
  const value = await afterMacrotask(Promise.resolve(42)).then((v) => (order.push("value"), v));
  assert.equal(value, 42);
  assert.deepEqual(order, ["timer", "value"]);
  assert.equal(await pendingAfterMicrotasks(afterMacrotask(1)), true);
});

Deno.test("[jupyterDisplay]() does not resolve in the turn its bundle is ready", async (t) => {
  await t.step("Figure, with its bundle already built", async () => {
    const fig = new Figure("ready", () => ({ svg: "<svg/>" }));
    const bundle = await fig.bundle();
    // The bundle itself is ready at once: the check would see the old behaviour.
    assert.equal(await pendingAfterMicrotasks(fig.bundle()), false);
    const shown = fig[jupyterDisplay]();
    assert.equal(await pendingAfterMicrotasks(shown), true);
    assert.equal(await shown, bundle);
  });
  await t.step("Network, with its display module already loaded", async () => {
    const net = new Network([2, 3, 1], { seed: 1 });
    await net[jupyterDisplay]();
    assert.equal(await pendingAfterMicrotasks(net[jupyterDisplay]()), true);
  });
  // History's display renders its chart with vega, which itself waits for timers, so a
  // step for it here would pass with or without afterMacrotask; it returns through the same
  // helper.
});
