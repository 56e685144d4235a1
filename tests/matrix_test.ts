import assert from "node:assert/strict";
import { Matrix } from "../mod.ts";

Deno.test("Matrix stores rows in order and reads them back", () => {
  const rows = [[1, 2, 3], [4, 5, 6]];
  const m = Matrix.fromArray(rows);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(m.get(1, 0), 4);
  m.set(0, 2, -1);
  assert.deepEqual(m.toArray(), [[1, 2, -1], [4, 5, 6]]);
  assert.equal(Matrix.column([1, 2]).toString(), "Matrix 2×1 [[1], [2]]");
  assert.match(new Matrix(30, 784).toString(), /^Matrix 30×784 \(values in \[0, 0\]\)$/);
});

Deno.test("Matrix rejects bad shapes and indices with clear messages", () => {
  assert.throws(
    () => new Matrix(2, 2, new Float64Array(3)),
    /data has length 3, expected 4 \(2 × 2\)/,
  );
  assert.throws(() => new Matrix(-1, 2), RangeError);
  assert.throws(
    () => Matrix.fromArray([[1, 2], [3]]),
    /row 1 is of length 1, expected an array of length 2/,
  );
  assert.throws(
    () => Matrix.fromArray([[1, "2" as unknown as number]]),
    /element \(0, 1\) is a string/,
  );
  assert.throws(() => new Matrix(2, 2).get(2, 0), /Row index 2 is out of range, expected 0 to 1/);
  assert.throws(() => new Matrix(2, 2).set(0, -1, 1), /Column index -1 is out of range/);
});
