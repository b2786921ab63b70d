import type { EntityManager } from 'typeorm';
import { WRITER_CASCADES, type WRITER_TABLES } from './entities/cascades.js';

type WriterTable = (typeof WRITER_TABLES)[number];

/**
 * `igny8_clusters.mapped_pages` (domain.md §2.2: live content rows per cluster), recomputed in the
 * caller's transaction for the given clusters and for the clusters of the given content rows.
 */
export async function refreshMappedPages(
  manager: EntityManager,
  { clusterIds = [], contentIds = [] }: { clusterIds?: (number | null)[]; contentIds?: number[] },
): Promise<void> {
  const clusters = clusterIds.filter((id): id is number => id !== null);
  if (clusters.length === 0 && contentIds.length === 0) return;
  await manager.query(
    `UPDATE igny8_clusters cl
        SET mapped_pages = (SELECT count(*) FROM igny8_content x WHERE x.cluster_id = cl.id AND x.deleted_at IS NULL)
      WHERE cl.id = ANY($1::bigint[])
         OR cl.id IN (SELECT x.cluster_id FROM igny8_content x WHERE x.id = ANY($2::bigint[]))`,
    [clusters, contentIds],
  );
}

/** Side effects of soft-deleting rows of a writer table (also registered with SoftDeleteService for site/sector cascades). */
export const WRITER_DELETE_HOOKS: Partial<
  Record<WriterTable, (manager: EntityManager, ids: number[]) => Promise<void>>
> = {
  igny8_content: (manager, ids) => refreshMappedPages(manager, { contentIds: ids }),
};

/**
 * Set-based soft delete of writer rows (domain.md §0.3): one UPDATE gives every row its own new
 * `deleted_cascade_id`, then one UPDATE per cascade level (WRITER_CASCADES, content → images)
 * copies each parent's id to its children — so 500 ids cost a constant number of statements.
 * Returns the number of rows deleted directly.
 */
export async function softDeleteWriterRows(
  manager: EntityManager,
  table: WriterTable,
  ids: readonly number[],
  actorId: number | null,
): Promise<number> {
  if (ids.length === 0) return 0;
  const [rows] = await manager.query<[{ id: number }[], number]>(
    `UPDATE "${table}" SET deleted_at = now(), deleted_by = $2, deleted_cascade_id = gen_random_uuid()
      WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL RETURNING id`,
    [ids, actorId],
  );
  const deleted = rows.map((row) => Number(row.id));
  await cascade(manager, table, deleted, actorId);
  return deleted.length;
}

async function cascade(
  manager: EntityManager,
  table: WriterTable,
  ids: number[],
  actorId: number | null,
): Promise<void> {
  if (ids.length === 0) return;
  await WRITER_DELETE_HOOKS[table]?.(manager, ids);
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
