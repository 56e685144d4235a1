/**
 * A small dense matrix of float64 values, the book's numpy arrays without numpy.
 *
 * @module
 */

import { typeName } from "./_util.ts";

/**
 * A dense `rows × cols` matrix stored row by row in a `Float64Array`.
 *
 * Biases and activations are column vectors (`cols === 1`), as in the book.
 *
 * @example Build, read and print a matrix
 * ```ts
 * import { Matrix } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const m = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(m.rows, 2);
 * assert.equal(m.cols, 3);
 * assert.equal(m.get(1, 2), 6);
 * assert.deepEqual(m.toArray(), [[1, 2, 3], [4, 5, 6]]);
 * ```
 */
export class Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The values, row by row: element `(i, j)` is `data[i * cols + j]`. */
  readonly data: Float64Array;

  /**
   * Wraps `data` (or allocates zeros) as a `rows × cols` matrix.
   *
   * @param rows Number of rows, a non-negative integer.
   * @param cols Number of columns, a non-negative integer.
   * @param data Optional values, row by row; must hold exactly `rows * cols` numbers.
   *
   * @example A zero matrix
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const z = new Matrix(2, 2);
   * assert.deepEqual(z.toArray(), [[0, 0], [0, 0]]);
   * ```
   */
  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(
        `Cannot create matrix: expected non-negative integer dimensions, got ${rows} × ${cols}`,
      );
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Cannot create matrix: data has length ${data.length}, expected ${
          rows * cols
        } (${rows} × ${cols})`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * Builds a matrix from nested row arrays, as network2.py's JSON stores them.
   *
   * @param rows An array of equally long arrays of finite numbers.
   * @returns A new matrix holding a copy of the values.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(Matrix.fromArray([[1], [2]]).rows, 2);
   * ```
   */
  static fromArray(rows: readonly (readonly number[])[]): Matrix {
    if (!Array.isArray(rows)) {
      throw new TypeError(`Cannot create matrix: expected an array of rows, got ${typeName(rows)}`);
    }
    const r = rows.length;
    const first = rows[0];
    const c = first === undefined ? 0 : Array.isArray(first) ? first.length : -1;
    const m = new Matrix(r, Math.max(c, 0));
    for (let i = 0; i < r; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== c) {
        throw new TypeError(
          `Cannot create matrix: row ${i} is ${
            Array.isArray(row) ? `of length ${row.length}` : typeName(row)
          }, expected an array of length ${c}`,
        );
      }
      for (let j = 0; j < c; j++) {
        const v = row[j];
        if (typeof v !== "number") {
          throw new TypeError(
            `Cannot create matrix: element (${i}, ${j}) is ${typeName(v)}, expected a number`,
          );
        }
        m.data[i * c + j] = v;
      }
    }
    return m;
  }

  /**
   * Builds a column vector (`n × 1`) from a list of numbers.
   *
   * @param values The entries, top to bottom.
   * @returns A new `values.length × 1` matrix.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const v = Matrix.column([1, 2, 3]);
   * assert.equal(v.rows, 3);
   * assert.equal(v.cols, 1);
   * ```
   */
  static column(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  /**
   * Reads element `(i, j)` (row `i`, column `j`, both from 0).
   *
   * @param i Row index.
   * @param j Column index (0 for a column vector).
   * @returns The value.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(Matrix.fromArray([[1, 2]]).get(0, 1), 2);
   * ```
   */
  get(i: number, j = 0): number {
    this.#check(i, j);
    return this.data[i * this.cols + j]!;
  }

  /**
   * Writes element `(i, j)`.
   *
   * @param i Row index.
   * @param j Column index.
   * @param value The new value.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const m = new Matrix(1, 1);
   * m.set(0, 0, 7);
   * assert.equal(m.get(0, 0), 7);
   * ```
   */
  set(i: number, j: number, value: number): void {
    this.#check(i, j);
    this.data[i * this.cols + j] = value;
  }

  /**
   * Copies the values to nested row arrays (network2.py's JSON form).
   *
   * @returns An array of `rows` arrays of `cols` numbers.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(Matrix.column([1, 2]).toArray(), [[1], [2]]);
   * ```
   */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    }
    return out;
  }

  /**
   * A deep copy.
   *
   * @returns A new matrix with its own copy of the data.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = Matrix.column([1]);
   * const b = a.clone();
   * b.set(0, 0, 2);
   * assert.equal(a.get(0, 0), 1);
   * ```
   */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  // ---- numpy's vocabulary, as the book uses it: each returns a new matrix ----

  /**
   * The matrix product `this · other` (numpy's `np.dot(this, other)`): the book's `w·a`.
   *
   * @param other A matrix with as many rows as this one has columns.
   * @returns The `this.rows × other.cols` product.
   *
   * @example The weighted input `w·a + b` of a layer
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const w = Matrix.fromArray([[1, 2], [3, 4]]), a = Matrix.column([1, -1]);
   * assert.deepEqual(w.dot(a).add(Matrix.column([0.5, 0.5])).toArray(), [[-0.5], [-0.5]]);
   * assert.throws(() => a.dot(a), /2×1 · 2×1/);
   * ```
   */
  dot(other: Matrix): Matrix {
    if (this.cols !== other.rows) {
      throw new RangeError(
        `Cannot multiply ${this.rows}×${this.cols} · ${other.rows}×${other.cols}: expected ${this.cols} rows on the right`,
      );
    }
    const [n, k, p] = [this.rows, this.cols, other.cols];
    const out = new Matrix(n, p), a = this.data, b = other.data, c = out.data;
    if (p === 1) {
      // Matrix times column (the book's w·a): each entry one dot product of a row.
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += a[i * k + t]! * b[t]!;
        c[i] = sum;
      }
    } else if (k === 1) {
      // Column times row (BP4's δ·aᵀ): each entry one product.
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        for (let j = 0; j < p; j++) c[i * p + j] = v * b[j]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < k; t++) {
          const v = a[i * k + t]!;
          for (let j = 0; j < p; j++) c[i * p + j] = c[i * p + j]! + v * b[t * p + j]!;
        }
      }
    }
    return out;
  }

  /**
   * The transpose (numpy's `.transpose()`): rows become columns.
   *
   * @returns The `cols × rows` matrix.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(Matrix.column([1, 2]).transpose().toArray(), [[1, 2]]);
   * ```
   */
  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) {
        out.data[j * this.rows + i] = this.data[i * this.cols + j]!;
      }
    }
    return out;
  }

  /**
   * The outer product of the values of `this` and `other` (numpy's `np.outer`): entry `(i, j)`
   * is `this[i]·other[j]`. For columns δ and a it is the book's `δ·aᵀ` (BP4).
   *
   * @param other Any matrix; its values are taken in order.
   * @returns The `this.data.length × other.data.length` matrix.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const d = Matrix.column([1, 2]), a = Matrix.column([3, 4, 5]);
   * assert.deepEqual(d.outer(a).toArray(), d.dot(a.transpose()).toArray());
   * ```
   */
  outer(other: Matrix): Matrix {
    const p = this.data.length, q = other.data.length;
    const out = new Matrix(p, q);
    for (let i = 0; i < p; i++) {
      const v = this.data[i]!;
      for (let j = 0; j < q; j++) out.data[i * q + j] = v * other.data[j]!;
    }
    return out;
  }

  /**
   * The elementwise (Hadamard) product `this ⊙ other`, numpy's `*` on arrays of one shape: the
   * book's `⊙ σ'(z)` in BP1 and BP2.
   *
   * @param other A matrix of the same shape.
   * @returns The product.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = Matrix.column([1, 2]), b = Matrix.column([3, 4]);
   * assert.deepEqual(Array.from(a.hadamard(b).data), [3, 8]);
   * ```
   */
  hadamard(other: Matrix): Matrix {
    const out = this.#sameShape(other, "multiply"), a = this.data, b = other.data;
    for (let i = 0; i < a.length; i++) out.data[i] = a[i]! * b[i]!;
    return out;
  }

  /**
   * The elementwise sum `this + other` (same shape).
   *
   * @param other A matrix of the same shape.
   * @returns The sum.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(Array.from(Matrix.column([1, 2]).add(Matrix.column([3, 4])).data), [4, 6]);
   * ```
   */
  add(other: Matrix): Matrix {
    const out = this.#sameShape(other, "add"), a = this.data, b = other.data;
    for (let i = 0; i < a.length; i++) out.data[i] = a[i]! + b[i]!;
    return out;
  }

  /**
   * The elementwise difference `this − other` (same shape): the book's `a − y`.
   *
   * @param other A matrix of the same shape.
   * @returns The difference.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(Array.from(Matrix.column([1, 2]).sub(Matrix.column([3, 5])).data), [-2, -3]);
   * ```
   */
  sub(other: Matrix): Matrix {
    const out = this.#sameShape(other, "subtract"), a = this.data, b = other.data;
    for (let i = 0; i < a.length; i++) out.data[i] = a[i]! - b[i]!;
    return out;
  }

  /**
   * Every entry times `c`: the book's `(eta/len(mini_batch))*nw`.
   *
   * @param c The factor.
   * @returns The scaled matrix.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(Array.from(Matrix.column([1, -2]).scale(0.5).data), [0.5, -1]);
   * ```
   */
  scale(c: number): Matrix {
    return new Matrix(this.rows, this.cols, this.data.map((v) => c * v));
  }

  /** A zero matrix shaped as this one, after checking that `other` is shaped alike. */
  #sameShape(other: Matrix, verb: string): Matrix {
    if (this.rows !== other.rows || this.cols !== other.cols) {
      throw new RangeError(
        `Cannot ${verb} ${this.rows}×${this.cols} and ${other.rows}×${other.cols}: expected the same shape`,
      );
    }
    return new Matrix(this.rows, this.cols);
  }

  /**
   * A short readable form: shape and, for small matrices, the values.
   *
   * @returns For example `Matrix 2×1 [[0.5], [-1]]`.
   *
   * @example
   * ```ts
   * import { Matrix } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(Matrix.column([0.5, -1]).toString(), "Matrix 2×1 [[0.5], [-1]]");
   * ```
   */
  toString(): string {
    const shape = `Matrix ${this.rows}×${this.cols}`;
    if (this.rows * this.cols > 64) {
      let lo = Infinity, hi = -Infinity;
      for (const v of this.data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return `${shape} (values in [${fmt(lo)}, ${fmt(hi)}])`;
    }
    const body = this.toArray().map((r) => `[${r.map(fmt).join(", ")}]`).join(", ");
    return `${shape} [${body}]`;
  }

  #check(i: number, j: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) {
      throw new RangeError(`Row index ${i} is out of range, expected 0 to ${this.rows - 1}`);
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new RangeError(`Column index ${j} is out of range, expected 0 to ${this.cols - 1}`);
    }
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
