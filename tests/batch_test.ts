import assert from "node:assert/strict";
import {
  type BatchTarget,
  gatherBatch,
  placeResident,
  RESIDENT_LIMIT,
  residentPlan,
  type Source,
} from "../lib/_batch.ts";
import { jsKernels } from "../lib/_kernels.ts";
import { selectKernels } from "../lib/_wasm_kernels.ts";
import { Random } from "../mod.ts";

function bytesSource(n: number, size: number, seed: number): Source {
  const rng = new Random(seed);
  const inputs = new Uint8Array(n * size);
  for (let k = 0; k < inputs.length; k++) inputs[k] = rng.int(256);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return {
    kind: "packed",
    data: { length: n, inputSize: size, numClasses: 3, inputs, inputScale: 1 / 255, labels },
  };
}

Deno.test("residentPlan() copies byte inputs up to the limit, each once", async (t) => {
  const wasm = selectKernels("wasm", "float64");
  const small = bytesSource(3, 5, 1), large = bytesSource(4, 5, 2); // 15 and 20 bytes

  await t.step("the default limit keeps MNIST's training bytes", () => {
    assert.ok(RESIDENT_LIMIT >= 50_000 * 784);
    assert.ok(RESIDENT_LIMIT < 250_000 * 784); // expandMnist's are gathered where they are
  });

  await t.step("below and above a limit of 16 bytes", () => {
    const plan = residentPlan(wasm, [small, large, small], 16);
    assert.equal(plan.copies.length, 1);
    assert.equal(plan.copies[0], small.kind === "packed" ? small.data.inputs : undefined);
    assert.equal(plan.bytes, 16);
  });

  await t.step("nothing for kernels that read the caller's arrays", () => {
    assert.deepEqual(residentPlan(jsKernels, [small, large]).copies, []);
  });
});

Deno.test("gatherBatch() gathers bytes alike from a resident copy and from the caller's array", async (t) => {
  const m = 4, n0 = 6, nL = 3;
  for (const dtype of ["float64", "float32"] as const) {
    await t.step(dtype, () => {
      const kernels = selectKernels("wasm", dtype);
      const src = bytesSource(9, n0, 3);
      const data = src.kind === "packed" ? src.data : undefined!;
      const batches = [Infinity, 0].map((limit) => {
        const plan = residentPlan(kernels, [src], limit);
        const alloc = kernels.allocateWith([m * n0, m * nL], plan.bytes, 9);
        const order = alloc.words;
        order.set([8, 2, 5, 0, 7, 1, 3, 4, 6]);
        const target: BatchTarget = {
          kernels,
          resident: placeResident(plan, alloc),
          ownOrder: (o) => o === order,
          x: alloc.bufs[0]!,
          y: alloc.bufs[1]!,
          n0,
          nL,
        };
        gatherBatch(target, src, order, 3, m, true);
        const out = {
          resident: plan.copies.length,
          x: Array.from(target.x),
          y: Array.from(target.y),
        };
        kernels.release(alloc);
        return out;
      });
      assert.deepEqual(batches.map((b) => b.resident), [1, 0]);
      // The reference: examples 0, 7, 1, 3 (order[3 … 7)) scaled, and their one-hot labels;
      // float32 kernels may round the scale first, so within float32's precision there.
      const tol = dtype === "float32" ? 1e-7 : 0;
      const x = [0, 7, 1, 3].flatMap((e) =>
        Array.from(data.inputs.subarray(e * n0, (e + 1) * n0), (v) => v * data.inputScale)
      );
      const y = [0, 7, 1, 3].flatMap((e) => [0, 1, 2].map((c) => (data.labels[e] === c ? 1 : 0)));
      assert.deepEqual(batches[1], { ...batches[0]!, resident: 0 });
      for (const b of batches) {
        b.x.forEach((v, i) =>
          assert.ok(Math.abs(v - x[i]!) <= tol, `x[${i}] = ${v}, expected ${x[i]}`)
        );
        assert.deepEqual(b.y, y);
      }
    });
  }
});
