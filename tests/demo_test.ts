// `deno task demo` end to end, run as a user runs it: the task's own command line from
// deno.json (so a missing permission fails here), stdout and stderr piped (not a terminal),
// tiny settings (--limit) so that each run takes about a second. The report it writes is
// opened in headless Chromium with the network cut off.

import assert from "node:assert/strict";
import { Network } from "../mod.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import { chromiumStatus, launchChromium, screenshotPath } from "./_chromium.ts";
import { openReport } from "./_report_page.ts";
import { requireTool, skipWithout } from "./_skip.ts";
import { withTempDir } from "./_temp.ts";

const chromium = await chromiumStatus();

const root = new URL("..", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const task: string[] = String(config.tasks.demo).trim().split(/\s+/);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function demo(...args: string[]): Promise<Run> {
  assert.equal(task[0], "deno", `the demo task is "${task.join(" ")}"`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...task.slice(1), ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const EPOCH_LINE = /^Epoch (\d+): (\d+) \/ 10000$/;

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("deno task demo trains, prints the book's epoch lines, saves the network and writes the report", async (t) => {
  await withTempDir("demo_test_", async (dir) => {
    const out = `${dir}/net.json`;
    const args = ["--epochs", "2", "--limit", "2000", "--seed", "7", "--out", out];
    const run = await demo(...args);
    assert.equal(run.code, 0, run.stderr);

    const lines = run.stdout.trimEnd().split("\n");
    await t.step("stdout has the book's line per epoch and nothing else", () => {
      assert.equal(lines.length, 2, run.stdout);
      lines.forEach((line, j) => {
        const m = EPOCH_LINE.exec(line);
        assert.ok(m, `line ${j} is "${line}"`);
        assert.equal(Number(m[1]), j);
      });
    });

    await t.step("stderr has a plain line per epoch, not a redrawn bar", () => {
      assert.ok(!run.stderr.includes("\r"), "no carriage returns off a terminal");
      assert.match(run.stderr, /Training \[784, 30, 10\] on 2,000 MNIST images/);
      assert.match(run.stderr, /^Epoch 0: \d+ \/ 10000 .*$/m);
      assert.match(run.stderr, /^Epoch 1: \d+ \/ 10000 .*$/m);
      assert.match(run.stderr, /^Wrote the report to .*\/report\.html \(\d+(\.\d)? [kM]B\)$/m);
    });

    await t.step(
      "the saved file loads with fromJSON and scores as the last epoch said",
      async () => {
        const json = JSON.parse(await Deno.readTextFile(out));
        // network2.py's fields (our format may add more).
        for (const key of ["sizes", "weights", "biases", "cost"]) assert.ok(key in json, key);
        assert.equal(json.cost, "QuadraticCost");
        const net = Network.fromJSON(json);
        assert.deepEqual(net.sizes, [784, 30, 10]);
        const { test } = await loadMnist();
        const last = Number(EPOCH_LINE.exec(lines[1]!)![2]);
        assert.equal(net.evaluate(test), last);
        // Written atomically: only the network and the report (next to it, by default) are
        // left in the directory.
        assert.deepEqual(names(dir), ["net.json", "report.html"]);
      },
    );

    await t.step({
      name: "the report draws every chart offline in Chromium",
      ignore: skipWithout(chromium),
      async fn() {
        requireTool(chromium);
        await using browser = await launchChromium({ offline: true });
        const { page, figures } = await openReport(browser, `${dir}/report.html`);
        await page.screenshot(screenshotPath("report"));
        assert.deepEqual(page.blocked, [], "no request leaves the page");
        assert.deepEqual(page.errors, []);
        const charts = figures.filter((f) => f.kind !== "");
        assert.deepEqual(charts.map((f) => [f.kind, f.error, f.rendered, f.staticImages]), [
          ["vega-lite", "", true, 0],
          ["vega-lite", "", true, 0],
          ["vega-lite", "", true, 0],
        ]);
        const [history, fields, confusion] = charts;
        // Two epochs: a point per epoch on the running cost line and the test accuracy line.
        assert.deepEqual(history!.vegaMarks, { "mark-line": 2, "mark-symbol": 4 });
        // One image of 28×28 weights per hidden neuron, and its number.
        assert.deepEqual(fields!.vegaMarks, { "mark-image": 30, "mark-text": 30 });
        // 10×10 cells with their counts, and a bar per digit.
        assert.deepEqual(confusion!.vegaMarks, { "mark-rect": 110, "mark-text": 100 });
        // The cells hold the test set's counts: 10,000 in all, and on the diagonal exactly
        // the number the last epoch line gave.
        const cells = await page.evaluate<string[]>(
          `[...document.querySelectorAll("#${confusion!.id} .interactive .role-mark > path")]
            .map((e) => e.getAttribute("aria-label"))`,
        );
        let total = 0, diagonal = 0;
        for (const label of cells) {
          const m = /^predicted: (\d); actual: (\d); count: (\d+);/.exec(label);
          if (!m) continue;
          total += Number(m[3]);
          if (m[1] === m[2]) diagonal += Number(m[3]);
        }
        assert.equal(total, 10000);
        assert.equal(diagonal, Number(EPOCH_LINE.exec(lines[1]!)![2]));
        assert.match(figures.at(-1)!.text, /layer[\s\S]*784[\s\S]*30[\s\S]*10/, "network table");
      },
    });

    await t.step("the same seed gives the same run, and the same report", async () => {
      const again = `${dir}/again.json`;
      const report = await Deno.readTextFile(`${dir}/report.html`);
      const run2 = await demo(...args.slice(0, -1), again, "--report", `${dir}/again.html`);
      assert.equal(run2.code, 0, run2.stderr);
      assert.equal(run2.stdout, run.stdout);
      assert.equal(await Deno.readTextFile(again), await Deno.readTextFile(out));
      // Compared as a boolean: a failure message would quote a megabyte of HTML.
      assert.ok(await Deno.readTextFile(`${dir}/again.html`) === report, "same report");
    });
  });
});

Deno.test("deno task demo uses --sizes, --mini-batch-size and --eta", async () => {
  await withTempDir("demo_test_", async (dir) => {
    const out = `${dir}/small.json`;
    const run = await demo(
      "--sizes=784,10",
      "--epochs=1",
      "--mini-batch-size=5",
      "--eta=0.5",
      "--limit=500",
      `--out=${out}`,
      "--no-report",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /Training \[784, 10\] on 500 MNIST images: 1 epoch, mini-batch 5, η 0\.5/,
    );
    assert.deepEqual(Network.fromJSON(await Deno.readTextFile(out)).sizes, [784, 10]);
    assert.deepEqual(names(dir), ["small.json"], "--no-report writes no report");
    assert.doesNotMatch(run.stderr, /report/);
  });
});

Deno.test("deno task demo --help lists every flag", async () => {
  const run = await demo("--help");
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  const flags = ["--sizes", "--epochs", "--mini-batch-size", "--eta", "--seed", "--out"];
  for (const flag of [...flags, "--report", "--no-report"]) {
    assert.ok(run.stdout.includes(flag), `--help mentions ${flag}`);
  }
  assert.ok(run.stdout.includes("--limit") && run.stdout.includes("--help"));
});

Deno.test("deno task demo rejects bad flags with status 2 and a clear message", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--epochs", "0"], /--epochs is "0", expected a positive integer/],
    [["--epochs", "2.5"], /--epochs is "2.5", expected a positive integer/],
    [["--mini-batch-size", "ten"], /--mini-batch-size is "ten", expected a positive integer/],
    [["--eta=-1"], /--eta is "-1", expected a positive number/],
    [["--eta", "fast"], /--eta is "fast", expected a positive number/],
    [["--seed", "1.5"], /--seed is "1.5", expected an integer/],
    [["--sizes", "784,30,9"], /--sizes is "784,30,9", expected at least two layers from 784/],
    [["--sizes", "784,,10"], /--sizes is "", expected a positive integer/],
    [["--limit", "0"], /--limit is "0", expected a positive integer/],
    [["--report", "r.html", "--no-report"], /--report and --no-report both given/],
    [["--report="], /--report is empty, expected a file path/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--epochs"], /--epochs/],
    [["extra"], /Unexpected argument 'extra'/],
    [[], /--out is "\/nonexistent\/never-written.json", but \/nonexistent is not a directory/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" ") || "--out in a missing directory", async () => {
      // Small settings first (the case's flags override them): a flag wrongly accepted fails
      // fast instead of training on all of MNIST.
      const safe = ["--epochs", "1", "--limit", "100"];
      const run = await demo(...safe, ...args, "--out", "/nonexistent/never-written.json");
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, message);
      if (args.length > 0) assert.match(run.stderr, /--help/);
    });
  }
});

Deno.test("deno task demo refuses a --report in a missing folder before training", async () => {
  await withTempDir("demo_test_", async (dir) => {
    const run = await demo("--out", `${dir}/net.json`, "--report", "/nonexistent/r.html");
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /--report is "\/nonexistent\/r\.html", but \/nonexistent is not a directory/,
    );
    assert.deepEqual(names(dir), []);
  });
});
