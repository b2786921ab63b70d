import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Cluster } from './entities/cluster.entity.js';
import { Keyword } from './entities/keyword.entity.js';
import { WRITER_CONTENT } from './writer-tables.js';

/*
 * The maintained columns of clusters (docs/domain-model.md#planner): `keywords_count` (live keywords in the
 * cluster), `volume` (their effective volume, summed) and `mapped_pages` (live content in the
 * cluster). Every write that can change them recomputes them with one set-based statement in its
 * own transaction. Writers lock the clusters first (ordered by id), so two transactions touching
 * the same cluster are applied one after the other and the recomputation always sees the other's
 * committed rows (READ COMMITTED takes a new snapshot per statement).
 *
 * A cluster deleted by a site or sector cascade keeps the keywords and content deleted with it
 * (same `deleted_cascade_id`): they are counted as its own, so restoring the site or sector brings
 * everything back consistent, without recomputing.
 */

const INT32_MAX = 2_147_483_647;

function unique(ids: readonly (number | null | undefined)[]): number[] {
  return [...new Set(ids.filter((id): id is number => id !== null && id !== undefined).map(Number))];
}

/** Locks these clusters until the transaction ends. */
export async function lockClusters(
  manager: EntityManager,
  clusterIds: readonly (number | null)[],
): Promise<void> {
  const ids = unique(clusterIds);
  if (ids.length === 0) return;
  const sql = tenantSql(manager);
  const c = sql.table(Cluster, 'c');
  await sql.query`SELECT c.id FROM ${c} WHERE ${c.scope} AND c.id = ANY(${ids}::bigint[]) ORDER BY c.id FOR UPDATE`;
}

/** Locks the clusters these keywords belong to; returns their ids. */
export async function lockClustersOfKeywords(
  manager: EntityManager,
  keywordIds: readonly number[],
): Promise<number[]> {
  if (keywordIds.length === 0) return [];
  const sql = tenantSql(manager);
  const c = sql.table(Cluster, 'c');
  const k = sql.table(Keyword, 'k');
  const rows = await sql.query<{ id: number }[]>`
    SELECT c.id FROM ${c}
     WHERE ${c.scope} AND c.id IN (SELECT k.cluster_id FROM ${k} WHERE ${k.scope} AND k.id = ANY(${keywordIds}::bigint[]))
     ORDER BY c.id FOR UPDATE`;
  return rows.map((row) => Number(row.id));
}

/**
 * Recomputes `keywords_count`, `volume` and `mapped_pages` of these clusters from their live rows
 * (for a deleted cluster, also the rows deleted in its cascade).
 */
export async function refreshClusters(
  manager: EntityManager,
  clusterIds: readonly (number | null)[],
): Promise<void> {
  const ids = unique(clusterIds);
  if (ids.length === 0) return;
  const sql = tenantSql(manager);
  const c = sql.table(Cluster, 'c');
  const c2 = sql.table(Cluster, 'c2');
  const ct = sql.table(WRITER_CONTENT, 'ct');
  const k = sql.table(Keyword, 'k');
  await sql.query`
    UPDATE ${c}
       SET keywords_count = agg.keywords_count, volume = agg.volume, mapped_pages = agg.mapped_pages
      FROM (
        SELECT c2.id,
               COALESCE(kw.n, 0)::integer AS keywords_count,
               LEAST(COALESCE(kw.volume, 0), ${INT32_MAX})::integer AS volume,
               (SELECT count(*) FROM ${ct}
                 WHERE ${ct.scope} AND ct.cluster_id = c2.id
                   AND (ct.deleted_at IS NULL OR ct.deleted_cascade_id = c2.deleted_cascade_id))::integer
               AS mapped_pages
          FROM ${c2}
          LEFT JOIN LATERAL (
            SELECT count(*) AS n, sum(k.volume) AS volume
              FROM ${k}
             WHERE ${k.scope} AND k.cluster_id = c2.id
               AND (k.deleted_at IS NULL OR k.deleted_cascade_id = c2.deleted_cascade_id)
          ) kw ON true
         WHERE ${c2.scope} AND c2.id = ANY(${ids}::bigint[])
      ) agg
     WHERE ${c.scope} AND c.id = agg.id
       AND (c.keywords_count, c.volume, c.mapped_pages) IS DISTINCT FROM
           (agg.keywords_count, agg.volume, agg.mapped_pages)`;
}

/** Recomputes the clusters these keywords belong to (after a delete, restore or value change). */
export async function refreshClustersOfKeywords(
  manager: EntityManager,
  keywordIds: readonly number[],
): Promise<void> {
  if (keywordIds.length === 0) return;
  const sql = tenantSql(manager);
  const k = sql.table(Keyword, 'k');
  const rows = await sql.query<{ cluster_id: number }[]>`
    SELECT DISTINCT k.cluster_id FROM ${k}
     WHERE ${k.scope} AND k.id = ANY(${keywordIds}::bigint[]) AND k.cluster_id IS NOT NULL`;
  await refreshClusters(
    manager,
    rows.map((row) => row.cluster_id),
  );
}

/**
 * A deleted cluster lets its keywords go (docs/domain-model.md#soft-delete-and-cascades):
 * `cluster_id = NULL`, `status = 'new'` on its keywords — trashed ones included, so a restored keyword never
 * points at a deleted cluster — then its aggregates are recomputed. Restoring the cluster does not re-attach
 * them. Keywords deleted in the same cascade as the cluster (its site or sector was deleted; the planner
 * registers keywords before clusters, so they are already deleted) stay attached and come back with it.
 */
export async function detachKeywords(manager: EntityManager, clusterIds: readonly number[]): Promise<void> {
  if (clusterIds.length === 0) return;
  const sql = tenantSql(manager);
  const k = sql.table(Keyword, 'k');
  const c = sql.table(Cluster, 'c');
  await sql.query`
    UPDATE ${k} SET cluster_id = NULL, status = 'new', updated_at = now()
      FROM ${c}
     WHERE ${k.scope} AND ${c.scope} AND c.id = ANY(${clusterIds}::bigint[]) AND k.cluster_id = c.id
       AND k.deleted_cascade_id IS DISTINCT FROM c.deleted_cascade_id`;
  await refreshClusters(manager, clusterIds);
}
