// An independent reference for a conv layer's output in the display tests: direct loops over
// the definition, sharing no code with the kernels.

import type { ConvPoolLayer } from "../../mod.ts";

const ACTIVATIONS: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  relu: (z) => Math.max(0, z),
  tanh: Math.tanh,
  linear: (z) => z,
};

/**
 * A conv layer's output for one input `x` (C × H × W), from its definition: for filter f,
 * `conv[f, i, j] = b[f] + Σ_{c,p,q} w[f, c, p, q] · x[c, i + p, j + q]`, then the maximum of each
 * PH × PW window, then the activation. Returns F × OH/PH × OW/PW values.
 */
export function referenceConv(layer: ConvPoolLayer, x: ArrayLike<number>): Float64Array {
  const [f, c, kh, kw] = layer.filterShape, [, h, w] = layer.imageShape;
  const [ph, pw] = layer.poolSize;
  const oh = h - kh + 1, ow = w - kw + 1;
  const out = new Float64Array(f * (oh / ph) * (ow / pw));
  const act = ACTIVATIONS[layer.activation]!;
  for (let k = 0; k < f; k++) {
    for (let i = 0; i < oh / ph; i++) {
      for (let j = 0; j < ow / pw; j++) {
        let best = -Infinity;
        for (let di = 0; di < ph; di++) {
          for (let dj = 0; dj < pw; dj++) {
            const y = i * ph + di, z = j * pw + dj;
            let s = layer.b[k]!;
            for (let ch = 0; ch < c; ch++) {
              for (let p = 0; p < kh; p++) {
                for (let q = 0; q < kw; q++) {
                  s += layer.w[((k * c + ch) * kh + p) * kw + q]! *
                    x[(ch * h + y + p) * w + z + q]!;
                }
              }
            }
            best = Math.max(best, s);
          }
        }
        out[(k * (oh / ph) + i) * (ow / pw) + j] = act(best);
      }
    }
  }
  return out;
}
