import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { JobsService } from '../../common/jobs/jobs.service.js';
import { CreditMeter } from '../billing/credit-meter.service.js';
import { AiSettingsService } from './config/ai-settings.service.js';
import type { ActionInput, ActionPayload, AiFunctionName } from './engine/ai-function.js';
import { AiFunctionRegistry } from './engine/ai-function.registry.js';
import { AiEngine } from './engine/ai-engine.js';
import { AiTaskLog } from './entities/ai-task-log.entity.js';
import { ProviderRouter } from './providers/provider-router.js';

/**
 * The AI entry points (docs/api-conventions.md#ai-actions-and-tasks): validate the ids (visible, one site),
 * resolve the model (400 `model_not_supported`), take the credit hold and create the task in one transaction
 * (402 `insufficient_credits`, nothing queued), then enqueue the job; answers `{task_id}` (and what the
 * function's `queued` adds). The entry points of modules that can be switched off (linker, optimizer) check
 * their module flag in their route guard before this runs (docs/module-settings.md).
 */
@Injectable()
export class AiActionsService {
  private readonly logger = new Logger('AiActions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly functions: AiFunctionRegistry,
    private readonly settings: AiSettingsService,
    private readonly router: ProviderRouter,
    private readonly meter: CreditMeter,
    private readonly jobs: JobsService,
    private readonly engine: AiEngine,
  ) {}

  async start(
    name: AiFunctionName,
    input: ActionInput,
    origin: string,
  ): Promise<{ task_id: string } & Record<string, unknown>> {
    const fn = this.functions.get(name);
    const plan = await fn.validate(input);
    const principal = this.context.requirePrincipal();
    const settings = await this.settings.effective(principal.accountId, plan.siteId);
    const model = fn.modelType === 'text' ? settings.text_model : settings.image_model;
    if (!this.router.supports(model)) {
      throw new ApiError(
        'model_not_supported',
        `The model "${model.model_name}" cannot be used: its provider has no adapter.`,
      );
    }
    const payload: ActionPayload = {
      ids: [...new Set(input.ids)],
      ...(input.sector_id !== undefined ? { sector_id: input.sector_id } : {}),
      model_id: model.id,
      origin,
      ...(input.options ? { options: input.options } : {}),
    };
    const { log, extra } = await this.dataSource.transaction(async (manager) => {
      const config = await this.meter.costConfig(manager, fn.operation);
      const internal = await this.meter.isInternal(manager, principal.accountId);
      const estimate = internal
        ? 0
        : this.meter
            .itemEstimates(config, plan.units, model.credits_per_image ?? 0)
            .reduce((sum, n) => sum + n, 0);
      await this.meter.hold(manager, principal.accountId, estimate, fn.operation);
      const created = await manager.save(
        manager.create(AiTaskLog, {
          task_id: randomUUID(),
          account_id: principal.accountId,
          site_id: plan.siteId,
          user_id: principal.userId,
          function: name,
          status: 'queued',
          payload: payload as unknown as Record<string, unknown>,
          held_credits: estimate,
          message: 'Waiting in the queue.',
        }),
      );
      const added = fn.queued
        ? await fn.queued(
            manager,
            { task_id: created.task_id, site_id: plan.siteId, user_id: principal.userId },
            input,
          )
        : {};
      return { log: created, extra: added };
    });
    try {
      await this.jobs.enqueue(
        'ai_task',
        { task_id: log.task_id, function: name, payload: payload as unknown as Record<string, unknown> },
        { taskId: log.task_id, siteId: plan.siteId },
      );
    } catch (error) {
      // Redis is away (its state change is logged once by the Redis clients): undo the hold and the
      // task; if even that fails, the task reconciler ends them once the task is past its time limit.
      this.logger.warn(
        { task_id: log.task_id, reason: (error as Error).message },
        'The AI task could not be queued',
      );
      await this.engine
        .end(log, 'failed', null, { error: 'The task could not be queued.', code: 'queue_error' })
        .catch((err: unknown) =>
          this.logger.error({ task_id: log.task_id, err }, 'Could not release the hold of an unqueued task'),
        );
      throw new ApiError('service_unavailable', 'The task could not be queued; try again later.');
    }
    return { task_id: log.task_id, ...extra };
  }
}
