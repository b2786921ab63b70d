import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPools } from '../ai/support.js';
import { eventually } from '../faults/support.js';
import { createTestApp, testEnv, type TestApp } from '../support/app.js';
import { freePort, MAIN_ENTRY, ROOT } from '../support/process.js';
import { seedTenant } from '../support/tenants.js';
import {
  api,
  type Api,
  configure,
  count,
  expectChargedOnceAndApproved,
  type Json,
  runRow,
  seedKeywords,
} from './support.js';

interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<unknown>;
}

/**
 * The embedded default (no Redis): the run's job lives in the API process. When that process is killed
 * mid-stage, the next API process on the same database continues the run from its stage at start-up
 * (AutomationRecovery) without saving or charging an item twice (docs/automation.md#durability).
 */
describe('an automation run survives an API restart on the inline driver (no Redis)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  const processes: ApiProcess[] = [];
  const env = { AI_PROVIDER: 'offline' };

  async function startApi(): Promise<ApiProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN_ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...testEnv(t.db, t.tmp, {
          redis: false,
          env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const started: ApiProcess = {
      child,
      baseUrl: `http://127.0.0.1:${port}`,
      output: () => out,
      exited: new Promise((done) => child.once('exit', done)),
    };
    processes.push(started);
    await eventually(
      'the API process to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`The API process exited:\n${out.slice(-3000)}`);
        try {
          return (await fetch(`${started.baseUrl}/health/live`)).ok;
        } catch {
          return false;
        }
      },
      120_000,
    );
    return started;
  }

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env });
    call = api(t);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await t.close();
  });

  it(
    'continues from its stage in the next process, never saving or charging an item twice',
    { timeout: 300_000 },
    async () => {
      const tenant = await seedTenant(t.app);
      const site = tenant.siteIds[0];
      await setPools(t, tenant, 100_000);
      // Two seconds between batches leave a window to kill the process between two stage-4 items.
      await configure(call, tenant, true, { within_stage_delay: 2 });
      await seedKeywords(call, tenant, t, 3);

      const first = await startApi();
      const started = await fetch(`${first.baseUrl}/api/v1/automation/run_now/?site_id=${site}`, {
        method: 'POST',
        headers: tenant.users.editor.auth,
      });
      expect(started.status, await started.clone().text()).toBe(202);
      const { run_id } = ((await started.json()) as { data: { run_id: string } }).data;

      await eventually(
        'stage 4 to save its first item',
        async () => {
          const run = await runRow(t, run_id);
          return (
            run.current_stage === 4 && ((run.stage_4_result as Json | null)?.items_processed as number) >= 1
          );
        },
        180_000,
      );
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = await runRow(t, run_id);
      expect(killedAt.status).toBe('running');
      expect(killedAt.current_stage).toBe(4);
      const savedBefore = await db.query<{ id: number; task_id: number }[]>(
        'SELECT id, task_id FROM igny8_content WHERE site_id = $1 ORDER BY id',
        [site],
      );
      expect(savedBefore.length).toBeGreaterThanOrEqual(1);
      const tasks = await count(t, 'SELECT count(*)::int AS n FROM igny8_tasks WHERE site_id = $1', [site]);
      expect(savedBefore.length).toBeLessThan(tasks);
      // The rest of the run without delays.
      await db.query('UPDATE igny8_automation_configs SET within_stage_delay = 0 WHERE site_id = $1', [site]);

      const second = await startApi();
      await eventually(
        'the run to end',
        async () => !['running', 'paused'].includes((await runRow(t, run_id)).status as string),
        180_000,
      );
      const run = await runRow(t, run_id);
      expect(run.status, `${String(run.error_message)}\n${second.output().slice(-3000)}`).toBe('completed');
      expect(second.output()).toContain('Automation runs continued after a restart');

      // Stages 1–3 were not run again; stage 4 went on (same start), counting every task once.
      for (const stage of [1, 2, 3]) {
        expect(run[`stage_${stage}_result`]).toEqual(killedAt[`stage_${stage}_result`]);
      }
      const stage4 = run.stage_4_result as Json;
      expect(stage4.started_at).toBe((killedAt.stage_4_result as Json).started_at);
      expect(stage4).toMatchObject({ status: 'completed', items_processed: tasks, items_failed: 0 });

      // The articles saved before the kill are kept as they were; every task has exactly one.
      const after = await db.query<{ id: number; task_id: number }[]>(
        'SELECT id, task_id FROM igny8_content WHERE site_id = $1 ORDER BY id',
        [site],
      );
      expect(after.slice(0, savedBefore.length)).toEqual(savedBefore);
      expect(after).toHaveLength(tasks);
      expect(new Set(after.map((row) => row.task_id)).size).toBe(tasks);

      // No item charged twice; the ledger is what the run reports; every article approved.
      await expectChargedOnceAndApproved(t, tenant, run, tasks);

      second.child.kill('SIGTERM');
      await Promise.race([second.exited, sleep(15_000)]);
    },
  );
});
