import { Inject, Injectable } from '@nestjs/common';
import {
  JOB_DEFINITIONS,
  type JobEnvelope,
  type JobName,
  JOB_LIMITS,
  type QueueLimitTable,
} from './job-catalogue.js';
import { BullJobDriver } from './bull-job.driver.js';

/**
 * The worker's part of the Bull driver beside the queue processors (`queue-processors.ts`):
 * the catalogue's repeatable jobs, and the shutdown.
 */
@Injectable()
export class BullWorker {
  constructor(
    private readonly driver: BullJobDriver,
    @Inject(JOB_LIMITS) private readonly limits: QueueLimitTable,
  ) {}

  /**
   * Registers every cron job of the catalogue as a repeatable job and drops stale ones (waiting for
   * Redis if need be; a shutdown meanwhile ends it quietly).
   */
  async registerRepeatableJobs(): Promise<void> {
    try {
      await this.syncRepeatableJobs();
    } catch (error) {
      if (!this.driver.closed) throw error;
    }
  }

  private async syncRepeatableJobs(): Promise<void> {
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

  /** Stops taking jobs, waits for the running ones to finish, then closes the queues within a bound. */
  close(): Promise<void> {
    return this.driver.close();
  }
}
