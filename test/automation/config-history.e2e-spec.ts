import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey } from '../ai-config/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, type Json } from './support.js';

const HISTORY_KEYS = [
  'cancelled_at',
  'completed_at',
  'current_stage',
  'error_message',
  'estimated_credits',
  'id',
  'paused_at',
  'run_id',
  'started_at',
  'status',
  'total_credits_used',
  'trigger_type',
];

describe('automation config/, update_config/ and history/', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app);
  });

  afterAll(() => t.close());

  const site = () => tenant.siteIds[0];

  it('config/ answers the site config (created from the defaults), to viewers and the site key', async () => {
    const viewer = await call('GET', `automation/config/?site_id=${site()}`, tenant.users.viewer.auth);
    expect(viewer.status, JSON.stringify(viewer.body)).toBe(200);
    expect(viewer.body.data).toMatchObject({
      site_id: site(),
      is_enabled: false,
      frequency: 'daily',
      scheduled_time: '02:00',
      stage_1_batch_size: 20,
      within_stage_delay: 3,
      between_stage_delay: 5,
      next_run_at: null,
    });
    const byKey = await call('GET', `automation/config/?site_id=${site()}`, apiKey(tenant));
    expect(byKey.status).toBe(200);
    expect((byKey.body.data as Json).id).toBe((viewer.body.data as Json).id);
    // The same row as the site settings show.
    const settings = await call('GET', `system/sites/${site()}/settings/`, tenant.users.owner.auth);
    expect((settings.body.data as Json).automation).toEqual(viewer.body.data);
  });

  it('update_config/ (PUT and PATCH) changes any subset and recomputes next_run_at', async () => {
    const put = await call('PUT', `automation/update_config/?site_id=${site()}`, tenant.users.editor.auth, {
      is_enabled: true,
      scheduled_time: '04:00',
      stage_4_batch_size: 3,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({ is_enabled: true, scheduled_time: '04:00', stage_4_batch_size: 3 });
    expect((put.body.data as Json).next_run_at).not.toBeNull();

    // site_id may come in the body; PATCH keeps what it does not name.
    const patch = await call('PATCH', 'automation/update_config/', tenant.users.editor.auth, {
      site_id: site(),
      is_enabled: false,
      within_stage_delay: 0,
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    expect(patch.body.data).toMatchObject({
      is_enabled: false,
      within_stage_delay: 0,
      stage_4_batch_size: 3,
      next_run_at: null,
    });
    const [row] = await db.query<Json[]>(
      'SELECT within_stage_delay, stage_4_batch_size FROM igny8_automation_configs WHERE site_id = $1',
      [site()],
    );
    expect(row).toEqual({ within_stage_delay: 0, stage_4_batch_size: 3 });
  });

  it('update_config/ ignores test_trigger_at from a non-developer', async () => {
    const reply = await call(
      'PATCH',
      `automation/update_config/?site_id=${site()}`,
      tenant.users.owner.auth,
      {
        test_trigger_at: '2099-01-01T00:00:00Z',
      },
    );
    expect(reply.status).toBe(200);
    expect((reply.body.data as Json).test_trigger_at).toBeNull();
  });

  it('update_config/: out-of-range values are 400 with the field and change nothing', async () => {
    const before = (await call('GET', `automation/config/?site_id=${site()}`, tenant.users.viewer.auth)).body
      .data;
    for (const method of ['PUT', 'PATCH'] as const) {
      for (const body of [
        { stage_1_batch_size: -1 },
        { stage_2_batch_size: -20 },
        { stage_4_batch_size: 0 },
        { stage_6_batch_size: 21 },
        { within_stage_delay: 301 },
        { between_stage_delay: 601 },
        { between_stage_delay: -1 },
        { frequency: 'hourly' },
      ]) {
        const reply = await call(
          method,
          `automation/update_config/?site_id=${site()}`,
          tenant.users.editor.auth,
          { is_enabled: true, ...body },
        );
        expect(reply.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(Object.keys(reply.body.errors as Json)).toEqual(Object.keys(body));
      }
    }
    const after = (await call('GET', `automation/config/?site_id=${site()}`, tenant.users.viewer.auth)).body
      .data;
    expect(after).toEqual(before);
  });

  it('config/ and update_config/: 400 without site_id, 404 for a foreign site, 403 for a viewer write', async () => {
    const other = await seedTenant(t.app);
    expect((await call('GET', 'automation/config/', tenant.users.viewer.auth)).status).toBe(400);
    expect((await call('PATCH', 'automation/update_config/', tenant.users.editor.auth, {})).status).toBe(400);
    expect(
      (await call('GET', `automation/config/?site_id=${other.siteIds[0]}`, tenant.users.owner.auth)).status,
    ).toBe(404);
    expect(
      (
        await call('PUT', `automation/update_config/?site_id=${other.siteIds[0]}`, tenant.users.owner.auth, {
          is_enabled: true,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('PATCH', `automation/update_config/?site_id=${site()}`, tenant.users.viewer.auth, {
          is_enabled: true,
        })
      ).status,
    ).toBe(403);
  });

  it('history/ is an array of the latest runs, newest first, limit 1–100 (default 20)', async () => {
    for (let i = 0; i < 22; i += 1) {
      await db.query(
        `INSERT INTO igny8_automation_runs (account_id, run_id, site_id, trigger_type, status, started_at, completed_at)
         VALUES ($1, $2, $3, 'scheduled', 'completed', $4, $4)`,
        [
          tenant.accountId,
          `run_20260101_0000${String(i).padStart(2, '0')}_${(0x10000000 + i).toString(16)}`,
          site(),
          new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        ],
      );
    }
    const url = `automation/history/?site_id=${site()}`;
    const all = await call('GET', url, tenant.users.viewer.auth);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const runs = all.body.data as Json[];
    expect(Array.isArray(runs)).toBe(true);
    expect(all.body.count).toBeUndefined();
    expect(runs).toHaveLength(20);
    expect(Object.keys(runs[0]).sort()).toEqual(HISTORY_KEYS);
    expect(runs[0].run_id).toBe('run_20260101_000021_10000015');
    expect(runs[19].run_id).toBe('run_20260101_000002_10000002');

    const two = await call('GET', `${url}&limit=2`, apiKey(tenant));
    expect((two.body.data as Json[]).map((r) => r.run_id)).toEqual([
      'run_20260101_000021_10000015',
      'run_20260101_000020_10000014',
    ]);
    expect(
      ((await call('GET', `${url}&limit=100`, tenant.users.viewer.auth)).body.data as Json[]).length,
    ).toBe(22);
    for (const limit of ['0', '101', '-1', 'x']) {
      const reply = await call('GET', `${url}&limit=${limit}`, tenant.users.viewer.auth);
      expect(reply.status, limit).toBe(400);
      expect(Object.keys(reply.body.errors as Json)).toEqual(['limit']);
    }
    const other = await seedTenant(t.app);
    expect((await call('GET', url, other.users.owner.auth)).status).toBe(404);
    expect(
      (
        (await call('GET', `automation/history/?site_id=${other.siteIds[0]}`, other.users.owner.auth)).body
          .data as Json[]
      ).length,
    ).toBe(0);
  });
});
