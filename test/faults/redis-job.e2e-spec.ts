import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { addTasks, api, ARTICLE, credits, CREDITS_PER_ITEM, setPools, start, USAGE } from '../ai/support.js';
import { createTestApp, testEnv, type TestApp } from '../support/app.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { ROOT } from '../support/process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { seedTenant } from '../support/tenants.js';
import { eventually, within } from './support.js';

const ITEMS = 3;

describe.runIf(process.env.REDIS_URL && process.env.TEST_DATABASE_URL)(
  'Redis lost while a worker runs an AI task (worker behind a TCP proxy)',
  () => {
    let t: TestApp;
    let fake: FakeOpenAi;
    let proxy: TcpProxy;
    let worker: ChildProcess;
    let stdout = '';
    let stderr = '';
    let exited: Promise<[number | null, NodeJS.Signals | null]>;

    beforeAll(async () => {
      fake = await startFakeOpenAi();
      proxy = await TcpProxy.start(process.env.REDIS_URL as string);
      // A short lock: the outage outlasts it, so Bull also takes the job for stalled and runs it again.
      const env = {
        OPENAI_API_KEY: 'sk-fake',
        OPENAI_BASE_URL: fake.baseUrl,
        QUEUE_LOCK_DURATION_MS: '2000',
      };
      t = await createTestApp({ env });
      const workerEnv = testEnv(t.db, t.tmp, {
        env: {
          ...env,
          QUEUE_PREFIX: t.config.redis.queuePrefix,
          REDIS_URL: proxy.via(process.env.REDIS_URL as string),
          LOG_LEVEL: 'info',
        },
      });
      worker = spawn(process.execPath, [join(ROOT, 'dist', 'worker.js')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...workerEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      worker.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      exited = new Promise((done) => worker.once('exit', (code, signal) => done([code, signal])));
      await eventually(
        'the worker to start',
        () => Promise.resolve(stdout.includes('Worker started')),
        120_000,
      );
    });

    afterAll(async () => {
      await proxy.restore();
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      await t.close();
      await fake.close();
      await proxy.close();
    });

    it(
      'finishes the task once Redis is back: every item saved and charged exactly once',
      { timeout: 180_000 },
      async () => {
        const db = t.app.get(DataSource);
        const call = api(t);
        const tenant = await seedTenant(t.app);
        await setPools(t, tenant, 100, 0);
        const writerTasks = await addTasks(t, tenant, ITEMS, 1000);
        fake.script(
          'chat',
          Array.from({ length: ITEMS * 3 }, () => ({ delayMs: 700, json: ARTICLE, usage: USAGE })),
        );
        const taskId = await start(call, 'writer/tasks/auto_generate_content/', tenant.users.editor.auth, {
          ids: writerTasks,
        });
        const status = async () =>
          (
            await db.query<{ status: string }[]>('SELECT status FROM igny8_ai_task_logs WHERE task_id = $1', [
              taskId,
            ])
          )[0].status;

        await eventually(
          'the worker to call the provider',
          () => Promise.resolve(fake.requestsTo('chat').length > 0),
          60_000,
        );
        proxy.cut();
        await eventually('the worker to notice', () => Promise.resolve(/Redis is unreachable/.test(stdout)));
        // An outage longer than the job lock.
        await sleep(3000);
        await proxy.restore();
        await eventually(
          'the task to end',
          async () => !['queued', 'running'].includes(await status()),
          90_000,
        );

        expect(await status(), stdout).toBe('completed');
        const after = await credits(t, tenant);
        expect(after.ledger.map((entry) => entry.reference_id).sort()).toEqual(
          writerTasks.map((id) => `ai:${taskId}:task:${id}`).sort(),
        );
        expect(after).toMatchObject({ credits: 100 - ITEMS * CREDITS_PER_ITEM, held_credits: 0 });
        const saved = await db.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM igny8_content WHERE task_id = ANY($1::bigint[])',
          [writerTasks],
        );
        expect(saved[0].n).toBe(ITEMS);

        // The task can end before the worker's connections are back: stop it once Redis is reported up
        // again (some of its connections may still be waiting to reconnect), as it would be in production.
        await eventually('the worker to see Redis again', () =>
          Promise.resolve(/Redis is reachable again/.test(stdout)),
        );
        worker.kill('SIGTERM');
        const [code] = await within(10_000, 'worker exit after SIGTERM', exited);
        expect(code, stderr).toBe(0);
        expect(stderr).not.toMatch(/Unhandled error event/);
        expect(stdout.split('\n').filter((line) => /Redis is unreachable/.test(line))).toHaveLength(1);
        expect(stdout.split('\n').filter((line) => /Redis is reachable again/.test(line))).toHaveLength(1);
      },
    );
  },
);
