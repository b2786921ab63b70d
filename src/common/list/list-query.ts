import { ApiError, type FieldErrors } from '../http/error-codes.js';
import {
  type Condition,
  type FilterDef,
  InvalidFilterValue,
  type ListSpec,
  orderingTerms,
  type Sql,
} from './list-spec.js';

/** The querystring as Fastify parses it (`@Query()`); a repeated parameter arrives as an array. */
export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** A parsed filter value: ids → number[], relation `null` → null, timestamps → normalised ISO text. */
export type FilterValue = string | number | boolean | null | readonly number[];

export interface ParsedFilter {
  value: FilterValue;
  condition: Condition;
}

export interface OrderKey {
  field: string;
  sql: Sql;
  descending: boolean;
}

/** A validated list request: what `applyFilters`, `paginate` and `filterOptions` consume. */
export interface ListQuery {
  page: number;
  pageSize: number;
  /** Active filters only (absent or empty parameters are not filters), by query parameter. */
  filters: ReadonlyMap<string, ParsedFilter>;
  /** Trimmed search text, or null when absent/empty. */
  search: string | null;
  /** Allowed ordering keys in request order, else the spec's default; never empty. */
  ordering: readonly OrderKey[];
}

const MESSAGES = {
  integer: 'A valid integer is required.',
  minOne: 'Ensure this value is greater than or equal to 1.',
  maxPageSize: `Ensure this value is less than or equal to ${MAX_PAGE_SIZE}.`,
  wholeNumber: 'Enter a whole number.',
  number: 'Enter a number.',
  positiveId: 'Enter a positive whole number.',
  positiveIdOrNull: 'Enter a positive whole number or "null".',
  ids: 'Enter a comma-separated list of positive whole numbers.',
  boolean: 'Must be a valid boolean.',
  choice: 'Select a valid choice. That choice is not one of the available choices.',
  timestamp: 'Enter a valid date/time in ISO 8601 format with a UTC offset.',
  nullCharacter: 'Null characters are not allowed.',
} as const;

/** The last value of a parameter (like Django's `QueryDict.get`), or undefined when absent. */
export function queryValue(raw: RawQuery, key: string): string | undefined {
  if (!Object.hasOwn(raw, key)) return undefined;
  const value = raw[key];
  if (Array.isArray(value)) return value.at(-1) as string | undefined;
  return value as string | undefined;
}

function invalid(message: string): never {
  throw new InvalidFilterValue(message);
}

function parseWhole(raw: string, message: string): number {
  if (!/^-?\d+$/.test(raw)) invalid(message);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) invalid(message);
  return value;
}

function parsePositiveId(raw: string, message: string = MESSAGES.positiveId): number {
  if (!/^\d+$/.test(raw)) invalid(message);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) invalid(message);
  return value;
}

function parseBoolean(raw: string): boolean {
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return invalid(MESSAGES.boolean);
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * ISO 8601 date-time with an offset (`2024-05-01T10:00:00Z`, `…+02:00`), checked field by field
 * (so `02-30` is refused here rather than by PostgreSQL) and normalised for binding.
 */
export function parseTimestamp(raw: string): string {
  const m = ISO_TIMESTAMP.exec(raw);
  if (!m) return invalid(MESSAGES.timestamp);
  const [, y, mo, d, h, mi, s = '00', fraction, zulu, sign, oh, om] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = zulu !== undefined || (Number(oh) <= 14 && Number(om) < 60);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth) invalid(MESSAGES.timestamp);
  if (hour > 23 || minute > 59 || second > 59 || !offsetOk) invalid(MESSAGES.timestamp);
  const offset = zulu !== undefined ? '+00:00' : `${sign}${oh}:${om}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction ? `.${fraction}` : ''}${offset}`;
}

