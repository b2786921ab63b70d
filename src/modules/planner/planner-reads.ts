import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Cluster } from './entities/cluster.entity.js';
import { ContentIdea } from './entities/content-idea.entity.js';
import { Keyword } from './entities/keyword.entity.js';

/*
 * The planner rows waiting for the next step of the automation pipeline on one site
 * (docs/automation.md#stages), read in the caller's tenant context, by sector then id.
 */

export interface PendingRow {
  id: number;
  sector_id: number;
  /** Ideas: the estimated word count; otherwise 1. */
  units: number;
}

/** Stage 1: `new`, enabled keywords without a cluster, in an active sector. */
export async function keywordsToCluster(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const k = sql.table(Keyword, 'k');
  const x = sql.table(Sector, 'x');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT k.id, k.sector_id, 1 AS units FROM ${k} JOIN ${x} ON x.id = k.sector_id AND ${x.scope}
       WHERE ${k.scope} AND k.site_id = ${siteId} AND k.deleted_at IS NULL AND k.status = 'new'
         AND NOT k.disabled AND k.cluster_id IS NULL AND x.is_active AND x.deleted_at IS NULL
       ORDER BY k.sector_id, k.id`,
  );
}

/** Stage 2: `new`, enabled clusters with keywords. */
export async function clustersForIdeas(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const c = sql.table(Cluster, 'c');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT c.id, c.sector_id, 1 AS units FROM ${c}
       WHERE ${c.scope} AND c.site_id = ${siteId} AND c.deleted_at IS NULL AND c.status = 'new'
         AND NOT c.disabled AND c.keywords_count > 0
       ORDER BY c.sector_id, c.id`,
  );
}

/** Stage 3: `new`, enabled ideas with a cluster. */
export async function ideasToQueue(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const i = sql.table(ContentIdea, 'i');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT i.id, i.sector_id, i.estimated_word_count AS units FROM ${i}
       WHERE ${i.scope} AND i.site_id = ${siteId} AND i.deleted_at IS NULL AND i.status = 'new'
         AND NOT i.disabled AND i.keyword_cluster_id IS NOT NULL
       ORDER BY i.sector_id, i.id`,
  );
}

export function rows(raw: PendingRow[]): PendingRow[] {
  return raw.map((row) => ({
    id: Number(row.id),
    sector_id: Number(row.sector_id),
    units: Number(row.units),
  }));
}
