import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, LessThanOrEqual } from 'typeorm';
import { IdempotencyKey } from '../../../common/idempotency/idempotency-key.entity.js';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { AiTaskLog } from '../../ai/entities/ai-task-log.entity.js';

/** AI task records are kept this long (docs/domain-model.md#ai-engine). */
const TASK_LOG_RETENTION_DAYS = 90;

/** `cleanup_logs` (daily, 04:00 UTC): deletes expired rows of the log-like tables. */
@Injectable()
export class CleanupLogsJob {
  private readonly logger = new Logger('CleanupLogsJob');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @JobHandler('cleanup_logs')
  async run(
    _payload: Record<string, never>,
    { signal }: JobRunContext,
  ): Promise<{ idempotency_keys: number; ai_task_logs: number }> {
    signal.throwIfAborted();
    const keys = await this.dataSource.manager.delete(IdempotencyKey, {
      expires_at: LessThanOrEqual(new Date()),
    });
    signal.throwIfAborted();
    const cutoff = new Date(Date.now() - TASK_LOG_RETENTION_DAYS * 24 * 3_600_000);
    const tasks = await this.dataSource.manager.delete(AiTaskLog, { created_at: LessThan(cutoff) });
    const deleted = { idempotency_keys: keys.affected ?? 0, ai_task_logs: tasks.affected ?? 0 };
    this.logger.log(deleted, 'Expired rows deleted');
    return deleted;
  }
}
