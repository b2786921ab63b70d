import type { EntityManager } from 'typeorm';
import { lockClusters, refreshClusters } from '../planner/cluster-aggregates.js';
import { WRITER_CASCADES, type WRITER_TABLES } from './entities/cascades.js';

type WriterTable = (typeof WRITER_TABLES)[number];

/**
 * Runs `work` with the clusters' `mapped_pages` (live content per cluster) kept
 * right in the same transaction: the clusters named, and those of the given content rows, are
 * locked first (the planner's lock order, cluster-aggregates.ts), then recomputed after `work`.
 */
export async function maintainingMappedPages<R>(
  manager: EntityManager,
  { clusterIds = [], contentIds = [] }: { clusterIds?: (number | null)[]; contentIds?: readonly number[] },
  work: () => Promise<R>,
): Promise<R> {
  const ofContent =
    contentIds.length === 0
      ? []
      : await manager.query<{ cluster_id: number }[]>(
          'SELECT DISTINCT cluster_id FROM igny8_content WHERE id = ANY($1::bigint[]) AND cluster_id IS NOT NULL',
          [contentIds],
        );
  const clusters = [...clusterIds, ...ofContent.map((row) => Number(row.cluster_id))];
  await lockClusters(manager, clusters);
  const result = await work();
  await refreshClusters(manager, clusters);
  return result;
}

/**
 * Set-based soft delete of writer rows (docs/domain-model.md#soft-delete-and-cascades): one UPDATE gives
 * every row its own new `deleted_cascade_id`, then one UPDATE per cascade level (WRITER_CASCADES, content →
 * images) copies each parent's id to its children — so 500 ids cost a constant number of statements. Deleting
 * content keeps its clusters' `mapped_pages` right. (Site and sector cascades need no recomputation: a
 * content's cluster is of its sector, so it is deleted in the same cascade and keeps counting it, see
 * cluster-aggregates.ts.) Returns the number of rows deleted directly.
 */
export async function softDeleteWriterRows(
  manager: EntityManager,
  table: WriterTable,
  ids: readonly number[],
  actorId: number | null,
): Promise<number> {
  if (ids.length === 0) return 0;
  const remove = async () => {
    const [rows] = await manager.query<[{ id: number }[], number]>(
      `UPDATE "${table}" SET deleted_at = now(), deleted_by = $2, deleted_cascade_id = gen_random_uuid()
        WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL RETURNING id`,
      [ids, actorId],
    );
    const deleted = rows.map((row) => Number(row.id));
    await cascade(manager, table, deleted, actorId);
    return deleted.length;
  };
  return table === 'igny8_content' ? maintainingMappedPages(manager, { contentIds: ids }, remove) : remove();
}

async function cascade(
  manager: EntityManager,
  table: WriterTable,
  ids: number[],
  actorId: number | null,
): Promise<void> {
  if (ids.length === 0) return;
  for (const child of WRITER_CASCADES.filter((link) => link.parent === table)) {
    const [rows] = await manager.query<[{ id: number }[], number]>(
      `UPDATE "${child.table}" c
          SET deleted_at = p.deleted_at, deleted_by = $2, deleted_cascade_id = p.deleted_cascade_id
         FROM "${table}" p
        WHERE c."${child.column}" = p.id AND p.id = ANY($1::bigint[]) AND c.deleted_at IS NULL
        RETURNING c.id`,
      [ids, actorId],
    );
    await cascade(
      manager,
      child.table as WriterTable,
      rows.map((row) => Number(row.id)),
      actorId,
    );
  }
}
