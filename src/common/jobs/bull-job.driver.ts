import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { readyWithin, REDIS_COMMAND_TIMEOUT_MS, type RedisClients } from '../redis/redis.module.js';
import {
  JOB_DEFINITIONS,
  type JobEnvelope,
  type JobName,
  type QueueLimitTable,
  type QueueName,
} from './job-catalogue.js';
import { JobDriver } from './job-driver.js';
import { QueueUnavailableError } from './job-errors.js';

export const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600 };
/** After Redis was found gone during shutdown: how long Bull may still take to wind down. */
const CLOSE_AFTER_DISCONNECT_MS = 1000;
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'paused']);

/** Producer side of the Bull driver: puts jobs on the five Redis-backed queues, and closes them. */
@Injectable()
export class BullJobDriver extends JobDriver implements BeforeApplicationShutdown {
  private closing?: Promise<void>;

  constructor(
    private readonly queues: Map<QueueName, Queue>,
    private readonly limits: QueueLimitTable,
    private readonly clients: RedisClients,
  ) {
    super();
  }

  /**
   * Fails (QueueUnavailableError) when the queue's connection is down and does not come up within
   * REDIS_COMMAND_TIMEOUT_MS, instead of waiting for Redis.
   */
  async add(name: JobName, envelope: JobEnvelope): Promise<string> {
    const queueName = JOB_DEFINITIONS[name].queue;
    const limits = this.limits[queueName];
    const queue = this.queue(queueName);
    if (!(await readyWithin(queue.client, REDIS_COMMAND_TIMEOUT_MS)))
      throw new QueueUnavailableError(queueName);
    try {
      const job = await queue.add(name, envelope, {
        jobId: envelope.meta.taskId,
        attempts: limits.attempts,
        backoff: { type: limits.backoff.type, delay: limits.backoff.delayMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      });
      return String(job.id);
    } catch (error) {
      throw new QueueUnavailableError(queueName, error);
    }
  }

  async isLive(name: JobName, jobId: string): Promise<boolean> {
    const job = await this.queue(JOB_DEFINITIONS[name].queue).getJob(jobId);
    return job !== null && LIVE_STATES.has(await job.getState());
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue "${name}" is not registered`);
    return queue;
  }

  allQueues(): [QueueName, Queue][] {
    return [...this.queues.entries()];
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /**
   * Stops taking jobs and waits for the running ones; if Redis is or becomes unreachable meanwhile,
   * drops the connections so that nothing waits for it, and gives Bull a moment to wind down.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = Promise.all(this.allQueues().map(([, queue]) => queue.close())).then(
        () => 'closed' as const,
      );
      const outcome = await Promise.race([closed, this.clients.whenDown().then(() => 'down' as const)]);
      if (outcome === 'down') {
        this.clients.disconnectAll();
        await Promise.race([
          closed,
          new Promise((resolve) => setTimeout(resolve, CLOSE_AFTER_DISCONNECT_MS)),
        ]);
      }
    })();
    return this.closing;
  }
}
