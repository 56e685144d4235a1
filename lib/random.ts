/**
 * A small seeded random number generator, so that the same seed gives the same network, the
 * same shuffles and the same training run on every machine.
 *
 * @module
 */

/**
 * A seeded pseudo-random generator (xoshiro128**, 128 bits of state seeded by splitmix32).
 *
 * @example The same seed gives the same numbers
 * ```ts
 * import { Random } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const a = new Random(42), b = new Random(42);
 * assert.equal(a.uniform(), b.uniform());
 * assert.equal(a.gaussian(), b.gaussian());
 * ```
 */
export class Random {
  #s = new Uint32Array(4);
  #spare: number | undefined;

  /**
   * Seeds the generator.
   *
   * @param seed Any finite number; defaults to a time-based seed.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const u = new Random(1).uniform();
   * assert.ok(u >= 0 && u < 1);
   * ```
   */
  constructor(seed: number = Date.now() ^ (performance.now() * 1000)) {
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw new TypeError(`Cannot seed generator: expected a finite number, got ${seed}`);
    }
    // splitmix32 spreads the seed over the four state words.
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1;
  }

  /**
   * Next 32 random bits as an unsigned integer.
   *
   * @returns An integer in `[0, 2³²)`.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * assert.ok(Number.isInteger(new Random(3).nextUint32()));
   * ```
   */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /**
   * A uniform number in `[0, 1)` with 53 random bits.
   *
   * @returns The number.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const u = new Random(7).uniform();
   * assert.ok(u >= 0 && u < 1);
   * ```
   */
  uniform(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A standard normal sample, N(0, 1) (Box–Muller), as numpy's `randn`.
   *
   * @returns The sample.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const r = new Random(5);
   * let sum = 0;
   * for (let i = 0; i < 10000; i++) sum += r.gaussian();
   * assert.ok(Math.abs(sum / 10000) < 0.05);
   * ```
   */
  gaussian(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A uniform integer in `[0, n)`.
   *
   * @param n The bound, a positive integer.
   * @returns The integer.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const k = new Random(9).int(6);
   * assert.ok(k >= 0 && k < 6);
   * ```
   */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * Shuffles an array in place (Fisher–Yates), as the book's `random.shuffle`.
   *
   * @param items The array to shuffle.
   * @returns The same array.
   *
   * @example
   * ```ts
   * import { Random } from "@backprop/backprop";
   * import assert from "node:assert/strict";
   *
   * const a = new Random(1).shuffle([1, 2, 3, 4]);
   * assert.deepEqual([...a].sort(), [1, 2, 3, 4]);
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
