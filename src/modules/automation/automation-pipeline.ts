import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { JobHandler, type JobRunContext } from '../../common/jobs/job-handler.decorator.js';
import type { JobPayloads } from '../../common/jobs/job-catalogue.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import type { ItemError } from '../ai/engine/ai-function.js';
import { type BatchTask, BatchTasks } from '../ai/engine/batch-tasks.js';
import type { TaskPhase } from '../ai/entities/ai-task-log.entity.js';
import { AutomationConfigService } from '../automation-config/automation-config.service.js';
import type { AutomationConfig } from '../automation-config/entities/automation-config.entity.js';
import { CreditMeter } from '../billing/credit-meter.service.js';
import { Notifier } from '../notifications/notifier.service.js';
import { IdeasService } from '../planner/ideas.service.js';
import type { PendingRow } from '../planner/planner-reads.js';
import { PublishingSettingsService } from '../publishing-settings/publishing-settings.service.js';
import { approveReviewedContent } from '../writer/writer-writes.js';
import { AutomationLock } from './automation-lock.js';
import { AutomationRecovery } from './automation-recovery.js';
import { AutomationRunsService } from './automation-runs.service.js';
import { AutomationRun, type StageResult } from './entities/automation-run.entity.js';
import { RunEvents } from './run-events.js';
import { RunLog } from './run-log.js';
import { runEndNotification } from './run-notifications.js';
import {
  batches,
  emptyStage,
  MAX_STAGE_ERRORS,
  STAGE_NUMBERS,
  STAGES,
  stageColumn,
  type StageNumber,
  stageResult,
} from './stages.js';

/** Why the worker stopped working on a run before its end. */
type Stop = 'paused' | 'cancelled' | 'superseded' | 'gone' | 'interrupted';

class Stopped extends Error {
  constructor(readonly reason: Stop) {
    super(`Run stopped: ${reason}`);
  }
}

/** Credits ran out mid-run: the run pauses itself. */
class OutOfCredits extends Error {}

/** What one execution of a run (one job) works with. */
interface Execution {
  run: AutomationRun;
  /** `resumed_at` when the execution began: a later resume starts another execution, and this one stops. */
  token: string | null;
  config: AutomationConfig;
  signal: AbortSignal;
  interrupted: AbortSignal;
}

const DELAY_STEP_MS = 1000;
/** The error code of an item the engine refused for credits (released, not failed). */
const REFUSED_CODE = 'insufficient_credits';

/**
 * The `run_automation` job (docs/automation.md): executes a run's stages strictly in order from its
 * `current_stage`. Each stage selects its eligible items when it starts (so items made earlier in the run
 * are included), works through them in batches that never mix sectors, and writes its result after every
 * batch. The run's status is read again after every item, so a pause or cancel takes effect after the
 * current one, and so does a shutdown of the process (the run is then continued by another worker, or by
 * the next start without Redis). A job run again after a worker died continues the stage: it first
 * finishes the AI task it was running (the engine skips the items already saved and charged) and drops
 * the tasks it had queued.
 */
