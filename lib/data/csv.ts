/**
 * One's own tabular data: a CSV file with numeric feature columns and a label column, as
 * packed data for training, its labels mapped to class indices.
 *
 * The file is split into cells by the npm package `csv-parse` (RFC 4180 quoting, a `"` inside
 * quotes doubled); every cell is then checked here. A row with a missing cell, a feature that
 * is not a number or an unknown label is an error naming the file, the line and the column:
 * nothing is dropped or turned into NaN.
 *
 * @module
 */

import { CsvError, parseCsvCells as parse, type RecordWithInfo } from "../_npm.ts";
import { typeName } from "../_util.ts";
import { checkOptions } from "../_validate.ts";
import type { PackedData } from "../dataset.ts";
import { classMapping, describeClasses, labelArray } from "./_classes.ts";

/** Options for {@linkcode loadCsv} and {@linkcode parseCsv}. */
export interface CsvOptions {
  /** The label column: its name in the header, or its index counting from 0. */
  label: string | number;
  /** The feature columns, by name or index, in input order; default every other column. */
  features?: readonly (string | number)[];
  /** Whether the first line names the columns; default `true`. */
  header?: boolean;
  /**
   * The labels in class order (class `i` is `classes[i]`); a label not in it is an error.
   * By default the labels found are the classes: whole numbers are their own index, other
   * labels are sorted.
   */
  classes?: readonly string[];
  /** The character between cells; default `","`. */
  delimiter?: string;
}

/** Options for {@linkcode parseCsv}: those of {@linkcode loadCsv} and a name for messages. */
export interface ParseCsvOptions extends CsvOptions {
  /** What to call the text in error messages (a file name); default `"CSV"`. */
  name?: string;
}

/** A CSV file as training data, with what its columns and labels mean. */
export interface CsvData {
  /** The rows as packed data: float64 features, the labels as class indices. */
  readonly data: PackedData;
  /** Class `i`'s label as written in the file: the label → class mapping, by index. */
  readonly classes: readonly string[];
  /** The feature columns' names (from the header, or `column 3` without one), in input order. */
  readonly features: readonly string[];
  /** `iris.csv: 150 rows, 4 features (…), 3 classes: 0 setosa, 1 versicolor, 2 virginica`. */
  toString(): string;
}

const KNOWN = ["label", "features", "header", "classes", "delimiter"] as const;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV file as packed data: the feature columns as inputs (numbers, in the order of
 * `features`), the label column as class indices. Empty lines are skipped and cells trimmed;
 * every row must have every column. See {@linkcode parseCsv} for CSV text already in memory.
 *
 * @param path The file (a path or a file URL).
 * @param options `label` (required), `features`, `header`, `classes`, `delimiter`.
 * @returns The data, the classes (the label → class mapping) and the feature names.
 * @throws {TypeError} When a row lacks a cell or a feature is not a number, naming the file,
 *   the line and the column.
 * @throws {RangeError} When a label is not one of `classes`.
 *
 * @example
 * ```ts
 * import { loadCsv } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/fruit.csv`, "weight,colour,fruit\n150,0.9,apple\n120,0.2,pear\n");
 * const { data, classes, features } = await loadCsv(`${dir}/fruit.csv`, { label: "fruit" });
 * assert.deepEqual(classes, ["apple", "pear"]);
 * assert.deepEqual(features, ["weight", "colour"]);
 * assert.deepEqual([...data.inputs], [150, 0.9, 120, 0.2]);
 * assert.deepEqual([...data.labels], [0, 1]);
 * await Deno.writeTextFile(`${dir}/bad.csv`, "weight,colour,fruit\n150,,apple\n");
 * await assert.rejects(
 *   () => loadCsv(`${dir}/bad.csv`, { label: "fruit" }),
 *   /bad\.csv: line 2, column "colour" is empty, expected a number/,
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadCsv(path: string | URL, options: CsvOptions): Promise<CsvData> {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new TypeError(`Cannot load CSV: path is ${typeName(path)}, expected a path or file URL`);
  }
  checkOptions(options, `Cannot load ${String(path)}`, "an object such as { label: 0 }", KNOWN);
  const text = await Deno.readTextFile(path);
  return parseCsv(text, { ...options, name: String(path) });
}

