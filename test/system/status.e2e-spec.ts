import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { apiKey, data, expectNotFound, systemApi } from '../ai-config/support.js';

describe('system status', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  const call = systemApi(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
  });
  afterAll(() => t.close());

  it('answers system/status/ without credentials', async () => {
    const response = await call('GET', 'status/');
    expect(response.status).toBe(200);
    expect(data(response)).toMatchObject({ status: 'operational' });
    expect(typeof data(response).version).toBe('string');
    expect(Number.isNaN(Date.parse(data(response).time as string))).toBe(false);
  });

  it('reports a site: key, live counts, automation; no integration or run in progress is null', async () => {
    const [site, sector] = [a.siteIds[0], a.sectorIds[0][0]];
    await db.query(
      `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, 'c1'), ($1, $2, $3, 'c2')`,
      [a.accountId, site, sector],
    );
    await db.query(
      `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name, deleted_at) VALUES ($1, $2, $3, 'gone', now())`,
      [a.accountId, site, sector],
    );
    const response = await call('GET', `sites/${site}/status/`, a.users.viewer.auth);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const body = data(response);
    expect(body).toMatchObject({
      site_id: site,
      is_active: true,
      api_key: { configured: true, last4: a.apiKeys[0].slice(-4) },
      integration: null,
      counts: { keywords: 0, clusters: 2, ideas: 0, tasks: 0, content: 0, published: 0 },
      automation: { is_enabled: false, current_run_id: null, last_run_at: null },
    });
    expect((await call('GET', `sites/${site}/status/`, apiKey(a))).status).toBe(200);
  });

  it("reports the site's active integration and its automation run in progress", async () => {
    const site = a.siteIds[0];
    const [{ id: integrationId }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_site_integrations (account_id, site_id, platform, auth_mode, external_site_url, is_active,
         connection_status, sync_status, last_sync_at)
       VALUES ($1, $2, 'wordpress', 'bridge_api_key', 'https://blog.example.com', true, 'connected',
         'completed', '2026-01-02T03:04:05Z') RETURNING id::int AS id`,
      [a.accountId, site],
    );
    const run = (status: string, runId: string) =>
      db.query(
        `INSERT INTO igny8_automation_runs (account_id, site_id, run_id, trigger_type, status, started_at)
         VALUES ($1, $2, $3, 'manual', $4, now() - interval '1 hour')`,
        [a.accountId, site, runId, status],
      );
    await run('completed', '00000000-0000-4000-8000-000000000001');
    const status = async (auth: Record<string, string>) =>
      data(await call('GET', `sites/${site}/status/`, auth)) as {
        integration: unknown;
        automation: { current_run_id: string | null };
      };
    expect((await status(a.users.viewer.auth)).automation.current_run_id).toBeNull();
    await run('paused', '00000000-0000-4000-8000-000000000002');
    const body = await status(apiKey(a));
    expect(body.integration).toEqual({
      id: integrationId,
      platform: 'wordpress',
      auth_mode: 'bridge_api_key',
      connection_status: 'connected',
      sync_status: 'completed',
      last_sync_at: '2026-01-02T03:04:05.000Z',
    });
    expect(body.automation.current_run_id).toBe('00000000-0000-4000-8000-000000000002');
    // An inactive integration is not reported; the other site has none.
    await db.query('UPDATE igny8_site_integrations SET is_active = false WHERE id = $1', [integrationId]);
    expect((await status(a.users.viewer.auth)).integration).toBeNull();
    expect(
      (
        data(await call('GET', `sites/${a.siteIds[1]}/status/`, a.users.owner.auth)) as {
          integration: unknown;
        }
      ).integration,
    ).toBeNull();
  });

  it('is 404 for a site of another account, an ungranted site or another key', async () => {
    expectNotFound(await call('GET', `sites/${b.siteIds[0]}/status/`, a.users.owner.auth));
    expectNotFound(await call('GET', `sites/${a.siteIds[1]}/status/`, a.users.viewer.auth));
    expectNotFound(await call('GET', `sites/${a.siteIds[1]}/status/`, apiKey(a)));
    expectNotFound(await call('GET', 'sites/999999999/status/', a.users.owner.auth));
    expect((await call('GET', `sites/${a.siteIds[1]}/status/`, a.users.owner.auth)).status).toBe(200);
  });
});
