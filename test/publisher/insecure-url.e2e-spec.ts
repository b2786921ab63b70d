import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { api, type Api, type Json } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeBridge } from '../support/fake-bridge.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

// With ALLOW_INSECURE_WORDPRESS_URLS=false (production), a WordPress on a loopback or private address
// is refused before any connection (reason insecure_url), in both modes (docs/publishing.md#transport).
describe('WordPress on a private address (insecure URLs not allowed)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;
  let bridge: FakeBridge;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { ALLOW_INSECURE_WORDPRESS_URLS: 'false' } });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sectorsPerSite: 1 });
    const regenerated = await call(
      'POST',
      `auth/sites/${tenant.siteIds[0]}/regenerate_api_key/`,
      tenant.users.owner.auth,
    );
    bridge = await FakeBridge.start((regenerated.body.data as Json).api_key as string);
  });

  afterAll(async () => {
    await bridge?.close();
    await t?.close();
  });

  it('refuses an application-password integration on loopback: 400 connection_failed, nothing saved', async () => {
    for (const url of [bridge.url, `https://localhost:${bridge.port}`]) {
      const reply = await call('POST', 'integration/integrations/', tenant.users.owner.auth, {
        site_id: tenant.siteIds[0],
        platform: 'wordpress',
        auth_mode: 'application_password',
        external_site_url: url,
        credentials: { username: 'admin', application_password: 'abcd efgh ijkl mnop' },
      });
      expect(reply.status, url).toBe(400);
      expect(reply.body, url).toMatchObject({
        code: 'connection_failed',
        details: { reason: 'insecure_url' },
      });
    }
    const [{ count }] = await db.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM igny8_site_integrations',
    );
    expect(count).toBe(0);
    expect(bridge.requests).toHaveLength(0);
  });

  it('refuses the bridge mode on loopback: test_connection and publish fail with insecure_url', async () => {
    const created = await call('POST', 'integration/integrations/', tenant.users.owner.auth, {
      site_id: tenant.siteIds[0],
      platform: 'wordpress',
      auth_mode: 'bridge_api_key',
      external_site_url: bridge.url,
    });
    expect(created.status).toBe(201);
    const id = (created.body.data as Json).id as number;
    const tested = await call(
      'POST',
      `integration/integrations/${id}/test_connection/`,
      tenant.users.owner.auth,
    );
    expect(tested.status).toBe(400);
    expect(tested.body).toMatchObject({ code: 'connection_failed', details: { reason: 'insecure_url' } });

    const [{ id: contentId }] = await db.query<{ id: string }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status)
       VALUES ($1, $2, $3, 'Private', '<p>Body.</p>', 'approved') RETURNING id`,
      [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0]],
    );
    const published = await call(
      'POST',
      `writer/content/${contentId}/publish/`,
      tenant.users.editor.auth,
      {},
    );
    expect(published.status).toBe(502);
    expect(published.body).toMatchObject({
      code: 'publish_failed',
      details: { reason: 'insecure_url', http_status: null },
    });
    const [content] = await db.query<{ site_status: string }[]>(
      'SELECT site_status FROM igny8_content WHERE id = $1',
      [contentId],
    );
    expect(content.site_status).toBe('failed');
    expect(bridge.requests).toHaveLength(0);
  });
});
