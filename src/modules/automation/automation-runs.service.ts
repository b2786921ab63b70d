import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import type { AccountState } from '../../common/auth/authenticated.js';
import { checkAccountGate } from '../../common/auth/auth.guard.js';
import { ApiError } from '../../common/http/error-codes.js';
import { JobsService } from '../../common/jobs/jobs.service.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { BatchTasks } from '../ai/engine/batch-tasks.js';
import {
  AutomationConfigService,
  type ScheduledSite,
} from '../automation-config/automation-config.service.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { Account } from '../identity/entities/account.entity.js';
import { sitesIn } from '../sites/site-scope.js';
import { AutomationEstimator, type RunEstimate } from './automation-estimate.js';
import { AutomationLock } from './automation-lock.js';
import { AutomationRun, type RunStatus, type TriggerType } from './entities/automation-run.entity.js';
import { RunEvents } from './run-events.js';
import { RunLog } from './run-log.js';

export interface AutomationSite extends ScheduledSite, AccountState {}

/** `run_` + UTC `YYYYMMDD_HHMMSS` + `_` + 8 random lowercase hex characters. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `run_${stamp}_${randomBytes(4).toString('hex')}`;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/**
 * Starting and steering runs (docs/automation.md#starting-a-run, #pause-resume-cancel): the checks of a
 * start in their order, the lock, the run row and its task, the job; pause, resume and cancel take effect
 * after the item the worker is on.
 */
