import type { EntityManager } from 'typeorm';
import { lockClusters, refreshClusters } from '../planner/cluster-aggregates.js';

async function clustersOfContent(manager: EntityManager, contentIds: readonly number[]): Promise<number[]> {
  if (contentIds.length === 0) return [];
  const rows = await manager.query<{ cluster_id: number }[]>(
    'SELECT DISTINCT cluster_id FROM igny8_content WHERE id = ANY($1::bigint[]) AND cluster_id IS NOT NULL',
    [contentIds],
  );
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
 * Runs `work` with the clusters' `mapped_pages` (domain.md §2.2: live content per cluster) kept
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
