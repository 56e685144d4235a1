import assert from "node:assert/strict";
import { packData, slice, toPairs } from "../mod.ts";

Deno.test("packData(), toPairs() and slice() agree with each other", () => {
  const inputs = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]];
  const data = packData(inputs, [2, 0, 1]);
  assert.equal(data.numClasses, 3);
  assert.deepEqual(Array.from(data.inputs), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  const pairs = toPairs(data);
  assert.deepEqual(pairs.map(([x]) => Array.from(x)), inputs);
  assert.deepEqual(pairs.map(([, y]) => Array.from(y as Float64Array)), [[0, 0, 1], [1, 0, 0], [
    0,
    1,
    0,
  ]]);
  const tail = slice(data, 1);
  assert.deepEqual(toPairs(tail, { oneHot: false }).map(([, y]) => y), [0, 1]);
  assert.equal(tail.inputs.buffer, data.inputs.buffer);
});

Deno.test("toPairs() scales packed bytes", () => {
  const data = {
    length: 1,
    inputSize: 2,
    numClasses: 2,
    inputs: new Uint8Array([0, 255]),
    inputScale: 1 / 255,
    labels: new Uint8Array([1]),
  };
  assert.deepEqual(Array.from(toPairs(data)[0]![0]), [0, 1]);
});

Deno.test("packData() and slice() reject bad input", () => {
  assert.throws(() => packData([[1], [2]], [0]), /2 inputs but 1 labels/);
  assert.throws(() => packData([[1], [2, 3]], [0, 1]), /input 1 has length 2, expected 1/);
  assert.throws(() => packData([[1]], [-1]), /label 0 is -1, expected an integer ≥ 0/);
  assert.throws(() => packData([[1]], [3], 2), /label 3 is out of range, expected 0 to 1/);
  assert.throws(() => slice(packData([[1]], [0]), 0, 2), /range 0 to 2 is outside 0 to 1/);
});
