import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { createTestApp, testEnv, type TestApp } from '../support/app.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { ROOT } from '../support/process.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import {
  addContent,
  addTasks,
  api,
  type Api,
  ARTICLE,
  credits,
  CREDITS_PER_ITEM,
  type Json,
  setPools,
  settle,
  start,
  USAGE,
} from './support.js';

interface Pools {
  credits: number;
  bonus_credits: number;
  held_credits: number;
}

interface TaskRow {
  task_id: string;
  status: string;
  held_credits: number;
  credits_used: number;
  payload: { ids: number[] };
  result: Json | null;
}

function taskRows(t: TestApp, tenant: SeededTenant): Promise<TaskRow[]> {
  return t.app
    .get(DataSource)
    .query<TaskRow[]>(
      'SELECT task_id, status, held_credits, credits_used, payload, result FROM igny8_ai_task_logs WHERE account_id = $1 ORDER BY id',
      [tenant.accountId],
    );
}

/**
 * Reads the account's pools over and over until stopped: every state another transaction
 * committed meanwhile has a chance to be seen.
 */
function watchPools(t: TestApp, tenant: SeededTenant): () => Promise<Pools[]> {
  const db = t.app.get(DataSource);
  const seen: Pools[] = [];
  let watching = true;
  const read = async () => {
    const [pools] = await db.query<Pools[]>(
      'SELECT credits, bonus_credits, held_credits FROM igny8_accounts WHERE id = $1',
      [tenant.accountId],
    );
    seen.push(pools);
  };
  const loop = (async () => {
    while (watching) {
      await read();
      await sleep(2);
    }
  })();
  return async () => {
    watching = false;
    await loop;
    await read();
    return seen;
  };
}

