import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import {
  JOB_DEFINITIONS,
  type JobEnvelope,
  type JobName,
  JOB_LIMITS,
  type QueueLimitTable,
} from './job-catalogue.js';
import { BullJobDriver } from './bull-job.driver.js';
import { isRetryable, JobRunner } from './job-runner.js';

/** Consumer side of the Bull driver, started only by the worker entry point (`src/worker.ts`). */
@Injectable()
export class BullWorker {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly driver: BullJobDriver,
    private readonly runner: JobRunner,
    @Inject(JOB_LIMITS) private readonly limits: QueueLimitTable,
  ) {}

  start(): void {
    for (const [queueName, queue] of this.driver.allQueues()) {
      const limits = this.limits[queueName];
      void queue.process('*', limits.concurrency, async (job: Job<JobEnvelope>) => {
        try {
          return await this.runner.run(job.name, job.data, job.attemptsMade + 1, String(job.id));
        } catch (error) {
          if (!isRetryable(error, limits)) await job.discard();
          throw error;
        }
      });
      this.logger.log({ queue: queueName, concurrency: limits.concurrency }, 'Processing queue');
    }
  }

  /** Registers every cron job of the catalogue as a repeatable job and drops stale ones. */
  async registerRepeatableJobs(): Promise<void> {
    const wanted = new Map(
      (Object.keys(JOB_DEFINITIONS) as JobName[])
        .filter((name) => JOB_DEFINITIONS[name].cron)
        .map((name) => [name, JOB_DEFINITIONS[name]]),
    );
    for (const [queueName, queue] of this.driver.allQueues()) {
      for (const existing of await queue.getRepeatableJobs()) {
        const definition = wanted.get(existing.name as JobName);
        if (!definition || definition.queue !== queueName || definition.cron !== existing.cron) {
          await queue.removeRepeatableByKey(existing.key);
        }
      }
    }
    for (const [name, definition] of wanted) {
      const limits = this.limits[definition.queue];
      const envelope: JobEnvelope = {
        meta: { accountId: null, requestId: `cron:${name}`, system: true },
        payload: {},
      };
      await this.driver.queue(definition.queue).add(name, envelope, {
        repeat: { cron: definition.cron as string, tz: 'UTC' },
        attempts: limits.attempts,
        backoff: { type: limits.backoff.type, delay: limits.backoff.delayMs },
        removeOnComplete: true,
        removeOnFail: 100,
      });
    }
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    await Promise.all(this.driver.allQueues().map(([, queue]) => queue.close()));
  }
}
