import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JOB_LIMITS, type QueueLimitTable } from '../../../common/jobs/job-catalogue.js';
import { JobDriver } from '../../../common/jobs/job-driver.js';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { AiEngine } from '../../ai/engine/ai-engine.js';
import { AiTaskLog } from '../../ai/entities/ai-task-log.entity.js';
import { tenantQuery } from '../../../common/tenancy/tenant-sql.js';

/** Tasks looked at per run, oldest first; the next run takes the rest. */
const BATCH = 200;

/**
 * `reconcile_tasks` (maintenance queue, every 5 minutes): a task still `queued` or `running` past
 * the `ai` queue's hard limit whose job is gone (Redis lost it, the enqueue failed and its
 * compensation too, or the process running it died) would keep its credit hold for ever. It is
 * failed here, through the same ending as any task, which releases the hold.
 */
@Injectable()
export class ReconcileTasksJob {
  private readonly logger = new Logger('ReconcileTasksJob');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driver: JobDriver,
    private readonly engine: AiEngine,
    @Inject(JOB_LIMITS) private readonly limits: QueueLimitTable,
  ) {}

  @JobHandler('reconcile_tasks')
  async run(_payload: Record<string, never>, { signal }: JobRunContext): Promise<{ failed: number }> {
    const limitMs = this.limits.ai.hardLimitMs ?? this.limits.ai.softLimitMs ?? 0;
    const stale = await tenantQuery(this.dataSource.manager, AiTaskLog, 't')
      .andWhere("t.status IN ('queued', 'running')")
      // An automation run's own task lives as long as the run; its job is on the `automation` queue.
      .andWhere("t.function <> 'run_automation'")
      .andWhere('COALESCE(t.started_at, t.created_at) < :cutoff', { cutoff: new Date(Date.now() - limitMs) })
      .orderBy('t.created_at', 'ASC')
      .limit(BATCH)
      .getMany();
    let failed = 0;
    for (const log of stale) {
      signal.throwIfAborted();
      if (await this.driver.isLive('ai_task', log.task_id)) continue;
      const ended = await this.engine.end(log, 'failed', null, {
        error: 'The task did not finish in time and its job was lost.',
        code: 'queue_error',
      });
      if (ended) failed += 1;
    }
    if (failed > 0) this.logger.warn({ failed }, 'Tasks without a live job failed and their holds released');
    return { failed };
  }
}
