import assert from "node:assert/strict";
import {
  checkLayers,
  ConvPoolLayer,
  FullyConnectedLayer,
  type Layer,
  type LayerActivation,
  SoftmaxLayer,
} from "../lib/layers.ts";
import { LayerStack } from "../lib/_layer_stack.ts";
import { type Buf, jsKernels, jsKernels32, type Kernels } from "../lib/_kernels.ts";
import { wasmKernels } from "../lib/_wasm_kernels.ts";
import { Random } from "../lib/random.ts";

const F64_SETS: [string, Kernels][] = [
  ["js float64", jsKernels],
  ["wasm float64", wasmKernels("float64")],
];

/** The book's chapter-6 network: two conv-pool layers, FC 100, softmax 10. */
function bookNetwork(): Layer[] {
  return [
    new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], poolSize: [2, 2] }),
    new ConvPoolLayer({ filterShape: [40, 20, 5, 5], imageShape: [20, 12, 12], poolSize: [2, 2] }),
    new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activation: "relu" }),
    new SoftmaxLayer({ nIn: 100, nOut: 10 }),
  ];
}

Deno.test("checkLayers() accepts the book's network and names both layers of a mismatch", () => {
  const book = bookNetwork();
  checkLayers(book);
  assert.deepEqual(book[0]!.outputShape, [20, 12, 12]);
  assert.equal(book[1]!.nOut, 640);
  assert.equal(
    String(book[0]),
    "ConvPoolLayer 20×1×5×5 on 1×28×28, pool 2×2, sigmoid → 20×12×12",
  );
  const conv = book[0]!;
  assert.throws(
    () =>
      checkLayers([
        conv,
        new FullyConnectedLayer({ nIn: 2000, nOut: 100 }),
        new SoftmaxLayer({ nIn: 100, nOut: 10 }),
      ]),
    {
      name: "RangeError",
      message:
        "FullyConnectedLayer 2 expects nIn 2000, but ConvPoolLayer 1 outputs 20×12×12 = 2880",
    },
  );
  assert.throws(
    () =>
      checkLayers([
        conv,
        new ConvPoolLayer({ filterShape: [40, 10, 5, 5], imageShape: [10, 24, 12] }),
        new SoftmaxLayer({ nIn: 1000, nOut: 10 }),
      ]),
    {
      name: "RangeError",
      message:
        "ConvPoolLayer 2 expects imageShape 10×24×12 = 2880, but ConvPoolLayer 1 outputs 20×12×12 = 2880",
    },
  );
  assert.throws(
    () =>
      checkLayers([
        new FullyConnectedLayer({ nIn: 4, nOut: 3 }),
        new SoftmaxLayer({ nIn: 2, nOut: 2 }),
      ]),
    {
      name: "RangeError",
      message: "SoftmaxLayer 2 expects nIn 2, but FullyConnectedLayer 1 outputs 3",
    },
  );
  assert.throws(() => checkLayers([conv]), {
    name: "TypeError",
    message:
      "The last layer must be a SoftmaxLayer (its log-likelihood is the cost), got ConvPoolLayer 1",
  });
  assert.throws(() => checkLayers([]), { name: "TypeError" });
  assert.throws(() => checkLayers([conv, { nIn: 2880 }]), {
    name: "TypeError",
    message: "Layer 2 must be a ConvPoolLayer, FullyConnectedLayer or SoftmaxLayer, got Object",
  });
});