/** Parses one filter value; throws `InvalidFilterValue` with the message for `errors.<param>`. */
export function parseFilter(def: FilterDef, raw: string): ParsedFilter {
  if (raw.includes('\0')) invalid(MESSAGES.nullCharacter);
  switch (def.kind) {
    case 'int': {
      const value = parseWhole(raw, MESSAGES.wholeNumber);
      return { value, condition: (bind) => `${def.column} = CAST(${bind(value)} AS bigint)` };
    }
    case 'string':
      return { value: raw, condition: (bind) => `${def.column} = ${bind(raw)}` };
    case 'boolean': {
      const value = parseBoolean(raw);
      return { value, condition: (bind) => `${def.column} = ${bind(value)}` };
    }
    case 'enum':
      if (!def.values.includes(raw)) invalid(MESSAGES.choice);
      return { value: raw, condition: (bind) => `${def.column} = ${bind(raw)}` };
    case 'relation': {
      if (def.nullable && raw.toLowerCase() === 'null') {
        return { value: null, condition: () => `${def.column} IS NULL` };
      }
      const value = parsePositiveId(raw, def.nullable ? MESSAGES.positiveIdOrNull : MESSAGES.positiveId);
      return { value, condition: (bind) => `${def.column} = CAST(${bind(value)} AS bigint)` };
    }
    case 'ids': {
      const value = raw.split(',').map((part) => parsePositiveId(part.trim(), MESSAGES.ids));
      return { value, condition: (bind) => `${def.column} = ANY(CAST(${bind(value)} AS bigint[]))` };
    }
    case 'min':
    case 'max': {
      const op = def.kind === 'min' ? '>=' : '<=';
      if (def.decimal) {
        if (!/^-?\d+(\.\d+)?$/.test(raw) || raw.length > 40) invalid(MESSAGES.number);
        return {
          value: Number(raw),
          condition: (bind) => `${def.column} ${op} CAST(${bind(raw)} AS numeric)`,
        };
      }
      const value = parseWhole(raw, MESSAGES.wholeNumber);
      return { value, condition: (bind) => `${def.column} ${op} CAST(${bind(value)} AS bigint)` };
    }
    case 'after':
    case 'before': {
      const op = def.kind === 'after' ? '>=' : '<=';
      const value = parseTimestamp(raw);
      return { value, condition: (bind) => `${def.column} ${op} CAST(${bind(value)} AS timestamptz)` };
    }
    case 'custom':
      return { value: raw, condition: def.parse(raw) };
  }
}

function parsePageNumber(
  raw: string | undefined,
  fallback: number,
  max: number,
  errors: FieldErrors,
  key: string,
) {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    errors[key] = [MESSAGES.integer];
    return fallback;
  }
  const value = Number(raw);
  if (value < 1) errors[key] = [MESSAGES.minOne];
  else if (value > max) errors[key] = [`Ensure this value is less than or equal to ${max}.`];
  return value;
}

/**
 * Resolves `ordering=` against the allowlist. Each comma-separated term is `field` or `-field`;
 * a term naming no allowed field (`password`, `id;drop table`) is dropped, as is a repeated field.
 * No surviving term → the spec's default ordering.
 */
export function parseOrdering(spec: ListSpec, raw: string | undefined): OrderKey[] {
  const resolve = (terms: { field: string; descending: boolean }[]): OrderKey[] => {
    const seen = new Set<string>();
    const keys: OrderKey[] = [];
    for (const { field, descending } of terms) {
      if (!Object.hasOwn(spec.ordering.fields, field) || seen.has(field)) continue;
      seen.add(field);
      keys.push({ field, sql: spec.ordering.fields[field], descending });
    }
    return keys;
  };
  const requested = raw === undefined ? [] : resolve(orderingTerms(raw));
  return requested.length > 0 ? requested : resolve(orderingTerms(spec.ordering.default));
}

/**
 * Validates a list request against its spec. Unknown parameters are ignored; an empty value means
 * "no filter" (the `All …` option sends `status=`). Every bad parameter is reported at once as 400
 * `validation_error` keyed by the parameter. `pagination: false` (filter_options) skips page/page_size.
 */
export function parseListQuery(
  spec: ListSpec,
  raw: RawQuery,
  { pagination = true }: { pagination?: boolean } = {},
): ListQuery {
  const errors: FieldErrors = {};
  const page = pagination
    ? parsePageNumber(queryValue(raw, 'page'), 1, Number.MAX_SAFE_INTEGER, errors, 'page')
    : 1;
  const pageSize = pagination
    ? parsePageNumber(queryValue(raw, 'page_size'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, errors, 'page_size')
    : DEFAULT_PAGE_SIZE;

  const filters = new Map<string, ParsedFilter>();
  for (const [key, def] of Object.entries(spec.filters)) {
    const value = queryValue(raw, key);
    if (value === undefined || value === '') continue;
    try {
      filters.set(key, parseFilter(def, value));
    } catch (error) {
      if (!(error instanceof InvalidFilterValue)) throw error;
      errors[key] = [error.message];
    }
  }

  let search = spec.search?.length ? (queryValue(raw, 'search')?.trim() ?? '') : '';
  if (search.includes('\0')) {
    errors.search = [MESSAGES.nullCharacter];
    search = '';
  }

  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
  return {
    page,
    pageSize,
    filters,
    search: search === '' ? null : search,
    ordering: parseOrdering(spec, queryValue(raw, 'ordering')),
  };
}
