import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { IdempotencyKey } from '../../../common/idempotency/idempotency-key.entity.js';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';

/** `cleanup_logs` (daily, 04:00 UTC): deletes expired rows of the log-like tables. */
@Injectable()
export class CleanupLogsJob {
  private readonly logger = new Logger('CleanupLogsJob');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @JobHandler('cleanup_logs')
  async run(
    _payload: Record<string, never>,
    { signal }: JobRunContext,
  ): Promise<{ idempotency_keys: number }> {
    signal.throwIfAborted();
    const result = await this.dataSource
      .getRepository(IdempotencyKey)
      .delete({ expires_at: LessThanOrEqual(new Date()) });
    const deleted = result.affected ?? 0;
    this.logger.log({ idempotency_keys: deleted }, 'Expired rows deleted');
    return { idempotency_keys: deleted };
  }
}
