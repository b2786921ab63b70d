import { Injectable, Module } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { Paginated } from '../http/responses.js';
import { applyFilters } from './apply.js';
import { type FilterOptions, filterOptions } from './filter-options.js';
import { type ListQuery, parseListQuery, type RawQuery } from './list-query.js';
import type { ListSpec } from './list-spec.js';
import { defaultFetch, type PageFetch, type PageRequest, pageLinker, paginateQuery } from './paginate.js';

/**
 * The list machinery for controllers (docs/api-conventions.md#lists). The caller passes a query builder it
 * has already scoped (tenant, site, soft delete…); the service adds filters, search, ordering and paging to
 * it and runs a constant number of queries.
 *
 * @example
 * list(@Query() query: RawQuery, @Req() req: FastifyRequest) {
 *   return this.lists.list(this.scoped(), WIDGETS_LIST, query, req);
 * }
 * filterOptions(@Query() query: RawQuery) {
 *   return this.lists.filterOptions(() => this.scoped(), WIDGETS_LIST, query);
 * }
 */
@Injectable()
export class ListService {
  constructor(private readonly config: AppConfig) {}

  /** Parse + filter + search + order + page: the whole list endpoint. */
  list<T extends ObjectLiteral, R = T>(
    qb: SelectQueryBuilder<T>,
    spec: ListSpec,
    raw: RawQuery,
    request: PageRequest,
    fetch?: PageFetch<T, R>,
  ): Promise<Paginated<R>> {
    const query = parseListQuery(spec, raw);
    return this.paginate(applyFilters(qb, spec, query), spec, query, request, fetch);
  }

  /**
   * Orders and pages an already filtered query (count + page). `fetch` turns the page query into
   * results; without it the results are the rows of `qb`: entities (`getMany`) or, for a builder
   * without entity metadata, raw rows.
   */
  paginate<T extends ObjectLiteral, R = T>(
    qb: SelectQueryBuilder<T>,
    spec: ListSpec,
    query: ListQuery,
    request: PageRequest,
    fetch?: PageFetch<T, R>,
  ): Promise<Paginated<R>> {
    const rows = fetch ?? (defaultFetch(qb) as PageFetch<T, unknown> as PageFetch<T, R>);
    return paginateQuery(qb, spec, query, pageLinker(request, this.config.http.publicBaseUrl), rows);
  }

  /** `GET {resource}/filter_options/`: same filters and search as the list, page parameters ignored. */
  filterOptions<T extends ObjectLiteral>(
    scoped: () => SelectQueryBuilder<T>,
    spec: ListSpec,
    raw: RawQuery,
  ): Promise<FilterOptions> {
    return filterOptions(scoped, spec, parseListQuery(spec, raw, { pagination: false }));
  }
}

/** Import in a feature module to inject `ListService` (needs the global `AppConfig`). */
@Module({ providers: [ListService], exports: [ListService] })
export class ListModule {}
