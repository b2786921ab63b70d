import type { ObjectLiteral } from 'typeorm';

/**
 * Trusted SQL written in source code: a column (`w.status`) or an expression (`LOWER(w.name)`).
 * Never built from request input; request values only ever reach SQL as bound parameters.
 */
export type Sql = string;

/** Binds a value as a query parameter and returns its placeholder (`:name`) for use in a condition. */
export type Bind = (value: unknown) => string;

/** Builds one WHERE condition for a parsed filter value; values go through `bind`. */
export type Condition = (bind: Bind) => Sql;

/** A bad filter value; `parseListQuery` reports the message under the query parameter's name. */
export class InvalidFilterValue extends Error {}

/** `filter_options` for a value filter: the "All …" label and optional fixed labels per value. */
export interface ValueOptions {
  /** Label of the leading `{"value": "", …}` option, e.g. `All Statuses`. */
  all: string;
  /** Labels by value; enum values default to Title Case (`not_published` → `Not Published`), others to the value. */
  labels?: Readonly<Record<string, string>>;
}

/** A LEFT JOIN the options query of a relation filter needs for its label. */
export interface OptionsJoin {
  /** Entity class or table name. */
  table: string | (new () => ObjectLiteral);
  alias: string;
  on: Sql;
}

/** `filter_options` for a relation filter: `{value: <id>, label: <label SQL>}`. */
export interface RelationOptions {
  all: string;
  /** The row's label, e.g. `c.name` (with `join` when the base query does not join it already). */
  label: Sql;
  join?: OptionsJoin;
  /** Label of the `{"value": "null"}` option of a nullable relation, e.g. `No Cluster`. Required when nullable. */
  none?: string;
}

export interface IntFilter {
  kind: 'int';
  column: Sql;
  options?: ValueOptions;
}
export interface StringFilter {
  kind: 'string';
  column: Sql;
  options?: ValueOptions;
}
export interface BooleanFilter {
  kind: 'boolean';
  column: Sql;
}
export interface EnumFilter {
  kind: 'enum';
  column: Sql;
  values: readonly string[];
  options?: ValueOptions;
}
/** A positive id; when `nullable`, the value `null` selects rows whose column IS NULL. */
export interface RelationFilter {
  kind: 'relation';
  column: Sql;
  nullable: boolean;
  options?: RelationOptions;
}
/** A comma-separated list of positive ids (`ids=1,2,3`). */
export interface IdsFilter {
  kind: 'ids';
  column: Sql;
}
/** Inclusive numeric bound (`volume_min` → `>=`, `volume_max` → `<=`); whole numbers unless `decimal`. */
export interface NumberBoundFilter {
  kind: 'min' | 'max';
  column: Sql;
  decimal: boolean;
}
/** Inclusive timestamp bound (`_after` → `>=`, `_before` → `<=`); ISO 8601 with an offset. */
export interface TimeBoundFilter {
  kind: 'after' | 'before';
  column: Sql;
}
/** Anything else: `parse` validates the raw value (throw `InvalidFilterValue`) and returns the condition. */
export interface CustomFilter {
  kind: 'custom';
  parse: (raw: string) => Condition;
}

export type FilterDef =
  | IntFilter
  | StringFilter
  | BooleanFilter
  | EnumFilter
  | RelationFilter
  | IdsFilter
  | NumberBoundFilter
  | TimeBoundFilter
  | CustomFilter;

export type FilterKind = FilterDef['kind'];

/** A filter that can answer `filter_options`. */
export type OptionsFilter = IntFilter | StringFilter | EnumFilter | RelationFilter;

export interface OrderingSpec {
  /**
   * The allowlist: API field name → SQL expression. Only these names are accepted in `ordering=`;
   * anything else (unknown names, SQL fragments) is dropped during parsing and never reaches SQL.
   */
  fields: Readonly<Record<string, Sql>>;
  /** Used when `ordering` is absent or names no allowed field, e.g. `-created_at` or `name,-volume`. */
  default: string;
}

/**
 * How a resource lists: its filters (query parameter → definition), the search fields and the
 * ordering allowlist. Declared once per resource with `defineList`.
 */
export interface ListSpec {
  filters: Readonly<Record<string, FilterDef>>;
  /** Expressions matched by `search=` (case-insensitive substring, OR'ed). */
  search?: readonly Sql[];
  ordering: OrderingSpec;
  /** The row id: final ordering tie-break and distinct count key. Default `<main alias>.id`. */
  id?: Sql;
  /**
   * Every join of the base query matches exactly one row (a NOT NULL foreign key to a primary key):
   * joins neither repeat nor drop rows, so the count is a plain `COUNT(*)` without the joins no
   * condition uses.
   */
  exactJoins?: boolean;
}

