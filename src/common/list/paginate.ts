import type { FastifyRequest } from 'fastify';
import { type EntityMetadata, type ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { SelectQuery } from 'typeorm/query-builder/SelectQuery.js';
import type { JoinAttribute } from 'typeorm/query-builder/JoinAttribute.js';
import { runStatement, runStatementColumns } from '../../database/statement.js';
import { ApiError } from '../http/error-codes.js';
import { Paginated } from '../http/responses.js';
import { applyOrdering, idSql } from './apply.js';
import type { ListQuery } from './list-query.js';
import type { ListSpec } from './list-spec.js';

/** What page links need from the request. */
export type PageRequest = Pick<FastifyRequest, 'protocol' | 'host' | 'url'>;

/** Turns the ordered, limited page query into the results (default: entities, or raw rows without metadata). */
export type PageFetch<T extends ObjectLiteral, R> = (qb: SelectQueryBuilder<T>) => Promise<R[]>;

/** The column a page statement carries its list's count in. */
const CARRIED_COUNT = 'list_count_carried';

/** Page fetches that read their page with one `getRawMany` of the builder they are given. */
const plainRowFetches = new WeakSet<PageFetch<never, unknown>>();

/**
 * Declares that `fetch` reads its page with exactly one `getRawMany` of the builder it is given (as
 * `columnRows` does), so the list's count can ride in that statement. A fetch that does not is still
 * correct: its count then runs after the page.
 */
export function readsPlainRows<T extends ObjectLiteral, R>(fetch: PageFetch<T, R>): PageFetch<T, R> {
  plainRowFetches.add(fetch);
  return fetch;
}

/**
 * Absolute URL of another page of this request: `publicBaseUrl` (else `protocol://host` of the
 * request) + the request path, every query parameter kept, `page` replaced.
 */
export function pageLinker(request: PageRequest, publicBaseUrl?: string): (page: number) => string {
  const origin = publicBaseUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
  return (page) => {
    if (params.has('page')) params.set('page', String(page));
    else params.append('page', String(page));
    return `${origin}${path}?${params.toString()}`;
  };
}

/**
 * Sends its SQL as written. Entity properties are the column names (docs/adr/0002), so TypeORM's
 * rewrite of every `alias.property` into `"alias"."column"` — a regular expression over the whole
 * statement, the costliest step of building a list query — would change nothing but the quoting.
 */
class AsWrittenQueryBuilder<T extends ObjectLiteral> extends SelectQueryBuilder<T> {
  /** The count query the next `getRawMany` statement selects along with its rows. */
  private countRider?: SelectQueryBuilder<ObjectLiteral>;
  /**
   * What that statement found: the count, `null` when it returned no rows (so the count was never
   * evaluated), `undefined` when no statement carried it.
   */
  carriedCount?: number | null;

  /** Makes the next `getRawMany` statement select `counter` too (docs/performance.md#statements). */
  carryCount(counter: SelectQueryBuilder<ObjectLiteral>): this {
    this.countRider = counter;
    this.carriedCount = undefined;
    return this;
  }

  /**
   * Raw rows (plain-row pages, counts) of a query outside a transaction, without locks or a result
   * cache, come from one statement on the pool (`runStatement`) instead of a query runner of their
   * own; such a page also carries a count given to `carryCount`. Other queries go through TypeORM's
   * query runner, without the count (the caller then counts separately).
   */
  override getRawMany<R = ObjectLiteral>(): Promise<R[]> {
    const rider = this.countRider;
    this.countRider = undefined;
    const { lockMode, useTransaction, cache } = this.expressionMap;
    if (this.queryRunner || lockMode !== undefined || useTransaction || cache) return super.getRawMany<R>();
    this.expressionMap.queryEntity = false;
    if (rider) return this.rowsWithCount<R>(rider);
    const [sql, parameters] = this.getQueryAndParameters();
    return runStatement<R>(this.dataSource, sql, parameters);
  }

  /**
   * The rows, with `counter` selected as an uncorrelated scalar subquery after the page's columns:
   * PostgreSQL evaluates it once, and only if a row is returned. The rows are built from the values
   * without that last column, as `pg` builds its rows (a copy of one template object per row), so no
   * row ever has the property (deleting it would turn every row into a slow dictionary object).
   */
  private async rowsWithCount<R>(counter: SelectQueryBuilder<ObjectLiteral>): Promise<R[]> {
    this.addSelect(`(${counter.getQuery()})`, CARRIED_COUNT).setParameters(counter.getParameters());
    const [sql, parameters] = this.getQueryAndParameters();
    const { columns, rows } = await runStatementColumns(this.dataSource, sql, parameters);
    const last = columns.length - 1;
    this.carriedCount = rows.length > 0 ? Number(rows[0][last]) : null;
    const template: Record<string, unknown> = {};
    for (let i = 0; i < last; i++) template[columns[i]] = null;
    return rows.map((values) => {
      const row = { ...template };
      for (let i = 0; i < last; i++) row[columns[i]] = values[i];
      return row as R;
    });
  }

  protected override replacePropertyNamesForTheWholeQuery(statement: string): string {
    return statement;
  }

  /**
   * TypeORM looks for entity columns among the selects of every alias with metadata (the main one
   * and each join) of every statement, building a map of the entity's columns each time. A list's
   * count and page select expressions (`COUNT(*)`, `"k"."id"`, subqueries), never `alias` or
   * `alias.property`, so for them the answer is known without the map: none.
   */
  protected override buildEscapedEntityColumnSelects(
    aliasName: string,
    metadata: EntityMetadata,
  ): SelectQuery[] {
    return this.selectsEntityOf(aliasName) ? super.buildEscapedEntityColumnSelects(aliasName, metadata) : [];
  }

  protected override findEntityColumnSelects(aliasName: string, metadata: EntityMetadata): SelectQuery[] {
    return this.selectsEntityOf(aliasName) ? super.findEntityColumnSelects(aliasName, metadata) : [];
  }

  /** Whether a select names `alias` or an `alias.` path, the only ones TypeORM maps to entity columns. */
  private selectsEntityOf(alias: string): boolean {
    const prefix = `${alias}.`;
    return this.expressionMap.selects.some(
      ({ selection }) => selection === alias || selection.startsWith(prefix),
    );
  }
}

/**
 * A copy of `qb` sent as written, unless it joins relations (`leftJoin('w.category', 'c')`): TypeORM
 * writes their join conditions with property paths, for the rewrite to resolve.
 */
function asWritten<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const joinsRelations = qb.expressionMap.joinAttributes.some((join) => join.relation !== undefined);
  return joinsRelations ? qb : new AsWrittenQueryBuilder<T>(qb);
}