Deno.test("layers refuse bad filter, image and pool shapes, activations and dropout", () => {
  const ok = { filterShape: [20, 1, 5, 5], imageShape: [1, 28, 28], poolSize: [2, 2] } as const;
  const bad = (o: object, name: string, message: string) =>
    assert.throws(() => new ConvPoolLayer({ ...ok, ...o } as never), { name, message });
  bad(
    { imageShape: [1, 27, 28] },
    "RangeError",
    "ConvPoolLayer pool 2×2 does not divide the 23×24 feature map (a 27×28 image, filter 5×5)",
  );
  bad(
    { imageShape: [1, 4, 28], poolSize: [1, 1] },
    "RangeError",
    "ConvPoolLayer filter 5×5 is larger than the image 4×28",
  );
  bad(
    { filterShape: [20, 1, 2.5, 5] },
    "RangeError",
    "ConvPoolLayer filterShape[2] must be a positive integer, got 2.5",
  );
  bad(
    { poolSize: [2, 0] },
    "RangeError",
    "ConvPoolLayer poolSize[1] must be a positive integer, got 0",
  );
  bad(
    { imageShape: [1, 28] },
    "TypeError",
    "ConvPoolLayer imageShape must be an array of 3 numbers [C, H, W], got [1, 28]",
  );
  bad(
    { filterShape: [20, 3, 5, 5] },
    "RangeError",
    "ConvPoolLayer filterShape [20, 3, 5, 5] has 3 channels, but imageShape [1, 28, 28] has 1",
  );
  bad(
    { activation: "ReLU" },
    "TypeError",
    'ConvPoolLayer activation must be one of sigmoid, relu, tanh, linear, got "ReLU"',
  );
  assert.throws(() => new FullyConnectedLayer({ nIn: 10, nOut: 5, pDropout: 1 }), {
    name: "RangeError",
    message: "FullyConnectedLayer pDropout must be a number in [0, 1), got 1",
  });
  assert.throws(() => new SoftmaxLayer({ nIn: 0, nOut: 5 }), {
    name: "RangeError",
    message: "SoftmaxLayer nIn must be a positive integer, got 0",
  });
  // The default pool is network3's 2×2, the default activation its sigmoid.
  const l = new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [1, 6, 6] });
  assert.deepEqual([l.poolSize, l.activation, l.outputShape], [[2, 2], "sigmoid", [2, 2, 2]]);
});

/** A small stack with odd sizes, channels > 1, non-square filters and pools. */
function smallNetwork(act: LayerActivation, rng: Random, pDropout = 0): Layer[] {
  const layers: Layer[] = [
    new ConvPoolLayer({
      filterShape: [3, 2, 4, 3],
      imageShape: [2, 9, 8],
      poolSize: [2, 3],
      activation: act,
    }, rng),
    new ConvPoolLayer({
      filterShape: [4, 3, 2, 1],
      imageShape: [3, 3, 2],
      poolSize: [1, 2],
      activation: act,
    }, rng),
    new FullyConnectedLayer({ nIn: 8, nOut: 5, activation: act, pDropout }, rng),
    new SoftmaxLayer({ nIn: 5, nOut: 4, pDropout }),
  ];
  // Softmax starts at zero (as network3's); give it values so that every gradient is generic.
  const soft = layers[3]!;
  soft.w.forEach((_, i, w) => (w[i] = rng.gaussian()));
  soft.b.forEach((_, i, b) => (b[i] = rng.gaussian()));
  return layers;
}

function fillInputs(stack: LayerStack, m: number, rng: Random): number[] {
  for (let i = 0; i < m * stack.layers[0]!.nIn; i++) stack.x[i] = rng.uniform();
  return Array.from({ length: m }, () => rng.int(stack.layers.at(-1)!.nOut));
}

/** The log-likelihood cost of the batch, by the stack's forward pass only. */
function cost(stack: LayerStack, m: number, ys: number[], training: boolean): number {
  const out = stack.feedforward(m, training), n = stack.layers.at(-1)!.nOut;
  let c = 0;
  for (let e = 0; e < m; e++) c -= Math.log(out[e * n + ys[e]!]!);
  return c;
}

/** Copies of every layer's gradients [gw, gb, …]. */
const grads = (stack: LayerStack) =>
  stack.buffers.flatMap((b) => [Float64Array.from(b.gw), Float64Array.from(b.gb)]);

