import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { type PendingRow, rows } from '../planner/planner-reads.js';
import { Content } from './entities/content.entity.js';
import { Image } from './entities/image.entity.js';
import { Task } from './entities/task.entity.js';

/*
 * The writer rows waiting for the next step of the automation pipeline on one site
 * (docs/automation.md#stages), read in the caller's tenant context, by sector then id.
 */

/** Stage 4: `queued` tasks (units: the target word count). */
export async function tasksToWrite(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const t = sql.table(Task, 't');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT t.id, t.sector_id, t.word_count AS units FROM ${t}
       WHERE ${t.scope} AND t.site_id = ${siteId} AND t.deleted_at IS NULL AND t.status = 'queued'
       ORDER BY t.sector_id, t.id`,
  );
}

/** Stage 5: IGNY8 `draft` content without live images. */
export async function contentForImagePrompts(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const i = sql.table(Image, 'i');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT c.id, c.sector_id, 1 AS units FROM ${c}
       WHERE ${c.scope} AND c.site_id = ${siteId} AND c.deleted_at IS NULL AND c.status = 'draft'
         AND c.source = 'igny8'
         AND NOT EXISTS (SELECT 1 FROM ${i} WHERE ${i.scope} AND i.content_id = c.id AND i.deleted_at IS NULL)
       ORDER BY c.sector_id, c.id`,
  );
}

/** Stage 6: `pending` images with a prompt. */
export async function imagesToGenerate(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const i = sql.table(Image, 'i');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT i.id, i.sector_id, 1 AS units FROM ${i}
       WHERE ${i.scope} AND i.site_id = ${siteId} AND i.deleted_at IS NULL AND i.status = 'pending'
         AND btrim(i.prompt) <> ''
       ORDER BY i.sector_id, i.id`,
  );
}

/** Stage 7: content in `review`. */
export async function contentInReview(manager: EntityManager, siteId: number): Promise<PendingRow[]> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  return rows(
    await sql.query<PendingRow[]>`
      SELECT c.id, c.sector_id, 1 AS units FROM ${c}
       WHERE ${c.scope} AND c.site_id = ${siteId} AND c.deleted_at IS NULL AND c.status = 'review'
       ORDER BY c.sector_id, c.id`,
  );
}
