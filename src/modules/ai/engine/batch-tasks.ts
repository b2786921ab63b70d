import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import type { JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { AiSettingsService } from '../config/ai-settings.service.js';
import { AiTaskLog, type TaskPhase, type TaskStatus } from '../entities/ai-task-log.entity.js';
import { ProviderRouter } from '../providers/provider-router.js';
import type { AiFunctionName, ResultPatch } from './ai-function.js';
import { AiFunctionRegistry } from './ai-function.registry.js';
import { AiEngine } from './ai-engine.js';

/** One AI task another module runs itself, inside its own job (docs/automation.md#stages). */
export interface BatchTask {
  task_id: string;
  function: AiFunctionName;
  status: TaskStatus;
  ids: number[];
  credits_used: number;
  result: ResultPatch | null;
}

/** What a parent task (an automation run) shows on `system/tasks/{id}/`. */
export interface ParentProgress {
  status?: TaskStatus;
  phase: TaskPhase;
  percent: number;
  message: string;
  result?: Record<string, unknown> | null;
  error?: { error: string; code: string } | null;
}

/**
 * AI work driven by another module's job rather than by an HTTP action (the automation pipeline): the
 * caller creates the tasks of a batch (`queued`, no credit hold: the caller checked its own estimate),
 * runs them one by one in its own job through the engine (items charged per save, exactly once: a task
 * run again skips its saved items), cancels the ones it no longer wants, and keeps its own parent task
 * (`run_automation`) up to date. The tasks carry `parent` in their payload so they can be found again
 * after a restart.
 */
@Injectable()
export class BatchTasks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly engine: AiEngine,
    private readonly functions: AiFunctionRegistry,
    private readonly settings: AiSettingsService,
    private readonly router: ProviderRouter,
  ) {}

  /** Whether the site's effective text and image models can be called (their provider has an adapter). */
  async modelsSupported(
    accountId: number,
    siteId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const settings = await this.settings.effective(accountId, siteId, manager);
    return this.router.supports(settings.text_model) && this.router.supports(settings.image_model);
  }

  /** The parent task of background work (`run_automation`), `queued`, without a hold. */
  async createParent(
    manager: EntityManager,
    siteId: number,
    payload: Record<string, unknown>,
  ): Promise<string> {
    const principal = this.context.requirePrincipal();
    const log = await manager.save(
      manager.create(AiTaskLog, {
        task_id: randomUUID(),
        account_id: principal.accountId,
        site_id: siteId,
        user_id: principal.userId,
        function: 'run_automation',
        status: 'queued',
        payload,
        held_credits: 0,
        message: 'Waiting in the queue.',
      }),
    );
    return log.task_id;
  }

  /** Mirrors the parent's state; an ended parent (completed, failed, cancelled) is left alone. */
  async progress(taskId: string, progress: ParentProgress, manager?: EntityManager): Promise<void> {
    const sql = tenantSql(manager ?? this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    const ending = progress.status !== undefined && !['queued', 'running'].includes(progress.status);
    await sql.query`
      UPDATE ${t}
         SET status = COALESCE(${progress.status ?? null}, t.status), phase = ${progress.phase},
             percent = ${Math.max(0, Math.min(100, Math.round(progress.percent)))}, message = ${progress.message.slice(0, 500)},
             result = CASE WHEN ${progress.result !== undefined} THEN ${progress.result ?? null}::jsonb ELSE t.result END,
             error = CASE WHEN ${progress.error !== undefined} THEN ${progress.error?.error ?? null} ELSE t.error END,
             error_code = CASE WHEN ${progress.error !== undefined} THEN ${progress.error?.code ?? null} ELSE t.error_code END,
             started_at = CASE WHEN ${progress.status === 'running'} THEN COALESCE(t.started_at, now()) ELSE t.started_at END,
             finished_at = CASE WHEN ${ending} THEN now() ELSE t.finished_at END,
             updated_at = now()
       WHERE ${t.scope} AND t.task_id = ${taskId} AND t.status IN ('queued', 'running')`;
  }

  /**
   * Creates one `queued` task per group of ids for `name` on `siteId` (with the site's effective model of
   * the function's kind), tagged with `parent`.
   */
  async createBatch(
    name: AiFunctionName,
    siteId: number,
    groups: readonly { ids: number[]; sectorId?: number }[],
    parent: { taskId: string; runId: string; stage: number },
  ): Promise<BatchTask[]> {
    const principal = this.context.requirePrincipal();
    const settings = await this.settings.effective(principal.accountId, siteId);
    const model = this.functions.get(name).modelType === 'text' ? settings.text_model : settings.image_model;
    const rows = groups.map((group) =>
      this.dataSource.manager.create(AiTaskLog, {
        task_id: randomUUID(),
        account_id: principal.accountId,
        site_id: siteId,
        user_id: principal.userId,
        function: name,
        status: 'queued',
        payload: {
          ids: group.ids,
          ...(group.sectorId !== undefined ? { sector_id: group.sectorId } : {}),
          model_id: model.id,
          parent_task_id: parent.taskId,
          automation_run_id: parent.runId,
          automation_stage: parent.stage,
          release_refused: true,
        },
        held_credits: 0,
        message: 'Waiting for the automation run.',
      }),
    );
    await this.dataSource.manager.save(rows);
    return rows.map((row) => present(row));
  }

  /** Runs (or, after a restart, resumes) one task of a batch inside the caller's job (its signals). */
  async run(task: BatchTask, job: Pick<JobRunContext, 'signal' | 'interrupted'>): Promise<BatchTask> {
    await this.engine.run(
      { task_id: task.task_id, function: task.function, payload: { ids: task.ids } },
      { ...job, attempt: 1, jobId: task.task_id, meta: { accountId: null, requestId: '', system: false } },
    );
    return (await this.find([task.task_id]))[0] ?? task;
  }

  /** The tasks of a run (optionally one stage), oldest first. */
  async ofRun(runId: string, stage?: number): Promise<BatchTask[]> {
    const sql = tenantSql(this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    const rows = await sql.query<AiTaskLog[]>`
      SELECT t.* FROM ${t}
       WHERE ${t.scope} AND t.payload->>'automation_run_id' = ${runId}
         AND (${stage ?? null}::int IS NULL OR (t.payload->>'automation_stage')::int = ${stage ?? null}::int)
       ORDER BY t.id`;
    return rows.map((row) => present(row));
  }

  /** Cancels the run's tasks that have not started; returns how many. */
  async cancelQueued(runId: string, manager?: EntityManager): Promise<number> {
    const sql = tenantSql(manager ?? this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    const [, count] = await sql.query<[unknown[], number]>`
      UPDATE ${t} SET status = 'cancelled', message = 'Cancelled.', finished_at = now(), updated_at = now()
       WHERE ${t.scope} AND t.payload->>'automation_run_id' = ${runId} AND t.status = 'queued'`;
    return count;
  }

  /**
   * Ends the run's tasks still `running` although no worker works on them any more (the worker died and the
   * run was cancelled meanwhile) as `cancelled`: their function releases the items they had begun (writer
   * tasks back to `queued`). Returns how many. Only for a run whose worker stopped.
   */
  async cancelAbandoned(runId: string, manager?: EntityManager): Promise<number> {
    const sql = tenantSql(manager ?? this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    const rows = await sql.query<AiTaskLog[]>`
      SELECT t.* FROM ${t} WHERE ${t.scope} AND t.payload->>'automation_run_id' = ${runId} AND t.status = 'running'`;
    let ended = 0;
    for (const row of rows) if (await this.engine.end(row, 'cancelled', null)) ended += 1;
    return ended;
  }

  private async find(taskIds: string[]): Promise<BatchTask[]> {
    const sql = tenantSql(this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    const rows = await sql.query<AiTaskLog[]>`
      SELECT t.* FROM ${t} WHERE ${t.scope} AND t.task_id = ANY(${taskIds}::uuid[])`;
    return rows.map((row) => present(row));
  }
}

function present(row: AiTaskLog): BatchTask {
  const payload = row.payload as { ids?: unknown };
  return {
    task_id: row.task_id,
    function: row.function as AiFunctionName,
    status: row.status,
    ids: Array.isArray(payload.ids) ? payload.ids.map(Number) : [],
    credits_used: Number(row.credits_used),
    result: row.result as ResultPatch | null,
  };
}
