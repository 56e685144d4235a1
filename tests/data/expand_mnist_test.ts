import assert from "node:assert/strict";
import { expandMnist, loadMnist, packData, type PackedData, Random, slice } from "../../mod.ts";

/**
 * The reference: expand_mnist.py's recipe, written independently of ours — roll the image by
 * one along an axis (what leaves one edge comes back at the other), then zero the row or
 * column that wrapped around.
 */
function rollAndZero(image: ArrayLike<number>, side: number, d: 1 | -1, axis: 0 | 1): number[] {
  const grid: number[][] = [];
  for (let r = 0; r < side; r++) {
    grid.push(Array.from({ length: side }, (_, c) => image[r * side + c]!));
  }
  const mod = (k: number) => (k + side) % side;
  const rolled = grid.map((row, r) =>
    row.map((_, c) => axis === 0 ? grid[mod(r - d)]![c]! : grid[r]![mod(c - d)]!)
  );
  const wrapped = d === 1 ? 0 : side - 1;
  for (let k = 0; k < side; k++) {
    if (axis === 0) rolled[wrapped]![k] = 0;
    else rolled[k]![wrapped] = 0;
  }
  return rolled.flat();
}

/** expand_mnist.py's order: the image, then down, up, right, left. */
function referenceGroup(image: ArrayLike<number>, side: number): number[][] {
  return [
    Array.from(image),
    rollAndZero(image, side, 1, 0),
    rollAndZero(image, side, -1, 0),
    rollAndZero(image, side, 1, 1),
    rollAndZero(image, side, -1, 1),
  ];
}

function example(data: PackedData, i: number): number[] {
  return Array.from(data.inputs.subarray(i * data.inputSize, (i + 1) * data.inputSize));
}

function randomBytes(n: number, side: number, seed: number): PackedData {
  const rng = new Random(seed);
  const inputs = new Uint8Array(n * side * side);
  for (let k = 0; k < inputs.length; k++) inputs[k] = rng.int(256);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  return { length: n, inputSize: side * side, numClasses: 10, inputs, inputScale: 1 / 255, labels };
}

Deno.test("expandMnist() matches expand_mnist.py's roll-and-zero shifts", async (t) => {
  for (const side of [1, 2, 5, 28]) {
    await t.step(`random ${side}×${side} byte images`, () => {
      const data = randomBytes(7, side, side);
      const expanded = expandMnist(data);
      assert.equal(expanded.length, 35);
      assert.equal(expanded.inputs.length, 35 * side * side);
      for (let i = 0; i < data.length; i++) {
        const want = referenceGroup(example(data, i), side);
        for (let s = 0; s < 5; s++) assert.deepEqual(example(expanded, 5 * i + s), want[s]);
      }
    });
  }

  await t.step("the first 200 MNIST training images", async () => {
    const { training } = await loadMnist();
    const data = slice(training, 0, 200);
    const expanded = expandMnist(data);
    for (let i = 0; i < data.length; i++) {
      const want = referenceGroup(example(data, i), 28);
      for (let s = 0; s < 5; s++) assert.deepEqual(example(expanded, 5 * i + s), want[s]);
    }
  });
});

Deno.test("expandMnist() turns MNIST's 50,000 training images into 250,000", async () => {
  const { training } = await loadMnist();
  const expanded = expandMnist(training);
  assert.equal(expanded.length, 250_000);
  assert.ok(expanded.inputs instanceof Uint8Array);
  assert.equal(expanded.inputs.length, 250_000 * 784);
  assert.equal(expanded.inputScale, training.inputScale);
  assert.equal(expanded.numClasses, 10);
  assert.equal(expanded.inputSize, 784);
  // Each label five times in a row, so each class five times as often.
  for (let i = 0; i < training.length; i++) {
    for (let s = 0; s < 5; s++) {
      if (expanded.labels[5 * i + s] !== training.labels[i]) {
        assert.fail(
          `label ${5 * i + s} is ${expanded.labels[5 * i + s]}, expected ${training.labels[i]}`,
        );
      }
    }
  }
  // The last image's group, checked against the reference.
  const last = referenceGroup(example(training, 49_999), 28);
  for (let s = 0; s < 5; s++) assert.deepEqual(example(expanded, 5 * 49_999 + s), last[s]);
});

Deno.test("expandMnist() keeps the input's types and leaves it unchanged", () => {
  const data = packData([[0.5, 1, 2, 3], [4, 5, 6, 7]], [1, 0]);
  const before = Array.from(data.inputs);
  const expanded = expandMnist(data);
  assert.ok(expanded.inputs instanceof Float64Array);
  assert.ok(expanded.labels instanceof Int32Array);
  assert.deepEqual(Array.from(expanded.labels), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(example(expanded, 1), [0, 0, 0.5, 1]);
  assert.deepEqual(example(expanded, 9), [5, 0, 7, 0]);
  assert.deepEqual(Array.from(data.inputs), before);
  assert.equal(expandMnist(slice(data, 0, 0)).length, 0);
});

Deno.test("expandMnist() refuses what is not packed square images", async (t) => {
  await t.step("non-square inputs", () => {
    assert.throws(
      () => expandMnist(packData([[1, 2, 3]], [0])),
      {
        name: "TypeError",
        message:
          "Cannot expand the training set: inputs have 3 values, expected square images (784 = 28 × 28 for MNIST)",
      },
    );
  });
  await t.step("the book's pairs", () => {
    assert.throws(
      () => expandMnist([[[1], 0]] as unknown as PackedData),
      {
        name: "TypeError",
        message: "Cannot expand the training set: expected packed data, got an array",
      },
    );
  });
  await t.step("null", () => {
    assert.throws(
      () => expandMnist(null as unknown as PackedData),
      {
        name: "TypeError",
        message: "Cannot expand the training set: expected packed data, got null",
      },
    );
  });
  await t.step("fewer inputs than the length says", () => {
    const data = { ...packData([[1, 2, 3, 4]], [0]), length: 2 };
    assert.throws(() => expandMnist(data), {
      name: "RangeError",
      message:
        "Cannot expand the training set: 2 examples of 4 values need 8 inputs and 2 labels, got 4 and 1",
    });
  });
});
