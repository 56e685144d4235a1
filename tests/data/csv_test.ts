import assert from "node:assert/strict";
import { loadCsv, parseCsv } from "../../mod.ts";
import { iris } from "../../dev_deps.ts";
import { withTempDir } from "../_temp.ts";

const IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";

function irisCsv(eol = "\n"): string {
  const rows = iris.getDataset() as (number | string)[][];
  return [IRIS_HEADER, ...rows.map((r) => r.join(","))].join(eol) + eol;
}

/** Asserts that `fn` throws `type` with exactly `message`. */
function throwsExactly(fn: () => unknown, type: ErrorConstructor, message: string) {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof type, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("loadCsv() reads the Iris data as written", async () => {
  await withTempDir("backprop_csv_", async (dir) => {
    await Deno.writeTextFile(`${dir}/iris.csv`, irisCsv());
    const csv = await loadCsv(`${dir}/iris.csv`, { label: "species" });
    const { data, classes, features } = csv;
    assert.deepEqual(classes, ["setosa", "versicolor", "virginica"]);
    assert.deepEqual(features, IRIS_HEADER.split(",").slice(0, 4));
    assert.equal(data.length, 150);
    assert.equal(data.inputSize, 4);
    assert.equal(data.numClasses, 3);
    const rows = iris.getDataset() as (number | string)[][];
    rows.forEach((r, i) => {
      assert.deepEqual([...data.inputs.subarray(4 * i, 4 * i + 4)], r.slice(0, 4));
      assert.equal(classes[data.labels[i]!], r[4]);
    });
    assert.equal(
      String(csv),
      `${dir}/iris.csv: 150 rows, 4 features (sepal_length, sepal_width, petal_length, petal_width), 3 classes: 0 setosa, 1 versicolor, 2 virginica`,
    );
  });
});

Deno.test("parseCsv() reads quoting, CRLF, a byte order mark, chosen columns and numeric labels", async (t) => {
  await t.step("CRLF and a byte order mark read as LF", () => {
    const a = parseCsv("\uFEFF" + irisCsv("\r\n"), { label: "species" });
    const b = parseCsv(irisCsv(), { label: "species" });
    assert.deepEqual(a.data, b.data);
    assert.deepEqual(a.features, b.features);
  });
  await t.step("quoted cells may hold the delimiter and newlines; lines are still right", () => {
    const text = 'x,"note, with comma",y\n1,"two\nlines",a\n2,plain,b\n3,x,\n';
    throwsExactly(
      () => parseCsv(text, { label: "y", features: ["x"] }),
      TypeError,
      'Cannot load CSV: line 5, column "y" is empty, expected a label',
    );
    const { data, features } = parseCsv(text.replace("3,x,\n", ""), {
      label: "y",
      features: ["x"],
    });
    assert.deepEqual(features, ["x"]);
    assert.deepEqual([...data.inputs], [1, 2]);
  });
  await t.step("features in the order given, by name or index", () => {
    const { data, features } = parseCsv("a,b,c,l\n1,2,3,x\n", { label: 3, features: ["c", 0] });
    assert.deepEqual(features, ["c", "a"]);
    assert.deepEqual([...data.inputs], [3, 1]);
  });
  await t.step("whole-number labels are their own class", () => {
    const { data, classes } = parseCsv("p,digit\n0.5,7\n0.1,3\n", { label: "digit" });
    assert.deepEqual(classes, ["0", "1", "2", "3", "4", "5", "6", "7"]);
    assert.deepEqual([...data.labels], [7, 3]);
    assert.equal(data.numClasses, 8);
  });
  await t.step("given classes fix the order", () => {
    const { data, classes } = parseCsv("v,l\n1,b\n2,a\n", { label: "l", classes: ["b", "a", "c"] });
    assert.deepEqual(classes, ["b", "a", "c"]);
    assert.deepEqual([...data.labels], [0, 1]);
    assert.equal(data.numClasses, 3);
  });
  await t.step("numbers in every decimal form; cells trimmed; empty lines skipped", () => {
    const { data } = parseCsv("v,l\n-1.5e2,a\n\n +.5 ,a\n7.,a\n", { label: "l" });
    assert.deepEqual([...data.inputs], [-150, 0.5, 7]);
  });
});

Deno.test("parseCsv() refuses bad rows, naming the line and the column", async (t) => {
  const opts = { label: "species", name: "iris.csv" } as const;
  const lines = irisCsv().split("\n");
  const withLine7 = (row: string) => [...lines.slice(0, 6), row, ...lines.slice(7)].join("\n");
  const cases: [string, string, ErrorConstructor, string][] = [
    [
      "a missing cell",
      "5.4,3.9,1.7,0.4",
      TypeError,
      'line 7 has 4 cells, column "species" is missing, expected 5 (as line 1)',
    ],
    [
      "an extra cell",
      "5.4,3.9,1.7,0.4,setosa,1",
      TypeError,
      "line 7 has 6 cells, expected 5 (as line 1)",
    ],
    [
      "an empty cell",
      "5.4,,1.7,0.4,setosa",
      TypeError,
      'line 7, column "sepal_width" is empty, expected a number',
    ],
    [
      "a word",
      "5.4,3.9,abc,0.4,setosa",
      TypeError,
      'line 7, column "petal_length" is "abc", expected a number',
    ],
    [
      "a decimal comma",
      '5.4,"3,9",1.7,0.4,setosa',
      TypeError,
      'line 7, column "sepal_width" is "3,9", expected a number',
    ],
    [
      "NaN",
      "NaN,3.9,1.7,0.4,setosa",
      TypeError,
      'line 7, column "sepal_length" is "NaN", expected a number',
    ],
    [
      "Infinity",
      "5.4,Infinity,1.7,0.4,setosa",
      TypeError,
      'line 7, column "sepal_width" is "Infinity", expected a number',
    ],
    [
      "an overflow",
      "5.4,1e999,1.7,0.4,setosa",
      TypeError,
      'line 7, column "sepal_width" is "1e999", expected a number',
    ],
    [
      "hexadecimal",
      "5.4,3.9,0x10,0.4,setosa",
      TypeError,
      'line 7, column "petal_length" is "0x10", expected a number',
    ],
    [
      "an empty label",
      "5.4,3.9,1.7,0.4,",
      TypeError,
      'line 7, column "species" is empty, expected a label',
    ],
  ];
  for (const [what, row, type, message] of cases) {
    await t.step(what, () => {
      throwsExactly(() => parseCsv(withLine7(row), opts), type, `Cannot load iris.csv: ${message}`);
    });
  }
  await t.step("an unknown label", () => {
    throwsExactly(
      () =>
        parseCsv(withLine7("5.4,3.9,1.7,0.4,setoza"), {
          ...opts,
          classes: ["setosa", "versicolor", "virginica"],
        }),
      RangeError,
      'Cannot load iris.csv: line 7, column "species" is "setoza", expected one of the classes "setosa", "versicolor", "virginica"',
    );
  });
  await t.step("an unclosed quote", () => {
    throwsExactly(
      () => parseCsv(withLine7('5.4,"3.9,1.7,0.4,setosa'), opts),
      TypeError,
      "Cannot load iris.csv: line 7 opens a quote that is never closed",
    );
  });
  await t.step("a quote closed too early", () => {
    assert.throws(
      () => parseCsv(withLine7('5.4,"3.9"x,1.7,0.4,setosa'), opts),
      (e: Error) =>
        e instanceof TypeError &&
        /^Cannot load iris\.csv: Invalid Closing Quote: .* at line 7/.test(e.message),
    );
  });
  await t.step("without a header, columns by index", () => {
    throwsExactly(
      () => parseCsv("1,a\n2,\n", { label: 1, header: false }),
      TypeError,
      "Cannot load CSV: line 2, column 1 is empty, expected a label",
    );
  });
});

Deno.test("parseCsv() and loadCsv() refuse bad options", async (t) => {
  const text = "a,b,l\n1,2,x\n";
  const cases: [string, unknown, ErrorConstructor, string][] = [
    [
      "a misspelt option",
      { label: "l", heder: false },
      TypeError,
      "unknown option `heder`; did you mean `header`?",
    ],
    ["no label", {}, TypeError, "label is undefined, expected a column name or index"],
    [
      "an unknown column",
      { label: "lbl" },
      RangeError,
      'label is "lbl", expected one of the columns "a", "b", "l"',
    ],
    [
      "an index out of range",
      { label: 3 },
      RangeError,
      "label is column 3, expected an index from 0 to 2",
    ],
    [
      "a name without a header",
      { label: "l", header: false },
      RangeError,
      'label is "l", but there is no header (header: false), expected an index',
    ],
    [
      "the label among the features",
      { label: "l", features: ["a", "l"] },
      RangeError,
      "features[1] is the label column, expected another",
    ],
    [
      "a repeated feature",
      { label: "l", features: ["a", 0] },
      RangeError,
      "features[1] repeats features[0]",
    ],
    [
      "no features",
      { label: "l", features: [] },
      RangeError,
      "there are no feature columns, expected at least one",
    ],
    [
      "a long delimiter",
      { label: "l", delimiter: ", " },
      TypeError,
      'delimiter is ", ", expected one character such as ","',
    ],
    [
      "repeated classes",
      { label: "l", classes: ["x", "x"] },
      RangeError,
      'classes names "x" twice, expected once',
    ],
  ];
  for (const [what, options, type, message] of cases) {
    await t.step(what, () => {
      throwsExactly(() => parseCsv(text, options as never), type, `Cannot load CSV: ${message}`);
    });
  }
  await t.step("no rows", () => {
    throwsExactly(
      () => parseCsv("a,l\n", { label: "l" }),
      RangeError,
      "Cannot load CSV: there are no data rows",
    );
    throwsExactly(
      () => parseCsv("", { label: 0 }),
      RangeError,
      "Cannot load CSV: the text is empty, expected rows",
    );
  });
  await t.step("loadCsv refuses before reading", async () => {
    await assert.rejects(
      () => loadCsv("/nonexistent.csv", { label: 0, name: "x" } as never),
      /Cannot load \/nonexistent\.csv: unknown option `name`/,
    );
    await assert.rejects(() => loadCsv("/nonexistent.csv", { label: 0 }), Deno.errors.NotFound);
  });
});