/** Query parameters the list machinery owns; no filter may use them. */
export const RESERVED_PARAMS = ['page', 'page_size', 'search', 'ordering'] as const;

/** Splits `-name,volume` into ordering terms; used for the default and for `ordering=`. */
export function orderingTerms(value: string): { field: string; descending: boolean }[] {
  return value
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) =>
      term.startsWith('-') ? { field: term.slice(1), descending: true } : { field: term, descending: false },
    );
}

/**
 * Checks a list declaration once, at module load: a mistake here is a programming error, so it
 * throws instead of producing a 400 at request time.
 */
export function defineList<S extends ListSpec>(spec: S): S {
  const problems: string[] = [];
  for (const [key, def] of Object.entries(spec.filters)) {
    if ((RESERVED_PARAMS as readonly string[]).includes(key)) problems.push(`filter "${key}" is reserved`);
    if (!/^\w+$/.test(key)) problems.push(`filter "${key}" must be a plain identifier`);
    if (def.kind === 'enum' && def.values.length === 0) problems.push(`enum filter "${key}" has no values`);
    if (def.kind === 'relation' && def.nullable && def.options && def.options.none === undefined) {
      problems.push(`nullable relation filter "${key}" needs options.none`);
    }
  }
  const defaults = orderingTerms(spec.ordering.default);
  if (defaults.length === 0) problems.push('ordering.default is empty');
  for (const { field } of defaults) {
    if (!Object.hasOwn(spec.ordering.fields, field)) {
      problems.push(`default ordering "${field}" is not in ordering.fields`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid list declaration: ${problems.join('; ')}`);
  return spec;
}

function valueOptions(options: string | ValueOptions | undefined): ValueOptions | undefined {
  return typeof options === 'string' ? { all: options } : options;
}

/**
 * Filter builders. `options` (or its shorthand, the "All …" label) makes the filter a key of
 * `filter_options`.
 *
 * @example
 * filters: {
 *   status: filter.enum('w.status', STATUSES, 'All Statuses'),
 *   cluster_id: filter.relation('w.cluster_id', { nullable: true, options: { all: 'All Clusters', none: 'No Cluster', label: 'c.name' } }),
 *   ...rangeFilters('volume', 'w.volume'),
 * }
 */
export const filter = {
  int: (column: Sql, options?: string | ValueOptions): IntFilter => ({
    kind: 'int',
    column,
    options: valueOptions(options),
  }),
  string: (column: Sql, options?: string | ValueOptions): StringFilter => ({
    kind: 'string',
    column,
    options: valueOptions(options),
  }),
  boolean: (column: Sql): BooleanFilter => ({ kind: 'boolean', column }),
  enum: (column: Sql, values: readonly string[], options?: string | ValueOptions): EnumFilter => ({
    kind: 'enum',
    column,
    values,
    options: valueOptions(options),
  }),
  relation: (
    column: Sql,
    { nullable = false, options }: { nullable?: boolean; options?: RelationOptions } = {},
  ): RelationFilter => ({ kind: 'relation', column, nullable, options }),
  ids: (column: Sql): IdsFilter => ({ kind: 'ids', column }),
  min: (column: Sql, { decimal = false }: { decimal?: boolean } = {}): NumberBoundFilter => ({
    kind: 'min',
    column,
    decimal,
  }),
  max: (column: Sql, { decimal = false }: { decimal?: boolean } = {}): NumberBoundFilter => ({
    kind: 'max',
    column,
    decimal,
  }),
  after: (column: Sql): TimeBoundFilter => ({ kind: 'after', column }),
  before: (column: Sql): TimeBoundFilter => ({ kind: 'before', column }),
  /**
   * A filter with its own parsing and SQL. `parse` throws `InvalidFilterValue` for a bad value.
   *
   * @example filter.custom((raw) => parseDay(raw), (day, bind) => `w.created_at >= CAST(${bind(day)} AS date)`)
   */
  custom: <V>(parse: (raw: string) => V, where: (value: V, bind: Bind) => Sql): CustomFilter => ({
    kind: 'custom',
    parse: (raw) => {
      const value = parse(raw);
      return (bind) => where(value, bind);
    },
  }),
};

/** `{<name>_min, <name>_max}`, to spread into `filters`. */
export function rangeFilters(
  name: string,
  column: Sql,
  options: { decimal?: boolean } = {},
): Record<string, NumberBoundFilter> {
  return { [`${name}_min`]: filter.min(column, options), [`${name}_max`]: filter.max(column, options) };
}

/** `{<name>_after, <name>_before}`, to spread into `filters`. */
export function timeRangeFilters(name: string, column: Sql): Record<string, TimeBoundFilter> {
  return { [`${name}_after`]: filter.after(column), [`${name}_before`]: filter.before(column) };
}