function withoutPaging<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return qb.clone().orderBy().offset(undefined).limit(undefined).skip(undefined).take(undefined);
}

const mentionPatterns = new Map<string, RegExp>();

/** Whether `text` mentions `alias.` (`sk.keyword`, `"sk"."keyword"`); one pattern per alias, built once. */
function mentions(text: string, alias: string): boolean {
  let pattern = mentionPatterns.get(alias);
  if (!pattern) {
    pattern = new RegExp(`(?<![\\w"])"?${alias}"?\\.`);
    mentionPatterns.set(alias, pattern);
  }
  return pattern.test(text);
}

/** Every string of a WHERE clause tree: conditions as written and the operands of predicate operators. */
function conditionStrings(condition: unknown, into: string[]): string[] {
  if (typeof condition === 'string') into.push(condition);
  else if (Array.isArray(condition)) for (const item of condition) conditionStrings(item, into);
  else if (condition !== null && typeof condition === 'object') {
    for (const value of Object.values(condition)) conditionStrings(value, into);
  }
  return into;
}

/**
 * `qb` without the joins no WHERE condition and no other remaining join mentions (its condition or,
 * for a relation join, its property path), looked at in order as TypeORM writes them. Reads the
 * conditions as written instead of building the statement once per join.
 */
function withoutUnusedJoins<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const map = qb.expressionMap;
  const wheres = conditionStrings(map.wheres, []).join('\n');
  const joinText = (join: JoinAttribute) =>
    conditionStrings(
      [join.condition, typeof join.entityOrProperty === 'string' ? join.entityOrProperty : null],
      [],
    ).join('\n');
  let kept = [...map.joinAttributes];
  for (const join of map.joinAttributes) {
    const others = kept.filter((other) => other !== join);
    const alias = join.alias.name;
    if (!mentions(wheres, alias) && !others.some((other) => mentions(joinText(other), alias))) kept = others;
  }
  map.joinAttributes = kept;
  return qb;
}

/**
 * The query counting the rows of `qb`: `COUNT(*)` on a plain query or one whose joins are exact
 * (`spec.exactJoins`: then without the joins no condition uses), `COUNT(DISTINCT id)` when it joins
 * (a to-many join repeats rows), and over a subquery when it groups or selects DISTINCT.
 */
function countQuery<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
): SelectQueryBuilder<ObjectLiteral> {
  const { groupBys, selectDistinct, joinAttributes } = qb.expressionMap;
  const base = withoutPaging(qb);
  if (groupBys.length > 0 || selectDistinct) {
    if (groupBys.length > 0) base.select('1', 'one');
    return qb
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from(`(${base.getQuery()})`, 'list_count')
      .setParameters(base.getParameters());
  }
  if (spec.exactJoins || joinAttributes.length === 0)
    return withoutUnusedJoins(base.select('COUNT(*)', 'count'));
  return base.select(`COUNT(DISTINCT ${idSql(qb, spec)})`, 'count');
}

