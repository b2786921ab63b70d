import type { DataSource, EntityManager } from 'typeorm';
import type { CsvTableRow } from '../../../common/csv/csv.js';
import { readCsvUpload, RowErrors } from '../../../common/csv/rows.js';
import { ApiError } from '../../../common/http/error-codes.js';

/** At most 50,000 data rows per file. */
export const MAX_IMPORT_ROWS = 50_000;
/** Rows per set-based statement (arrays bound as parameters, `unnest`ed by PostgreSQL). */
export const WRITE_BATCH = 5_000;
/** Serialises catalogue imports (one transaction-level advisory lock). */
const IMPORT_LOCK = 0x1687_c5a1;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A parsed row and the row number it came from. */
export interface ParsedRow<T> {
  row: number;
  value: T;
}

export interface UpdateRow<T, E> extends ParsedRow<T> {
  existing: E;
}

/**
 * Everything one catalogue import needs; the engine does the rest
 * (docs/api-conventions.md#csv-import-and-export).
 */
export interface CsvImporter<T, E extends { id: number }, C> {
  required: readonly string[];
  optional?: readonly string[];
  /** Reference data for `parse` (e.g. industries by slug), read inside the import's transaction. */
  prepare(manager: EntityManager, rows: CsvTableRow[]): Promise<C>;
  /** Validates one row like the create endpoint; `report(column, message)` for every bad cell. */
  parse(
    values: Record<string, string>,
    context: C,
    report: (column: string, message: string) => void,
  ): T | undefined;
  /** The natural key; two rows of one file with the same key are an error on `keyColumn`. */
  key(value: T): string;
  keyColumn: string;
  /** The existing row for each value (same order), `undefined` when the row would be created. */
  existing(manager: EntityManager, values: T[]): Promise<(E | undefined)[]>;
  /** Checks that need every row at once (other unique keys in the final state). */
  check?(manager: EntityManager, rows: ParsedRow<T>[], errors: RowErrors): Promise<void>;
  differs(value: T, existing: E): boolean;
  write(manager: EntityManager, creates: T[], updates: UpdateRow<T, E>[]): Promise<void>;
}

/**
 * Reads, validates and upserts a whole CSV file in one transaction: every row is validated first,
 * any error fails the file (400 with `details.rows`) and nothing is written; `dryRun` answers the
 * counts without writing. Reads and writes are set-based (a constant number of statements per
 * 5,000 rows).
 */
export async function runCsvImport<T, E extends { id: number }, C>(
  dataSource: DataSource,
  importer: CsvImporter<T, E, C>,
  bytes: Uint8Array,
  dryRun: boolean,
): Promise<ImportCounts> {
  const table = readCsvUpload(bytes, {
    required: importer.required,
    optional: importer.optional,
    maxRows: MAX_IMPORT_ROWS,
  });
  try {
    return await dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
      const context = await importer.prepare(manager, table.rows);
      const errors = new RowErrors();
      const parsed: ParsedRow<T>[] = [];
      const firstRowByKey = new Map<string, number>();
      for (const { row, values, problem } of table.rows) {
        if (problem) {
          errors.add(row, 'non_field_errors', problem);
          continue;
        }
        const value = importer.parse(values, context, (column, message) => errors.add(row, column, message));
        if (value === undefined || errors.has(row)) continue;
        const key = importer.key(value);
        const first = firstRowByKey.get(key);
        if (first !== undefined) errors.add(row, importer.keyColumn, `Duplicate of row ${first}.`);
        else {
          firstRowByKey.set(key, row);
          parsed.push({ row, value });
        }
      }
      await importer.check?.(manager, parsed, errors);
      errors.throwIfAny();

      const found = await importer.existing(
        manager,
        parsed.map(({ value }) => value),
      );
      const creates: T[] = [];
      const updates: UpdateRow<T, E>[] = [];
      let unchanged = 0;
      parsed.forEach(({ row, value }, index) => {
        const existing = found[index];
        if (!existing) creates.push(value);
        else if (importer.differs(value, existing)) updates.push({ row, value, existing });
        else unchanged++;
      });
      if (!dryRun) await importer.write(manager, creates, updates);
      return { created: creates.length, updated: updates.length, unchanged };
    });
  } catch (error) {
    // Two writers raced past validation, or PostgreSQL folds case differently: still a client error.
    if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
      throw ApiError.field(
        'file',
        'The file conflicts with existing rows (a unique value is already taken).',
      );
    }
    throw error;
  }
}

