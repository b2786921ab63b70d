import { Injectable } from '@nestjs/common';
import { ApiError } from '../../common/http/error-codes.js';
import { filter } from '../../common/list/index.js';
import type { RelationFilter } from '../../common/list/list-spec.js';
import { type ScopedRepository, ScopedRepositories } from '../../common/tenancy/scoped-repository.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import type { EntityManager } from 'typeorm';
import { assertWithinPlanLimit, lockPlanLimit } from '../sites/plan-limits.js';
import { resolvePlacement } from '../sites/site-sector-resource.js';
import { Cluster } from './entities/cluster.entity.js';
import { Keyword } from './entities/keyword.entity.js';

/** `sector_id` of a planner list, with its `filter_options` ("All Sectors", labelled by sector name). */
export function sectorFilter(alias: string): RelationFilter {
  const sector = `${alias}_sector`;
  return filter.relation(`${alias}.sector_id`, {
    options: {
      all: 'All Sectors',
      label: `${sector}.name`,
      join: { table: Sector, alias: sector, on: `${sector}.id = ${alias}.sector_id` },
    },
  });
}

/** A nullable cluster column of a planner list (`cluster_id=null` allowed), labelled by cluster name. */
export function clusterFilter(column: string): RelationFilter {
  const cluster = `${column.replace('.', '_')}_cluster`;
  return filter.relation(column, {
    nullable: true,
    options: {
      all: 'All Clusters',
      none: 'No Cluster',
      label: `${cluster}.name`,
      join: { table: Cluster, alias: cluster, on: `${cluster}.id = ${column}` },
    },
  });
}

/**
 * Body references of the planner (docs/api-conventions.md#roles-and-visibility): a site, sector, cluster or
 * keyword the caller cannot see answers 400 on the field like a missing id; a visible row of another site or
 * sector answers 400 on the field too.
 */
@Injectable()
export class PlannerRefs {
  readonly sites: ScopedRepository<Site>;
  readonly sectors: ScopedRepository<Sector>;
  readonly clusters: ScopedRepository<Cluster>;
  readonly keywords: ScopedRepository<Keyword>;

  constructor(repositories: ScopedRepositories) {
    this.sites = repositories.for(Site, 's');
    this.sectors = repositories.for(Sector, 'x');
    this.clusters = repositories.for(Cluster, 'c');
    this.keywords = repositories.for(Keyword, 'k');
  }

  /** A visible site with an industry (keywords need one: 400 on `site_id` otherwise). */
  async siteWithIndustry(siteId: unknown): Promise<Site & { industry_id: number }> {
    const site = await this.sites.reference('site_id', siteId);
    if (site.industry_id === null) {
      throw ApiError.field('site_id', 'The site has no industry yet: select its industry and sectors first.');
    }
    return site as Site & { industry_id: number };
  }

  /** A visible site and a visible sector of that site. */
  async placement(siteId: unknown, sectorId: unknown, site?: Site): Promise<{ site: Site; sector: Sector }> {
    const place = await resolvePlacement(this.sites, this.sectors, siteId, sectorId, { site });
    return { site: place.site, sector: place.sector as Sector };
  }

  /** A visible, live cluster in the same site and sector as `row` (400 on `field` otherwise). */
  async cluster(field: string, id: unknown, row: { site_id: number; sector_id: number }): Promise<Cluster> {
    const cluster = await this.clusters.reference(field, id);
    if (!sameSector(cluster, row)) throw ApiError.field(field, 'The cluster belongs to another sector.');
    return cluster;
  }

  /** Live keywords by id, all visible and in the same site and sector as `row` (400 on `field`). */
  async keywordIds(
    field: string,
    ids: readonly number[],
    row: { site_id: number; sector_id: number },
  ): Promise<number[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const found = await this.keywords
      .query()
      .select(['k.id', 'k.site_id', 'k.sector_id'])
      .andWhere('k.id IN (:...wanted_keyword_ids)', { wanted_keyword_ids: wanted })
      .getMany();
    const byId = new Map(found.map((keyword) => [Number(keyword.id), keyword]));
    for (const id of wanted) {
      const keyword = byId.get(id);
      if (!keyword) throw ApiError.field(field, `Invalid pk "${id}" - object does not exist.`);
      if (!sameSector(keyword, row)) throw ApiError.field(field, `Keyword ${id} belongs to another sector.`);
    }
    return wanted;
  }
}

export function sameSector(
  a: { site_id: number; sector_id: number },
  b: { site_id: number; sector_id: number },
) {
  return Number(a.site_id) === Number(b.site_id) && Number(a.sector_id) === Number(b.sector_id);
}

/**
 * `max_keywords` (docs/domain-model.md#plans-subscriptions-and-limits): locks the account (so concurrent
 * writers are checked one after the other) and refuses the whole request with 403 `plan_limit_reached` when
 * `requested` more live keywords would exceed the plan. The count covers every site of the account, including
 * sites the caller cannot see (it reads a number, no rows).
 */
export async function assertKeywordCapacity(
  manager: EntityManager,
  accountId: number,
  requested: number,
): Promise<void> {
  if (requested <= 0) return;
  const max = await lockPlanLimit(manager, accountId, 'max_keywords');
  if (max === null) return;
  const sql = tenantSql(manager);
  const k = sql.table(Keyword, 'k', { wholeAccount: true });
  const [{ count }] = await sql.query<{ count: number }[]>`
    SELECT count(*)::integer AS count FROM ${k}
     WHERE ${k.scope} AND k.account_id = ${accountId} AND k.deleted_at IS NULL`;
  assertWithinPlanLimit('max_keywords', max, Number(count), requested);
}