Deno.test("a stack's backprop() matches central differences, one example (float64)", async (t) => {
  for (const [set, k] of F64_SETS) {
    for (const act of ["sigmoid", "relu", "tanh", "linear"] as const) {
      for (const pDropout of [0, 0.5]) {
        await t.step(`${set}, ${act}, pDropout ${pDropout}`, () => {
          const rng = new Random(61);
          const stack = new LayerStack(smallNetwork(act, rng, pDropout), k, 1);
          const ys = fillInputs(stack, 1, rng);
          const training = pDropout > 0;
          if (training) stack.sampleMasks(1, rng);
          stack.backprop(1, ys, training);
          const g = grads(stack);
          const params = stack.buffers.flatMap((b) => [b.w, b.b]);
          const h = 1e-5;
          params.forEach((p: Buf, j) => {
            const big = Math.max(...Array.from(g[j]!, Math.abs));
            for (let i = 0; i < p.length; i++) {
              const v = p[i]!;
              p[i] = v + h;
              const up = cost(stack, 1, ys, training);
              p[i] = v - h;
              const down = cost(stack, 1, ys, training);
              p[i] = v;
              const fd = (up - down) / (2 * h);
              const err = Math.abs(fd - g[j]![i]!);
              assert.ok(
                err <= 1e-6 * Math.max(Math.abs(fd), 1e-2 * big),
                `layer ${(j >> 1) + 1} ${
                  j % 2 ? "b" : "w"
                }[${i}]: finite difference ${fd}, backprop ${g[j]![i]}`,
              );
            }
          });
        });
      }
    }
  }
});

Deno.test("a mini-batch's gradient is the sum of its examples' gradients to 1e-12 (float64)", async (t) => {
  for (const [set, k] of F64_SETS) {
    await t.step(set, () => {
      const rng = new Random(67), m = 6;
      const layers = smallNetwork("relu", rng, 0.3);
      const batch = new LayerStack(layers, k, m), one = new LayerStack(layers, k, 1);
      const ys = fillInputs(batch, m, rng);
      batch.sampleMasks(m, rng);
      const cost = batch.backprop(m, ys, true);
      const want = grads(batch).map((g) => new Float64Array(g.length));
      const scale = want.map((g) => new Float64Array(g.length));
      let sum = 0;
      for (let e = 0; e < m; e++) {
        const nIn = layers[0]!.nIn;
        one.x.set(batch.x.subarray(e * nIn, (e + 1) * nIn));
        one.buffers.forEach((b, i) => {
          const l = layers[i]!;
          if (b.mask) b.mask.set(batch.buffers[i]!.mask!.subarray(e * l.nIn, (e + 1) * l.nIn));
        });
        sum += one.backprop(1, [ys[e]!], true);
        grads(one).forEach((g, j) =>
          g.forEach((v, i) => {
            want[j]![i] = want[j]![i]! + v;
            scale[j]![i] = scale[j]![i]! + Math.abs(v);
          })
        );
      }
      assert.ok(Math.abs(cost - sum) <= 1e-12 * Math.abs(sum));
      grads(batch).forEach((g, j) => {
        const big = Math.max(...scale[j]!);
        g.forEach((v, i) =>
          assert.ok(
            Math.abs(v - want[j]![i]!) <= 1e-12 * Math.max(scale[j]![i]!, 1e-3 * big),
            `${set} layer ${(j >> 1) + 1} ${j % 2 ? "b" : "w"}[${i}]: batch ${v}, sum ${
              want[j]![i]
            }`,
          )
        );
      });
    });
  }
});

