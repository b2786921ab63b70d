import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { lockClusters, refreshClusters } from '../planner/cluster-aggregates.js';
import { Content } from './entities/content.entity.js';

async function clustersOfContent(manager: EntityManager, contentIds: readonly number[]): Promise<number[]> {
  if (contentIds.length === 0) return [];
  const sql = tenantSql(manager);
  const ct = sql.table(Content, 'ct');
  const rows = await sql.query<{ cluster_id: number }[]>`
    SELECT DISTINCT ct.cluster_id FROM ${ct}
     WHERE ${ct.scope} AND ct.id = ANY(${contentIds}::bigint[]) AND ct.cluster_id IS NOT NULL`;
  return rows.map((row) => Number(row.cluster_id));
}

/** Locks the clusters of these content rows (the planner's lock order, cluster-aggregates.ts). */
export async function lockClustersOfContent(manager: EntityManager, contentIds: readonly number[]) {
  await lockClusters(manager, await clustersOfContent(manager, contentIds));
}

/** Recomputes the `mapped_pages` (and the other aggregates) of the clusters of these content rows. */
export async function refreshClustersOfContent(manager: EntityManager, contentIds: readonly number[]) {
  await refreshClusters(manager, await clustersOfContent(manager, contentIds));
}

/**
 * Runs `work` with the clusters' `mapped_pages` (live content per cluster) kept
 * right in the same transaction: the clusters named are locked first (the planner's lock order,
 * cluster-aggregates.ts), then recomputed after `work`.
 */
export async function maintainingMappedPages<R>(
  manager: EntityManager,
  { clusterIds }: { clusterIds: (number | null)[] },
  work: () => Promise<R>,
): Promise<R> {
  await lockClusters(manager, clusterIds);
  const result = await work();
  await refreshClusters(manager, clusterIds);
  return result;
}
