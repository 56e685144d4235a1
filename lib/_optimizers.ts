// Parameter updates after a mini-batch's backward pass: plain gradient descent (the book's
// rule, with network2.py's L2 and the book's L1 regularization), momentum (chapter 3) and Adam.
//
// Every rule moves along the gradient of the regularized cost averaged over the mini-batch,
//   ∇C = ∇C₀/m + (λ/n)·w        (L2: C = C₀ + λ/(2n) Σw²)
//   ∇C = ∇C₀/m + (λ/n)·sgn(w)   (L1: C = C₀ + λ/n Σ|w|)
// where ∇C₀ is the gradient summed over the m examples and n is the size of the training set.
// Biases are not regularized, as in the book.

import type { Buf } from "./_kernels.ts";
import type { Workspace } from "./_batch.ts";

/** The optimizers by name. */
export type OptimizerName = "sgd" | "momentum" | "adam";

/** A complete update rule, validated. */
export interface UpdateRule {
  readonly optimizer: OptimizerName;
  /** L2 or L1 weight penalty; λ = 0 for none. */
  readonly regularization: "L2" | "L1";
  readonly lambda: number;
  /** Size of the training set, the n in λ/n. */
  readonly n: number;
  /** Momentum coefficient μ. */
  readonly mu: number;
  /** Adam's decay rates and its ε. */
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** Number of state buffers per parameter array each optimizer keeps. */
export function stateBuffers(optimizer: OptimizerName): number {
  return optimizer === "sgd" ? 0 : optimizer === "momentum" ? 1 : 2;
}

/** Adds `c · sgn(w)` to `out` elementwise (`sgn(0) = 0`, as numpy's `sign`). */
function addSign(len: number, c: number, w: Buf, out: Buf): void {
  for (let i = 0; i < len; i++) {
    const v = w[i]!;
    if (v > 0) out[i] = out[i]! + c;
    else if (v < 0) out[i] = out[i]! - c;
  }
}

/** The weight decay of one step, ηλ/n (0 without regularization). */
export function weightDecay(rule: UpdateRule, eta: number): number {
  return rule.lambda === 0 ? 0 : (eta * rule.lambda) / rule.n;
}

/**
 * One update of every parameter from the gradients in `ws.nablaW`, `ws.nablaB` (summed over
 * `m` examples) with learning rate `eta`. `t` counts the updates from 1 (Adam's bias
 * correction).
 */
export function update(ws: Workspace, rule: UpdateRule, eta: number, m: number, t: number): void {
  const k = ws.kernels, L1 = ws.weights.length;
  const decay = weightDecay(rule, eta);
  for (let l = 0; l < L1; l++) {
    const w = ws.weights[l]!, b = ws.biases[l]!, nw = ws.nablaW[l]!, nb = ws.nablaB[l]!;
    if (rule.optimizer === "sgd") {
      if (rule.regularization === "L2") {
        // network2.py: w ← (1 − ηλ/n)·w − (η/m)·Σ∇w.
        k.axpby(w.length, -eta / m, nw, 1 - decay, w);
      } else {
        // L1 (the book's equation 93): w ← w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w.
        if (decay !== 0) addSign(w.length, -decay, w, w);
        k.axpby(w.length, -eta / m, nw, 1, w);
      }
      k.axpby(b.length, -eta / m, nb, 1, b);
    } else if (rule.optimizer === "momentum") {
      // Chapter 3: v ← μ·v − η·∇C, then w ← w + v.
      const vw = ws.state[0]![l]!, vb = ws.state[0]![L1 + l]!;
      k.axpby(w.length, -eta / m, nw, rule.mu, vw);
      if (decay !== 0) {
        if (rule.regularization === "L2") k.axpby(w.length, -decay, w, 1, vw);
        else addSign(w.length, -decay, w, vw);
      }
      k.axpby(w.length, 1, vw, 1, w);
      k.axpby(b.length, -eta / m, nb, rule.mu, vb);
      k.axpby(b.length, 1, vb, 1, b);
    } else {
      adam(rule, eta, m, t, w, nw, ws.state[0]![l]!, ws.state[1]![l]!, true);
      adam(rule, eta, m, t, b, nb, ws.state[0]![L1 + l]!, ws.state[1]![L1 + l]!, false);
    }
  }
}

/**
 * Adam (Kingma and Ba, 2015): running means of the gradient and of its square, corrected for
 * their start at 0, give each parameter its own step size.
 */
function adam(
  rule: UpdateRule,
  eta: number,
  m: number,
  t: number,
  p: Buf,
  grad: Buf,
  first: Buf,
  second: Buf,
  regularize: boolean,
): void {
  const { beta1, beta2, epsilon } = rule;
  const c = regularize ? rule.lambda / rule.n : 0;
  const l1 = rule.regularization === "L1";
  const correct1 = 1 - beta1 ** t, correct2 = 1 - beta2 ** t;
  for (let i = 0; i < p.length; i++) {
    const w = p[i]!;
    const g = grad[i]! / m + (c === 0 ? 0 : l1 ? c * Math.sign(w) : c * w);
    const mi = beta1 * first[i]! + (1 - beta1) * g;
    const vi = beta2 * second[i]! + (1 - beta2) * g * g;
    first[i] = mi;
    second[i] = vi;
    p[i] = w - (eta * (mi / correct1)) / (Math.sqrt(vi / correct2) + epsilon);
  }
}