/**
 * Parses CSV text as packed data, as {@linkcode loadCsv} reads a file.
 *
 * @param text The CSV text.
 * @param options Those of {@linkcode loadCsv}, and `name` for messages.
 * @returns The data, the classes and the feature names.
 *
 * @example No header: columns by index
 * ```ts
 * import { parseCsv } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const { data, classes } = parseCsv("0.5;1;yes\n2;-1;no\n", {
 *   label: 2,
 *   header: false,
 *   delimiter: ";",
 * });
 * assert.deepEqual(classes, ["no", "yes"]);
 * assert.deepEqual([...data.labels], [1, 0]);
 * assert.throws(
 *   () => parseCsv("1,cat\n2,dog\n", { label: 1, header: false, classes: ["cat"] }),
 *   /CSV: line 2, column 1 is "dog", expected one of the classes "cat"/,
 * );
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions): CsvData {
  const o = checkOptions(options, "Cannot load CSV", "an object such as { label: 0 }", [
    ...KNOWN,
    "name",
  ]);
  const name = o.name === undefined ? "CSV" : String(o.name);
  const where = `Cannot load ${name}`;
  if (typeof text !== "string") {
    throw new TypeError(`${where}: text is ${typeName(text)}, expected a string`);
  }
  const header = o.header ?? true;
  if (typeof header !== "boolean") {
    throw new TypeError(`${where}: header is ${typeName(header)}, expected true or false`);
  }
  const delimiter = o.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      `${where}: delimiter is ${JSON.stringify(delimiter)}, expected one character such as ","`,
    );
  }
  const rows = readRows(text, delimiter, where);
  if (rows.length === 0) throw new RangeError(`${where}: the text is empty, expected rows`);
  const width = rows[0]!.cells.length;
  const names = header ? rows[0]!.cells : Array.from({ length: width }, (_, i) => `column ${i}`);
  const body = header ? rows.slice(1) : rows;
  if (body.length === 0) throw new RangeError(`${where}: there are no data rows`);
  const columnName = (c: number) => (header ? JSON.stringify(names[c]) : String(c));
  const label = column(o.label, "label", names, header, where);
  const features = o.features === undefined
    ? names.map((_, i) => i).filter((i) => i !== label)
    : featureColumns(o.features, label, names, header, where);
  if (features.length === 0) {
    throw new RangeError(`${where}: there are no feature columns, expected at least one`);
  }
  const k = features.length;
  const inputs = new Float64Array(body.length * k);
  const labels: string[] = [];
  body.forEach(({ cells, line }, r) => {
    if (cells.length !== width) {
      const missing = cells.length < width ? `, column ${columnName(cells.length)} is missing` : "";
      throw new TypeError(
        `${where}: line ${line} has ${cells.length} cells${missing}, expected ${width} (as line ${
          rows[0]!.line
        })`,
      );
    }
    features.forEach((c, j) => {
      const cell = cells[c]!;
      const at = `line ${line}, column ${columnName(c)}`;
      if (cell === "") throw new TypeError(`${where}: ${at} is empty, expected a number`);
      const v = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) {
        throw new TypeError(`${where}: ${at} is ${JSON.stringify(cell)}, expected a number`);
      }
      inputs[r * k + j] = v;
    });
    if (cells[label] === "") {
      throw new TypeError(
        `${where}: line ${line}, column ${columnName(label)} is empty, expected a label`,
      );
    }
    labels.push(cells[label]!);
  });
  const mapping = classMapping(labels, o.classes, where);
  const indices = labels.map((l, r) => {
    const i = mapping.index.get(l);
    if (i === undefined) {
      throw new RangeError(
        `${where}: line ${body[r]!.line}, column ${columnName(label)} is ${
          JSON.stringify(l)
        }, expected one of the classes ${mapping.classes.map((c) => JSON.stringify(c)).join(", ")}`,
      );
    }
    return i;
  });
  const numClasses = mapping.classes.length;
  const data: PackedData = {
    length: body.length,
    inputSize: k,
    numClasses,
    inputs,
    inputScale: 1,
    labels: labelArray(indices, numClasses),
  };
  const featureNames = Object.freeze(features.map((c) => names[c]!));
  const classes = Object.freeze([...mapping.classes]);
  return {
    data,
    classes,
    features: featureNames,
    toString: () =>
      `${name}: ${body.length} rows, ${k} feature${k === 1 ? "" : "s"} (${
        featureNames.join(", ")
      }), ${numClasses} classes: ${describeClasses(classes)}`,
  };
}

/** The records of the text with the line each starts on (empty lines skipped). */
function readRows(
  text: string,
  delimiter: string,
  where: string,
): { cells: string[]; line: number }[] {
  let records: RecordWithInfo[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (e) {
    // csv-parse's messages name the line ("Quote Not Closed: … at line 3").
    if (!(e instanceof CsvError)) throw e;
    if (e.code === "CSV_QUOTE_NOT_CLOSED") {
      // csv-parse names the last line; the quote that is never closed opened earlier.
      throw new TypeError(
        `${where}: line ${openQuoteLine(text)} opens a quote that is never closed`,
      );
    }
    throw new TypeError(`${where}: ${e.message}`);
  }
  return records.map(({ record, info }) => ({
    cells: record,
    // info.lines is the line the record ends on; a quoted cell may span lines.
    line: info.lines - record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0),
  }));
}

/** The line of the last quote that opens a quoted cell (`""` inside quotes is a quote). */
function openQuoteLine(text: string): number {
  let line = 1, opened = 1, inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      if (inQuotes && text[i + 1] === '"') i++;
      else if ((inQuotes = !inQuotes)) opened = line;
    }
  }
  return opened;
}

/** A column given by name or index, as an index. */
function column(
  c: unknown,
  what: string,
  names: readonly string[],
  header: boolean,
  where: string,
): number {
  if (typeof c === "number") {
    if (!Number.isInteger(c) || c < 0 || c >= names.length) {
      throw new RangeError(
        `${where}: ${what} is column ${c}, expected an index from 0 to ${names.length - 1}`,
      );
    }
    return c;
  }
  if (typeof c !== "string") {
    throw new TypeError(`${where}: ${what} is ${typeName(c)}, expected a column name or index`);
  }
  const i = header ? names.indexOf(c) : -1;
  if (i < 0) {
    throw new RangeError(
      header
        ? `${where}: ${what} is "${c}", expected one of the columns ${
          names.map((n) => JSON.stringify(n)).join(", ")
        }`
        : `${where}: ${what} is "${c}", but there is no header (header: false), expected an index`,
    );
  }
  return i;
}

function featureColumns(
  given: unknown,
  label: number,
  names: readonly string[],
  header: boolean,
  where: string,
): number[] {
  if (!Array.isArray(given)) {
    throw new TypeError(`${where}: features is ${typeName(given)}, expected an array of columns`);
  }
  const out = given.map((c, j) => column(c, `features[${j}]`, names, header, where));
  out.forEach((c, j) => {
    if (c === label) {
      throw new RangeError(`${where}: features[${j}] is the label column, expected another`);
    }
    if (out.indexOf(c) !== j) {
      throw new RangeError(`${where}: features[${j}] repeats features[${out.indexOf(c)}]`);
    }
  });
  return out;
}
