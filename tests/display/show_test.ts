import assert from "node:assert/strict";
import { Figure, inJupyter, show } from "../../mod.ts";
import type { JupyterSink } from "../../mod.ts";

Deno.test("inJupyter() is false outside the kernel, without throwing", () => {
  // Reading Deno.jupyter outside `deno jupyter` throws; inJupyter() must not.
  assert.throws(() => Deno.jupyter);
  assert.equal(inJupyter(), false);
});

Deno.test("show() sends display_data, then update_display_data for the same id", async () => {
  const sent: [string, Record<string, unknown>][] = [];
  const sink: JupyterSink = {
    broadcast: (type, content) => (sent.push([type, content]), Promise.resolve()),
  };
  const fig = new Figure("one", () => ({ svg: "<svg/>" }));
  assert.equal(await show(fig, { displayId: "d", sink }), true);
  assert.equal(await show({ "text/plain": "two" }, { displayId: "d", update: true, sink }), true);
  assert.deepEqual(sent, [
    ["display_data", {
      data: { "image/svg+xml": "<svg/>", "text/plain": "one" },
      metadata: {},
      transient: { display_id: "d" },
    }],
    ["update_display_data", {
      data: { "text/plain": "two" },
      metadata: {},
      transient: { display_id: "d" },
    }],
  ]);
});

Deno.test("show() does nothing outside a notebook", async () => {
  assert.equal(await show(new Figure("x", () => ({}))), false);
});

Deno.test("show() rejects an update without a display id", async () => {
  await assert.rejects(show({ "text/plain": "x" }, { update: true }), {
    name: "TypeError",
    message: "Cannot show: update needs the displayId of the output to replace",
  });
});