describe('AI credits: hold at entry, charge per saved item (offline provider, inline jobs)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
  });

  afterAll(() => t.close());

  const drain = () => t.app.get(InlineJobDriver).drain();

  it('lets exactly the covered 10 of 50 concurrent one-credit actions through and never overdraws', async () => {
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 10, 0);
    const contentIds = await addContent(t, tenant, 50);

    const stopWatching = watchPools(t, tenant);
    const replies = await Promise.all(
      contentIds.map((id) =>
        call('POST', 'writer/content/generate_image_prompts/', tenant.users.editor.auth, { ids: [id] }),
      ),
    );
    await drain();
    const observed = await stopWatching();

    const accepted = contentIds.filter((_, index) => replies[index].status === 202);
    const refused = replies.filter((reply) => reply.status === 402);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const reply of refused) {
      expect(reply.body).toMatchObject({ code: 'insufficient_credits' });
      expect(reply.body.details).toEqual({
        required: 1,
        available: 0,
        operation_type: 'image_prompt_extraction',
      });
    }

    const tasks = await taskRows(t, tenant);
    expect(tasks).toHaveLength(10);
    expect(tasks.flatMap((task) => task.payload.ids).sort((a, b) => a - b)).toEqual(accepted);
    expect(tasks.map((task) => [task.status, task.held_credits, task.credits_used])).toEqual(
      tasks.map(() => ['completed', 0, 1]),
    );

    for (const pools of observed) {
      expect(pools.credits).toBeGreaterThanOrEqual(0);
      expect(pools.bonus_credits).toBeGreaterThanOrEqual(0);
      expect(pools.held_credits).toBeGreaterThanOrEqual(0);
      expect(pools.credits + pools.bonus_credits - pools.held_credits).toBeGreaterThanOrEqual(0);
    }
    const after = await credits(t, tenant);
    expect(after).toMatchObject({ credits: 0, bonus_credits: 0, held_credits: 0 });
    expect(after.ledger.reduce((sum, entry) => sum + entry.amount, 0)).toBe(
      after.credits + after.bonus_credits - 10,
    );
    expect(after.ledger.map((entry) => [entry.plan_amount, entry.bonus_amount])).toEqual(
      tasks.map(() => [-1, 0]),
    );
    expect(after.usage).toHaveLength(10);
    expect(new Set(after.usage.map((usage) => usage.transaction_id)).size).toBe(10);
    expect(after.usage.every((usage) => usage.transaction_id !== null && usage.credits_used === 1)).toBe(
      true,
    );
  });

  it('spends the plan pool before the bonus pool', async () => {
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 3, 100);
    // estimate: max(3, ceil(2000 / 100 * 0.25)) = 5
    const [writerTask] = await addTasks(t, tenant, 1, 2000);
    const taskId = await start(call, 'writer/tasks/auto_generate_content/', tenant.users.editor.auth, {
      ids: [writerTask],
    });
    const task = await settle(t, call, taskId, tenant.users.editor.auth);
    expect(task.status).toBe('completed');

    const after = await credits(t, tenant);
    expect(after.usage).toHaveLength(1);
    const charge = after.usage[0].credits_used;
    expect(charge).toBeGreaterThan(3);
    expect(task.credits_used).toBe(charge);
    expect(after.ledger).toEqual([
      {
        amount: -charge,
        plan_amount: -3,
        bonus_amount: -(charge - 3),
        reference_id: `ai:${taskId}:task:${writerTask}`,
      },
    ]);
    expect(after).toMatchObject({ credits: 0, bonus_credits: 100 - (charge - 3), held_credits: 0 });
    const [entry] = await db.query<{ id: number }[]>(
      'SELECT id FROM igny8_credit_transactions WHERE account_id = $1',
      [tenant.accountId],
    );
    expect(after.usage[0].transaction_id).toBe(entry.id);
    expect((await taskRows(t, tenant))[0].held_credits).toBe(0);
  });

  it.each([
    { tasks: 1, words: 2000, required: 5 },
    { tasks: 2, words: 1000, required: 6 },
  ])(
    'answers 402 with details when the estimate ($required) is not covered, holding and queueing nothing',
    async ({ tasks, words, required }) => {
      const tenant = await seedTenant(t.app);
      await setPools(t, tenant, 2, 2);
      const writerTasks = await addTasks(t, tenant, tasks, words);

      const reply = await call('POST', 'writer/tasks/auto_generate_content/', tenant.users.editor.auth, {
        ids: writerTasks,
      });

      expect(reply.status).toBe(402);
      expect(reply.body).toMatchObject({ code: 'insufficient_credits' });
      expect(reply.body.details).toEqual({ required, available: 4, operation_type: 'content_generation' });
      expect(await drain()).toEqual([]);
      expect(await taskRows(t, tenant)).toEqual([]);
      expect(await credits(t, tenant)).toEqual({
        credits: 2,
        bonus_credits: 2,
        held_credits: 0,
        ledger: [],
        usage: [],
      });
      const statuses = await db.query<{ status: string }[]>(
        'SELECT status FROM igny8_tasks WHERE id = ANY($1::bigint[])',
        [writerTasks],
      );
      expect(statuses.map((row) => row.status)).toEqual(writerTasks.map(() => 'queued'));
    },
  );

  it('neither holds nor charges an internal-plan account, and logs its usage without a ledger entry', async () => {
    const tenant = await seedTenant(t.app, { plan: 'internal' });
    await setPools(t, tenant, 2, 1);
    // An estimate of 10 against 3 available: a hold would have been refused with 402.
    const writerTasks = await addTasks(t, tenant, 2, 2000);
    const taskId = await start(call, 'writer/tasks/auto_generate_content/', tenant.users.editor.auth, {
      ids: writerTasks,
    });
    const task = await settle(t, call, taskId, tenant.users.editor.auth);
    expect(task).toMatchObject({
      status: 'completed',
      result: expect.objectContaining({ tasks_completed: 2 }),
    });

    const after = await credits(t, tenant);
    expect(after).toMatchObject({ credits: 2, bonus_credits: 1, held_credits: 0, ledger: [] });
    expect(after.usage).toHaveLength(2);
    expect(after.usage.every((usage) => usage.transaction_id === null && usage.credits_used >= 3)).toBe(true);
    expect(task.credits_used).toBe(after.usage.reduce((sum, usage) => sum + usage.credits_used, 0));
    expect((await taskRows(t, tenant))[0].held_credits).toBe(0);
  });
});

const WORKER_ENTRY = join(ROOT, 'dist', 'worker.js');

interface Worker {
  child: ChildProcess;
  readonly output: string;
  exited: Promise<number | null>;
}

