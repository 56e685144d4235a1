// Fuzzing Network.fromJSON with random and mutated input, seeded and bounded: every input must
// end in a network or in one of our errors (a SyntaxError, TypeError or RangeError whose
// message starts "Cannot load network"), never in another exception, a hang or a giant
// allocation.

import assert from "node:assert/strict";
import { Network } from "../mod.ts";
import { Random } from "./_fd.ts";

const SEEDS = [
  new Network([2, 3, 2], { seed: 1 }).toJSON(),
  new Network([3, 2], { seed: 2, cost: "CrossEntropyCost" }).toJSON(),
  new Network([2, 4, 3], {
    seed: 3,
    activations: { hidden: "relu", output: "softmax" },
    cost: "LogLikelihoodCost",
  }).toJSON(),
  // network2.py's format: no version, activations or regularization.
  { sizes: [1, 2], weights: [[[0.5], [-1]]], biases: [[[0], [1]]], cost: "CrossEntropyCost" },
];

const TOKENS = [
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  '"',
  "-",
  "0",
  "1",
  "9",
  ".",
  "e",
  "1e999",
  "-1e999",
  "null",
  "true",
  "NaN",
  "__proto__",
  '"constructor"',
  '"sizes"',
  '"weights"',
  '"cost"',
  "1e9",
  "\\",
  "\u0000",
  "\ud800",
  "[[[[[[[[",
  "]]]]]]]]",
];

/** The outcome of one input: "ok", or the kind of our error; anything else fails the test. */
function attempt(input: unknown, what: string): string {
  try {
    const net = Network.fromJSON(input);
    // A network that loads is whole: its JSON loads again to the same parameters (JSON has
    // no −0, hence the + 0).
    const again = Network.fromJSON(JSON.stringify(net));
    const values = (n: Network) =>
      [...n.weights, ...n.biases].flatMap((m) => Array.from(m.data, (v) => v + 0));
    assert.deepEqual(values(again), values(net), what);
    return "ok";
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(
      e instanceof SyntaxError || e instanceof TypeError || e instanceof RangeError,
      `${what}: unexpected ${e}`,
    );
    assert.match(e.message, /^Cannot load network: /, `${what}: ${e.message}`);
    return e.constructor.name;
  }
}

function randomBytes(rng: Random, n: number): string {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
  return new TextDecoder().decode(bytes);
}

/** One random edit of a JSON text: flip, delete, duplicate or insert. */
function mutateText(rng: Random, text: string): string {
  const i = rng.int(text.length + 1), j = Math.min(text.length, i + 1 + rng.int(12));
  switch (rng.int(5)) {
    case 0:
      return text.slice(0, i) + String.fromCharCode(rng.int(128)) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + text.slice(j);
    case 2:
      return text.slice(0, j) + text.slice(i, j) + text.slice(j);
    case 3:
      return text.slice(0, i) + TOKENS[rng.int(TOKENS.length)] + text.slice(i);
    default:
      return text.slice(0, i);
  }
}

const JUNK: unknown[] = [
  null,
  true,
  "x",
  "",
  -1,
  0,
  0.5,
  1e9,
  2 ** 31,
  -0,
  [],
  [[]],
  [[[]]],
  {},
  [1e9, 1e9],
  "CrossEntropyCost",
  "softmax",
  { kind: "L2", lambda: 1, dropout: 0 },
  Number.MAX_VALUE,
];

/** Replaces one value somewhere inside a parsed network with junk (or another value of it). */
function mutateValue(rng: Random, value: unknown, depth = 0): unknown {
  if (depth > 0 && rng.int(4) === 0) return JUNK[rng.int(JUNK.length)];
  if (Array.isArray(value) && value.length > 0) {
    const copy = [...value];
    const k = rng.int(copy.length);
    const r = rng.int(8);
    if (r === 0) copy.splice(k, 1);
    else if (r === 1) copy.push(structuredClone(copy[k]));
    else copy[k] = mutateValue(rng, copy[k], depth + 1);
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = { ...value };
    const keys = Object.keys(copy);
    const key = keys[rng.int(keys.length)]!;
    if (rng.int(8) === 0) delete copy[key];
    else copy[key] = mutateValue(rng, copy[key], depth + 1);
    return copy;
  }
  return JUNK[rng.int(JUNK.length)];
}

Deno.test("fromJSON() ends every random or mutated input in a network or a clear error", async (t) => {
  const rng = new Random(20240601);
  const outcomes = new Map<string, number>();
  const count = (o: string) => outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
  await t.step("random bytes", () => {
    for (let k = 0; k < 1500; k++) count(attempt(randomBytes(rng, rng.int(200)), `random ${k}`));
  });
  await t.step("mutated JSON text", () => {
    for (let k = 0; k < 3000; k++) {
      let text = JSON.stringify(SEEDS[rng.int(SEEDS.length)]);
      const edits = 1 + rng.int(3);
      for (let e = 0; e < edits; e++) text = mutateText(rng, text);
      count(attempt(text, `text ${k}: ${text.slice(0, 200)}`));
    }
  });
  await t.step("mutated values, as objects and as text", () => {
    for (let k = 0; k < 3000; k++) {
      const v = mutateValue(rng, SEEDS[rng.int(SEEDS.length)]);
      count(
        attempt(k % 2 ? v : JSON.stringify(v), `value ${k}: ${JSON.stringify(v).slice(0, 200)}`),
      );
    }
  });
  await t.step("deep nesting and large claims", () => {
    count(attempt("[".repeat(100_000), "deep open"));
    count(attempt("[".repeat(50_000) + "]".repeat(50_000), "deep closed"));
    count(attempt({ sizes: [1e9, 1e9], weights: [[]], biases: [[]] }, "huge sizes"));
    count(attempt({ sizes: new Array(100_000).fill(1), weights: [], biases: [] }, "many layers"));
  });
  // The corpus reached the network, every error kind, and the deeper checks.
  for (const kind of ["ok", "SyntaxError", "TypeError", "RangeError"]) {
    assert.ok((outcomes.get(kind) ?? 0) > 10, `${kind}: ${outcomes.get(kind) ?? 0}`);
  }
});
