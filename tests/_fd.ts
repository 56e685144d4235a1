// Independent references for the tests of costs, activations, regularization and optimizers:
// a forward pass and costs written directly on plain arrays (not through the library), and
// central finite differences.

import assert from "node:assert/strict";
import type { ActivationName, CostName, Network } from "../mod.ts";
import { Random } from "../mod.ts";

/** An activation written out directly, for one layer's z (softmax needs the whole layer). */
export function refActivate(name: ActivationName, z: readonly number[]): number[] {
  switch (name) {
    case "sigmoid":
      return z.map((v) => 1 / (1 + Math.exp(-v)));
    case "tanh":
      return z.map((v) => (Math.exp(v) - Math.exp(-v)) / (Math.exp(v) + Math.exp(-v)));
    case "relu":
      return z.map((v) => Math.max(0, v));
    case "leakyRelu":
      return z.map((v) => (v > 0 ? v : 0.01 * v));
    case "identity":
      return [...z];
    case "softmax": {
      const e = z.map((v) => Math.exp(v));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    }
  }
}

/** A cost written out directly from the output a (moderate values: no log(0) here). */
export function refCost(name: CostName, a: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (name === "QuadraticCost") s += 0.5 * (a[i]! - y[i]!) ** 2;
    else if (name === "CrossEntropyCost") {
      s += -y[i]! * Math.log(a[i]!) - (1 - y[i]!) * Math.log(1 - a[i]!);
    } else s += -y[i]! * Math.log(a[i]!);
  }
  return s;
}

/**
 * The network's output for x with plain loops over `toArray()` rows. `masks[l]`, if given,
 * multiplies the activations of layer l + 1 (dropout with a fixed mask).
 */
export function refForward(
  net: Network,
  x: readonly number[],
  masks?: readonly (readonly number[] | undefined)[],
): number[] {
  let a = [...x];
  for (let l = 0; l < net.weights.length; l++) {
    const w = net.weights[l]!.toArray(), b = net.biases[l]!.toArray();
    const z = w.map((row, i) => row.reduce((s, wij, j) => s + wij * a[j]!, 0) + b[i]![0]!);
    a = refActivate(net.activationNames[l]!, z);
    const mask = masks?.[l];
    if (mask) a = a.map((v, i) => v * mask[i]!);
  }
  return a;
}

/** The network's cost for one example, computed independently. */
export function refExampleCost(
  net: Network,
  x: readonly number[],
  y: readonly number[],
  masks?: readonly (readonly number[] | undefined)[],
): number {
  return refCost(net.cost.name, refForward(net, x, masks), y);
}

/** `[weights…, biases…]` of a network as its matrices' data arrays (views, not copies). */
export function params(net: Network): Float64Array[] {
  return [...net.weights, ...net.biases].map((m) => m.data);
}

/** A copy of every parameter. */
export function snapshot(net: Network): number[][] {
  return params(net).map((d) => Array.from(d));
}

/**
 * Central differences `(f(p + h) − f(p − h)) / 2h` of `f` with respect to every parameter of
 * `net`, in `params(net)` order.
 */
export function numericGradient(net: Network, f: () => number, h = 1e-5): number[][] {
  return params(net).map((p) => {
    const g: number[] = [];
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!;
      p[i] = v + h;
      const up = f();
      p[i] = v - h;
      const down = f();
      p[i] = v;
      g.push((up - down) / (2 * h));
    }
    return g;
  });
}

/** Asserts analytic ≈ numeric: relative error below `rel`, or absolute error below `abs`. */
export function assertGradientsClose(
  analytic: readonly ArrayLike<number>[],
  numeric: readonly ArrayLike<number>[],
  what: string,
  rel = 1e-6,
  abs = 1e-9,
): void {
  assert.equal(analytic.length, numeric.length);
  analytic.forEach((a, k) => {
    const n = numeric[k]!;
    assert.equal(a.length, n.length, `${what}: parameter array ${k} length`);
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - n[i]!);
      const r = d / Math.max(1e-12, Math.abs(a[i]!) + Math.abs(n[i]!));
      assert.ok(r < rel || d < abs, `${what}: parameter ${k}[${i}]: ${a[i]} vs ${n[i]}`);
    }
  });
}

/** The book's per-example `backprop` gradients of `net`, summed over `batch`, layer by layer. */
export function summedBackprop(
  net: Network,
  batch: readonly (readonly [readonly number[], readonly number[]])[],
): { nablaW: Float64Array[]; nablaB: Float64Array[] } {
  const nablaW = net.weights.map((w) => new Float64Array(w.data.length));
  const nablaB = net.biases.map((b) => new Float64Array(b.data.length));
  for (const [x, y] of batch) {
    const g = net.backprop(x, y);
    g.nablaW.forEach((m, l) => m.data.forEach((v, i) => (nablaW[l]![i] = nablaW[l]![i]! + v)));
    g.nablaB.forEach((m, l) => m.data.forEach((v, i) => (nablaB[l]![i] = nablaB[l]![i]! + v)));
  }
  return { nablaW, nablaB };
}

/** Largest `|a − b| / max(1, |a|, |b|)`. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!), Math.abs(b[i]!));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** A random input in [−1, 1) and a one-hot target (or a probability vector with `soft`). */
export function randomExample(
  rng: Random,
  sizes: readonly number[],
  soft = false,
): [number[], number[]] {
  const x = Array.from({ length: sizes[0]! }, () => rng.uniform() * 2 - 1);
  const n = sizes[sizes.length - 1]!;
  const y = new Array(n).fill(0);
  if (soft) {
    const u = y.map(() => rng.uniform() + 0.1);
    const s = u.reduce((a, b) => a + b, 0);
    return [x, u.map((v) => v / s)];
  }
  y[rng.int(n)] = 1;
  return [x, y];
}

export { Random };
