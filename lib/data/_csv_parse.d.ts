// The part of csv-parse's synchronous API that lib/data/csv.ts uses. Its own declarations
// reference Node's types (for its stream API), which we neither need nor want in our docs.

/** A record with `info: true`: its cells, and where it ends. */
export interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/** The options lib/data/csv.ts passes. */
export interface Options {
  delimiter: string;
  info: true;
  bom: boolean;
  trim: boolean;
  skip_empty_lines: boolean;
  relax_column_count: boolean;
}

/** Parses the whole text into records. */
export function parse(input: string, options: Options): RecordWithInfo[];

/** What csv-parse throws for malformed CSV; `code` names the problem. */
export class CsvError extends Error {
  readonly code: string;
}
