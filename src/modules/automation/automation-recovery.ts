import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { InlineJobDriver } from '../../common/jobs/inline-job.driver.js';
import { JobDriver } from '../../common/jobs/job-driver.js';
import { JobsService } from '../../common/jobs/jobs.service.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { AutomationRun } from './entities/automation-run.entity.js';

/**
 * Without Redis the runs' jobs live in the API process and die with it: at start-up every `running` run
 * is queued again and continues from its current stage (docs/automation.md#durability). With Redis,
 * Bull hands a dead worker's job to another worker instead, and a worker that shuts down hands its run
 * over itself (`handOver`).
 */
@Injectable()
export class AutomationRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('AutomationRecovery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly driver: JobDriver,
    private readonly jobs: JobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!(this.driver instanceof InlineJobDriver)) return;
    await this.resumeRunning();
  }

  /** Queues a job for every `running` run; returns how many. */
  async resumeRunning(): Promise<number> {
    const runs = await this.context.runAsSystem('automation:recover-runs', () =>
      tenantQuery(this.dataSource.manager, AutomationRun, 'r').andWhere("r.status = 'running'").getMany(),
    );
    for (const run of runs) {
      await this.context.runFresh(`recover:${run.run_id}`, async () => {
        this.context.setPrincipal({
          accountId: Number(run.account_id),
          userId: run.created_by === null ? null : Number(run.created_by),
          siteId: Number(run.site_id),
          role: 'system_bot',
          bypassTenant: false,
          via: 'job',
        });
        await this.enqueue(run);
      });
    }
    if (runs.length > 0) this.logger.log({ runs: runs.length }, 'Automation runs continued after a restart');
    return runs.length;
  }

  /**
   * A `running` run whose execution stopped because this process is shutting down (inside its job):
   * with Bull it is queued again at once, for another worker to continue from where it stopped; the
   * inline driver's jobs end with the process, so the next start queues it (`resumeRunning`).
   */
  async handOver(run: AutomationRun): Promise<void> {
    if (this.driver instanceof InlineJobDriver) return;
    await this.enqueue(run);
    this.logger.log({ run_id: run.run_id }, 'Automation run handed over to another worker');
  }

  private async enqueue(run: AutomationRun): Promise<void> {
    await this.jobs.enqueue('run_automation', { run_id: run.run_id }, { siteId: Number(run.site_id) });
  }
}
