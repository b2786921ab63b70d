import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotencyService } from '../../../common/idempotency/idempotency.service.js';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { deleteExpiredTaskLogs } from '../../ai/task-log-retention.js';

/** `cleanup_logs` (daily, 04:00 UTC): deletes expired rows of the log-like tables. */
@Injectable()
export class CleanupLogsJob {
  private readonly logger = new Logger('CleanupLogsJob');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
  ) {}

  @JobHandler('cleanup_logs')
  async run(
    _payload: Record<string, never>,
    { signal }: JobRunContext,
  ): Promise<{ idempotency_keys: number; ai_task_logs: number }> {
    signal.throwIfAborted();
    const keys = await this.idempotency.deleteExpired();
    signal.throwIfAborted();
    const deleted = {
      idempotency_keys: keys,
      ai_task_logs: await deleteExpiredTaskLogs(this.dataSource.manager),
    };
    this.logger.log(deleted, 'Expired rows deleted');
    return deleted;
  }
}