/** Runs `statement` once per batch of `rows`. */
export async function inBatches<R>(rows: R[], statement: (batch: R[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_BATCH) {
    await statement(rows.slice(start, start + WRITE_BATCH));
  }
}

/** A column written by `upsertRows`: its name, its PostgreSQL type, and where the value comes from. */
export interface WriteColumn<T> {
  name: string;
  type: string;
  value: (row: T) => unknown;
}

/** A column whose value is the row's property of the same name. */
export function column<T>(name: keyof T & string, type: string): WriteColumn<T> {
  return { name, type, value: (row) => row[name] };
}

/**
 * Set-based writes of an import: one INSERT … SELECT FROM unnest(…) and one UPDATE … FROM unnest(…)
 * per batch. Rows for which `renamed` holds get a temporary unique name first, so names may move
 * between rows of one file (A → B, B → A) without tripping the unique index half-way through.
 */
export async function upsertRows<T, E extends { id: number }>(
  manager: EntityManager,
  table: string,
  creates: T[],
  updates: UpdateRow<T, E>[],
  spec: {
    insert: WriteColumn<T>[];
    update: WriteColumn<T>[];
    renamed?: (update: UpdateRow<T, E>) => boolean;
  },
): Promise<void> {
  const unnest = (columns: WriteColumn<T>[], offset: number) =>
    columns.map((c, index) => `$${index + offset}::${c.type}[]`).join(', ');
  const names = (columns: WriteColumn<T>[]) => columns.map((c) => c.name).join(', ');
  await inBatches(creates, (batch) =>
    manager.query(
      `INSERT INTO ${table} (${names(spec.insert)}) SELECT * FROM unnest(${unnest(spec.insert, 1)})`,
      columnArrays(batch, spec.insert.length, (row) => spec.insert.map((c) => c.value(row))),
    ),
  );
  const renamedIds = spec.renamed ? updates.filter(spec.renamed).map((u) => u.existing.id) : [];
  await inBatches(renamedIds, (batch) =>
    manager.query(`UPDATE ${table} SET name = 'igny8-renaming-' || id WHERE id = ANY($1::bigint[])`, [batch]),
  );
  const assignments = spec.update.map((c) => `${c.name} = v.${c.name}`).join(', ');
  await inBatches(updates, (batch) =>
    manager.query(
      `UPDATE ${table} t SET ${assignments}, updated_at = now()
         FROM unnest($1::bigint[], ${unnest(spec.update, 2)}) AS v(id, ${names(spec.update)})
        WHERE t.id = v.id`,
      columnArrays(batch, spec.update.length + 1, (u) => [
        u.existing.id,
        ...spec.update.map((c) => c.value(u.value)),
      ]),
    ),
  );
}

/** Rows found by an `unnest … WITH ORDINALITY` lookup, placed at their input position. */
export function alignByOrdinal<E extends { ord: number }>(
  found: E[],
  length: number,
): (Omit<E, 'ord'> | undefined)[] {
  const aligned: (Omit<E, 'ord'> | undefined)[] = new Array<undefined>(length);
  for (const { ord, ...row } of found) aligned[Number(ord) - 1] = row;
  return aligned;
}

/** Column arrays for `unnest`: `columnArrays(rows, 2, r => [r.a, r.b])` → `[[a1, a2…], [b1, b2…]]`. */
export function columnArrays<R>(rows: readonly R[], width: number, pick: (row: R) => unknown[]): unknown[][] {
  const arrays: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) pick(row).forEach((value, index) => arrays[index].push(value));
  return arrays;
}

export interface NamedRow {
  /** What the name is unique within (the industry of a sector; 0 for industries). */
  scope: number;
  name: string;
  slug: string;
}

/**
 * Names stay unique (within their scope) once the file is applied: two rows of the file may not
 * share a name, nor may a row take the name of an existing row that the file does not rename.
 * `taken` returns the existing rows holding any of the given (scope, name) pairs.
 */
export async function checkUniqueNames<T>(
  rows: ParsedRow<T>[],
  errors: RowErrors,
  named: (value: T) => NamedRow,
  taken: (pairs: NamedRow[]) => Promise<NamedRow[]>,
  message: string,
): Promise<void> {
  const entries = rows.map(({ row, value }) => ({ row, ...named(value) }));
  const inFile = new Set(entries.map(({ scope, slug }) => `${scope}:${slug}`));
  const firstRowByName = new Map<string, number>();
  for (const { row, scope, name } of entries) {
    const first = firstRowByName.get(`${scope}:${name}`);
    if (first !== undefined) errors.add(row, 'name', `Duplicate of row ${first}.`);
    else firstRowByName.set(`${scope}:${name}`, row);
  }
  const holders = new Map<string, string>();
  for (const held of entries.length > 0 ? await taken(entries) : []) {
    holders.set(`${held.scope}:${held.name}`, held.slug);
  }
  for (const { row, scope, name, slug } of entries) {
    const holder = holders.get(`${scope}:${name}`);
    if (holder !== undefined && holder !== slug && !inFile.has(`${scope}:${holder}`))
      errors.add(row, 'name', message);
  }
}
