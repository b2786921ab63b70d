import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchTasks } from '../../src/modules/ai/engine/batch-tasks.js';
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

describe('automation pipeline (inline driver)', () => {
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

  async function freshTenant(autoApprove = false, perSector = 3): Promise<SeededTenant> {
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 100_000);
    await configure(call, tenant, autoApprove);
    await seedKeywords(call, tenant, t, perSector);
    return tenant;
  }

  it(
    'runs the seven stages in order to completion, charging exactly what the ledger shows',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant(true);
      const estimate = await call(
        'GET',
        `automation/estimate/?site_id=${tenant.siteIds[0]}`,
        tenant.users.viewer.auth,
      );
      expect(estimate.status).toBe(200);
      const est = estimate.body.data as Json;
      expect(est.required_credits).toBe(Math.ceil(1.2 * (est.estimated_credits as number)));
      expect(Object.keys(est.breakdown as Json)).toEqual([
        'stage_1',
        'stage_2',
        'stage_3',
        'stage_4',
        'stage_5',
        'stage_6',
        'stage_7',
      ]);

      // Content already waiting for review when the run starts is approved by the review gate.
      const [review] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status)
       VALUES ($1, $2, $3, 'Waiting', '<p>Text.</p>', 'review') RETURNING id`,
        [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0]],
      );
      const { run_id, task_id } = await runNow(call, tenant);
      await drain(t);
      const run = await runRow(t, run_id);
      expect(run.status, String(run.error_message)).toBe('completed');
      expect(run.stage_7_result).toMatchObject({ status: 'completed', items_total: 1, items_processed: 1 });
      expect((await db.query('SELECT status FROM igny8_content WHERE id = $1', [review.id]))[0]).toEqual({
        status: 'approved',
      });
      expect(run.current_stage).toBe(7);
      const results = [1, 2, 3, 4, 5, 6, 7].map((n) => run[`stage_${n}_result`] as Json);
      for (const [index, result] of results.entries()) expect(result.stage).toBe(index + 1);
      expect(results.map((r) => r.status)).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
        'completed',
        'completed',
        'completed',
      ]);
      // Items made earlier in the run are worked on by the later stages.
      expect(results[1].items_total).toBe(results[0].items_created);
      expect(results[3].items_total).toBe(results[2].items_created);
      expect(results[4].items_total).toBe(results[3].items_created);
      const content = await count(
        t,
        'SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1 AND task_id IS NOT NULL',
        [tenant.siteIds[0]],
      );
      expect(content).toBe(results[3].items_created);
      expect(
        await count(
          t,
          "SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1 AND status = 'approved'",
          [tenant.siteIds[0]],
        ),
      ).toBe(content + 1);
      // Started in order: every stage began after the previous one ended.
      for (let n = 1; n < 7; n++) {
        expect(Date.parse(results[n].started_at as string)).toBeGreaterThanOrEqual(
          Date.parse(results[n - 1].completed_at as string),
        );
      }
      const total = results.reduce((sum, r) => sum + (r.credits_used as number), 0);
      expect(run.total_credits_used).toBe(total);
      expect(total).toBeGreaterThan(0);
      expect(await ledgerTotal(t, tenant)).toBe(total);
      // Batches never mix sectors: every stage-1 task names keywords of one sector.
      const mixed = await count(
        t,
        `SELECT count(*)::int AS n FROM igny8_ai_task_logs l
        WHERE l.payload->>'automation_run_id' = $1 AND l.function = 'auto_cluster'
          AND (SELECT count(DISTINCT k.sector_id) FROM igny8_keywords k
                WHERE k.id IN (SELECT jsonb_array_elements_text(l.payload->'ids')::bigint)) > 1`,
        [run_id],
      );
      expect(mixed).toBe(0);

      const task = await call('GET', `system/tasks/${task_id}/`, tenant.users.viewer.auth);
      expect(task.body.data).toMatchObject({
        function: 'run_automation',
        status: 'completed',
        progress: { phase: 'DONE', percent: 100 },
        result: { run_id, status: 'completed', total_credits_used: total },
      });
      const logs = await call('GET', `automation/logs/?run_id=${run_id}&lines=3`, tenant.users.viewer.auth);
      expect(logs.status).toBe(200);
      expect((logs.body.data as Json).lines).toHaveLength(3);
      expect(((logs.body.data as Json).lines as string[])[2]).toMatch(
        /^\[\d{4}-\d\d-\d\dT[^\]]+\] \[STAGE 7\] Run completed/,
      );
      expect(
        (await call('GET', `automation/logs/?run_id=${run_id}&lines=1001`, tenant.users.viewer.auth)).status,
      ).toBe(400);
      const history = await call(
        'GET',
        `automation/history/?site_id=${tenant.siteIds[0]}`,
        tenant.users.viewer.auth,
      );
      expect(history.body.data).toMatchObject([{ run_id, status: 'completed' }]);
      expect(history.body.data).toHaveLength(1);
      const detail = await call('GET', `automation/run_detail/?run_id=${run_id}`, tenant.users.viewer.auth);
      expect(detail.body.data).toMatchObject({ run_id, status: 'completed', total_credits_used: total });
      const current = await call(
        'GET',
        `automation/current_run/?site_id=${tenant.siteIds[0]}`,
        tenant.users.viewer.auth,
      );
      expect(current.body.data).toBeNull();
      const overview = await call(
        'GET',
        `automation/pipeline_overview/?site_id=${tenant.siteIds[0]}`,
        tenant.users.viewer.auth,
      );
      expect((overview.body.data as Json).stages).toHaveLength(7);

      // A finished run cannot be paused.
      const pause = await call('POST', `automation/pause/?run_id=${run_id}`, tenant.users.editor.auth);
      expect(pause.status).toBe(409);
      expect(pause.body).toMatchObject({ code: 'invalid_state' });
    },
  );

  it('skips the review gate without auto-approval and stages without items', async () => {
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 1000);
    await configure(call, tenant, false);
    const { run_id } = await runNow(call, tenant);
    await drain(t);
    const run = await runRow(t, run_id);
    expect(run.status).toBe('completed');
    expect(run.stage_1_result).toMatchObject({ status: 'skipped', skip_reason: 'no_items' });
    expect(run.stage_7_result).toMatchObject({ status: 'skipped', skip_reason: 'auto_approval_disabled' });
  });

  it(
    'two concurrent run_now: exactly one 202, the other 409 automation_already_running',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant(false, 1);
      const url = `automation/run_now/?site_id=${tenant.siteIds[0]}`;
      const replies = await Promise.all([
        call('POST', url, tenant.users.editor.auth),
        call('POST', url, tenant.users.editor.auth),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([202, 409]);
      expect(replies.find((r) => r.status === 409)?.body).toMatchObject({
        code: 'automation_already_running',
      });
      await drain(t);
      expect(
        await count(t, 'SELECT count(*)::int AS n FROM igny8_automation_runs WHERE site_id = $1', [
          tenant.siteIds[0],
        ]),
      ).toBe(1);
    },
  );

  it('402 insufficient_credits with details when the estimate with its buffer is not covered', async () => {
    const tenant = await freshTenant();
    await setPools(t, tenant, 1);
    const reply = await call(
      'POST',
      `automation/run_now/?site_id=${tenant.siteIds[0]}`,
      tenant.users.editor.auth,
    );
    expect(reply.status).toBe(402);
    const details = reply.body.details as Json;
    expect(details).toMatchObject({ balance: 1 });
    expect(details.required_credits).toBe(Math.ceil(1.2 * (details.estimated_credits as number)));
    expect(
      await count(t, 'SELECT count(*)::int AS n FROM igny8_automation_runs WHERE site_id = $1', [
        tenant.siteIds[0],
      ]),
    ).toBe(0);
  });

  it(
    'resume with too few credits answers 402 and the run stays paused; with credits it completes',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant();
      const tasks = t.app.get(BatchTasks);
      const original = tasks.run.bind(tasks);
      let runId = '';
      // The pause arrives while the first idea task runs: it takes effect once that item is done.
      const spy = vi.spyOn(tasks, 'run').mockImplementation(async (task, signal) => {
        const done = await original(task, signal);
        if (task.function === 'generate_ideas' && runId) {
          const paused = await call('POST', `automation/pause/?run_id=${runId}`, tenant.users.editor.auth);
          expect(paused.status).toBe(200);
          runId = '';
        }
        return done;
      });
      ({ run_id: runId } = await runNow(call, tenant));
      const started = runId;
      await drain(t);
      spy.mockRestore();
      let run = await runRow(t, started);
      expect(run.status).toBe('paused');
      expect(run.current_stage).toBe(2);
      expect(run.stage_2_result).toMatchObject({ status: 'partial', items_processed: 1 });

      await setPools(t, tenant, 0);
      const refused = await call('POST', `automation/resume/?run_id=${started}`, tenant.users.editor.auth);
      expect(refused.status).toBe(402);
      expect(refused.body).toMatchObject({ code: 'insufficient_credits' });
      run = await runRow(t, started);
      expect(run.status).toBe('paused');

      await setPools(t, tenant, 100_000);
      const resumed = await call('POST', `automation/resume/?run_id=${started}`, tenant.users.editor.auth);
      expect(resumed.status).toBe(200);
      expect(resumed.body.data).toMatchObject({ status: 'running' });
      await drain(t);
      run = await runRow(t, started);
      expect(run.status).toBe('completed');
      // The paused stage went on from where it stopped: no cluster got ideas twice.
      const twice = await count(
        t,
        `SELECT count(*)::int AS n FROM (SELECT keyword_cluster_id FROM igny8_content_ideas WHERE site_id = $1
        GROUP BY keyword_cluster_id HAVING count(*) > 2) x`,
        [tenant.siteIds[0]],
      );
      expect(twice).toBe(0);
    },
  );

  it(
    'cancel during stage 4: no further content, saved content kept, no refund, lock free',
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant();
      const tasks = t.app.get(BatchTasks);
      const original = tasks.run.bind(tasks);
      let runId = '';
      let contentCalls = 0;
      // The cancel arrives while the second content task runs.
      const spy = vi.spyOn(tasks, 'run').mockImplementation(async (task, signal) => {
        const done = await original(task, signal);
        if (task.function === 'generate_content') {
          contentCalls += 1;
          if (contentCalls === 2) {
            const cancelled = await call(
              'POST',
              `automation/cancel/?run_id=${runId}`,
              tenant.users.editor.auth,
            );
            expect(cancelled.status).toBe(200);
            expect(cancelled.body.data).toMatchObject({ status: 'cancelled' });
          }
        }
        return done;
      });
      ({ run_id: runId } = await runNow(call, tenant));
      await drain(t);
      spy.mockRestore();
      const run = await runRow(t, runId);
      expect(run.status, String(run.error_message)).toBe('cancelled');
      expect(run.current_stage).toBe(4);
      expect(contentCalls).toBe(2);
      // The item being worked on when the cancel came was finished and kept; nothing after it.
      const content = await count(t, 'SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1', [
        tenant.siteIds[0],
      ]);
      expect(content).toBe(2);
      expect(run.stage_4_result).toMatchObject({ status: 'partial', items_processed: 2 });
      expect(run.stage_5_result).toBeNull();
      const charged = await ledgerTotal(t, tenant);
      expect(charged).toBe(run.total_credits_used);
      expect(
        await count(
          t,
          "SELECT count(*)::int AS n FROM igny8_credit_transactions WHERE account_id = $1 AND transaction_type = 'refund'",
          [tenant.accountId],
        ),
      ).toBe(0);
      // Queued AI tasks of the run were cancelled.
      expect(
        await count(
          t,
          "SELECT count(*)::int AS n FROM igny8_ai_task_logs WHERE payload->>'automation_run_id' = $1 AND status = 'queued'",
          [runId],
        ),
      ).toBe(0);
      // The lock is free: a new run starts.
      const again = await call(
        'POST',
        `automation/run_now/?site_id=${tenant.siteIds[0]}`,
        tenant.users.editor.auth,
      );
      expect(again.status).toBe(202);
      await call(
        'POST',
        `automation/cancel/?run_id=${(again.body.data as Json).run_id as string}`,
        tenant.users.editor.auth,
      );
      await drain(t);
    },
  );

  it(
    "another account's site or run is 404; missing or malformed parameters are 400",
    { timeout: 120_000 },
    async () => {
      const tenant = await freshTenant(false, 1);
      const other = await seedTenant(t.app);
      const { run_id } = await runNow(call, tenant);
      await drain(t);
      const foreign = other.users.owner.auth;
      for (const url of [
        `automation/run_detail/?run_id=${run_id}`,
        `automation/logs/?run_id=${run_id}`,
        `automation/estimate/?site_id=${tenant.siteIds[0]}`,
        `automation/current_run/?site_id=${tenant.siteIds[0]}`,
        `automation/history/?site_id=${tenant.siteIds[0]}`,
        `automation/pipeline_overview/?site_id=${tenant.siteIds[0]}`,
        `automation/runs/${run_id}/events/`,
      ]) {
        expect((await call('GET', url, foreign)).status, url).toBe(404);
      }
      for (const url of [
        `automation/run_now/?site_id=${tenant.siteIds[0]}`,
        `automation/pause/?run_id=${run_id}`,
        `automation/cancel/?run_id=${run_id}`,
      ]) {
        expect((await call('POST', url, foreign)).status, url).toBe(404);
      }
      expect(
        (
          await call(
            'GET',
            'automation/run_detail/?run_id=run_20990101_000000_deadbeef',
            tenant.users.owner.auth,
          )
        ).status,
      ).toBe(404);
      expect((await call('GET', 'automation/estimate/', tenant.users.owner.auth)).status).toBe(400);
      expect((await call('GET', 'automation/estimate/?site_id=abc', tenant.users.owner.auth)).status).toBe(
        400,
      );
      expect((await call('GET', 'automation/run_detail/', tenant.users.owner.auth)).status).toBe(400);
      expect(
        (await call('POST', 'automation/run_now/', tenant.users.editor.auth, { site_id: 'x' })).status,
      ).toBe(400);
    },
  );

  it('config updates with negative batch sizes or too-large delays are refused (400) and change nothing', async () => {
    const tenant = await seedTenant(t.app);
    const url = `system/sites/${tenant.siteIds[0]}/settings/`;
    for (const automation of [
      { stage_1_batch_size: -1 },
      { stage_4_batch_size: 0 },
      { stage_6_batch_size: 21 },
      { within_stage_delay: 301 },
      { between_stage_delay: 601 },
      { within_stage_delay: -5 },
    ]) {
      const reply = await call('PATCH', url, tenant.users.owner.auth, { automation });
      expect(reply.status, JSON.stringify(automation)).toBe(400);
      expect(Object.keys(reply.body.errors as Json)).toEqual([`automation.${Object.keys(automation)[0]}`]);
    }
    const settings = await call('GET', url, tenant.users.owner.auth);
    expect((settings.body.data as Json).automation).toMatchObject({
      stage_1_batch_size: 20,
      within_stage_delay: 3,
      between_stage_delay: 5,
    });
  });
});
