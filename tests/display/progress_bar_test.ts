import assert from "node:assert/strict";
import { formatDuration, formatProgress, History, Network, terminalProgress } from "../../mod.ts";

function fakeWriter() {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  return {
    chunks,
    // Writes at most 7 bytes at a time, as a pipe may: the caller must loop.
    writeSync(p: Uint8Array): number {
      const n = Math.min(7, p.length);
      chunks.push(decoder.decode(p.subarray(0, n), { stream: true }));
      return n;
    },
    text: () => chunks.join(""),
  };
}

const data = Array.from({ length: 8 }, (_, i) => [[i % 2, 1 - (i % 2)], i % 2] as const);

Deno.test("terminalProgress() on a terminal redraws one line and keeps the epoch lines", async () => {
  const w = fakeWriter();
  const net = new Network([2, 2], { seed: 1 });
  await net.sgd(data, {
    epochs: 2,
    miniBatchSize: 2,
    eta: 1,
    progressInterval: 0,
    testData: data,
    ...terminalProgress({ writer: w, isTerminal: true, interval: 0, width: 8 }),
  });
  // "Erase to end of line" written as <EL> to keep control characters out of the patterns.
  const out = w.text().replaceAll("\x1b[K", "<EL>");
  const lines = out.split("\n");
  assert.equal(lines.length, 4); // two epochs, the totals, and "" after the last newline
  // The bar is erased (\r, erase line) before each epoch line.
  assert.match(lines[0]!, /\r<EL>Epoch 0: \d \/ 8 \(cost [\d.]+, [\d.]+ s\)$/);
  assert.match(lines[1]!, /\r<EL>Epoch 1: \d \/ 8 \(cost [\d.]+, [\d.]+ s\)$/);
  assert.match(lines[2]!, /Trained 2 epochs in \d+s \([\d.k]+ examples\/s\)$/);
  // Redraws in place: carriage return, the bar, erase to the end of the line.
  const redraws = out.split("\r").filter((s) => s.startsWith("epoch "));
  assert.ok(redraws.length >= 4, `${redraws.length} redraws`);
  assert.match(
    redraws[0]!,
    /^epoch 1\/2 ██░░░░░░ batch 1\/4 · .* ex\/s · ETA .* · cost [\d.]+<EL>$/,
  );
});

Deno.test("terminalProgress() elsewhere writes plain lines per epoch", async () => {
  const w = fakeWriter();
  const net = new Network([2, 2], { seed: 1 });
  await net.sgd(data, {
    epochs: 3,
    miniBatchSize: 4,
    eta: 1,
    progressInterval: 0,
    ...terminalProgress({ writer: w }),
  });
  const lines = w.text().trimEnd().split("\n");
  assert.equal(lines.length, 4);
  lines.slice(0, 3).forEach((l, e) => assert.match(l, new RegExp(`^Epoch ${e} complete \\(cost `)));
  assert.ok(!w.text().includes("\r"));
});

Deno.test("formatProgress() and formatDuration() read well", () => {
  const p = {
    epoch: 2,
    epochs: 30,
    batch: 1250,
    batches: 5000,
    examplesSeen: 112500,
    examplesPerSecond: 12345,
    etaSeconds: 3723,
    cost: 0.041234,
    history: new History(),
    done: false,
  };
  assert.equal(
    formatProgress(p, 4),
    "epoch 3/30 █░░░ batch 1250/5000 · 12.3k ex/s · ETA 1:02:03 · cost 0.04123",
  );
  assert.equal(formatProgress(p, 0).startsWith("epoch 3/30 batch"), true);
  assert.equal(formatDuration(59.6), "1:00");
  assert.equal(formatDuration(Infinity), "?");
});

Deno.test("terminalProgress() rejects bad options", () => {
  assert.throws(() => terminalProgress({ width: -1 }), {
    name: "RangeError",
    message: "Cannot make progress bar: width is -1, expected an integer ≥ 0",
  });
});
