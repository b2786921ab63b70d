import { Process, Processor } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bull';
import {
  JOB_LIMITS,
  type JobEnvelope,
  QUEUE_LIMITS,
  type QueueLimitTable,
  type QueueName,
} from './job-catalogue.js';
import { isRetryable, JobRunner } from './job-runner.js';

/**
 * What every queue's processor does with a job: run it through the JobRunner (envelope check,
 * fresh context, time limits), and drop the retries Bull would otherwise make when the queue's
 * policy says the failure is final.
 */
@Injectable()
export abstract class QueueProcessor {
  constructor(
    private readonly runner: JobRunner,
    @Inject(JOB_LIMITS) private readonly limits: QueueLimitTable,
  ) {}

  abstract handle(job: Job<JobEnvelope>): Promise<unknown>;

  protected async run(queue: QueueName, job: Job<JobEnvelope>): Promise<unknown> {
    try {
      return await this.runner.run(job.name, job.data, job.attemptsMade + 1, String(job.id));
    } catch (error) {
      if (!isRetryable(error, this.limits[queue])) await job.discard();
      throw error;
    }
  }
}

@Processor('ai')
export class AiQueueProcessor extends QueueProcessor {
  @Process({ name: '*', concurrency: QUEUE_LIMITS.ai.concurrency })
  handle(job: Job<JobEnvelope>): Promise<unknown> {
    return this.run('ai', job);
  }
}

@Processor('automation')
export class AutomationQueueProcessor extends QueueProcessor {
  @Process({ name: '*', concurrency: QUEUE_LIMITS.automation.concurrency })
  handle(job: Job<JobEnvelope>): Promise<unknown> {
    return this.run('automation', job);
  }
}

@Processor('publishing')
export class PublishingQueueProcessor extends QueueProcessor {
  @Process({ name: '*', concurrency: QUEUE_LIMITS.publishing.concurrency })
  handle(job: Job<JobEnvelope>): Promise<unknown> {
    return this.run('publishing', job);
  }
}

@Processor('billing')
export class BillingQueueProcessor extends QueueProcessor {
  @Process({ name: '*', concurrency: QUEUE_LIMITS.billing.concurrency })
  handle(job: Job<JobEnvelope>): Promise<unknown> {
    return this.run('billing', job);
  }
}

@Processor('maintenance')
export class MaintenanceQueueProcessor extends QueueProcessor {
  @Process({ name: '*', concurrency: QUEUE_LIMITS.maintenance.concurrency })
  handle(job: Job<JobEnvelope>): Promise<unknown> {
    return this.run('maintenance', job);
  }
}

/** One `@Processor` per queue; only the worker entry point registers them. */
export const QUEUE_PROCESSORS = [
  AiQueueProcessor,
  AutomationQueueProcessor,
  PublishingQueueProcessor,
  BillingQueueProcessor,
  MaintenanceQueueProcessor,
];
