import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { setPools } from '../ai/support.js';
import { eventually } from '../faults/support.js';
import { createTestApp, testEnv, type TestApp } from '../support/app.js';
import { ROOT } from '../support/process.js';
import { seedTenant } from '../support/tenants.js';
import {
  api,
  type Api,
  configure,
  count,
  expectChargedOnceAndApproved,
  type Json,
  runNow,
  runRow,
  seedKeywords,
} from './support.js';

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

describe.runIf(process.env.REDIS_URL && process.env.TEST_DATABASE_URL)(
  'an automation run survives its worker being killed or stopped mid-stage (Bull, second worker process)',
  () => {
    let t: TestApp;
    let call: Api;
    const workers: Worker[] = [];
    const env = { AI_PROVIDER: 'offline', QUEUE_LOCK_DURATION_MS: '2000' };

    function startWorker(): Worker {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'worker.js')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...testEnv(t.db, t.tmp, {
            env: { ...env, QUEUE_PREFIX: t.config.redis.queuePrefix, LOG_LEVEL: 'info' },
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const worker = { child, output: () => out, exited: new Promise((done) => child.once('exit', done)) };
      workers.push(worker);
      return worker;
    }

    beforeAll(async () => {
      t = await createTestApp({ env });
      call = api(t);
    });

    async function killWorkers(): Promise<void> {
      for (const worker of workers.splice(0)) {
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }

    afterAll(async () => {
      await killWorkers();
      for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      await t.close();
    });

    it.each([
      ['killed (SIGKILL): Bull hands its job to another worker once the job lock expires', 'SIGKILL'],
      ['stopped (SIGTERM): it exits 0 after the current item and hands the run over itself', 'SIGTERM'],
    ] as const)(
      'continues from its stage on another worker when the first is %s, never saving or charging an item twice',
      { timeout: 240_000 },
      async (_, signal) => {
        await killWorkers();
        const tenant = await seedTenant(t.app);
        await setPools(t, tenant, 100_000);
        await configure(call, tenant, true);
        await seedKeywords(call, tenant, t, 3);
        const first = startWorker();
        await eventually(
          'the first worker to start',
          () => Promise.resolve(first.output().includes('Worker started')),
          120_000,
        );

        const { run_id } = await runNow(call, tenant);
        await eventually(
          'stage 4 to save its first items',
          async () =>
            (((await runRow(t, run_id)).stage_4_result as Json | null)?.items_processed as number) >= 2,
          120_000,
        );
        first.child.kill(signal);
        const exit = await Promise.race([first.exited, sleep(20_000).then(() => 'still running')]);
        const killedAt = await runRow(t, run_id);
        expect(killedAt.status).toBe('running');
        if (signal === 'SIGTERM') {
          // Without the interruption it would have waited for the whole run before exiting.
          expect(exit, first.output().slice(-3000)).toBe(0);
          expect(first.output()).toContain('Automation run handed over to another worker');
          expect(killedAt.current_stage).toBeGreaterThanOrEqual(4);
          expect(killedAt.current_stage).toBeLessThan(7);
        } else {
          expect(killedAt.current_stage).toBe(4);
        }

        const second = startWorker();
        await eventually(
          'the second worker to start',
          () => Promise.resolve(second.output().includes('Worker started')),
          120_000,
        );
        await eventually(
          'the run to end',
          async () => !['running', 'paused'].includes((await runRow(t, run_id)).status as string),
          180_000,
        );
        const run = await runRow(t, run_id);
        expect(run.status, `${String(run.error_message)}\n${second.output().slice(-3000)}`).toBe('completed');
        // Stages 1–3 were not run again after the restart.
        for (const stage of [1, 2, 3]) {
          expect(Date.parse((run[`stage_${stage}_result`] as Json).completed_at as string)).toBeLessThan(
            Date.parse((killedAt[`stage_${stage + 1}_result`] as Json).started_at as string) + 1,
          );
        }
        // Every writer task has exactly one article; every content its own image set; no duplicated charge.
        const site = tenant.siteIds[0];
        const tasks = await count(t, 'SELECT count(*)::int AS n FROM igny8_tasks WHERE site_id = $1', [site]);
        expect(tasks).toBeGreaterThan(2);
        expect(
          await count(t, 'SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1', [site]),
        ).toBe(tasks);
        expect(
          await count(t, 'SELECT count(DISTINCT task_id)::int AS n FROM igny8_content WHERE site_id = $1', [
            site,
          ]),
        ).toBe(tasks);
        expect(
          await count(
            t,
            `SELECT count(*)::int AS n FROM (SELECT content_id, image_type, position FROM igny8_images
            WHERE site_id = $1 AND deleted_at IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1) d`,
            [site],
          ),
        ).toBe(0);
        await expectChargedOnceAndApproved(t, tenant, run, tasks);
      },
    );
  },
);