/** `node dist/worker.js` with exactly `env` (plus PATH): never the test runner's own settings. */
function startWorker(env: Record<string, string>): Worker {
  if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run npm run build`);
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    get output() {
      return output;
    },
    exited,
  };
}

async function stopWorker(worker: Worker, signal: NodeJS.Signals): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill(signal);
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 15_000);
  await worker.exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe.runIf(process.env.REDIS_URL && process.env.TEST_DATABASE_URL)(
  'AI task whose worker is killed mid-job (Bull, separate worker processes)',
  () => {
    const ITEMS = 4;
    let t: TestApp;
    let call: Api;
    let db: DataSource;
    let fake: FakeOpenAi;
    let workerEnv: Record<string, string>;
    const workers: Worker[] = [];

    beforeAll(async () => {
      fake = await startFakeOpenAi();
      const env = {
        OPENAI_API_KEY: 'sk-fake',
        OPENAI_BASE_URL: fake.baseUrl,
        QUEUE_LOCK_DURATION_MS: '2000',
      };
      // The API process only enqueues: Bull jobs are processed by the worker processes alone.
      t = await createTestApp({ env });
      call = api(t);
      db = t.app.get(DataSource);
      workerEnv = testEnv(t.db, t.tmp, { env: { ...env, QUEUE_PREFIX: t.config.redis.queuePrefix } });
    });

    afterAll(async () => {
      for (const worker of workers) await stopWorker(worker, 'SIGTERM');
      for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      await t.close();
      await fake.close();
    });

    const savedContent = async (writerTasks: number[]) =>
      (
        await db.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM igny8_content WHERE task_id = ANY($1::bigint[])',
          [writerTasks],
        )
      )[0].n;

    it(
      'is taken over by another worker: every item saved and charged exactly once',
      { timeout: 120_000 },
      async () => {
        const tenant = await seedTenant(t.app);
        await setPools(t, tenant, 100, 0);
        const writerTasks = await addTasks(t, tenant, ITEMS, 1000);
        fake.script(
          'chat',
          Array.from({ length: ITEMS * 2 }, () => ({ delayMs: 500, json: ARTICLE, usage: USAGE })),
        );

        const workerA = startWorker(workerEnv);
        workers.push(workerA);
        const taskId = await start(call, 'writer/tasks/auto_generate_content/', tenant.users.editor.auth, {
          ids: writerTasks,
        });
        await waitFor('worker A to save an item', async () => (await savedContent(writerTasks)) >= 1, 60_000);
        workerA.child.kill('SIGKILL');
        await workerA.exited;

        const savedByA = await savedContent(writerTasks);
        expect(savedByA, workerA.output).toBeLessThan(ITEMS);
        expect((await taskRows(t, tenant))[0].status).toBe('running');

        const workerB = startWorker(workerEnv);
        workers.push(workerB);
        await waitFor(
          'worker B to finish the task',
          async () => !['queued', 'running'].includes((await taskRows(t, tenant))[0].status),
          60_000,
        );

        const [task] = await taskRows(t, tenant);
        expect(task.status, workerB.output).toBe('completed');
        const perTask = await db.query<{ task_id: number; id: number }[]>(
          'SELECT task_id, id FROM igny8_content WHERE task_id = ANY($1::bigint[]) ORDER BY task_id',
          [writerTasks],
        );
        expect(perTask.map((row) => row.task_id)).toEqual(writerTasks);
        expect(task.result).toMatchObject({ tasks_completed: ITEMS, tasks_failed: 0, errors: [] });
        expect((task.result?.content_ids as number[]).sort((a, b) => a - b)).toEqual(
          perTask.map((row) => row.id).sort((a, b) => a - b),
        );
        const statuses = await db.query<{ status: string }[]>(
          'SELECT status FROM igny8_tasks WHERE id = ANY($1::bigint[])',
          [writerTasks],
        );
        expect(statuses.map((row) => row.status)).toEqual(writerTasks.map(() => 'completed'));

        const after = await credits(t, tenant);
        expect(after.ledger.map((entry) => entry.reference_id).sort()).toEqual(
          writerTasks.map((id) => `ai:${taskId}:task:${id}`).sort(),
        );
        expect(after.ledger.map((entry) => entry.amount)).toEqual(writerTasks.map(() => -CREDITS_PER_ITEM));
        expect(after.usage.map((usage) => usage.credits_used)).toEqual(
          writerTasks.map(() => CREDITS_PER_ITEM),
        );
        const usageItems = await db.query<{ related_object_id: number }[]>(
          'SELECT related_object_id FROM igny8_credit_usage_logs WHERE account_id = $1 ORDER BY related_object_id',
          [tenant.accountId],
        );
        expect(usageItems.map((row) => row.related_object_id)).toEqual(writerTasks);
        expect(new Set(after.usage.map((usage) => usage.transaction_id)).size).toBe(ITEMS);
        expect(after).toMatchObject({
          credits: 100 - ITEMS * CREDITS_PER_ITEM,
          bonus_credits: 0,
          held_credits: 0,
        });
        expect(task).toMatchObject({ held_credits: 0, credits_used: ITEMS * CREDITS_PER_ITEM });

        const calls = fake.requestsTo('chat').length;
        expect(calls).toBeGreaterThanOrEqual(ITEMS);
        expect(calls).toBeLessThanOrEqual(ITEMS + 1);
      },
    );
  },
);