/** Counts the rows of `qb` in one query (`countQuery`). */
export async function countRows<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
): Promise<number> {
  const row = await countQuery(qb, spec).getRawOne<{ count: number | string }>();
  return Number(row?.count ?? 0);
}

const entityPage = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<T[]> => qb.getMany();

const rawPage = readsPlainRows((qb: SelectQueryBuilder<ObjectLiteral>) => qb.getRawMany());

/** The fetch of a page that brings none: its entities, or its raw rows when `qb` has no entity metadata. */
export function defaultFetch<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): PageFetch<T, T> {
  return qb.expressionMap.mainAlias?.hasMetadata ? entityPage : (rawPage as PageFetch<T, T>);
}

/**
 * Computed fields a list page selects in the same statement as its rows: name → SQL expression
 * over the main alias. Labels and collections are scalar subqueries, not joins: PostgreSQL
 * evaluates them after the sort and limit, for the page's rows only, where a join would read the
 * joined table for every row it sorts.
 */
export interface PageComputed {
  fields: Readonly<Record<string, string>>;
}

/** The SELECT list of `computed`, for statements written by hand. */
export function computedSql(computed: PageComputed): string {
  return computedSelection(computed).join(', ');
}

function computedSelection(computed: PageComputed | undefined): string[] {
  return Object.entries(computed?.fields ?? {}).map(([name, sql]) => `${sql} AS "${name}"`);
}

/**
 * Reads the page as plain rows of the main alias's `columns`, keyed by column name, without
 * TypeORM's entity hydration, plus the `computed` fields. Only for columns whose
 * raw values are the entity's values (no transformers, no `date`, `time` or `simple-*` types).
 */
export function columnRows<T extends ObjectLiteral>(
  alias: string,
  columns: readonly string[],
  computed?: PageComputed,
): PageFetch<T, T> {
  // Already quoted, so TypeORM leaves the selection as it is.
  const selection = [
    ...columns.map((column) => `"${alias}"."${column}"`),
    ...computedSelection(computed),
  ].join(', ');
  return readsPlainRows((qb) => qb.select(selection).getRawMany<T>());
}

/** Whether two statements of a request can run at once: a pool of more than one connection. */
function concurrent(qb: SelectQueryBuilder<ObjectLiteral>): boolean {
  return ((qb.connection.options as { poolSize?: number }).poolSize ?? 1) > 1;
}

/**
 * One page of an already filtered query (docs/performance.md#statements). A plain-row page
 * (`readsPlainRows`) of a builder sent as written carries the count in its own statement. Otherwise the
 * count and the page are two queries: at once when the pool has connections to spare, else the count
 * first (and no page when it would be empty). Applies the ordering of `query` (allowlist + id
 * tie-break), `page`/`page_size`, and answers 404 "Invalid page." past the last page (page 1 of nothing
 * is an empty 200). `link` builds the next/previous URLs.
 */
export async function paginateQuery<T extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
  query: ListQuery,
  link: (page: number) => string,
  fetch: PageFetch<T, R>,
): Promise<Paginated<R>> {
  const list = asWritten(qb);
  // The count copies `list` before the page orders and limits it: in place when it is already a copy.
  const paged = () =>
    applyOrdering(list === qb ? list.clone() : list, spec, query)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize);
  let count: number;
  let results: R[] = [];
  if (list instanceof AsWrittenQueryBuilder && plainRowFetches.has(fetch)) {
    const counter = countQuery(list, spec);
    const page = paged() as AsWrittenQueryBuilder<T>;
    results = await fetch(page.carryCount(counter));
    const carried = page.carriedCount;
    // No row: page 1 of nothing, or a page past the last one (a 404 below either way).
    count = carried === undefined ? await countRows(list, spec) : (carried ?? 0);
  } else if (concurrent(list)) {
    const counted = countRows(list, spec);
    [count, results] = await Promise.all([counted, fetch(paged())]);
  } else {
    count = await countRows(list, spec);
    if (count > 0 && query.page <= Math.ceil(count / query.pageSize)) results = await fetch(paged());
  }
  const lastPage = Math.max(1, Math.ceil(count / query.pageSize));
  if (query.page > lastPage) throw ApiError.notFound('Invalid page.');
  return new Paginated(
    count,
    query.page < lastPage ? link(query.page + 1) : null,
    query.page > 1 ? link(query.page - 1) : null,
    results,
  );
}