Deno.test("dropout: inference scales the weighted input by 1 − pDropout, as network3.py", () => {
  const rng = new Random(71);
  const p = 0.25;
  const dropped = smallNetwork("tanh", rng, p);
  // The same network without dropout and with the dense layers' weights times 1 − p.
  const scaled = dropped.map((l) => {
    if (l instanceof ConvPoolLayer) return l;
    const copy = l instanceof SoftmaxLayer
      ? new SoftmaxLayer({ nIn: l.nIn, nOut: l.nOut })
      : new FullyConnectedLayer({ nIn: l.nIn, nOut: l.nOut, activation: "tanh" });
    copy.w = l.w.map((v) => v * (1 - p));
    copy.b = l.b.slice();
    return copy;
  });
  const a = new LayerStack(dropped, jsKernels, 3), b = new LayerStack(scaled, jsKernels, 3);
  fillInputs(a, 3, rng);
  b.x.set(a.x);
  const outA = a.feedforward(3), outB = b.feedforward(3);
  outA.forEach((v, i) =>
    assert.ok(Math.abs(v - outB[i]!) <= 1e-15, `output ${i}: ${v} vs ${outB[i]}`)
  );
  // In training a dropped input has no effect: its mask is 0.
  a.sampleMasks(3, rng);
  const kept = a.buffers[2]!.mask!;
  assert.ok(kept.some((v) => v === 0) && kept.some((v) => v === 1));
});

Deno.test("the stack's gradients agree across the float64 kernel sets to 1e-12", () => {
  const rng = new Random(73), m = 4;
  const layers = smallNetwork("sigmoid", rng);
  const js = new LayerStack(layers, jsKernels, m),
    wasm = new LayerStack(layers, wasmKernels("float64"), m);
  const ys = fillInputs(js, m, rng);
  wasm.x.set(js.x);
  js.backprop(m, ys);
  wasm.backprop(m, ys);
  const gw = grads(wasm);
  grads(js).forEach((g, j) => {
    const big = Math.max(...Array.from(g, Math.abs));
    g.forEach((v, i) => assert.ok(Math.abs(v - gw[j]![i]!) <= 1e-12 * big, `gradient ${j}[${i}]`));
  });
});

Deno.test("float32 kernel sets give the float64 gradients within float32 rounding", async (t) => {
  for (
    const [set, k] of [["js float32", jsKernels32], [
      "wasm float32",
      wasmKernels("float32"),
    ]] as const
  ) {
    await t.step(set, () => {
      const rng = new Random(79), m = 5;
      const layers = smallNetwork("tanh", rng);
      const ref = new LayerStack(layers, jsKernels, m), ours = new LayerStack(layers, k, m);
      const ys = fillInputs(ref, m, rng);
      ours.x.set(ref.x);
      ref.x.set(ours.x); // the inputs as float32 stored them
      ours.buffers.forEach((b, i) => {
        ref.buffers[i]!.w.set(b.w); // and the parameters
        ref.buffers[i]!.b.set(b.b);
      });
      ref.backprop(m, ys);
      ours.backprop(m, ys);
      const g32 = grads(ours);
      grads(ref).forEach((g, j) => {
        const big = Math.max(...Array.from(g, Math.abs));
        g.forEach((v, i) =>
          assert.ok(
            Math.abs(v - g32[j]![i]!) <= 1e-5 * big,
            `gradient ${j}[${i}]: ${g32[j]![i]} vs ${v}`,
          )
        );
      });
    });
  }
});

Deno.test("a stack runs batches smaller than it was built for", () => {
  const rng = new Random(83);
  const layers = smallNetwork("relu", rng);
  const big = new LayerStack(layers, wasmKernels("float64"), 7),
    small = new LayerStack(layers, jsKernels, 3);
  const ys = fillInputs(small, 3, rng);
  big.x.fill(NaN);
  big.x.set(small.x);
  const c1 = big.backprop(3, ys), c2 = small.backprop(3, ys);
  assert.ok(Math.abs(c1 - c2) <= 1e-12 * c2);
  const gs = grads(small);
  grads(big).forEach((g, j) => {
    const scale = Math.max(...Array.from(gs[j]!, Math.abs));
    g.forEach((v, i) =>
      assert.ok(Math.abs(v - gs[j]![i]!) <= 1e-12 * scale, `gradient ${j}[${i}]`)
    );
  });
});
