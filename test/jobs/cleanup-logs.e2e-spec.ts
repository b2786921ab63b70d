import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import { createTestApp, testEnv, type TestApp } from '../support/app.js';
import { seedTenant } from '../support/tenants.js';

const HOUR = 3_600_000;

async function seedKeys(t: TestApp): Promise<void> {
  const { accountId } = await seedTenant(t.app);
  await t.app.get(DataSource).query(
    `INSERT INTO igny8_idempotency_keys (account_id, key, request_hash, expires_at)
     VALUES ($3, 'expired-1', repeat('a', 64), $1), ($3, 'expired-2', repeat('b', 64), $1), ($3, 'fresh', repeat('c', 64), $2)`,
    [new Date(Date.now() - HOUR), new Date(Date.now() + HOUR), accountId],
  );
  // AI task records: one older than the 90 days kept, one just younger
  await t.app.get(DataSource).query(
    `INSERT INTO igny8_ai_task_logs (account_id, task_id, function, status, created_at)
     VALUES ($1, gen_random_uuid(), 'auto_cluster', 'completed', now() - interval '91 days'),
            ($1, gen_random_uuid(), 'auto_cluster', 'completed', now() - interval '89 days')`,
    [accountId],
  );
}

async function remainingTaskLogs(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM igny8_ai_task_logs',
  );
  return n;
}

async function remainingKeys(dataSource: DataSource): Promise<string[]> {
  const rows: { key: string }[] = await dataSource.query(
    'SELECT key FROM igny8_idempotency_keys ORDER BY key',
  );
  return rows.map((row) => row.key);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Timed out waiting for the condition');
}

describe('cleanup_logs on the inline driver (no Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ redis: false });
  });
  afterAll(() => t.close());

  it('deletes only expired idempotency records and old task records, asynchronously after enqueue', async () => {
    const dataSource = t.app.get(DataSource);
    await seedKeys(t);
    await t.app.get(JobsService).enqueue('cleanup_logs', {});
    expect(await remainingKeys(dataSource)).toHaveLength(3);
    const [outcome] = await t.app.get(InlineJobDriver).drain();
    expect(outcome).toMatchObject({ state: 'completed', result: { idempotency_keys: 2, ai_task_logs: 1 } });
    expect(await remainingKeys(dataSource)).toEqual(['fresh']);
    expect(await remainingTaskLogs(dataSource)).toBe(1);
  });
});

describe.runIf(process.env.REDIS_URL)('cleanup_logs through Bull with a separate worker process', () => {
  let t: TestApp;
  let worker: ChildProcess;
  let workerOutput = '';

  beforeAll(async () => {
    t = await createTestApp();
    worker = spawn(process.execPath, ['dist/worker.js'], {
      env: { ...process.env, ...testEnv(t.db, t.tmp, { env: { QUEUE_PREFIX: t.config.redis.queuePrefix } }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
  });

  afterAll(async () => {
    if (worker.exitCode === null) worker.kill('SIGKILL');
    const queue = t.app.get<Queue>(getQueueToken('maintenance'));
    await queue.obliterate({ force: true });
    await t.close();
  });

  it('registers the repeatable job, runs the enqueued job in the worker and exits 0 on SIGTERM', async () => {
    const dataSource = t.app.get(DataSource);
    await seedKeys(t);
    const queue = t.app.get<Queue>(getQueueToken('maintenance'));

    await waitFor(
      async () => (await queue.getRepeatableJobs()).some((job) => job.name === 'cleanup_logs'),
      20_000,
    );
    const repeatable = (await queue.getRepeatableJobs()).find((job) => job.name === 'cleanup_logs');
    expect(repeatable).toMatchObject({ cron: '0 4 * * *', tz: 'UTC' });

    const jobId = await t.app.get(JobsService).enqueue('cleanup_logs', {});
    const job = await queue.getJob(jobId);
    expect(job?.data).toMatchObject({ meta: { accountId: null, system: true }, payload: {} });
    await expect(job?.finished()).resolves.toEqual({ idempotency_keys: 2, ai_task_logs: 1 });
    expect(await remainingKeys(dataSource)).toEqual(['fresh']);

    worker.kill('SIGTERM');
    const [code] = (await once(worker, 'exit')) as [number | null];
    expect(code, workerOutput).toBe(0);
  });
});
