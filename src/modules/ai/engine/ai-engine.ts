import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Notifier } from '../../notifications/notifier.service.js';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import type { JobPayloads } from '../../../common/jobs/job-catalogue.js';
import { PermanentJobError } from '../../../common/jobs/job-errors.js';
import { tenantQuery, tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { AlreadyChargedError, CreditMeter } from '../../billing/credit-meter.service.js';
import { Account } from '../../identity/entities/account.entity.js';
import type { CreditCostConfig } from '../../billing/entities/credit-cost-config.entity.js';
import { AiSettingsService } from '../config/ai-settings.service.js';
import { ModelRegistry } from '../config/model-registry.service.js';
import { AiTaskLog, type TaskPhase, type TaskStatus } from '../entities/ai-task-log.entity.js';
import { type AiProvider, ProviderError } from '../providers/ai-provider.js';
import { ProviderRouter } from '../providers/provider-router.js';
import { AiFunctionRegistry } from './ai-function.registry.js';
import { taskLogHold } from './task-credit-hold.js';
import {
  type ActionPayload,
  type AiFunction,
  type ItemError,
  mergeResult,
  ParseError,
  type ProviderAnswer,
  type ResultPatch,
  type TaskRun,
  type WorkItem,
} from './ai-function.js';

/** Saving stopped because the task is no longer running (timed out or cancelled meanwhile). */
class TaskEndedError extends Error {}

/** What every item of one task shares, looked up once per task. */
interface TaskTools {
  config: CreditCostConfig;
  provider: AiProvider;
}

interface Planned<TItem extends WorkItem> {
  item: TItem;
  estimate: number;
}

type ItemOutcome = 'saved' | 'already_saved' | 'failed';

/**
 * Shares of the progress bar (docs/domain-model.md#ai-engine): INIT 0–10, PREP 10–25, items 25–99, DONE 100.
 */
const ITEM_STEPS: TaskPhase[] = ['AI_CALL', 'PARSE', 'SAVE'];
/** The error of an item the credit re-check refused. */
const REFUSED = 'Not enough credits to process this item.';

/**
 * Runs AI tasks (docs/domain-model.md#ai-engine) as `ai_task` jobs: loads the task in the job's tenant, runs
 * the function's items through the six phases, charges each saved item in the transaction that saves it
 * (docs/domain-model.md#credits), records failures per item, and ends the task — completed, failed, or timed
 * out when the soft limit aborts the job — releasing whatever it still holds.
 */
@Injectable()
export class AiEngine {
  private readonly logger = new Logger('AiEngine');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly functions: AiFunctionRegistry,
    private readonly meter: CreditMeter,
    private readonly router: ProviderRouter,
    private readonly models: ModelRegistry,
    private readonly settings: AiSettingsService,
    private readonly notifier: Notifier,
  ) {}

  @JobHandler('ai_task')
  async run(job: JobPayloads['ai_task'], { signal }: JobRunContext): Promise<{ status: TaskStatus }> {
    const accountId = this.context.requirePrincipal().accountId;
    const claimed = await this.claim(accountId, job.task_id);
    if (claimed === 'missing')
      throw new PermanentJobError(`Task ${job.task_id} does not exist in account ${accountId}`);
    if ('ended' in claimed) return { status: claimed.ended };
    const { log, resumed } = claimed;
    const fn = this.functions.get(log.function);
    let timedOut: Promise<unknown> | undefined;
    const onTimeout = () => {
      timedOut = this.end(log, 'failed', null, {
        error: 'The task exceeded its time limit.',
        code: 'timeout',
      }).catch((error: unknown) =>
        this.logger.error({ task_id: log.task_id, err: error }, 'Could not end a timed-out task'),
      );
    };
    signal.addEventListener('abort', onTimeout, { once: true });
    try {
      const model = await this.models.getModel((log.payload as unknown as ActionPayload).model_id);
      if (!model) throw new Error('The task names a model that no longer exists');
      const run: TaskRun = {
        log,
        payload: log.payload as unknown as ActionPayload,
        accountId,
        siteId: log.site_id as number,
        model,
        settings: await this.settings.effective(accountId, log.site_id),
        resumed,
        signal,
      };
      const refused = await fn.refusal?.(run);
      if (refused) {
        await this.end(log, 'failed', null, refused);
        return { status: 'failed' };
      }
      const { status, result } = await this.execute(fn, run);
      if (!signal.aborted)
        await this.end(log, status, result, status === 'failed' ? this.everyItemFailed(result) : undefined);
      return { status: signal.aborted ? 'failed' : status };
    } catch (error) {
      if (signal.aborted) return { status: 'failed' };
      this.logger.error({ task_id: log.task_id, err: error }, 'AI task failed');
      await this.end(log, 'failed', null, { error: 'The task failed unexpectedly.', code: 'internal_error' });
      return { status: 'failed' };
    } finally {
      signal.removeEventListener('abort', onTimeout);
      await timedOut;
    }
  }

  private async execute(
    fn: AiFunction,
    run: TaskRun,
  ): Promise<{ status: 'completed' | 'failed'; result: ResultPatch }> {
    await this.progress(run, 'INIT', 0, 'Loading the items.');
    const items = await fn.load(run);
    const config = await this.meter.costConfig(this.dataSource.manager, fn.operation);
    const estimates = this.meter.itemEstimates(
      config,
      items.map((item) => item.units),
      run.model.credits_per_image ?? 0,
    );
    const saved = run.resumed ? (run.log.result as ResultPatch | null) : null;
    const result = mergeResult(fn.emptyResult(), saved ?? fn.initialResult?.(items, run) ?? {});
    const planned: Planned<WorkItem>[] = [];
    let succeeded = 0;
    for (const [index, item] of items.entries()) {
      if (run.resumed && (await fn.alreadySaved(this.dataSource.manager, item, run))) succeeded += 1;
      else if (item.ineligible)
        mergeResult(result, { errors: this.errorsOf(fn, item, item.ineligible, 'invalid_state') });
      else planned.push({ item, estimate: estimates[index] });
    }
    if (fn.begin && planned.length > 0) {
      await this.dataSource.transaction((manager) =>
        fn.begin!(
          manager,
          planned.map((p) => p.item),
          run,
        ),
      );
    }
    await this.progress(run, 'PREP', 10, 'Preparing the prompts.');
    const tools: TaskTools = { config, provider: await this.router.providerFor(run.model) };
    let attempted = 0;
    for (const [index, { item, estimate }] of planned.entries()) {
      run.signal.throwIfAborted();
      const covered = await this.meter.covers(
        this.dataSource.manager,
        run.accountId,
        taskLogHold(run.log.task_id),
        estimate,
      );
      if (!covered) {
        const refused = planned.slice(index).map((rest) => rest.item);
        if (run.payload.release_refused) {
          await this.refuse(fn, refused, run, result);
          break;
        }
        for (const item of refused) await this.fail(fn, item, run, result, REFUSED, 'insufficient_credits');
        attempted += refused.length;
        break;
      }
      attempted += 1;
      const outcome = await this.processItem(fn, item, estimate, tools, run, result, (step) =>
        this.progress(
          run,
          ITEM_STEPS[step],
          25 + Math.floor((74 * (index * 3 + step)) / (planned.length * 3)),
          this.stepMessage(step, index, planned.length),
        ),
      );
      if (outcome !== 'failed') succeeded += 1;
    }
    const failedAll = attempted > 0 && succeeded === 0;
    return { status: failedAll ? 'failed' : 'completed', result };
  }

  private async processItem(
    fn: AiFunction,
    item: WorkItem,
    estimate: number,
    tools: TaskTools,
    run: TaskRun,
    result: ResultPatch,
    step: (index: number) => Promise<void>,
  ): Promise<ItemOutcome> {
    if (await fn.alreadySaved(this.dataSource.manager, item, run)) return 'already_saved';
    let parsed: unknown;
    let answer: ProviderAnswer;
    try {
      await step(0);
      const call = await fn.buildCall(item, run);
      const { provider } = tools;
      if (call.kind === 'text') {
        const response = await provider.complete(call.request, run.signal);
        answer = { ...response, data: null };
      } else {
        const response = await provider.generateImage(call.request, run.signal);
        answer = { text: '', data: response.data, tokensInput: 0, tokensOutput: 0 };
      }
      run.signal.throwIfAborted();
      await step(1);
      parsed = await fn.parse(answer, item, run);
    } catch (error) {
      if (run.signal.aborted) throw error;
      if (error instanceof ProviderError || error instanceof ParseError) {
        await this.fail(fn, item, run, result, error.message, error.code);
        return 'failed';
      }
      throw error;
    }
    await step(2);
    try {
      await this.dataSource.transaction((manager) =>
        this.saveItem(manager, fn, item, estimate, tools.config, parsed, answer, run, result),
      );
      return 'saved';
    } catch (error) {
      await fn.discard?.(parsed);
      if (error instanceof AlreadyChargedError) return 'already_saved';
      if (error instanceof TaskEndedError) run.signal.throwIfAborted();
      throw error;
    }
  }

  /**
   * One transaction per item (docs/domain-model.md#credits): output, ledger entry, usage log, task totals.
   */
  private async saveItem(
    manager: EntityManager,
    fn: AiFunction,
    item: WorkItem,
    estimate: number,
    config: CreditCostConfig,
    parsed: unknown,
    answer: ProviderAnswer,
    run: TaskRun,
    result: ResultPatch,
  ): Promise<void> {
    await this.lockRunning(manager, run);
    if (await fn.alreadySaved(manager, item, run)) throw new AlreadyChargedError(`${item.type}:${item.id}`);
    const patch = await fn.save(manager, item, parsed, run);
    const cost = await this.meter.actualCredits(
      manager,
      config,
      run.model,
      answer.tokensInput,
      answer.tokensOutput,
    );
    const costUsd = this.models.calculateCostUsd(run.model, answer.tokensInput, answer.tokensOutput);
    const charged = await this.meter.charge(
      manager,
      {
        accountId: run.accountId,
        taskId: run.log.task_id,
        siteId: run.siteId,
        userId: run.log.user_id,
        operation: fn.operation,
        model: run.model,
        tokensInput: answer.tokensInput,
        tokensOutput: answer.tokensOutput,
        costUsd,
        itemType: item.type,
        itemId: item.id,
        itemEstimate: estimate,
      },
      cost,
      taskLogHold(run.log.task_id),
    );
    await fn.charged?.(manager, item, charged.credits, run);
    run.signal.throwIfAborted();
    const merged = mergeResult(structuredClone(result), patch);
    const sql = tenantSql(manager);
    const t = sql.table(AiTaskLog, 't');
    await sql.query`
      UPDATE ${t}
         SET credits_used = credits_used + ${charged.credits}, tokens_input = tokens_input + ${answer.tokensInput},
             tokens_output = tokens_output + ${answer.tokensOutput}, cost_usd = cost_usd + ${costUsd},
             model_used = ${run.model.model_name}, result = ${merged}, updated_at = now()
       WHERE ${t.scope} AND t.task_id = ${run.log.task_id}`;
    Object.assign(result, merged);
  }

  /** Records a failed item: its rows (function-specific) and its errors, kept on the task for a resumed job. */
  private async fail(
    fn: AiFunction,
    item: WorkItem,
    run: TaskRun,
    result: ResultPatch,
    message: string,
    code: string,
  ): Promise<void> {
    const errors = this.errorsOf(fn, item, message, code);
    await this.dataSource.transaction(async (manager) => {
      await this.lockRunning(manager, run);
      const patch = (await fn.markFailed?.(manager, item, errors[0], run)) ?? {};
      const merged = mergeResult(structuredClone(result), { ...patch, errors });
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      await sql.query`UPDATE ${t} SET result = ${merged}, updated_at = now() WHERE ${t.scope} AND t.task_id = ${run.log.task_id}`;
      Object.assign(result, merged);
    });
  }

  /**
   * Items refused for credits on a task that releases them (an automation run's): their errors are recorded
   * (code `insufficient_credits`) but their rows go back to where they were (`release`) instead of failing,
   * and they do not count as attempted.
   */
  private async refuse(fn: AiFunction, items: WorkItem[], run: TaskRun, result: ResultPatch): Promise<void> {
    const errors = items.flatMap((item) => this.errorsOf(fn, item, REFUSED, 'insufficient_credits'));
    await this.dataSource.transaction(async (manager) => {
      await this.lockRunning(manager, run);
      await fn.release?.(
        manager,
        run.log,
        items.map((item) => item.id),
      );
      const merged = mergeResult(structuredClone(result), { errors });
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      await sql.query`UPDATE ${t} SET result = ${merged}, updated_at = now() WHERE ${t.scope} AND t.task_id = ${run.log.task_id}`;
      Object.assign(result, merged);
    });
  }

  private everyItemFailed(result: ResultPatch): { error: string; code: string } {
    const [first] = (result.errors ?? []) as ItemError[];
    return {
      error: `Every item failed${first ? `: ${first.error}` : '.'}`,
      code: first?.code ?? 'internal_error',
    };
  }

  private errorsOf(fn: AiFunction, item: WorkItem, error: string, code: string): ItemError[] {
    return fn.errorsOf?.(item, error, code) ?? [{ item_type: item.type, item_id: item.id, error, code }];
  }

  /** Locks the task (see `lockTask`); it must still run. */
  private async lockRunning(manager: EntityManager, run: TaskRun): Promise<void> {
    const task = await this.lockTask(manager, run.accountId, run.log.task_id);
    if (task?.status !== 'running' || run.signal.aborted) throw new TaskEndedError();
  }

  /** Locks the account, then the task log (the order every credit transaction uses); returns the task's status and result. */
  private async lockTask(
    manager: EntityManager,
    accountId: number,
    taskId: string,
  ): Promise<{ status: TaskStatus; result: ResultPatch | null } | undefined> {
    const sql = tenantSql(manager);
    const a = sql.table(Account, 'a');
    await sql.query`SELECT a.id FROM ${a} WHERE ${a.scope} AND a.id = ${accountId} FOR UPDATE`;
    const t = sql.table(AiTaskLog, 't');
    const [task] = await sql.query<{ status: TaskStatus; result: ResultPatch | null }[]>`
      SELECT t.status, t.result FROM ${t} WHERE ${t.scope} AND t.task_id = ${taskId} FOR UPDATE`;
    return task;
  }

  /**
   * Takes the task for this attempt: `queued` → `running` (a `running` task is a retried or
   * taken-over job). Ended tasks (cancelled, completed, failed) are left alone.
   */
  private async claim(
    accountId: number,
    taskId: string,
  ): Promise<{ log: AiTaskLog; resumed: boolean } | { ended: TaskStatus } | 'missing'> {
    return this.dataSource.transaction(async (manager) => {
      const log = await tenantQuery(manager, AiTaskLog, 't')
        .setLock('pessimistic_write')
        .andWhere('t.task_id = :taskId AND t.account_id = :accountId', { taskId, accountId })
        .getOne();
      if (!log) return 'missing';
      if (log.status !== 'queued' && log.status !== 'running') return { ended: log.status };
      const resumed = log.status === 'running';
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      await sql.query`
        UPDATE ${t} SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
         WHERE ${t.scope} AND t.task_id = ${taskId}`;
      log.status = 'running';
      return { log, resumed };
    });
  }

  private async progress(run: TaskRun, phase: TaskPhase, percent: number, message: string): Promise<void> {
    const sql = tenantSql(this.dataSource.manager);
    const t = sql.table(AiTaskLog, 't');
    await sql.query`
      UPDATE ${t} SET phase = ${phase}, percent = GREATEST(percent, ${percent}), message = ${message}, updated_at = now()
       WHERE ${t.scope} AND t.task_id = ${run.log.task_id} AND t.status = 'running'`;
  }

  private stepMessage(step: number, index: number, total: number): string {
    const verb = ['Calling the AI model', 'Reading the answer', 'Saving the result'][step];
    return `${verb} for item ${index + 1} of ${total}.`;
  }

  /**
   * Ends the task once (completed, failed, timed out): final status, result and error in the
   * transaction that releases its remaining hold (docs/domain-model.md#credits).
   */
  async end(
    log: AiTaskLog,
    status: Exclude<TaskStatus, 'queued' | 'running'>,
    result: ResultPatch | null,
    failure?: { error: string; code: string },
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const task = await this.lockTask(manager, log.account_id, log.task_id);
      if (!task || (task.status !== 'running' && task.status !== 'queued')) return false;
      await this.meter.releaseTask(manager, log.account_id, taskLogHold(log.task_id));
      if (failure) await this.functions.get(log.function).abandon?.(manager, log, failure.error);
      // A running task that is cancelled (its automation run was) gives back the items it had begun.
      if (status === 'cancelled' && task.status === 'running') {
        const ids = (log.payload as unknown as ActionPayload).ids;
        await this.functions.get(log.function).release?.(manager, log, ids);
      }
      const done = status === 'completed';
      const message = done
        ? 'Done.'
        : status === 'cancelled'
          ? 'Cancelled.'
          : (failure?.error ?? 'Failed.').slice(0, 500);
      const sql = tenantSql(manager);
      const t = sql.table(AiTaskLog, 't');
      await sql.query`
        UPDATE ${t}
           SET status = ${status}, result = ${result ?? task.result}, error = ${failure?.error ?? null},
               error_code = ${failure?.code ?? null}, finished_at = now(), updated_at = now(),
               phase = CASE WHEN ${done} THEN 'DONE' ELSE phase END, percent = CASE WHEN ${done} THEN 100 ELSE percent END,
               message = ${message}
         WHERE ${t.scope} AND t.task_id = ${log.task_id}`;
      if (status === 'completed' || status === 'failed') await this.notifyEnd(manager, log, status, message);
      return true;
    });
  }

  /** `ai_task_completed` / `ai_task_failed` for the user who started the task (docs/system.md#notifications). */
  private notifyEnd(
    manager: EntityManager,
    log: AiTaskLog,
    status: 'completed' | 'failed',
    message: string,
  ): Promise<void> {
    const action = log.function.replace(/_/g, ' ');
    const done = status === 'completed';
    return this.notifier.notify(manager, {
      accountId: log.account_id,
      userId: log.user_id,
      siteId: log.site_id,
      type: done ? 'ai_task_completed' : 'ai_task_failed',
      severity: done ? 'success' : 'error',
      title: done ? `AI task done: ${action}` : `AI task failed: ${action}`,
      message: done ? `The ${action} task finished.` : message,
      metadata: { task_id: log.task_id, function: log.function },
    });
  }
}
