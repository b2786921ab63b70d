import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import Bull, { type Job, type Queue } from 'bull';
import { Redis } from 'ioredis';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestContextStore } from '../../src/common/context/request-context.js';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { BullJobDriver, CLOSE_AFTER_JOBS_MS } from '../../src/common/jobs/bull-job.driver.js';
import {
  type JobEnvelope,
  QUEUE_LIMITS,
  QUEUE_NAMES,
  type QueueName,
} from '../../src/common/jobs/job-catalogue.js';
import { JobRegistry } from '../../src/common/jobs/job-registry.js';
import { JobRunner } from '../../src/common/jobs/job-runner.js';
import { RedisClients } from '../../src/common/redis/redis.module.js';
import { eventually, within } from '../faults/support.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const envelope: JobEnvelope<'cleanup_logs'> = {
  meta: { accountId: null, requestId: 'req-close', system: true },
  payload: {},
};

/**
 * Closing the Bull queues (the worker's shutdown) is bounded once no job runs: connections that get
 * no answer (behind a stalled proxy: no error, so Redis is never reported down) can neither hold the
 * shutdown up nor cut short a job that is still running. Real Redis, through a proxy the test controls.
 */
describe.runIf(process.env.REDIS_URL)('BullJobDriver.close', () => {
  const url = process.env.REDIS_URL as string;
  const prefix = `close-test-${process.pid}`;
  let proxy: TcpProxy;
  let clients: RedisClients;
  let queues: Map<QueueName, Queue>;
  let connections: Redis[];
  let inspector: Redis;
  let runner: JobRunner;
  let started: Promise<void>;
  let release: () => void;

  beforeEach(async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    proxy = await TcpProxy.start(url);
    inspector = new Redis(url);
    // Every connection through the proxy, with the options redisOptions() gives the app's.
    clients = new RedisClients({
      host: '127.0.0.1',
      port: proxy.port,
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    });
    connections = [];
    queues = new Map(
      QUEUE_NAMES.map((name) => [
        name,
        new Bull(name, {
          prefix,
          createClient: () => {
            const connection = clients.create('background');
            connections.push(connection);
            return connection;
          },
        }),
      ]),
    );

    const registry = new JobRegistry(undefined as never, undefined as never, undefined as never);
    const running = new Promise<void>((resolve) => (release = resolve));
    started = new Promise((resolve) =>
      registry.register('cleanup_logs', () => {
        resolve();
        return running;
      }),
    );
    const context = new TenantContext(new ClsService<RequestContextStore>(new AsyncLocalStorage()));
    runner = new JobRunner(registry, context, QUEUE_LIMITS);
    for (const queue of queues.values()) {
      void queue.process('*', 1, (job: Job<JobEnvelope>) =>
        runner.run(job.name, job.data, 1, String(job.id)),
      );
    }
    // Every queue waits for jobs: its blocking connection (which Bull names after the prefix and the
    // queue) is in BRPOPLPUSH, so its start-up, whose commands would fail once the test drops the
    // connections, is over.
    await eventually('the queues to wait for jobs', async () => {
      const list = (await inspector.client('LIST')) as string;
      const waiting = list
        .split('\n')
        .filter((line) => line.includes(` name=${prefix}:`) && line.includes(' cmd=brpoplpush '));
      return waiting.length === QUEUE_NAMES.length;
    });
  });

  afterEach(async () => {
    release();
    // Lets the stalled connections answer and end, so that nothing of theirs fails afterwards.
    await proxy.restore();
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await clients.closeAll();
    await proxy.close();
    const keys = await inspector.keys(`${prefix}:*`);
    if (keys.length > 0) await inspector.del(...keys);
    inspector.disconnect();
    vi.restoreAllMocks();
  });

  const close = () => new BullJobDriver(queues, QUEUE_LIMITS, clients, runner).close();

  it('ends every connection when Redis answers', async () => {
    await within(CLOSE_AFTER_JOBS_MS + 5000, 'closing the queues', close());
    await clients.closeAll();
    // Including the blocking connections that Bull ends and connects again when it stops taking jobs.
    await eventually('every connection to end', () =>
      Promise.resolve(connections.every((connection) => connection.status === 'end')),
    );
  });

  it('drops the connections that do not close, instead of waiting for them', async () => {
    proxy.stall();
    await within(CLOSE_AFTER_JOBS_MS + 5000, 'closing the queues', close());
    // Nothing reported Redis down: the outage shortcut of close() played no part.
    expect(clients.isDown).toBe(false);
  });

  it('closes at once, Bull included, when Redis is known to be gone', async () => {
    proxy.cut();
    await eventually('Redis to be reported down', () => Promise.resolve(clients.isDown));
    await within(CLOSE_AFTER_JOBS_MS, 'closing the queues', close());
    // Bull's own close goes on after the driver's; it must end too, without a rejection left unhandled.
    await within(
      CLOSE_AFTER_JOBS_MS,
      'Bull closing the queues',
      Promise.all([...queues.values()].map((queue) => queue.close())),
    );
  });

  it('still waits for a running job before it drops them', async () => {
    // Run the way a queue's processor runs it (whose own completion, behind the stalled proxy, could
    // not be recorded anyway).
    const job = runner.run('cleanup_logs', envelope, 1, 'j1');
    await started;
    proxy.stall();
    const events: string[] = [];
    const closing = close().then(() => events.push('closed'));
    setTimeout(() => {
      events.push('job released');
      release();
    }, CLOSE_AFTER_JOBS_MS + 2000);
    await within(2 * CLOSE_AFTER_JOBS_MS + 5000, 'closing the queues after the job', closing);
    expect(events).toEqual(['job released', 'closed']);
    await job;
  });
});
