import assert from "node:assert/strict";
import { argmax } from "../lib/_util.ts";
import { Random } from "../mod.ts";

Deno.test("argmax() agrees with indexOf(Math.max(...)), whole and strided", () => {
  const rng = new Random(1);
  // Small integers, so that ties occur: both take the first largest.
  const a = Array.from({ length: 60 }, () => Math.floor(rng.uniform() * 5));
  assert.equal(argmax(a), a.indexOf(Math.max(...a)));
  for (let start = 0; start < 60; start += 6) {
    const row = a.slice(start, start + 6);
    assert.equal(argmax(a, start, 6), row.indexOf(Math.max(...row)), `row at ${start}`);
  }
  assert.equal(argmax(new Float64Array([-3, -1, -2])), 1);
});
