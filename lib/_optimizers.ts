// Parameter updates after a mini-batch's backward pass: plain gradient descent (the book's
// rule, with network2.py's L2 and the book's L1 regularization), momentum (chapter 3) and Adam,
// and the regularization term of the cost that the weight decay is the gradient of.
//
// Every rule moves along the gradient of the regularized cost averaged over the mini-batch,
//   ∇C = ∇C₀/m + (λ/n)·w        (L2: C = C₀ + λ/(2n) Σw²)
//   ∇C = ∇C₀/m + (λ/n)·sgn(w)   (L1: C = C₀ + λ/n Σ|w|)
// where ∇C₀ is the gradient summed over the m examples and n is the size of the training set.
// Biases are not regularized, as in the book.

import type { Buf, Kernels } from "./_kernels.ts";
import type { OptimizerName, RegularizationKind } from "./options.ts";

/** A complete update rule, validated. */
export interface UpdateRule {
  readonly optimizer: OptimizerName;
  /** L2 or L1 weight penalty; λ = 0 for none. */
  readonly regularization: RegularizationKind;
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

/** The book's plain rule: gradient descent, no regularization unless `lambda` is given. */
export function plainRule(
  n: number,
  regularization: RegularizationKind,
  lambda: number,
): UpdateRule {
  return { optimizer: "sgd", regularization, lambda, n, mu: 0, beta1: 0, beta2: 0, epsilon: 0 };
}

/** Parameters, or their gradients, layer by layer (layer l + 1's weights at index l). */
export interface Params {
  readonly weights: readonly Buf[];
  readonly biases: readonly Buf[];
}

/**
 * An update rule with its state (momentum's velocities, Adam's moments), which it alone
 * reads and writes. The state's buffers come from the caller (`stateCount` copies of the
 * parameters' shapes, `attach`), so that a workspace can allocate them with the parameters,
 * in the kernels' memory.
 */
export class Optimizer {
  readonly rule: UpdateRule;
  /** Number of state buffers per parameter array: 0 (sgd), 1 (momentum) or 2 (Adam). */
  readonly stateCount: number;
  /**
   * Whether the weight gradient can go straight into the weights (`W ← β·W + α·Δᵀ·A`, never
   * stored): plain gradient descent with L2 regularization or none.
   */
  readonly fusable: boolean;
  #state: Params[] = [];
  /** Updates so far, from 1 in the first (Adam's bias correction). */
  #t = 0;

  constructor(rule: UpdateRule) {
    this.rule = rule;
    const o = rule.optimizer;
    this.stateCount = o === "sgd" ? 0 : o === "momentum" ? 1 : 2;
    this.fusable = o === "sgd" && (rule.regularization === "L2" || rule.lambda === 0);
  }

  /** Hands the optimizer its zero-filled state buffers (`stateCount` sets). */
  attach(state: readonly Params[]): void {
    this.#state = [...state];
  }

  /** The weight decay of one step, ηλ/n (0 without regularization). */
  decay(eta: number): number {
    return this.rule.lambda === 0 ? 0 : (eta * this.rule.lambda) / this.rule.n;
  }

  /**
   * One update of every parameter from gradients summed over `m` examples, with learning
   * rate `eta`.
   */
  update(k: Kernels, p: Params, grad: Params, eta: number, m: number): void {
    const rule = this.rule, decay = this.decay(eta), t = ++this.#t;
    for (let l = 0; l < p.weights.length; l++) {
      const w = p.weights[l]!, b = p.biases[l]!, nw = grad.weights[l]!, nb = grad.biases[l]!;
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
        const vw = this.#state[0]!.weights[l]!, vb = this.#state[0]!.biases[l]!;
        k.axpby(w.length, -eta / m, nw, rule.mu, vw);
        if (decay !== 0) {
          if (rule.regularization === "L2") k.axpby(w.length, -decay, w, 1, vw);
          else addSign(w.length, -decay, w, vw);
        }
        k.axpby(w.length, 1, vw, 1, w);
        k.axpby(b.length, -eta / m, nb, rule.mu, vb);
        k.axpby(b.length, 1, vb, 1, b);
      } else {
        const [first, second] = this.#state as [Params, Params];
        adam(rule, eta, m, t, w, nw, first.weights[l]!, second.weights[l]!, true);
        adam(rule, eta, m, t, b, nb, first.biases[l]!, second.biases[l]!, false);
      }
    }
  }
}

/** Adds `c · sgn(w)` to `out` elementwise (`sgn(0) = 0`, as numpy's `sign`). */
function addSign(len: number, c: number, w: Buf, out: Buf): void {
  for (let i = 0; i < len; i++) {
    const v = w[i]!;
    if (v > 0) out[i] = out[i]! + c;
    else if (v < 0) out[i] = out[i]! - c;
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

/**
 * The regularization term of network2.py's `total_cost`, whose gradient the weight decay
 * above follows: `½·(λ/n)·Σ‖w‖²` (L2) or `(λ/n)·Σ|w|` (L1), with n the size of the data
 * measured.
 */
export function penalty(
  kind: RegularizationKind,
  lambda: number,
  n: number,
  weights: readonly ArrayLike<number>[],
): number {
  if (lambda === 0 || n === 0) return 0;
  let s = 0;
  for (const w of weights) {
    for (let i = 0; i < w.length; i++) s += kind === "L2" ? w[i]! * w[i]! : Math.abs(w[i]!);
  }
  return kind === "L2" ? 0.5 * (lambda / n) * s : (lambda / n) * s;
}
