import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type PluginManifest, packagePlugin } from '../support/plugin-release.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import {
  type RunningWordPress,
  startWordPress,
  WORDPRESS_START_TIMEOUT_MS,
  WORDPRESS_STOP_TIMEOUT_MS,
  wordpressUnavailableReason,
} from '../support/wordpress.js';
import { extractZip } from '../support/zip.js';

// Our bridge plugin in a real WordPress (docs/wordpress-plugin.md, docs/wordpress-test-harness.md): installed
// from the zip the API serves, configured with a site key, talking to this test's API over loopback.
const unavailable = wordpressUnavailableReason();
const mustRun = process.env.CI === 'true';
if (unavailable && !mustRun) console.warn(`SKIPPING the bridge plugin tests: ${unavailable}.`);

const REQUEST_TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown> & { data?: Record<string, unknown> };
}

describe.skipIf(unavailable !== undefined && !mustRun)('IGNY8 WordPress Bridge plugin in WordPress', () => {
  let wordpress: RunningWordPress;
  let t: TestApp;
  let db: DataSource;
  let tenant: SeededTenant;
  let release: { dir: string; manifest: PluginManifest };
  let apiBase: string;
  let key: string;
  let downloadedChecksum: string;
  /** The site's key as both sides know it (changes when the test rotates it). */
  let currentKey: string;

  beforeAll(async () => {
    if (unavailable)
      throw new Error(`The WordPress harness cannot run here, and CI does not skip it: ${unavailable}`);
    release = packagePlugin();
    t = await createTestApp({ env: { PLUGIN_RELEASES_DIR: release.dir } });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    // WordPress here blocks outbound HTTP except to localhost (WP_HTTP_BLOCK_EXTERNAL).
    apiBase = `http://localhost:${port}/api`;
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app);
    key = tenant.apiKeys[0];
    wordpress = await startWordPress();

    // Install the plugin from the zip the API serves.
    const download = await fetch(`http://127.0.0.1:${port}/api/plugins/igny8-wp-bridge/download/`);
    expect(download.status).toBe(200);
    const zip = Buffer.from(await download.arrayBuffer());
    downloadedChecksum = download.headers.get('x-checksum-sha256') ?? '';
    expect(createHash('sha256').update(zip).digest('hex')).toBe(downloadedChecksum);
    const unpacked = mkdtempSync(join(tmpdir(), 'igny8-plugin-'));
    extractZip(zip, unpacked);
    const activated = await wordpress.installPlugin(join(unpacked, 'igny8-wp-bridge'));
    expect(activated).toMatchObject({ name: 'IGNY8 WordPress Bridge', version: release.manifest.version });
  }, WORDPRESS_START_TIMEOUT_MS);

  afterAll(async () => {
    await wordpress?.stop();
    await t?.close();
  }, WORDPRESS_STOP_TIMEOUT_MS);

  async function call(
    route: string,
    init: { method?: string; json?: unknown; headers?: Record<string, string>; admin?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.admin) headers.Authorization = wordpress.authorization;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(wordpress.rest(route), {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  const bearer = (value: string) => ({ Authorization: `Bearer ${value}` });
  const settings = (json: Record<string, unknown>) => call('igny8/v1/settings', { json, admin: true });

  async function content(): Promise<number> {
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status, meta_title)
       VALUES ($1, $2, $3, 'From IGNY8', '<h2>One</h2><p>Body</p>', 'approved', 'SEO title') RETURNING id`,
      [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0]],
    );
    return Number(id);
  }

  /** New content, sent to WordPress as a draft through the plugin (as the API's bridge adapter does). */
  async function draftThroughPlugin(): Promise<{ id: number; postId: number }> {
    const id = await content();
    const published = await call('igny8/v1/publish', {
      headers: bearer(key),
      json: {
        content_id: id,
        site_id: tenant.siteIds[0],
        title: 'T',
        content_html: '<p>x</p>',
        status: 'draft',
        post_type: 'post',
      },
    });
    expect(published.status).toBe(200);
    return { id, postId: Number(published.body.data!.post_id) };
  }

  const contentRow = async (id: number) =>
    (
      await db.query<{ site_status: string; status: string; external_id: string | null; title: string }[]>(
        'SELECT site_status, status, external_id, title FROM igny8_content WHERE id = $1',
        [id],
      )
    )[0];

  it('takes its settings from an administrator, never showing the key back', async () => {
    const bad = await settings({ api_key: 'not-a-key' });
    expect(bad.status).toBe(400);
    const saved = await settings({ api_key: key, site_id: tenant.siteIds[0], api_base_url: apiBase });
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({
      api_key_set: true,
      site_id: tenant.siteIds[0],
      api_base_url: apiBase,
    });
    expect(JSON.stringify(saved.body)).not.toContain(key);
    const anonymous = await call('igny8/v1/settings');
    expect(anonymous.status).toBe(401);
  });

  it('answers its REST surface with the right key in either header, 401 otherwise, 403 when switched off', async () => {
    for (const headers of [{ 'X-IGNY8-API-KEY': key }, bearer(key)]) {
      const status = await call('igny8/v1/status', { headers });
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        success: true,
        data: { connected: true, connection_enabled: true, plugin_version: release.manifest.version },
      });
    }
    const metadata = await call('igny8/v1/site-metadata/', { headers: bearer(key) });
    expect(metadata.status).toBe(200);
    expect(metadata.body.data).toMatchObject({ post_types: { post: { label: 'Posts' } } });

    const wrongHeaders: Record<string, string>[] = [
      {},
      bearer(tenant.apiKeys[0].slice(0, -1) + 'x'),
      { 'X-IGNY8-API-KEY': 'igny8_sk_short' },
    ];
    for (const headers of wrongHeaders) {
      for (const route of ['igny8/v1/status', 'igny8/v1/site-metadata', 'igny8/v1/post-status/1']) {
        const refused = await call(route, { headers });
        expect(refused.status, route).toBe(401);
        expect(refused.body).toMatchObject({ success: false, code: 'invalid_api_key' });
      }
      const publish = await call('igny8/v1/publish', { headers, json: { content_id: 1 } });
      expect(publish.status).toBe(401);
    }

    await settings({ connection_enabled: false });
    const off = await call('igny8/v1/site-metadata', { headers: bearer(key) });
    expect(off.status).toBe(403);
    expect(off.body.code).toBe('connection_disabled');
    const statusOff = await call('igny8/v1/status', { headers: bearer(key) });
    expect(statusOff.body.data).toMatchObject({ connection_enabled: false });
    await settings({ connection_enabled: true });
  });

  it('runs the handshake from the plugin: integration connected, structure pushed, installation registered', async () => {
    const connected = await call('igny8/v1/connect', { method: 'POST', admin: true });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    expect(connected.body.data).toMatchObject({ connected: true, structure_pushed: true, registered: true });
    const integrationId = Number(connected.body.data!.integration_id);
    const [integration] = await db.query<
      {
        site_id: string;
        auth_mode: string;
        connection_status: string;
        external_site_url: string;
        config_json: { plugin: object; content_types: { post_types: object } };
      }[]
    >('SELECT * FROM igny8_site_integrations WHERE id = $1', [integrationId]);
    expect(Number(integration.site_id)).toBe(tenant.siteIds[0]);
    expect(integration).toMatchObject({
      auth_mode: 'bridge_api_key',
      connection_status: 'connected',
      external_site_url: wordpress.site.baseUrl,
    });
    expect(integration.config_json.plugin).toMatchObject({ version: release.manifest.version });
    expect(integration.config_json.content_types.post_types).toHaveProperty('post');
    const [site] = await db.query<{ domain: string }[]>('SELECT domain FROM igny8_sites WHERE id = $1', [
      tenant.siteIds[0],
    ]);
    expect(site.domain).toBe(wordpress.site.baseUrl);
    const [installation] = await db.query<{ site_url: string; version: string; wp_version: string }[]>(
      'SELECT site_url, version, wp_version FROM igny8_plugin_installations WHERE site_id = $1',
      [tenant.siteIds[0]],
    );
    expect(installation).toMatchObject({
      version: release.manifest.version,
      wp_version: wordpress.site.version,
    });

    // The key of another site with this site's id is refused like an unknown site.
    const other = await seedTenant(t.app);
    for (const body of [
      { site_id: tenant.siteIds[0], api_key: other.apiKeys[0], site_url: wordpress.site.baseUrl },
      { site_id: 99_999_999, api_key: key, site_url: wordpress.site.baseUrl },
    ]) {
      const refused = await t.request({
        method: 'POST',
        url: '/api/v1/integration/integrations/test-connection/',
        payload: body,
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('invalid_api_key');
    }
    const mismatch = await t.request({
      method: 'POST',
      url: '/api/v1/integration/integrations/test-connection/',
      payload: { site_id: tenant.siteIds[0], api_key: key, site_url: 'https://elsewhere.example.com' },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().code).toBe('site_url_mismatch');
  });

  it('asks the API for updates (none: it runs the released version)', async () => {
    const check = await call('igny8/v1/check-update');
    expect(check.status).toBe(200);
    expect(check.body.data).toMatchObject({
      current_version: release.manifest.version,
      latest_version: release.manifest.version,
      update_available: false,
    });
  });

  it('publishes, updates and unpublishes through igny8/v1, finding the post again by content id', async () => {
    const id = await content();
    const payload = {
      content_id: id,
      site_id: tenant.siteIds[0],
      title: 'From IGNY8',
      content_html: '<h2>One</h2><p>Body</p>',
      status: 'publish',
      post_type: 'post',
      meta_title: 'SEO title',
      categories: ['News'],
      tags: ['igny8'],
      primary_keyword: 'bridge',
    };
    const published = await call('igny8/v1/publish', { headers: bearer(key), json: payload });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const postId = Number(published.body.data!.post_id);
    expect(published.body.data).toMatchObject({ post_status: 'publish', post_type: 'post' });
    const post = await call(`wp/v2/posts/${postId}?context=edit`, { admin: true });
    expect(post.body).toMatchObject({ status: 'publish', title: { raw: 'From IGNY8' } });

    const again = await call('igny8/v1/publish-content/', {
      headers: bearer(key),
      json: { ...payload, title: 'Edited by IGNY8', status: 'draft' },
    });
    expect(again.body.data).toMatchObject({ post_id: postId, post_status: 'draft' });

    const wrongSite = await call('igny8/v1/publish', {
      headers: bearer(key),
      json: { ...payload, site_id: tenant.siteIds[0] + 1000 },
    });
    expect(wrongSite.status).toBe(400);

    const status = await call(`igny8/v1/post-status/${postId}`, { headers: bearer(key) });
    expect(status.body.data).toMatchObject({ post_id: postId, post_status: 'draft', content_id: id });

    const trashed = await call('igny8/v1/unpublish', {
      headers: bearer(key),
      json: { content_id: id, post_id: postId, action: 'trash' },
    });
    expect(trashed.body.data).toEqual({ post_id: postId, post_status: 'trash' });
    const foreign = await call('igny8/v1/unpublish', {
      headers: bearer(key),
      json: { content_id: id + 1, post_id: postId },
    });
    expect(foreign.status).toBe(404);
    const missing = await call('igny8/v1/post-status/99999', { headers: bearer(key) });
    expect(missing.status).toBe(404);
    // Changes IGNY8 made itself are not reported back.
    expect((await contentRow(id)).site_status).toBe('not_published');
  });

  it('reports a status change made in WordPress to the API, which updates the content', async () => {
    const { id, postId } = await draftThroughPlugin();

    const publish = await call(`wp/v2/posts/${postId}`, { admin: true, json: { status: 'publish' } });
    expect(publish.status).toBe(200);
    expect(await contentRow(id)).toMatchObject({
      site_status: 'published',
      status: 'published',
      external_id: String(postId),
    });

    const draft = await call(`wp/v2/posts/${postId}`, {
      admin: true,
      json: { status: 'draft', title: 'Retitled in WordPress' },
    });
    expect(draft.status).toBe(200);
    expect(await contentRow(id)).toMatchObject({
      site_status: 'not_published',
      status: 'approved',
      title: 'Retitled in WordPress',
    });
    const events = await db.query<{ event_type: string; status: string }[]>(
      `SELECT event_type, status FROM igny8_sync_events WHERE content_id = $1 ORDER BY id`,
      [id],
    );
    expect(events).toContainEqual({ event_type: 'status_webhook', status: 'success' });
    expect(events).toContainEqual({ event_type: 'metadata_webhook', status: 'success' });
  });

  it('sends nothing for posts IGNY8 never published', async () => {
    const created = await call('wp/v2/posts', {
      admin: true,
      json: { title: 'Hand-written', status: 'draft' },
    });
    expect(created.status).toBe(201);
    const before = Number((await db.query('SELECT count(*) FROM igny8_sync_events'))[0].count);
    await call(`wp/v2/posts/${created.body.id as number}`, { admin: true, json: { status: 'publish' } });
    const after = Number((await db.query('SELECT count(*) FROM igny8_sync_events'))[0].count);
    expect(after).toBe(before);
  });

  it('after the key is rotated, its webhooks fail with 401 invalid_api_key and change nothing', async () => {
    const { id, postId } = await draftThroughPlugin();
    const rotated = await t.request({
      method: 'POST',
      url: `/api/v1/auth/sites/${tenant.siteIds[0]}/regenerate_api_key/`,
      headers: tenant.users.owner.auth,
    });
    expect(rotated.statusCode).toBe(200);
    await call(`wp/v2/posts/${postId}`, { admin: true, json: { status: 'publish' } });
    expect((await contentRow(id)).site_status).toBe('not_published');
    const state = await call('igny8/v1/settings', { admin: true });
    expect(state.body.data!.last_webhook).toMatchObject({
      ok: false,
      http_status: 401,
      error: 'Invalid API key.',
    });
    // The API's new key is refused by the plugin until it is pasted.
    const newKey = rotated.json().data.api_key as string;
    const refused = await call('igny8/v1/status', { headers: bearer(newKey) });
    expect(refused.status).toBe(401);
    await settings({ api_key: newKey });
    currentKey = newKey;
    expect((await call('igny8/v1/status', { headers: bearer(newKey) })).status).toBe(200);
  });

  // After the rotation above the API holds the site's key (encrypted) and the plugin has it too.
  it("publishes and unpublishes through the API's bridge adapter and the plugin's igny8/v1 routes", async () => {
    const id = await content();
    const published = await t.request({
      method: 'POST',
      url: `/api/v1/writer/content/${id}/publish/`,
      headers: tenant.users.owner.auth,
      payload: { status: 'publish' },
    });
    expect(published.statusCode, published.body).toBe(200);
    const row = await contentRow(id);
    expect(row).toMatchObject({ site_status: 'published', status: 'published' });
    const postId = Number(row.external_id);
    const post = await call(`wp/v2/posts/${postId}?context=edit`, { admin: true });
    expect(post.body).toMatchObject({ status: 'publish', title: { raw: 'From IGNY8' } });
    const meta = await call(`igny8/v1/post-status/${postId}`, { headers: bearer(currentKey) });
    expect(meta.body.data).toMatchObject({ content_id: id, post_status: 'publish' });

    const unpublished = await t.request({
      method: 'POST',
      url: `/api/v1/writer/content/${id}/unpublish/`,
      headers: tenant.users.owner.auth,
    });
    expect(unpublished.statusCode, unpublished.body).toBe(200);
    expect(await contentRow(id)).toMatchObject({ site_status: 'not_published', external_id: null });
    const trashed = await call(`wp/v2/posts/${postId}?context=edit`, { admin: true });
    expect(trashed.body).toMatchObject({ status: 'trash' });
  });
});
