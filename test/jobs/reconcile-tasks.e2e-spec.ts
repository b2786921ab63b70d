import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { JobDriver } from '../../src/common/jobs/job-driver.js';
import { JobRunner } from '../../src/common/jobs/job-runner.js';
import { insertTaskLog } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

const HARD_LIMIT_MS = 60_000;
const redis = process.env.REDIS_URL !== undefined;

describe(`reconcile_tasks (${redis ? 'Bull' : 'inline'} driver)`, () => {
  let t: TestApp;
  let db: DataSource;
  let tenant: SeededTenant;

  beforeAll(async () => {
    t = await createTestApp({
      env: { AI_SOFT_TIME_LIMIT_MS: '50000', AI_HARD_TIME_LIMIT_MS: String(HARD_LIMIT_MS) },
    });
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app);
  });

  afterAll(async () => {
    if (redis) {
      for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
    }
    await t.close();
  });

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const task = async (taskId: string) =>
    (
      await db.query<{ status: string; held_credits: number; error_code: string | null }[]>(
        'SELECT status, held_credits, error_code FROM igny8_ai_task_logs WHERE task_id = $1',
        [taskId],
      )
    )[0];
  const held = async () =>
    (
      await db.query<{ held_credits: number }[]>('SELECT held_credits FROM igny8_accounts WHERE id = $1', [
        tenant.accountId,
      ])
    )[0].held_credits;

  it('fails queued and running tasks past the hard limit with no live job and releases their holds', async () => {
    const lostQueued = await insertTaskLog(t, tenant.accountId, {
      heldCredits: 7,
      createdAt: ago(2 * HARD_LIMIT_MS),
    });
    const lostRunning = await insertTaskLog(t, tenant.accountId, { status: 'running', heldCredits: 5 });
    await db.query('UPDATE igny8_ai_task_logs SET started_at = $2 WHERE task_id = $1', [
      lostRunning,
      ago(2 * HARD_LIMIT_MS),
    ]);
    const recent = await insertTaskLog(t, tenant.accountId, {
      heldCredits: 3,
      createdAt: ago(HARD_LIMIT_MS / 2),
    });
    const finished = await insertTaskLog(t, tenant.accountId, {
      status: 'completed',
      createdAt: ago(2 * HARD_LIMIT_MS),
    });
    expect(await held()).toBe(15);

    await expect(runReconciler(t)).resolves.toEqual({ failed: 2 });

    for (const taskId of [lostQueued, lostRunning]) {
      expect(await task(taskId)).toMatchObject({
        status: 'failed',
        held_credits: 0,
        error_code: 'queue_error',
      });
    }
    expect(await task(recent)).toMatchObject({ status: 'queued', held_credits: 3 });
    expect(await task(finished)).toMatchObject({ status: 'completed' });
    expect(await held()).toBe(3);
    await expect(runReconciler(t)).resolves.toEqual({ failed: 0 });
  });

  it.runIf(redis)('leaves a task whose job still waits in its queue', async () => {
    const waiting = await insertTaskLog(t, tenant.accountId, {
      heldCredits: 2,
      createdAt: ago(2 * HARD_LIMIT_MS),
    });
    const driver = t.app.get(JobDriver);
    await driver.add('ai_task', {
      meta: { accountId: tenant.accountId, requestId: 'r', taskId: waiting, system: false },
      payload: { task_id: waiting, function: 'auto_cluster', payload: {} },
    });
    expect(await driver.isLive('ai_task', waiting)).toBe(true);
    await expect(runReconciler(t)).resolves.toEqual({ failed: 0 });
    expect(await task(waiting)).toMatchObject({ status: 'queued', held_credits: 2 });
  });
});

/** Runs `reconcile_tasks` the way either driver does: through the job runner, as a system job. */
function runReconciler(t: TestApp): Promise<unknown> {
  return t.app
    .get(JobRunner)
    .run(
      'reconcile_tasks',
      { meta: { accountId: null, requestId: 'reconcile', system: true }, payload: {} },
      1,
      'j',
    );
}
