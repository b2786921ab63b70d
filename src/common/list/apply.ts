import { Brackets, type ObjectLiteral, type SelectQueryBuilder, type WhereExpressionBuilder } from 'typeorm';
import type { ListQuery } from './list-query.js';
import type { Bind, ListSpec, Sql } from './list-spec.js';

/** A `Bind` that registers values on `qb` under fresh `list_*` names (never clashing with the caller's). */
export function binder(qb: SelectQueryBuilder<ObjectLiteral>, prefix: string): Bind {
  const base = `list_${prefix.replace(/\W/g, '_')}`;
  return (value) => {
    let name = base;
    for (let i = 1; qb.hasParameter(name); i += 1) name = `${base}_${i}`;
    qb.setParameter(name, value);
    return `:${name}`;
  };
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The row id expression: the spec's, else `<main alias>.id`. */
export function idSql(qb: SelectQueryBuilder<ObjectLiteral>, spec: ListSpec): Sql {
  return spec.id ?? `${qb.alias}.id`;
}

/**
 * Adds the active filters and the search of `query` to `qb` (AND-ed to whatever scope the caller
 * already put there; each condition is bracketed). `except` leaves one filter out (filter_options).
 */
export function applyFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
  query: ListQuery,
  { except }: { except?: string } = {},
): SelectQueryBuilder<T> {
  for (const [key, parsed] of query.filters) {
    if (key === except) continue;
    qb.andWhere(`(${parsed.condition(binder(qb, key))})`);
  }
  const fields = spec.search ?? [];
  if (query.search !== null && fields.length > 0) {
    const pattern = binder(qb, 'search')(`%${likeEscape(query.search)}%`);
    qb.andWhere(
      new Brackets((where: WhereExpressionBuilder) => {
        for (const field of fields) where.orWhere(`${field} ILIKE ${pattern} ESCAPE '\\'`);
      }),
    );
  }
  return qb;
}

/**
 * Replaces any ordering on `qb` with the query's keys (already limited to the spec's allowlist by
 * `parseListQuery`), then the row id in the direction of the first key as the final tie-break,
 * so pages are stable. The id is not repeated when a key already orders by it.
 */
export function applyOrdering<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
  query: ListQuery,
): SelectQueryBuilder<T> {
  const id = idSql(qb, spec);
  const keys = query.ordering.map(({ sql, descending }) => ({ sql, descending }));
  if (!keys.some(({ sql }) => sql === id)) keys.push({ sql: id, descending: keys[0]?.descending ?? false });
  qb.orderBy();
  for (const { sql, descending } of keys) qb.addOrderBy(sql, descending ? 'DESC' : 'ASC');
  return qb;
}
