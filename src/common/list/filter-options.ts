import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { applyFilters } from './apply.js';
import type { ListQuery } from './list-query.js';
import type { FilterDef, ListSpec, OptionsFilter } from './list-spec.js';

export interface FilterOption {
  value: string | number;
  label: string;
}

/** `data` of `GET {resource}/filter_options/`: one option list per filter that declares options. */
export type FilterOptions = Record<string, FilterOption[]>;

/** `not_published` → `Not Published`. */
export function titleCase(value: string): string {
  return value
    .split(/[_\s]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join(' ');
}

function hasOptions(
  def: FilterDef,
): def is OptionsFilter & { options: NonNullable<OptionsFilter['options']> } {
  return (
    (def.kind === 'int' || def.kind === 'string' || def.kind === 'enum' || def.kind === 'relation') &&
    def.options !== undefined
  );
}

interface OptionRow {
  value: string | number | null;
  label?: string | null;
}

function toOption(def: OptionsFilter, row: OptionRow): FilterOption | null {
  if (row.value === null) {
    return def.kind === 'relation' && def.nullable && def.options?.none !== undefined
      ? { value: 'null', label: def.options.none }
      : null;
  }
  if (def.kind === 'relation') {
    const id = Number(row.value);
    return { value: id, label: row.label ?? String(id) };
  }
  const text = String(row.value);
  const label = def.options?.labels?.[text] ?? (def.kind === 'enum' ? titleCase(text) : text);
  return { value: def.kind === 'int' ? Number(row.value) : text, label };
}

function byLabel(a: FilterOption, b: FilterOption): number {
  const [x, y] = [a.label.toLowerCase(), b.label.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  const [u, v] = [String(a.value), String(b.value)];
  return u < v ? -1 : u > v ? 1 : 0;
}

/** The distinct values of one filter's column among the rows `qb` (already filtered) matches. */
async function optionsOf<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  def: OptionsFilter,
): Promise<FilterOption[]> {
  qb.orderBy().offset(undefined).limit(undefined).skip(undefined).take(undefined);
  qb.select(def.column, 'value').distinct(true);
  if (def.kind === 'relation' && def.options) {
    const { join, label } = def.options;
    if (join) qb.leftJoin(join.table, join.alias, join.on);
    qb.addSelect(label, 'label');
  }
  const rows = await qb.getRawMany<OptionRow>();
  const options = rows.map((row) => toOption(def, row)).filter((option) => option !== null);
  return options.sort(byLabel);
}

/**
 * `filter_options` (docs/api-conventions.md#filter_options): for each filter declaring `options`, the
 * distinct values present among the rows matching all the *other* active filters and the search, so options
 * cascade. Each list starts with `{"value": "", "label": "All …"}`, then the options sorted by label
 * case-insensitively (a nullable relation's `{"value": "null", "label": "No …"}` among them when such rows
 * exist). `scoped` returns a fresh, caller-scoped query builder (one query per key); it should not group
 * rows.
 */
export async function filterOptions<T extends ObjectLiteral>(
  scoped: () => SelectQueryBuilder<T>,
  spec: ListSpec,
  query: ListQuery,
): Promise<FilterOptions> {
  const result: FilterOptions = {};
  for (const [key, def] of Object.entries(spec.filters)) {
    if (!hasOptions(def)) continue;
    const values = await optionsOf(applyFilters(scoped(), spec, query, { except: key }), def);
    result[key] = [{ value: '', label: def.options.all }, ...values];
  }
  return result;
}
