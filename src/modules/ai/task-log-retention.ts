import { type EntityManager, LessThan } from 'typeorm';
import { AiTaskLog } from './entities/ai-task-log.entity.js';

/** AI task records are kept this long (docs/domain-model.md#ai-engine). */
const TASK_LOG_RETENTION_DAYS = 90;

/** Deletes the AI task records past their retention; returns how many. */
export async function deleteExpiredTaskLogs(manager: EntityManager): Promise<number> {
  const cutoff = new Date(Date.now() - TASK_LOG_RETENTION_DAYS * 24 * 3_600_000);
  return (await manager.getRepository(AiTaskLog).delete({ created_at: LessThan(cutoff) })).affected ?? 0;
}
