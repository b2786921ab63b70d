import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { describe, expect, it } from 'vitest';
import type { RequestContextStore } from '../../src/common/context/request-context.js';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { QUEUE_LIMITS, type JobEnvelope, type QueueLimitTable } from '../../src/common/jobs/job-catalogue.js';
import { PermanentJobError, TransientJobError } from '../../src/common/jobs/job-errors.js';
import type { JobHandlerFn } from '../../src/common/jobs/job-handler.decorator.js';
import { JobRegistry } from '../../src/common/jobs/job-registry.js';
import { JobRunner, JobSoftLimitError } from '../../src/common/jobs/job-runner.js';

type CleanupHandler = JobHandlerFn<'cleanup_logs'>;

const systemEnvelope: JobEnvelope<'cleanup_logs'> = {
  meta: { accountId: null, requestId: 'req-1', system: true },
  payload: {},
};

function build(handler: CleanupHandler, maintenance: Partial<QueueLimitTable['maintenance']> = {}) {
  const cls = new ClsService<RequestContextStore>(new AsyncLocalStorage());
  const context = new TenantContext(cls);
  const registry = new JobRegistry(undefined as never, undefined as never, undefined as never);
  registry.register('cleanup_logs', handler);
  const limits: QueueLimitTable = {
    ...QUEUE_LIMITS,
    maintenance: { ...QUEUE_LIMITS.maintenance, backoff: { type: 'fixed', delayMs: 5 }, ...maintenance },
  };
  const runner = new JobRunner(registry, context, limits);
  return { runner, context, driver: new InlineJobDriver(runner) };
}

describe('JobRunner', () => {
  it('runs a system job through runAsSystem with the envelope request id', async () => {
    let seen: { system: boolean; requestId?: string } | undefined;
    const { runner, context } = build(async () => {
      seen = { system: context.isSystem, requestId: context.requestId };
      return 'done';
    });
    await expect(runner.run('cleanup_logs', systemEnvelope, 1, 'j1')).resolves.toBe('done');
    expect(seen).toEqual({ system: true, requestId: 'req-1' });
  });

  it('rejects unknown jobs and envelopes without meta, without account, or of the wrong kind', async () => {
    const { runner } = build(async () => 'never');
    await expect(runner.run('nope', systemEnvelope, 1, 'j')).rejects.toBeInstanceOf(PermanentJobError);
    await expect(runner.run('cleanup_logs', { payload: {} }, 1, 'j')).rejects.toThrow(/envelope meta/);
    await expect(
      runner.run(
        'cleanup_logs',
        { meta: { accountId: null, requestId: 'r', system: false }, payload: {} },
        1,
        'j',
      ),
    ).rejects.toThrow(/no accountId/);
    await expect(
      runner.run(
        'cleanup_logs',
        { meta: { accountId: 5, requestId: 'r', system: false }, payload: {} },
        1,
        'j',
      ),
    ).rejects.toThrow(/must run as system job/);
  });

  it('aborts the signal at the soft limit so the job stops writing', async () => {
    const writes: number[] = [];
    const { runner } = build(
      async (_payload, { signal }) => {
        for (let i = 0; i < 100; i++) {
          if (signal.aborted) throw signal.reason;
          writes.push(i);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      },
      { softLimitMs: 35, hardLimitMs: 5000 },
    );
    await expect(runner.run('cleanup_logs', systemEnvelope, 1, 'j')).rejects.toBeInstanceOf(
      JobSoftLimitError,
    );
    const count = writes.length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes.length).toBe(count);
  });

  it('fails the job for good at the hard limit, even when the handler ignores the signal', async () => {
    const { runner } = build(() => new Promise(() => undefined), { softLimitMs: 10, hardLimitMs: 40 });
    await expect(runner.run('cleanup_logs', systemEnvelope, 1, 'j')).rejects.toThrow(/hard time limit/);
  });
});

describe('InlineJobDriver', () => {
  it('runs after the caller returns, never inside it', async () => {
    let started = false;
    const { driver } = build(async () => {
      started = true;
    });
    const jobId = await driver.add('cleanup_logs', systemEnvelope);
    expect(typeof jobId).toBe('string');
    expect(started).toBe(false);
    const [outcome] = await driver.drain();
    expect(started).toBe(true);
    expect(outcome).toMatchObject({ jobId, state: 'completed', attempts: 1 });
  });

  it('retries with the queue backoff up to its attempts, then succeeds', async () => {
    let calls = 0;
    const { driver } = build(async () => {
      calls++;
      if (calls < 3) throw new TransientJobError('provider busy');
      return 'ok';
    });
    await driver.add('cleanup_logs', systemEnvelope);
    const [outcome] = await driver.drain();
    expect(outcome).toMatchObject({ state: 'completed', attempts: 3, result: 'ok' });
  });

  it('gives up after the last attempt', async () => {
    let calls = 0;
    const { driver } = build(async () => {
      calls++;
      throw new Error('always');
    });
    await driver.add('cleanup_logs', systemEnvelope);
    const [outcome] = await driver.drain();
    expect(outcome.state).toBe('failed');
    expect(calls).toBe(QUEUE_LIMITS.maintenance.attempts);
  });

  it('retries only transient errors on a queue that says so, and never a permanent one', async () => {
    let calls = 0;
    const { driver } = build(
      async () => {
        calls++;
        throw new Error('bad model output');
      },
      { retryOn: 'transient' },
    );
    await driver.add('cleanup_logs', systemEnvelope);
    expect((await driver.drain())[0].state).toBe('failed');
    expect(calls).toBe(1);

    let permanentCalls = 0;
    const second = build(async () => {
      permanentCalls++;
      throw new PermanentJobError('no');
    });
    await second.driver.add('cleanup_logs', systemEnvelope);
    await second.driver.drain();
    expect(permanentCalls).toBe(1);
  });
});
