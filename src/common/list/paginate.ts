import type { FastifyRequest } from 'fastify';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ApiError } from '../http/error-codes.js';
import { Paginated } from '../http/responses.js';
import { applyOrdering, idSql } from './apply.js';
import type { ListQuery } from './list-query.js';
import type { ListSpec } from './list-spec.js';

/** What page links need from the request. */
export type PageRequest = Pick<FastifyRequest, 'protocol' | 'host' | 'url'>;

/** Turns the ordered, limited page query into the results (default: entities, or raw rows without metadata). */
export type PageFetch<T extends ObjectLiteral, R> = (qb: SelectQueryBuilder<T>) => Promise<R[]>;

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

function withoutPaging<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return qb.clone().orderBy().offset(undefined).limit(undefined).skip(undefined).take(undefined);
}

/**
 * Counts the rows of `qb` in one query: `COUNT(*)` on a plain query, `COUNT(DISTINCT id)` when it
 * joins (a to-many join repeats rows), and over a subquery when it groups or selects DISTINCT.
 */
export async function countRows<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
): Promise<number> {
  const { groupBys, selectDistinct, joinAttributes } = qb.expressionMap;
  const base = withoutPaging(qb);
  let counter: SelectQueryBuilder<ObjectLiteral>;
  if (groupBys.length > 0 || selectDistinct) {
    if (groupBys.length > 0) base.select('1', 'one');
    counter = qb
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from(`(${base.getQuery()})`, 'list_count')
      .setParameters(base.getParameters());
  } else {
    counter = base.select(
      joinAttributes.length > 0 ? `COUNT(DISTINCT ${idSql(qb, spec)})` : 'COUNT(*)',
      'count',
    );
  }
  const row = await counter.getRawOne<{ count: number | string }>();
  return Number(row?.count ?? 0);
}

export function defaultFetch<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<T[]> {
  return qb.expressionMap.mainAlias?.hasMetadata ? qb.getMany() : qb.getRawMany<T>();
}

/**
 * One page of an already filtered query, in two queries at most (count, then the page; none for
 * the page when it would be empty): applies the ordering of `query` (allowlist + id tie-break),
 * `page`/`page_size`, and answers 404 "Invalid page." past the last page (page 1 of nothing is
 * an empty 200). `link` builds the next/previous URLs.
 */
export async function paginateQuery<T extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<T>,
  spec: ListSpec,
  query: ListQuery,
  link: (page: number) => string,
  fetch: PageFetch<T, R>,
): Promise<Paginated<R>> {
  const count = await countRows(qb, spec);
  const lastPage = Math.max(1, Math.ceil(count / query.pageSize));
  if (query.page > lastPage) throw ApiError.notFound('Invalid page.');
  let results: R[] = [];
  if (count > 0) {
    applyOrdering(qb, spec, query)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize);
    results = await fetch(qb);
  }
  return new Paginated(
    count,
    query.page < lastPage ? link(query.page + 1) : null,
    query.page > 1 ? link(query.page - 1) : null,
    results,
  );
}
