/**
 * The book's expanded MNIST training set (`expand_mnist.py`): every image together with its
 * four one-pixel shifts.
 *
 * @module
 */

import { typeName } from "../_util.ts";
import { isPacked, type PackedData, type PackedInputs } from "../dataset.ts";

/**
 * The shifts of `expand_mnist.py`, in its order: rows then columns, each first by +1 then by
 * −1 (`[dRow, dColumn]`; +1 moves the picture down or right).
 */
const SHIFTS = [[1, 0], [-1, 0], [0, 1], [0, -1]] as const;

/**
 * Expands a training set as the book's `expand_mnist.py` does: each image, then the same
 * image moved one pixel down, up, right and left (the row or column that the move vacates
 * is 0), each with the image's label, so MNIST's 50,000 training images become 250,000.
 *
 * The images are square (`inputSize` is `side × side`, 784 = 28 × 28 for MNIST) and stored
 * row after row. The result keeps the input's types: MNIST's bytes stay bytes, so the
 * expanded set takes 196 MB (250,000 × 784 bytes) rather than 1.6 GB as float64.
 *
 * Where we differ from `expand_mnist.py`: it shuffles the 250,000 pairs once before saving
 * them, because network3.py's `SGD` takes its mini-batches in the stored order every epoch.
 * Ours keeps the order above (example `5i` is image `i`, `5i + 1 … 5i + 4` its shifts), since
 * `sgd` shuffles the training order afresh every epoch with its seed; a slice of the result
 * therefore holds whole groups of an image and its shifts.
 *
 * @param training The packed training set (`loadMnist().training`), square images.
 * @returns A new packed set of `5 × training.length` examples, inputs and labels of the same
 *   types, scale and number of classes as `training`.
 * @throws {TypeError} When `training` is not packed data or its images are not square.
 *
 * @example A 3×3 image and its four shifts
 * ```ts
 * import { expandMnist, packData } from "@backprop/backprop/data";
 * import assert from "node:assert/strict";
 *
 * const image = [1, 2, 3,
 *                4, 5, 6,
 *                7, 8, 9];
 * const expanded = expandMnist(packData([image], [7]));
 * assert.equal(expanded.length, 5);
 * assert.deepEqual([...expanded.labels], [7, 7, 7, 7, 7]);
 * const at = (k: number) => [...expanded.inputs.subarray(9 * k, 9 * (k + 1))];
 * assert.deepEqual(at(0), image);
 * assert.deepEqual(at(1), [0, 0, 0, 1, 2, 3, 4, 5, 6]); // down
 * assert.deepEqual(at(2), [4, 5, 6, 7, 8, 9, 0, 0, 0]); // up
 * assert.deepEqual(at(3), [0, 1, 2, 0, 4, 5, 0, 7, 8]); // right
 * assert.deepEqual(at(4), [2, 3, 0, 5, 6, 0, 8, 9, 0]); // left
 * ```
 */
export function expandMnist(training: PackedData): PackedData {
  const where = "Cannot expand the training set";
  if (
    training === null || typeof training !== "object" || !isPacked(training) ||
    !ArrayBuffer.isView(training.inputs) || !ArrayBuffer.isView(training.labels)
  ) {
    throw new TypeError(`${where}: expected packed data, got ${typeName(training)}`);
  }
  const { length: n, inputSize: size, inputs, labels } = training;
  const side = Math.round(Math.sqrt(size));
  if (side * side !== size || size === 0) {
    throw new TypeError(
      `${where}: inputs have ${size} values, expected square images (784 = 28 × 28 for MNIST)`,
    );
  }
  if (inputs.length < n * size || labels.length < n) {
    throw new RangeError(
      `${where}: ${n} examples of ${size} values need ${
        n * size
      } inputs and ${n} labels, got ${inputs.length} and ${labels.length}`,
    );
  }
  const outInputs = new (inputs.constructor as new (length: number) => typeof inputs)(
    5 * n * size,
  );
  const outLabels = new (labels.constructor as new (length: number) => typeof labels)(5 * n);
  for (let i = 0; i < n; i++) {
    const image = inputs.subarray(i * size, (i + 1) * size);
    const base = 5 * i;
    outInputs.set(image, base * size);
    SHIFTS.forEach(([dr, dc], s) => {
      shiftInto(image, side, dr, dc, outInputs.subarray((base + 1 + s) * size));
    });
    outLabels.fill(labels[i]!, base, base + 5);
  }
  return { ...training, length: 5 * n, inputs: outInputs, labels: outLabels };
}

/**
 * Writes `image` moved by `dr` rows and `dc` columns (each −1, 0 or 1) into `out`, one row
 * at a time; `out` is fresh, so the row or column the move vacates stays 0.
 */
function shiftInto(
  image: PackedInputs,
  side: number,
  dr: number,
  dc: number,
  out: PackedInputs,
): void {
  const width = side - Math.abs(dc);
  for (let r = Math.max(0, dr); r < side + Math.min(0, dr); r++) {
    // Row r of the result is row r − dr of the image, its columns moved by dc.
    const from = (r - dr) * side + Math.max(0, -dc);
    out.set(
      image.subarray(from, from + width),
      r * side + Math.max(0, dc),
    );
  }
}
