import assert from "node:assert/strict";
import { Random } from "../mod.ts";

Deno.test("Random is reproducible and well distributed", async (t) => {
  await t.step("same seed, same stream; other seed, other stream", () => {
    const a = new Random(123), b = new Random(123), c = new Random(124);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextUint32()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.nextUint32()));
  });
  await t.step("uniform() has mean 1/2 and variance 1/12", () => {
    const r = new Random(1), n = 100000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 0.002);
  });
  await t.step("gaussian() matches N(0, 1): mean, variance and the 1.96 quantile", () => {
    const r = new Random(2), n = 100000;
    let s = 0, s2 = 0, outside = 0;
    for (let i = 0; i < n; i++) {
      const g = r.gaussian();
      s += g;
      s2 += g * g;
      if (Math.abs(g) > 1.96) outside++;
    }
    assert.ok(Math.abs(s / n) < 0.015);
    assert.ok(Math.abs(s2 / n - 1) < 0.02);
    assert.ok(Math.abs(outside / n - 0.05) < 0.004, `tail ${outside / n}`);
  });
  await t.step("shuffle() is a permutation and every position is reachable", () => {
    const r = new Random(3);
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const p = r.shuffle([0, 1, 2, 3, 4]);
      assert.deepEqual([...p].sort(), [0, 1, 2, 3, 4]);
      firsts.add(p[0]!);
    }
    assert.equal(firsts.size, 5);
  });
  await t.step("a non-finite seed is rejected", () => {
    assert.throws(() => new Random(NaN), /expected a finite number, got NaN/);
  });
});