@Injectable()
export class AutomationPipeline {
  private readonly logger = new Logger('AutomationPipeline');

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: AutomationRunsService,
    private readonly configs: AutomationConfigService,
    private readonly tasks: BatchTasks,
    private readonly meter: CreditMeter,
    private readonly ideas: IdeasService,
    private readonly publishing: PublishingSettingsService,
    private readonly lock: AutomationLock,
    private readonly events: RunEvents,
    private readonly log: RunLog,
    private readonly notifier: Notifier,
    private readonly recovery: AutomationRecovery,
  ) {}

  @JobHandler('run_automation')
  async run(
    job: JobPayloads['run_automation'],
    { signal, interrupted }: JobRunContext,
  ): Promise<{ status: string }> {
    const run = await this.load(job.run_id);
    if (run?.status === 'cancelled') await this.tasks.cancelAbandoned(run.run_id);
    if (!run || run.status !== 'running') return { status: run?.status ?? 'missing' };
    const site = await this.runs.site(Number(run.site_id), undefined, false);
    const execution: Execution = {
      run,
      token: run.resumed_at?.toISOString() ?? null,
      config: await this.configs.forSite(site),
      signal,
      interrupted,
    };
    if (!(await this.lock.acquire(site.id, run.run_id, (holder) => this.runs.isRunning(holder)))) {
      this.logger.warn({ run_id: run.run_id }, 'Another run holds the site lock; this execution stops');
      return { status: run.status };
    }
    await this.mirror(
      execution,
      'INIT',
      `Stage ${run.current_stage}: ${STAGES[run.current_stage as StageNumber].name}.`,
      'running',
    );
    try {
      for (const stage of STAGE_NUMBERS) {
        if (stage < run.current_stage) continue;
        await this.runStage(execution, stage);
        if (stage < 7) {
          await this.update(execution, { current_stage: stage + 1 });
          await this.wait(execution, execution.config.between_stage_delay);
        }
      }
      await this.complete(execution);
      return { status: 'completed' };
    } catch (error) {
      if (error instanceof Stopped) {
        if (error.reason === 'interrupted') await this.recovery.handOver(run);
        return { status: error.reason };
      }
      if (error instanceof OutOfCredits) {
        await this.autoPause(execution);
        return { status: 'paused' };
      }
      await this.fail(execution, error);
      return { status: 'failed' };
    }
  }

  private async runStage(execution: Execution, stage: StageNumber): Promise<void> {
    const { run } = execution;
    const definition = STAGES[stage];
    const previous = stageResult(run, stage);
    if (previous && ['completed', 'skipped'].includes(previous.status)) return;
    const siteId = Number(run.site_id);
    if (definition.fn) await this.settleLeftovers(execution, stage);
    const items = await definition.pending(this.dataSource.manager, siteId);
    const result: StageResult = previous
      ? { ...previous, status: 'running', items_total: previous.items_processed + items.length }
      : {
          ...emptyStage(stage),
          status: 'running',
          items_total: items.length,
          started_at: new Date().toISOString(),
        };
    if (definition.fn) result.credits_used = await this.stageCredits(run, stage);
    await this.writeStage(execution, stage, result);
    await this.events.add(run, 'stage', {
      stage,
      name: definition.name,
      status: 'running',
      items_total: result.items_total,
    });
    await this.log.write(run, stage, `Stage started: ${items.length} eligible items.`);

    if (stage === 7) return this.reviewGate(execution, result, items);
    if (items.length === 0 && result.items_processed === 0) {
      return this.endStage(execution, stage, { ...result, status: 'skipped', skip_reason: 'no_items' });
    }
    const size = execution.config[`stage_${stage}_batch_size`];
    const groups = batches(items, size);
    for (const [index, batch] of groups.entries()) {
      if (index > 0) await this.wait(execution, execution.config.within_stage_delay, stage, result);
      await this.checkpoint(execution, stage, result);
      if (definition.fn) await this.aiBatch(execution, stage, batch, result);
      else await this.queueIdeas(execution, batch, result);
    }
    const status = result.items_failed > 0 ? 'partial' : 'completed';
    await this.endStage(execution, stage, { ...result, status });
  }

  /** Stage 3: the ideas of the batch become writer tasks (the planner's queue-to-writer rule). */
  private async queueIdeas(execution: Execution, batch: PendingRow[], result: StageResult): Promise<void> {
    const queued = await this.ideas.queueToWriter(batch.map((row) => row.id));
    result.items_processed += batch.length;
    result.items_created += queued.created_count;
    result.items_failed += queued.skipped.length;
    for (const skip of queued.skipped) {
      this.addError(result, {
        item_type: 'idea',
        item_id: skip.idea_id,
        error: skip.reason,
        code: 'invalid_state',
      });
    }
    await this.afterItem(execution, 3, result, {
      type: 'idea',
      id: batch[batch.length - 1].id,
      label: `${batch.length} ideas`,
    });
  }

  /**
   * An AI batch: stage 1 is one task (one provider call per sector chunk); the others one task per item,
   * all created `queued` first, run one by one with the run's status checked between them.
   */
  private async aiBatch(
    execution: Execution,
    stage: StageNumber,
    batch: PendingRow[],
    result: StageResult,
  ): Promise<void> {
    const { run } = execution;
    const definition = STAGES[stage];
    await this.requireCredits(execution, stage);
    const groups =
      stage === 1
        ? [{ ids: batch.map((row) => row.id), sectorId: batch[0].sector_id }]
        : batch.map((row) => ({ ids: [row.id] }));
    const created = await this.tasks.createBatch(definition.fn!, Number(run.site_id), groups, {
      taskId: run.task_id as string,
      runId: run.run_id,
      stage,
    });
    for (const [index, task] of created.entries()) {
      if (index > 0) await this.checkpoint(execution, stage, result);
      await this.update(execution, {
        current_item: {
          type: definition.itemType,
          id: task.ids[0],
          label: `${definition.itemType} ${task.ids.join(', ')}`,
        },
      });
      const done = await this.tasks.run(task, execution);
      await this.count(execution, stage, done, result);
      await this.afterItem(execution, stage, result, {
        type: definition.itemType,
        id: task.ids[0],
        label: task.ids.join(', '),
      });
      if ((done.result?.errors as ItemError[] | undefined)?.some((e) => e.code === REFUSED_CODE)) {
        throw new OutOfCredits();
      }
    }
  }

  /** After a restart: the stage's task that was running is finished, the queued ones dropped. */
  private async settleLeftovers(execution: Execution, stage: StageNumber): Promise<void> {
    const result = stageResult(execution.run, stage);
    const leftovers = (await this.tasks.ofRun(execution.run.run_id, stage)).filter(
      (t) => t.status === 'running',
    );
    await this.tasks.cancelQueued(execution.run.run_id);
    for (const task of leftovers) {
      const done = await this.tasks.run(task, execution);
      if (result) await this.count(execution, stage, done, result);
      if (result) await this.writeStage(execution, stage, result);
    }
  }

  private async count(
    execution: Execution,
    stage: StageNumber,
    task: BatchTask,
    result: StageResult,
  ): Promise<void> {
    const all = (task.result?.errors as ItemError[] | undefined) ?? [];
    // Items refused for credits were released, not failed: the run pauses and takes them up on resume.
    const refused = new Set(all.filter((e) => e.code === REFUSED_CODE).map((e) => e.item_id));
    const errors = all.filter((e) => e.code !== REFUSED_CODE);
    const failedIds = new Set(errors.map((e) => e.item_id));
    const worked = Math.max(0, task.ids.length - refused.size);
    result.items_processed += worked;
    result.items_failed += Math.min(failedIds.size, worked);
    const created = STAGES[stage].created;
    if (created) result.items_created += Number(task.result?.[created] ?? 0);
    for (const error of errors) this.addError(result, error);
    result.credits_used = await this.stageCredits(execution.run, stage);
  }

  /** Stage 7: with auto-approval, content in review is approved; otherwise the stage is skipped. */
  private async reviewGate(execution: Execution, result: StageResult, items: PendingRow[]): Promise<void> {
    const siteId = Number(execution.run.site_id);
    if (!(await this.publishing.autoApprovalEnabled(siteId))) {
      return this.endStage(execution, 7, {
        ...result,
        status: 'skipped',
        skip_reason: 'auto_approval_disabled',
      });
    }
    if (items.length === 0)
      return this.endStage(execution, 7, { ...result, status: 'skipped', skip_reason: 'no_items' });
    const approved = await this.dataSource.transaction((manager) =>
      approveReviewedContent(
        manager,
        items.map((row) => row.id),
      ),
    );
    result.items_processed += items.length;
    result.items_created += approved;
    await this.endStage(execution, 7, { ...result, status: 'completed' });
  }

  private async endStage(execution: Execution, stage: StageNumber, result: StageResult): Promise<void> {
    const ended = { ...result, completed_at: new Date().toISOString() };
    await this.writeStage(execution, stage, ended);
    await this.events.add(execution.run, 'stage', {
      stage,
      status: ended.status,
      skip_reason: ended.skip_reason,
    });
    await this.log.write(
      execution.run,
      stage,
      `Stage ${ended.status}${ended.skip_reason ? ` (${ended.skip_reason})` : ''}: ${ended.items_processed} processed, ` +
        `${ended.items_created} created, ${ended.items_failed} failed, ${ended.credits_used} credits.`,
    );
  }

  /** After every item: result written, lock refreshed, progress mirrored, event. */
  private async afterItem(
    execution: Execution,
    stage: StageNumber,
    result: StageResult,
    item: { type: string; id: number; label: string },
  ): Promise<void> {
    await this.writeStage(execution, stage, result);
    await this.lock.refresh(Number(execution.run.site_id), execution.run.run_id);
    await this.events.add(execution.run, 'item', {
      stage,
      item,
      processed: result.items_processed,
      total: result.items_total,
      failed: result.items_failed,
      credits_used: result.credits_used,
    });
    await this.mirror(
      execution,
      'AI_CALL',
      `Stage ${stage}: ${STAGES[stage].name} — ${result.items_processed} of ${result.items_total}.`,
      undefined,
      stage,
      result,
    );
  }

  /**
   * Throws Stopped when the process is shutting down, or when the run was paused, cancelled or resumed
   * elsewhere meanwhile (the item is done).
   */
  private async checkpoint(execution: Execution, stage: StageNumber, result: StageResult): Promise<void> {
    // The process is shutting down: the run stays `running` and continues from this item elsewhere.
    if (execution.interrupted.aborted) throw new Stopped('interrupted');
    const current = await this.load(execution.run.run_id);
    const stop: Stop | null = !current
      ? 'gone'
      : current.status === 'paused' || current.status === 'cancelled'
        ? current.status
        : current.status !== 'running' || (current.resumed_at?.toISOString() ?? null) !== execution.token
          ? 'superseded'
          : null;
    if (!stop) return;
    if (stop === 'paused' || stop === 'cancelled') {
      await this.writeStage(execution, stage, { ...result, status: 'partial' });
      await this.tasks.cancelQueued(execution.run.run_id);
      if (stop === 'cancelled') await this.tasks.cancelAbandoned(execution.run.run_id);
      await this.lock.release(Number(execution.run.site_id), execution.run.run_id);
      await this.log.write(
        execution.run,
        stage,
        `Worker stopped (${stop}) after ${result.items_processed} items.`,
      );
    }
    throw new Stopped(stop);
  }

  private async requireCredits(execution: Execution, stage: StageNumber): Promise<void> {
    const { balance, internal } = await this.meter.available(
      this.dataSource.manager,
      Number(execution.run.account_id),
    );
    if (!internal && balance <= 0) throw new OutOfCredits(`stage ${stage}`);
  }

  private async autoPause(execution: Execution): Promise<void> {
    const { run } = execution;
    const current = await this.load(run.run_id);
    const stage = (current?.current_stage ?? run.current_stage) as StageNumber;
    const message = `Insufficient credits to continue stage ${stage}`;
    const result = current ? stageResult(current, stage) : null;
    if (result) await this.writeStage(execution, stage, { ...result, status: 'partial' });
    await this.settle(
      execution,
      { status: 'paused', paused_at: new Date(), error_message: message, current_item: null },
      { status: 'paused', stage, reason: 'insufficient_credits' },
    );
    await this.tasks.cancelQueued(run.run_id);
    await this.lock.release(Number(run.site_id), run.run_id);
    await this.mirror(execution, 'AI_CALL', `${message}.`);
    await this.log.write(run, stage, `${message}; the run is paused.`);
  }

  private async complete(execution: Execution): Promise<void> {
    const { run } = execution;
    const total = await this.totalCredits(run);
    await this.settle(
      execution,
      { status: 'completed', completed_at: new Date(), current_item: null, total_credits_used: total },
      { status: 'completed', stage: 7, total_credits_used: total },
    );
    await this.notifier.notify(this.dataSource.manager, runEndNotification(run, 'completed'));
    await this.lock.release(Number(run.site_id), run.run_id);
    if (run.task_id) {
      await this.tasks.progress(run.task_id, {
        status: 'completed',
        phase: 'DONE',
        percent: 100,
        message: 'Done.',
        result: { run_id: run.run_id, status: 'completed', total_credits_used: total },
      });
    }
    await this.log.write(run, 7, `Run completed; ${total} credits used.`);
  }

  private async fail(execution: Execution, error: unknown): Promise<void> {
    const { run } = execution;
    this.logger.error({ run_id: run.run_id, err: error }, 'Automation run failed');
    const message = `The run failed unexpectedly: ${(error as Error).message ?? String(error)}`.slice(
      0,
      2000,
    );
    const current = await this.load(run.run_id).catch(() => null);
    const stage = (current?.current_stage ?? run.current_stage) as StageNumber;
    const result = current ? stageResult(current, stage) : null;
    try {
      if (result)
        await this.writeStage(execution, stage, {
          ...result,
          status: 'failed',
          completed_at: new Date().toISOString(),
        });
      await this.settle(
        execution,
        { status: 'failed', error_message: message, completed_at: new Date(), current_item: null },
        { status: 'failed', stage, error: message },
      );
      await this.notifier.notify(this.dataSource.manager, runEndNotification(run, 'failed'));
      await this.tasks.cancelQueued(run.run_id);
      if (run.task_id) {
        await this.tasks.progress(run.task_id, {
          status: 'failed',
          phase: 'AI_CALL',
          percent: Math.round(((stage - 1) / 7) * 100),
          message,
          error: { error: message, code: 'internal_error' },
          result: { run_id: run.run_id, status: 'failed', total_credits_used: await this.totalCredits(run) },
        });
      }
      await this.log.write(run, stage, message);
    } finally {
      await this.lock.release(Number(run.site_id), run.run_id);
    }
  }

  /** Waits `seconds`, checking the run's status every second (a stop cuts the wait short). */
  private async wait(
    execution: Execution,
    seconds: number,
    stage?: StageNumber,
    result?: StageResult,
  ): Promise<void> {
    const until = Date.now() + seconds * 1000;
    const signal = AbortSignal.any([execution.signal, execution.interrupted]);
    while (Date.now() < until) {
      try {
        await sleep(Math.min(DELAY_STEP_MS, until - Date.now()), undefined, { signal });
      } catch (error) {
        // The process is shutting down: stopped as at a checkpoint, the run is continued elsewhere.
        if (execution.interrupted.aborted) throw new Stopped('interrupted');
        throw error;
      }
      if (stage !== undefined && result) await this.checkpoint(execution, stage, result);
    }
  }

  private async writeStage(execution: Execution, stage: StageNumber, result: StageResult): Promise<void> {
    const { run } = execution;
    run[stageColumn(stage)] = result;
    await this.update(execution, {
      [stageColumn(stage)]: result,
      total_credits_used: await this.totalCredits(run),
    });
  }

  /**
   * Pauses or ends the run: its new status and the `status` event announcing it commit together, so
   * an `events/` stream that finds the run ended has already been able to read its last event.
   */
  private async settle(
    execution: Execution,
    changes: Partial<AutomationRun>,
    event: Record<string, unknown>,
  ): Promise<void> {
    Object.assign(execution.run, changes);
    await this.dataSource.transaction(async (tx) => {
      await tx.update(AutomationRun, { id: execution.run.id }, changes);
      await this.events.add(execution.run, 'status', event, tx);
    });
  }

  private async update(execution: Execution, changes: Partial<AutomationRun>): Promise<void> {
    Object.assign(execution.run, changes);
    await this.dataSource.manager.update(AutomationRun, { id: execution.run.id }, changes);
  }

  private async mirror(
    execution: Execution,
    phase: TaskPhase,
    message: string,
    status?: 'running',
    stage = execution.run.current_stage as StageNumber,
    result?: StageResult,
  ): Promise<void> {
    if (!execution.run.task_id) return;
    const fraction = result && result.items_total > 0 ? result.items_processed / result.items_total : 0;
    await this.tasks.progress(execution.run.task_id, {
      ...(status ? { status } : {}),
      phase,
      percent: Math.min(99, ((stage - 1 + fraction) / 7) * 100),
      message,
    });
  }

  private addError(result: StageResult, error: ItemError | StageResult['errors'][number]): void {
    if (result.errors.length < MAX_STAGE_ERRORS) result.errors.push(error);
  }

  private async stageCredits(run: AutomationRun, stage: StageNumber): Promise<number> {
    return (await this.tasks.ofRun(run.run_id, stage)).reduce((sum, task) => sum + task.credits_used, 0);
  }

  private async totalCredits(run: AutomationRun): Promise<number> {
    return (await this.tasks.ofRun(run.run_id)).reduce((sum, task) => sum + task.credits_used, 0);
  }

  private load(runId: string): Promise<AutomationRun | null> {
    return tenantQuery(this.dataSource.manager, AutomationRun, 'r')
      .andWhere('r.run_id = :run_id', { run_id: runId })
      .getOne();
  }
}
