/**
 * A small CSV reader/writer (RFC 4180) for the file imports and exports of the API
 * (docs/api-conventions.md#csv-import-and-export): quoted fields, `""` escapes, CRLF or LF line ends, UTF-8
 * with or without a byte-order mark, header validation, and the formula-injection guard (a leading `'` on
 * export, removed again on import).
 */

/** A problem with the file as a whole (encoding, quoting, header, size): reported on the `file` field. */
export class CsvFileError extends Error {}

/** The file has more records than the reader accepts. */
export class CsvTooManyRowsError extends CsvFileError {}

/**
 * Characters that make a spreadsheet read a cell as a formula
 * (docs/api-conventions.md#csv-import-and-export).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** An escaped cell: one or more apostrophes, then a formula character. */
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

/**
 * Export side: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
 * apostrophe. Cells that already start with apostrophes before such a character get one more, so
 * that `unescapeFormula` gives every value back exactly.
 */
export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Import side: removes one leading apostrophe that precedes a formula character. */
export function unescapeFormula(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const DELIMITER = /[,\r\n"]/g;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The file's text: strict UTF-8, the byte-order mark (if any) removed. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new CsvFileError('The file is not valid UTF-8 text.');
  }
}

export interface CsvRecord {
  /** 1-based record number in the file (the header is record 1), as a spreadsheet numbers its rows. */
  row: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180, with LF accepted as a line end). Blank lines are skipped
 * but still counted, so record numbers match the rows a spreadsheet shows. `limit` stops with
 * `CsvTooManyRowsError` once more than `limit` records (header included) are found.
 */
export function parseCsv(text: string, limit = Number.POSITIVE_INFINITY): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  let fields: string[] = [];
  let row = 1;
  let i = 0;

  const endRecord = () => {
    if (fields.length > 1 || fields[0] !== '') {
      if (records.length >= limit) throw new CsvTooManyRowsError(`The file has more than ${limit} records.`);
      records.push({ row, fields });
    }
    fields = [];
    row++;
  };

  // Scans from delimiter to delimiter (indexOf / a sticky search) rather than character by character.
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) throw new CsvFileError(`Row ${row}: a quoted field is not closed.`);
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) !== QUOTE) {
          i = close + 1;
          break;
        }
        value += '"';
        from = close + 2;
      }
      const next = text.charCodeAt(i);
      if (i < length && next !== COMMA && next !== CR && next !== LF) {
        throw new CsvFileError(`Row ${row}: unexpected character after a closing quote.`);
      }
      fields.push(value);
    } else {
      DELIMITER.lastIndex = i;
      const found = DELIMITER.exec(text);
      const end = found ? found.index : length;
      if (found?.[0] === '"') throw new CsvFileError(`Row ${row}: a quote inside an unquoted field.`);
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= length) break;
    const delimiter = text.charCodeAt(i);
    if (delimiter === COMMA) {
      i++;
      continue;
    }
    i += delimiter === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    endRecord();
    if (i >= length) return records;
  }
  endRecord();
  return records;
}

export interface CsvTableSpec {
  /** Columns the header must name. */
  required: readonly string[];
  /** Columns the header may name. */
  optional?: readonly string[];
  /** Most data rows accepted. */
  maxRows: number;
}

export interface CsvTableRow {
  /** Row number in the file, the header being row 1. */
  row: number;
  /** Cell per header column (formula escapes removed); missing cells are ''. */
  values: Record<string, string>;
  /** Set when the row has another number of cells than the header. */
  problem?: string;
}

export interface CsvTable {
  columns: string[];
  rows: CsvTableRow[];
}

/**
 * Reads an uploaded CSV file: decodes it, checks the header against `spec` (names are compared
 * trimmed and case-insensitively) and maps every data row to its columns. File-level problems throw
 * `CsvFileError`; a row with the wrong number of cells is returned with `problem` set.
 */
export function readCsvTable(bytes: Uint8Array, spec: CsvTableSpec): CsvTable {
  let records: CsvRecord[];
  try {
    records = parseCsv(decodeUtf8(bytes), spec.maxRows + 1);
  } catch (error) {
    if (error instanceof CsvTooManyRowsError) {
      throw new CsvFileError(`The file has more than ${spec.maxRows} data rows.`);
    }
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new CsvFileError('The file is empty: a header row is required.');
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  checkHeader(columns, spec);

  const rows = data.map(({ row, fields }): CsvTableRow => {
    const values: Record<string, string> = {};
    columns.forEach((column, index) => (values[column] = unescapeFormula(fields[index] ?? '')));
    return fields.length === columns.length
      ? { row, values }
      : { row, values, problem: `Expected ${columns.length} columns, found ${fields.length}.` };
  });
  return { columns, rows };
}

function checkHeader(columns: string[], spec: CsvTableSpec): void {
  const allowed = new Set([...spec.required, ...(spec.optional ?? [])]);
  const problems: string[] = [];
  const missing = spec.required.filter((column) => !columns.includes(column));
  const unknown = columns.filter((column) => !allowed.has(column));
  const repeated = columns.filter(
    (column, index) => allowed.has(column) && columns.indexOf(column) !== index,
  );
  if (missing.length > 0) problems.push(`Missing column(s): ${missing.join(', ')}.`);
  if (unknown.length > 0) {
    problems.push(`Unknown column(s): ${unknown.map((column) => column || '(empty)').join(', ')}.`);
  }
  if (repeated.length > 0) problems.push(`Repeated column(s): ${[...new Set(repeated)].join(', ')}.`);
  if (problems.length > 0) {
    const expected = [...spec.required, ...(spec.optional ?? []).map((column) => `${column} (optional)`)];
    throw new CsvFileError(`${problems.join(' ')} Expected columns: ${expected.join(', ')}.`);
  }
}

export type CsvCell = string | number | boolean | Date | null | undefined;

function cellText(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** One CSV field: formula-escaped, quoted when it holds a comma, quote or line break. */
export function csvField(value: CsvCell): string {
  const text = escapeFormula(cellText(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document (header + rows, CRLF line ends, RFC 4180), safe against formula injection. */
export function writeCsv(columns: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
