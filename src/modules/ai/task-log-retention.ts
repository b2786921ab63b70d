import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AiTaskLog } from './entities/ai-task-log.entity.js';

/** AI task records are kept this long (docs/domain-model.md#ai-engine). */
const TASK_LOG_RETENTION_DAYS = 90;

/** Deletes the AI task records past their retention (of every account when run as the system); returns how many. */
export async function deleteExpiredTaskLogs(manager: EntityManager): Promise<number> {
  const cutoff = new Date(Date.now() - TASK_LOG_RETENTION_DAYS * 24 * 3_600_000);
  const sql = tenantSql(manager);
  const t = sql.table(AiTaskLog, 't');
  const [{ deleted }] = await sql.query<{ deleted: number }[]>`
    WITH expired AS (DELETE FROM ${t} WHERE ${t.scope} AND t.created_at < ${cutoff} RETURNING 1)
    SELECT count(*)::int AS deleted FROM expired`;
  return deleted;
}