@Injectable()
export class AutomationRunsService {
  private readonly logger = new Logger('Automation');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly configs: AutomationConfigService,
    private readonly estimator: AutomationEstimator,
    private readonly lock: AutomationLock,
    private readonly tasks: BatchTasks,
    private readonly jobs: JobsService,
    private readonly events: RunEvents,
    private readonly log: RunLog,
  ) {}

  /**
   * The site if visible to the caller, live and active (else 404), with its account's time zone and the
   * account state the status gate looks at.
   */
  async site(
    siteId: number,
    manager: EntityManager = this.dataSource.manager,
    active = true,
  ): Promise<AutomationSite> {
    const site = await sitesIn(manager)
      .innerJoin(Account, 'a', 'a.id = s.account_id')
      .innerJoin(Plan, 'p', 'p.id = a.plan_id')
      .select('s.id', 'id')
      .addSelect('s.account_id', 'account_id')
      .addSelect('a.account_timezone', 'timezone')
      .addSelect('a.status', 'account_status')
      .addSelect('a.is_active', 'account_is_active')
      .addSelect('p.is_active', 'plan_is_active')
      .andWhere('s.id = :automation_site_id', { automation_site_id: siteId })
      .andWhere(active ? 's.is_active' : 'TRUE')
      .getRawOne<AutomationSite>();
    if (!site) throw ApiError.notFound();
    return { ...site, id: Number(site.id), account_id: Number(site.account_id) };
  }

  /** A run of a visible site by its public id, else 404; `lock` locks the row. */
  async find(
    runId: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<AutomationRun> {
    if (!/^run_\d{8}_\d{6}_[0-9a-f]{8}$/.test(runId)) throw ApiError.notFound();
    const query = tenantQuery(manager, AutomationRun, 'r').andWhere('r.run_id = :run_id', { run_id: runId });
    if (lock) query.setLock('pessimistic_write', undefined, ['r']);
    const run = await query.getOne();
    if (!run) throw ApiError.notFound();
    await this.site(Number(run.site_id), manager, false);
    return run;
  }

  /** The active (`running`/`paused`) run of the site, or null. */
  active(siteId: number, manager: EntityManager = this.dataSource.manager): Promise<AutomationRun | null> {
    return tenantQuery(manager, AutomationRun, 'r')
      .andWhere("r.site_id = :site_id AND r.status IN ('running', 'paused')", { site_id: siteId })
      .getOne();
  }

  async isRunning(runId: string): Promise<boolean> {
    const run = await tenantQuery(this.dataSource.manager, AutomationRun, 'r')
      .andWhere('r.run_id = :run_id', { run_id: runId })
      .getOne();
    return run?.status === 'running';
  }

  async estimate(siteId: number): Promise<RunEstimate> {
    const site = await this.site(siteId);
    return this.estimator.estimate(site.account_id, site.id, await this.configs.forSite(site));
  }

  /**
   * Starts a run (checks in order: site 404, the account status gate, 409 `automation_already_running`,
   * 400 `model_not_supported`, 402 `insufficient_credits`), then creates the run and its task, takes the
   * lock and queues the job. The route leaves the gate to this method so that an unknown site is a 404
   * whatever the account's status; developers pass it as everywhere, the scheduler does not.
   */
  async start(
    siteId: number,
    trigger: TriggerType,
    at = new Date(),
  ): Promise<{ task_id: string; run_id: string }> {
    const site = await this.site(siteId);
    if (this.context.principal?.role !== 'developer') checkAccountGate(site);
    const run = await this.dataSource.transaction(async (manager) => {
      await this.lock.guard(manager, site.id);
      await this.ensureFree(site.id, manager);
      if (!(await this.tasks.modelsSupported(site.account_id, site.id, manager))) {
        throw new ApiError(
          'model_not_supported',
          "The site's text or image model cannot be used: its provider has no adapter.",
        );
      }
      const config = await this.configs.forSite(site, manager);
      const estimate = await this.estimator.estimate(site.account_id, site.id, config, manager);
      this.requireCredits(estimate);
      const runId = newRunId();
      const taskId = await this.tasks.createParent(manager, site.id, { run_id: runId, site_id: site.id });
      let created: AutomationRun;
      try {
        created = await manager.save(
          manager.create(AutomationRun, {
            account_id: site.account_id,
            created_by: this.context.principal?.userId ?? null,
            run_id: runId,
            site_id: site.id,
            trigger_type: trigger,
            status: 'running',
            current_stage: 1,
            estimated_credits: estimate.estimated_credits,
            task_id: taskId,
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw this.alreadyRunning();
        throw error;
      }
      await this.configs.markStarted(site, at, manager);
      if (!(await this.lock.acquire(site.id, runId, (holder) => this.isRunning(holder))))
        throw this.alreadyRunning();
      await this.events.add(created, 'status', { status: 'running', stage: 1 }, manager);
      return created;
    });
    await this.log.write(run, 1, `Run started (${trigger}); estimated credits ${run.estimated_credits}.`);
    await this.enqueue(run);
    return { task_id: run.task_id as string, run_id: run.run_id };
  }

  async pause(runId: string): Promise<AutomationRun> {
    const run = await this.transition(runId, ['running'], 'paused', { paused_at: () => 'now()' });
    await this.log.write(run, run.current_stage, 'Paused.');
    return run;
  }

  async cancel(runId: string): Promise<AutomationRun> {
    const run = await this.transition(runId, ['running', 'paused'], 'cancelled', {
      cancelled_at: () => 'now()',
    });
    await this.log.write(run, run.current_stage, 'Cancelled.');
    return run;
  }

  /** From `paused`: re-checks the estimate of the remaining work (402, still paused), takes the lock, queues. */
  async resume(runId: string): Promise<AutomationRun> {
    const run = await this.dataSource.transaction(async (manager) => {
      const current = await this.find(runId, manager, true);
      if (current.status !== 'paused') throw this.invalidState(current.status);
      const site = await this.site(Number(current.site_id), manager);
      const estimate = await this.estimator.estimate(
        site.account_id,
        site.id,
        await this.configs.forSite(site, manager),
        manager,
      );
      this.requireCredits(estimate);
      if (!(await this.lock.acquire(site.id, current.run_id, (holder) => this.isRunning(holder)))) {
        throw this.alreadyRunning();
      }
      await manager.update(
        AutomationRun,
        { id: current.id },
        {
          status: 'running',
          resumed_at: () => 'now()',
          error_message: null,
        },
      );
      await this.events.add(current, 'status', { status: 'running', stage: current.current_stage }, manager);
      return this.find(runId, manager);
    });
    await this.log.write(run, run.current_stage, 'Resumed.');
    await this.enqueue(run);
    return run;
  }

  /** Queues the run's job (a new execution: a worker still finishing the previous one stops). */
  private async enqueue(run: AutomationRun): Promise<void> {
    try {
      await this.jobs.enqueue('run_automation', { run_id: run.run_id }, { siteId: Number(run.site_id) });
    } catch (error) {
      this.logger.warn(
        { run_id: run.run_id, reason: (error as Error).message },
        'The automation run could not be queued',
      );
      await this.dataSource.manager.update(
        AutomationRun,
        { id: run.id },
        {
          status: 'failed',
          error_message: 'The run could not be queued.',
          completed_at: () => 'now()',
        },
      );
      await this.lock.release(Number(run.site_id), run.run_id);
      if (run.task_id) {
        await this.tasks.progress(run.task_id, {
          status: 'failed',
          phase: 'INIT',
          percent: 0,
          message: 'The run could not be queued.',
          error: { error: 'The run could not be queued.', code: 'queue_error' },
        });
      }
      throw new ApiError('service_unavailable', 'The run could not be queued; try again later.');
    }
  }

  private async transition(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    stamps: Partial<Record<'paused_at' | 'cancelled_at', () => string>>,
  ): Promise<AutomationRun> {
    return this.dataSource.transaction(async (manager) => {
      const run = await this.find(runId, manager, true);
      if (!from.includes(run.status)) throw this.invalidState(run.status);
      await manager.update(AutomationRun, { id: run.id }, { status: to, current_item: null, ...stamps });
      await this.tasks.cancelQueued(run.run_id, manager);
      if (run.task_id) {
        await this.tasks.progress(
          run.task_id,
          {
            ...(to === 'cancelled' ? { status: 'cancelled' as const } : {}),
            phase: 'AI_CALL',
            percent: Math.round(((run.current_stage - 1) / 7) * 100),
            message: to === 'cancelled' ? 'Cancelled.' : `Paused at stage ${run.current_stage}.`,
            ...(to === 'cancelled'
              ? { result: { run_id: run.run_id, status: to, total_credits_used: run.total_credits_used } }
              : {}),
          },
          manager,
        );
      }
      await this.events.add(run, 'status', { status: to, stage: run.current_stage }, manager);
      await this.lock.release(Number(run.site_id), run.run_id);
      return this.find(runId, manager);
    });
  }

  private async ensureFree(siteId: number, manager: EntityManager): Promise<void> {
    if (await this.active(siteId, manager)) throw this.alreadyRunning();
    const holder = await this.lock.holder(siteId);
    if (holder !== null && (await this.isRunning(holder))) throw this.alreadyRunning();
  }

  private requireCredits(estimate: RunEstimate): void {
    if (estimate.sufficient) return;
    throw new ApiError('insufficient_credits', 'Not enough credits for this automation run.', {
      details: {
        estimated_credits: estimate.estimated_credits,
        required_credits: estimate.required_credits,
        balance: estimate.balance,
      },
    });
  }

  private alreadyRunning(): ApiError {
    return new ApiError('automation_already_running', 'An automation run is already active for this site.');
  }

  private invalidState(status: RunStatus): ApiError {
    return new ApiError('invalid_state', `The run is ${status}.`);
  }
}
