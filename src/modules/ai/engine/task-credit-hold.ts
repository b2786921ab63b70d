import type { EntityManager } from 'typeorm';
import type { TaskCreditHold } from '../../billing/credit-meter.service.js';

/** The credits an AI task holds, kept on its task log (`igny8_ai_task_logs.held_credits`), for billing. */
export function taskLogHold(taskId: string): TaskCreditHold {
  return {
    async held(manager: EntityManager, lock: boolean): Promise<number> {
      const rows: { held_credits: number }[] = await manager.query(
        `SELECT held_credits FROM igny8_ai_task_logs WHERE task_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
        [taskId],
      );
      return rows[0]?.held_credits ?? 0;
    },
    async release(manager: EntityManager, amount: number): Promise<void> {
      await manager.query(
        'UPDATE igny8_ai_task_logs SET held_credits = GREATEST(held_credits - $2, 0) WHERE task_id = $1',
        [taskId, amount],
      );
    },
  };
}
