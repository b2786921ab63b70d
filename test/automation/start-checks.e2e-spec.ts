import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelIds } from '../ai-config/support.js';
import { setPools } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, configure, count, drain, type Json, runRow, seedKeywords } from './support.js';

/**
 * `run_now` checks, in this order (docs/automation.md#starting-a-run): the site (404), the account status
 * gate (402 `payment_required` / 403 `account_inactive`), an active run (409 `automation_already_running`),
 * the site's models (400 `model_not_supported`), the credits (402 `insufficient_credits`). Each case makes
 * every later check fail too, so the answer shows which check came first. The models are real: this app
 * does not force the offline provider.
 */
describe('automation run_now: order of the start checks', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;
  let unsupportedModel: number;

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sites: 2 });
    await configure(call, tenant);
    const models = await modelIds(t);
    unsupportedModel = models['runware:97@1'];
    await db.query('UPDATE igny8_ai_models SET is_active = true WHERE id = $1', [unsupportedModel]);
  });

  afterAll(() => t.close());

  const site = () => tenant.siteIds[0];
  const runNowOn = (siteId: number) =>
    call('POST', `automation/run_now/?site_id=${siteId}`, tenant.users.editor.auth);
  const setStatus = (status: string) =>
    db.query('UPDATE igny8_accounts SET status = $2 WHERE id = $1', [tenant.accountId, status]);
  const runs = () =>
    count(t, 'SELECT count(*)::int AS n FROM igny8_automation_runs WHERE site_id = $1', [site()]);

  /** Every check after the gate fails: an active run, an image model without an adapter, no credits. */
  async function everythingWrong(): Promise<void> {
    await setStatus('active');
    const models = await call('PATCH', 'system/settings/ai/', tenant.users.admin.auth, {
      image_model_id: unsupportedModel,
    });
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    await db.query(
      `INSERT INTO igny8_automation_runs (account_id, run_id, site_id, trigger_type, status)
       VALUES ($1, 'run_20260101_000000_0000abcd', $2, 'manual', 'paused')
       ON CONFLICT DO NOTHING`,
      [tenant.accountId, site()],
    );
    await setPools(t, tenant, 0);
  }

  it('1. the site: 404 even when the account is suspended (a foreign, inactive or unknown site)', async () => {
    await everythingWrong();
    const other = await seedTenant(t.app);
    await db.query('UPDATE igny8_sites SET is_active = false WHERE id = $1', [tenant.siteIds[1]]);
    await setStatus('suspended');
    for (const siteId of [other.siteIds[0], tenant.siteIds[1], 999_999_999]) {
      const reply = await runNowOn(siteId);
      expect(reply.status, String(siteId)).toBe(404);
      expect(reply.body.code).toBe('not_found');
    }
  });

  it('2. the account gate: before the active run, the models and the credits', async () => {
    await everythingWrong();
    for (const [status, http, code] of [
      ['suspended', 403, 'account_inactive'],
      ['cancelled', 403, 'account_inactive'],
      ['pending_payment', 402, 'payment_required'],
    ] as const) {
      await setStatus(status);
      const reply = await runNowOn(site());
      expect(reply.status, status).toBe(http);
      expect(reply.body.code, status).toBe(code);
    }
    // The other automation writes keep the gate at the guard.
    const pause = await call(
      'POST',
      'automation/pause/?run_id=run_20260101_000000_0000abcd',
      tenant.users.editor.auth,
    );
    expect(pause.status).toBe(402);
    expect(pause.body.code).toBe('payment_required');
    await setStatus('active');
  });

  it('3. an active run: 409 automation_already_running before the models and the credits', async () => {
    await everythingWrong();
    const reply = await runNowOn(site());
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('automation_already_running');
  });

  it('4. the models: 400 model_not_supported before the credits', async () => {
    await everythingWrong();
    await db.query("DELETE FROM igny8_automation_runs WHERE site_id = $1 AND status = 'paused'", [site()]);
    const reply = await runNowOn(site());
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('model_not_supported');
  });

  it('5. the credits: 402 insufficient_credits with its details; with nothing to pay for, 202', async () => {
    await everythingWrong();
    await db.query("DELETE FROM igny8_automation_runs WHERE site_id = $1 AND status = 'paused'", [site()]);
    const models = await call('PATCH', 'system/settings/ai/', tenant.users.admin.auth, {
      image_model_id: null,
    });
    expect(models.status).toBe(200);
    await setPools(t, tenant, 100_000);
    await seedKeywords(call, tenant, t, 2);
    await setPools(t, tenant, 0);
    const refused = await runNowOn(site());
    expect(refused.status, JSON.stringify(refused.body)).toBe(402);
    expect(refused.body.code).toBe('insufficient_credits');
    const details = refused.body.details as Json;
    expect(details.balance).toBe(0);
    expect(details.estimated_credits as number).toBeGreaterThan(0);
    expect(details.required_credits).toBe(Math.ceil(1.2 * (details.estimated_credits as number)));
    expect(await runs()).toBe(0);

    // Nothing left to pay for (no keywords): every check passes and the run completes without AI calls.
    await db.query('DELETE FROM igny8_keywords WHERE site_id = $1', [site()]);
    const started = await runNowOn(site());
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await drain(t);
    expect((await runRow(t, (started.body.data as Json).run_id as string)).status).toBe('completed');
  });

  it('a failed check leaves no run, no task and no lock behind', async () => {
    await everythingWrong();
    await setStatus('suspended');
    const tasks = () =>
      count(
        t,
        "SELECT count(*)::int AS n FROM igny8_ai_task_logs WHERE account_id = $1 AND function = 'run_automation'",
        [tenant.accountId],
      );
    const before = await tasks();
    expect((await runNowOn(site())).status).toBe(403);
    expect(await tasks()).toBe(before);
    await setStatus('active');
  });
});
