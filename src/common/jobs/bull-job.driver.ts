import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { setTimeout as sleep } from 'node:timers/promises';
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
import type { JobRunner } from './job-runner.js';

export const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600 };
/**
 * Once no job runs any more: how long closing the queues (Bull's own clean-up and the polite QUIT
 * of each connection) may take before the connections are dropped.
 */
export const CLOSE_AFTER_JOBS_MS = 3000;
/** After the connections were dropped during shutdown: how long Bull may still take to wind down. */
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
    private readonly runner: JobRunner,
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
   * Stops taking jobs, interrupts the running ones (their `interrupted` signal: a job that can stop
   * early and be continued, an automation run between items, does so) and waits for them (each within
   * its queue's hard time limit), then gives the queues CLOSE_AFTER_JOBS_MS to close. When that is not
   * enough (a connection that is reconnecting or gets no answer), or when Redis is or becomes
   * unreachable meanwhile, it drops every connection so that nothing waits for Redis, and gives Bull a
   * moment to wind down.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.runner.interrupt();
      const timers = new AbortController();
      const wait = (ms: number) => sleep(ms, false, { signal: timers.signal });
      // With Redis gone, Bull must not wait for its jobs (none could record its end anyway): that wait
      // reconnects Bull's blocking connection, and the failed reconnection rejects a promise that
      // nothing handles yet, which would end the worker with exit code 1.
      const doNotWaitJobs = this.clients.isDown;
      const closed = Promise.all(this.allQueues().map(([, queue]) => queue.close(doNotWaitJobs))).then(
        () => true,
      );
      const overdue = this.runner.whenIdle().then(() => wait(CLOSE_AFTER_JOBS_MS));
      const down = this.clients.whenDown().then(() => false);
      try {
        if (!(await Promise.race([closed, overdue, down]))) {
          this.clients.disconnectAll();
          await Promise.race([closed, wait(CLOSE_AFTER_DISCONNECT_MS)]);
        }
      } finally {
        timers.abort();
      }
    })();
    return this.closing;
  }
}
