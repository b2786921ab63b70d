import { ApiError, type FieldErrors } from '../http/error-codes.js';
import { CsvFileError, type CsvTable, type CsvTableSpec, readCsvTable } from './csv.js';

/** At most this many rows are listed in `details.rows`; `errors.file` always gives the full count. */
export const MAX_REPORTED_ROWS = 1000;

/**
 * The per-row errors of an import, keyed by row number then column
 * (docs/api-conventions.md#csv-import-and-export).
 */
export class RowErrors {
  private readonly rows = new Map<number, FieldErrors>();

  add(row: number, column: string, message: string): void {
    let errors = this.rows.get(row);
    if (!errors) this.rows.set(row, (errors = {}));
    (errors[column] ??= []).push(message);
  }

  has(row: number): boolean {
    return this.rows.has(row);
  }

  get count(): number {
    return this.rows.size;
  }

  /** 400 `validation_error`: `errors.file` counts the invalid rows, `details.rows` lists them by row. */
  throwIfAny(): void {
    if (this.rows.size === 0) return;
    const rows = [...this.rows.entries()]
      .sort(([a], [b]) => a - b)
      .slice(0, MAX_REPORTED_ROWS)
      .map(([row, errors]) => ({ row, errors }));
    const n = this.rows.size;
    const message = `${n} ${n === 1 ? 'row is' : 'rows are'} invalid; nothing was imported.`;
    throw new ApiError('validation_error', undefined, {
      errors: { file: [message] },
      details: { rows, invalid_rows: n },
    });
  }
}

/** `readCsvTable` with file-level problems answered as 400 `validation_error` on `file`. */
export function readCsvUpload(bytes: Uint8Array, spec: CsvTableSpec): CsvTable {
  try {
    return readCsvTable(bytes, spec);
  } catch (error) {
    if (error instanceof CsvFileError) throw ApiError.field('file', error.message);
    throw error;
  }
}

/** Reports a bad cell; the parsers below return `undefined` after calling it. */
export type Report = (message: string) => void;

const MESSAGES = {
  blank: 'This field may not be blank.',
  integer: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  slug: 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
};

/**
 * Cell parsers shared by CSV imports: each validates one trimmed cell like the create endpoint
 * would, returns the value, or reports the problem and returns `undefined`. An empty optional cell
 * gives the column's default.
 */
export const cell = {
  /** Trimmed unless `trim: false` (free text keeps its exact value, so an export re-imports unchanged). */
  text(
    raw: string,
    report: Report,
    { required = true, max, trim = true }: { required?: boolean; max?: number; trim?: boolean } = {},
  ) {
    const value = trim ? raw.trim() : raw;
    if (required && value === '') return void report(MESSAGES.blank);
    if (max !== undefined && value.length > max) {
      return void report(`Ensure this field has no more than ${max} characters.`);
    }
    return value;
  },

  slug(raw: string, report: Report, max = 255) {
    const value = cell.text(raw, report, { max });
    if (value === undefined) return undefined;
    if (!/^[-a-zA-Z0-9_]+$/.test(value)) return void report(MESSAGES.slug);
    return value;
  },

  boolean(raw: string, report: Report, fallback: boolean) {
    const value = raw.trim().toLowerCase();
    if (value === '') return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    return void report(MESSAGES.boolean);
  },

  integer(
    raw: string,
    report: Report,
    { fallback, min, max }: { fallback: number; min: number; max: number },
  ) {
    const value = raw.trim();
    if (value === '') return fallback;
    if (!/^[-+]?\d+$/.test(value)) return void report(MESSAGES.integer);
    const number = Number(value);
    if (number < min) return void report(`Ensure this value is greater than or equal to ${min}.`);
    if (number > max) return void report(`Ensure this value is less than or equal to ${max}.`);
    return number;
  },

  choice<T extends string>(raw: string, report: Report, choices: readonly T[], fallback: T) {
    const value = raw.trim().toLowerCase();
    if (value === '') return fallback;
    if (!(choices as readonly string[]).includes(value))
      return void report(`"${value}" is not a valid choice.`);
    return value as T;
  },
};

export const INT32_MAX = 2_147_483_647;
