import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import {
  JOB_DEFINITIONS,
  type JobEnvelope,
  type JobName,
  type QueueLimitTable,
  type QueueName,
} from './job-catalogue.js';
import { JobDriver } from './job-driver.js';

export const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** Producer side of the Bull driver: puts jobs on the five Redis-backed queues. */
@Injectable()
export class BullJobDriver extends JobDriver {
  constructor(
    private readonly queues: Map<QueueName, Queue>,
    private readonly limits: QueueLimitTable,
  ) {
    super();
  }

  async add(name: JobName, envelope: JobEnvelope): Promise<string> {
    const queueName = JOB_DEFINITIONS[name].queue;
    const limits = this.limits[queueName];
    const job = await this.queue(queueName).add(name, envelope, {
      attempts: limits.attempts,
      backoff: { type: limits.backoff.type, delay: limits.backoff.delayMs },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    });
    return String(job.id);
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue "${name}" is not registered`);
    return queue;
  }

  allQueues(): [QueueName, Queue][] {
    return [...this.queues.entries()];
  }
}
