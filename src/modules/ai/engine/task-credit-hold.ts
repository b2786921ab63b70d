import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import type { TaskCreditHold } from '../../billing/credit-meter.service.js';
import { AiTaskLog } from '../entities/ai-task-log.entity.js';

/** The credits an AI task holds, kept on its task log (`igny8_ai_task_logs.held_credits`), for billing. */
export function taskLogHold(taskId: string): TaskCreditHold {
  return {
    async held(manager: EntityManager, lock: boolean): Promise<number> {
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      const rows = await sql.query<{ held_credits: number }[]>`
        SELECT t.held_credits FROM ${t} WHERE ${t.scope} AND t.task_id = ${taskId} ${sql.constant(lock ? 'FOR UPDATE' : '')}`;
      return rows[0]?.held_credits ?? 0;
    },
    async release(manager: EntityManager, amount: number): Promise<void> {
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      await sql.query`
        UPDATE ${t} SET held_credits = GREATEST(held_credits - ${amount}, 0) WHERE ${t.scope} AND t.task_id = ${taskId}`;
    },
  };
}
