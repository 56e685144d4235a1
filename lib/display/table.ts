/**
 * Tables of numbers and labels for notebooks: the book's results beside ours, a gradient
 * checked entry by entry.
 *
 * @module
 */

import { typeName } from "../_util.ts";
import { escapeXml } from "./_options.ts";
import { Figure } from "./figure.ts";

/** A table cell: text, or a number (formatted to `precision` significant digits). */
export type TableCell = string | number;

/** Options for {@linkcode table}. */
export interface TableOptions {
  /** A title shown above the table (the HTML caption, the text layer's first line). */
  title?: string;
  /** Significant digits of numbers that are not integers; default 6. Integers show in full. */
  precision?: number;
}

const FONT = 13; // px, monospace: one character is about 0.6 em wide
const CHAR = 0.6 * FONT;
const LINE = 20; // px per row of the SVG
const GAP = 2; // characters between columns

function formatCell(v: TableCell, precision: number): string {
  if (typeof v === "string") return v;
  return Number.isInteger(v) ? String(v) : v.toPrecision(precision);
}

/** Checks the header and rows once, at the entry; the message names the bad cell. */
function checkTable(header: unknown, rows: unknown, precision: unknown, where: string): void {
  if (!Array.isArray(header) || header.some((h) => typeof h !== "string")) {
    throw new TypeError(`${where}: header is ${typeName(header)}, expected an array of strings`);
  }
  if (!Array.isArray(rows)) {
    throw new TypeError(`${where}: rows is ${typeName(rows)}, expected an array of rows`);
  }
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`${where}: row ${i} is ${typeName(row)}, expected an array of cells`);
    }
    if (row.length !== header.length) {
      throw new RangeError(
        `${where}: row ${i} has ${row.length} cells, expected ${header.length} (the header's)`,
      );
    }
    row.forEach((v, j) => {
      if (typeof v !== "string" && typeof v !== "number") {
        throw new TypeError(
          `${where}: row ${i} cell ${j} is ${typeName(v)}, expected a string or a number`,
        );
      }
    });
  });
  if (
    !(typeof precision === "number" && Number.isInteger(precision) && precision >= 1 &&
      precision <= 21)
  ) {
    throw new RangeError(
      `${where}: precision is ${String(precision)}, expected an integer from 1 to 21`,
    );
  }
}

/**
 * A table with a header row: an HTML table in the notebook, an SVG drawing of it (for
 * viewers that show images only) and aligned columns as text (for `jupyter console` and
 * `String(table)`). Numbers are right-aligned, text left-aligned; a column whose cells are
 * all numbers (empty strings aside) is right-aligned throughout, header included.
 *
 * @param header The column titles.
 * @param rows The rows, each with one cell (a string or a number) per column.
 * @param options `title`; `precision`, the significant digits of non-integers (default 6).
 * @returns The figure: `text/html`, `image/svg+xml` and `text/plain` layers.
 * @throws {TypeError} When the header or a row is not an array, or a cell is neither a
 *   string nor a number.
 * @throws {RangeError} When a row's length differs from the header's.
 *
 * @example The book's numbers beside ours
 * ```ts
 * import { table } from "@backprop/backprop";
 * import assert from "node:assert/strict";
 *
 * const fig = table(["network", "book", "ours"], [
 *   ["[784, 30, 10]", 95.42, 95.05],
 *   ["[784, 100, 10]", 96.59, 96.35],
 * ], { title: "Test accuracy (%)", precision: 4 });
 * assert.equal(
 *   String(fig),
 *   [
 *     "Test accuracy (%)",
 *     "network          book   ours",
 *     "[784, 30, 10]   95.42  95.05",
 *     "[784, 100, 10]  96.59  96.35",
 *   ].join("\n"),
 * );
 * const bundle = await fig.bundle();
 * assert.match(bundle["text/html"] as string, /<caption[^>]*>Test accuracy \(%\)<\/caption>/);
 * assert.match(bundle["image/svg+xml"] as string, /^<svg/);
 * ```
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly TableCell[])[],
  options: TableOptions = {},
): Figure {
  const where = "Cannot make table";
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${where}: options is ${typeName(options)}, expected an object`);
  }
  const { title, precision = 6 } = options;
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`${where}: title is ${typeName(title)}, expected a string`);
  }
  checkTable(header, rows, precision, where);
  const body = rows.map((row) => row.map((v) => formatCell(v, precision)));
  // A column is numeric when every cell is a number or empty, and at least one is a number.
  const numeric = header.map((_, j) =>
    rows.every((row) => typeof row[j] === "number" || row[j] === "") &&
    rows.some((row) => typeof row[j] === "number")
  );
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const pad = (v: string, j: number) => numeric[j] ? v.padStart(widths[j]!) : v.padEnd(widths[j]!);
  const line = (row: readonly string[]) => row.map(pad).join(" ".repeat(GAP)).trimEnd();
  const text = [...(title === undefined ? [] : [title]), line(header), ...body.map(line)]
    .join("\n");
  return new Figure(
    text,
    () => ({ html: tableHtml(title, header, body, numeric), svg: tableSvg() }),
  );

  function tableSvg(): string {
    const x: number[] = [];
    let at = 8;
    for (const w of widths) {
      x.push(at);
      at += (w + GAP) * CHAR;
    }
    // Bold characters are about a tenth wider than regular ones.
    const titleWidth = title === undefined ? 0 : 16 + 1.1 * title.length * CHAR;
    const width = Math.ceil(Math.max(at - GAP * CHAR + 8, titleWidth));
    const top = title === undefined ? 0 : LINE;
    const height = top + LINE * (body.length + 1) + 8;
    const cells = (row: readonly string[], y: number, weight: string) =>
      row.map((v, j) => {
        const [px, anchor] = numeric[j] ? [x[j]! + widths[j]! * CHAR, "end"] : [x[j]!, "start"];
        return `<text x="${round(px)}" y="${y}" text-anchor="${anchor}"${weight}>${
          escapeXml(v)
        }</text>`;
      }).join("");
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${FONT}">`,
      `<rect width="${width}" height="${height}" fill="white"/>`,
      title === undefined
        ? ""
        : `<text x="8" y="${LINE - 5}" font-weight="bold">${escapeXml(title)}</text>`,
      cells(header, top + LINE - 5, ` font-weight="bold"`),
      `<line x1="8" x2="${width - 8}" y1="${top + LINE + 1}" y2="${
        top + LINE + 1
      }" stroke="#999"/>`,
      ...body.map((row, i) => cells(row, top + LINE * (i + 2) - 5, "")),
      "</svg>",
    ];
    return parts.join("");
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function tableHtml(
  title: string | undefined,
  header: readonly string[],
  body: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string {
  const align = (j: number) => (numeric[j] ? "right" : "left");
  const tr = (row: readonly string[], tag: string) =>
    `<tr>${
      row.map((v, j) => `<${tag} style="text-align:${align(j)}">${escapeXml(v)}</${tag}>`)
        .join("")
    }</tr>`;
  const caption = title === undefined
    ? ""
    : `<caption style="text-align:left">${escapeXml(title)}</caption>`;
  return `<table>${caption}<thead>${tr(header, "th")}</thead><tbody>${
    body.map((row) => tr(row, "td")).join("")
  }</tbody></table>`;
}
