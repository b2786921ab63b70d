import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BatchTask, BatchTasks } from '../../src/modules/ai/engine/batch-tasks.js';
import { setPools } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import {
  api,
  type Api,
  configure,
  count,
  drain,
  type Json,
  ledgerTotal,
  runNow,
  runRow,
  seedKeywords,
} from './support.js';

/**
 * What a run gives back when it stops mid-stage (docs/automation.md#pause-resume-cancel-failure): items the
 * engine refused for credits are released (writer task back to `queued`, image still `pending`) and not
 * counted as failed; a cancelled run's AI task left `running` by a dead worker is ended and its writer
 * task released.
 */
describe('automation: items released when a run stops mid-stage', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  async function freshTenant(): Promise<SeededTenant> {
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 100_000);
    await configure(call, tenant, true, { stage_4_batch_size: 2, stage_6_batch_size: 2 });
    await seedKeywords(call, tenant, t, 2);
    return tenant;
  }

  const statuses = async (table: string, siteId: number) =>
    Object.fromEntries(
      (
        await db.query<{ status: string; n: number }[]>(
          `SELECT status, count(*)::int AS n FROM ${table} WHERE site_id = $1 AND deleted_at IS NULL GROUP BY status`,
          [siteId],
        )
      ).map((row) => [row.status, row.n]),
    );

  /** After the first AI task of `fn` ran, the balance drops to 1 credit: the next item is refused. */
  function starveAfterFirst(
    tenant: SeededTenant,
    fn: string,
  ): { restore: () => void; refusedTask: () => BatchTask | null } {
    const tasks = t.app.get(BatchTasks);
    const original = tasks.run.bind(tasks);
    let seen = 0;
    let refused: BatchTask | null = null;
    const spy = vi.spyOn(tasks, 'run').mockImplementation(async (task, signal) => {
      const done = await original(task, signal);
      if (task.function === fn) {
        seen += 1;
        if (seen === 1) await setPools(t, tenant, 1);
        if (seen === 2) refused = done;
      }
      return done;
    });
    return { restore: () => spy.mockRestore(), refusedTask: () => refused };
  }

  it(
    'stage 4: a task refused for credits goes back to queued, is not failed, and is generated after resume',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant();
      const site = tenant.siteIds[0];
      const starve = starveAfterFirst(tenant, 'generate_content');
      const { run_id } = await runNow(call, tenant);
      await drain(t);
      starve.restore();

      let run = await runRow(t, run_id);
      expect(run.status).toBe('paused');
      expect(run.error_message).toBe('Insufficient credits to continue stage 4');
      expect(run.stage_4_result).toMatchObject({ status: 'partial', items_processed: 1, items_failed: 0 });
      // The refused task's item is released: no content, not failed, not generating.
      const refused = starve.refusedTask();
      expect(refused?.result?.errors).toMatchObject([{ code: 'insufficient_credits' }]);
      const [writerTask] = await db.query<Json[]>(
        'SELECT status, error_message FROM igny8_tasks WHERE id = $1',
        [refused?.ids[0]],
      );
      expect(writerTask).toEqual({ status: 'queued', error_message: null });
      const tasks = await statuses('igny8_tasks', site);
      expect(tasks.failed ?? 0).toBe(0);
      expect(tasks.generating ?? 0).toBe(0);
      expect(tasks.completed).toBe(1);

      await setPools(t, tenant, 100_000);
      const resumed = await call('POST', `automation/resume/?run_id=${run_id}`, tenant.users.editor.auth);
      expect(resumed.status).toBe(200);
      await drain(t);
      run = await runRow(t, run_id);
      expect(run.status, String(run.error_message)).toBe('completed');
      const total = await count(t, 'SELECT count(*)::int AS n FROM igny8_tasks WHERE site_id = $1', [site]);
      expect(await statuses('igny8_tasks', site)).toEqual({ completed: total });
      expect(
        await count(t, 'SELECT count(DISTINCT task_id)::int AS n FROM igny8_content WHERE site_id = $1', [
          site,
        ]),
      ).toBe(total);
      expect(run.stage_4_result).toMatchObject({ items_processed: total, items_failed: 0 });
      expect(await ledgerTotal(t, tenant)).toBe(run.total_credits_used);
    },
  );

  it(
    'stage 6: an image refused for credits stays pending, is not failed, and is generated after resume',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant();
      const site = tenant.siteIds[0];
      const starve = starveAfterFirst(tenant, 'generate_images');
      const { run_id } = await runNow(call, tenant);
      await drain(t);
      starve.restore();

      let run = await runRow(t, run_id);
      expect(run.status).toBe('paused');
      expect(run.current_stage).toBe(6);
      expect(run.stage_6_result).toMatchObject({ status: 'partial', items_processed: 1, items_failed: 0 });
      const refused = starve.refusedTask();
      const [image] = await db.query<Json[]>('SELECT status FROM igny8_images WHERE id = $1', [
        refused?.ids[0],
      ]);
      expect(image.status).toBe('pending');
      const images = await statuses('igny8_images', site);
      expect(images.failed ?? 0).toBe(0);
      expect(images.generated).toBe(1);

      await setPools(t, tenant, 100_000);
      expect(
        (await call('POST', `automation/resume/?run_id=${run_id}`, tenant.users.editor.auth)).status,
      ).toBe(200);
      await drain(t);
      run = await runRow(t, run_id);
      expect(run.status, String(run.error_message)).toBe('completed');
      const all = await count(
        t,
        'SELECT count(*)::int AS n FROM igny8_images WHERE site_id = $1 AND deleted_at IS NULL',
        [site],
      );
      expect(await statuses('igny8_images', site)).toEqual({ generated: all });
      expect(run.stage_6_result).toMatchObject({ items_processed: all, items_failed: 0 });
    },
  );

  it(
    'cancel: an AI task a dead worker left running is ended and its writer task goes back to queued',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant();
      const site = tenant.siteIds[0];
      const tasks = t.app.get(BatchTasks);
      const original = tasks.run.bind(tasks);
      let runId = '';
      let abandoned: BatchTask | null = null;
      let contentCalls = 0;
      // The second content task is "taken by a worker that dies": running, its writer task generating,
      // nothing saved. Then the run is cancelled; the live worker sees it at its next checkpoint.
      const spy = vi.spyOn(tasks, 'run').mockImplementation(async (task, signal) => {
        if (task.function !== 'generate_content') return original(task, signal);
        contentCalls += 1;
        if (contentCalls !== 2) return original(task, signal);
        abandoned = task;
        await db.query(
          "UPDATE igny8_ai_task_logs SET status = 'running', started_at = now() WHERE task_id = $1",
          [task.task_id],
        );
        await db.query("UPDATE igny8_tasks SET status = 'generating' WHERE id = $1", [task.ids[0]]);
        const cancelled = await call('POST', `automation/cancel/?run_id=${runId}`, tenant.users.editor.auth);
        expect(cancelled.status).toBe(200);
        return { ...task, status: 'running' };
      });
      ({ run_id: runId } = await runNow(call, tenant));
      await drain(t);
      spy.mockRestore();

      const run = await runRow(t, runId);
      expect(run.status).toBe('cancelled');
      const left = abandoned as BatchTask | null;
      expect(left).not.toBeNull();
      const [aiTask] = await db.query<Json[]>('SELECT status FROM igny8_ai_task_logs WHERE task_id = $1', [
        left?.task_id,
      ]);
      expect(aiTask.status).toBe('cancelled');
      const [writerTask] = await db.query<Json[]>('SELECT status FROM igny8_tasks WHERE id = $1', [
        left?.ids[0],
      ]);
      expect(writerTask.status).toBe('queued');
      // The first article stays; nothing generating, nothing failed; no refund.
      const writer = await statuses('igny8_tasks', site);
      expect(writer.completed).toBe(1);
      expect(writer.generating ?? 0).toBe(0);
      expect(writer.failed ?? 0).toBe(0);
      expect(await count(t, 'SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1', [site])).toBe(
        1,
      );
      expect(await ledgerTotal(t, tenant)).toBe(run.total_credits_used);
      expect(
        await count(
          t,
          "SELECT count(*)::int AS n FROM igny8_ai_task_logs WHERE payload->>'automation_run_id' = $1 AND status IN ('queued', 'running')",
          [runId],
        ),
      ).toBe(0);
    },
  );
});
