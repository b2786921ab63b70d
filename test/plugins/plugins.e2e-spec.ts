import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type PluginManifest, packagePlugin } from '../support/plugin-release.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

const BASE = '/api/plugins/igny8-wp-bridge';

describe('plugin distribution (/api/plugins/igny8-wp-bridge/)', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let releases: { dir: string; manifest: PluginManifest };
  const key = (apiKey: string) => ({ 'x-igny8-api-key': apiKey });

  beforeAll(async () => {
    releases = packagePlugin();
    t = await createTestApp({ env: { PLUGIN_RELEASES_DIR: releases.dir } });
    tenant = await seedTenant(t.app);
    other = await seedTenant(t.app);
  });
  afterAll(() => t?.close());

  it('packages a zip whose manifest checksum is the zip’s SHA-256', () => {
    const bytes = readFileSync(join(releases.dir, releases.manifest.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(releases.manifest.checksum_sha256);
    expect(bytes.length).toBe(releases.manifest.file_size);
    // A zip with the plugin folder at its root, as WordPress installs it.
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from('igny8-wp-bridge/igny8-wp-bridge.php'))).toBe(true);
  });

  it('serves the zip publicly, with the checksum, and records the download', async () => {
    const db = t.app.get(DataSource);
    const before = Number((await db.query('SELECT count(*) FROM igny8_plugin_downloads'))[0].count);
    const response = await t.request({ method: 'GET', url: `${BASE}/download/` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['x-checksum-sha256']).toBe(releases.manifest.checksum_sha256);
    expect(createHash('sha256').update(response.rawPayload).digest('hex')).toBe(
      releases.manifest.checksum_sha256,
    );
    const rows = await db.query<{ site_id: string | null; account_id: string | null; version: string }[]>(
      `SELECT d.site_id, d.account_id, v.version FROM igny8_plugin_downloads d
         JOIN igny8_plugin_versions v ON v.id = d.version_id ORDER BY d.id`,
    );
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toEqual({ site_id: null, account_id: null, version: releases.manifest.version });

    // With the site's key the download is attributed to the site.
    const keyed = await t.request({
      method: 'GET',
      url: `${BASE}/download/?version=${releases.manifest.version}`,
      headers: key(tenant.apiKeys[0]),
    });
    expect(keyed.statusCode).toBe(200);
    const [last] = await db.query<{ site_id: string; account_id: string }[]>(
      'SELECT site_id, account_id FROM igny8_plugin_downloads ORDER BY id DESC LIMIT 1',
    );
    expect(Number(last.site_id)).toBe(tenant.siteIds[0]);
    expect(Number(last.account_id)).toBe(tenant.accountId);
  });

  it('answers 404 for a version never released and 400 for a malformed one', async () => {
    const missing = await t.request({ method: 'GET', url: `${BASE}/download/?version=99.0.0` });
    expect(missing.statusCode).toBe(404);
    const bad = await t.request({ method: 'GET', url: `${BASE}/download/?version=../../etc/passwd` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveProperty('version');
  });

  it('says whether an update is available', async () => {
    const older = await t.request({
      method: 'POST',
      url: `${BASE}/check-update/`,
      payload: { current_version: '0.9.0', site_url: 'https://blog.example.com', wp_version: '6.1.9' },
    });
    expect(older.statusCode).toBe(200);
    const data = older.json().data;
    expect(data).toMatchObject({
      update_available: true,
      latest_version: releases.manifest.version,
      checksum_sha256: releases.manifest.checksum_sha256,
      min_wp_version: '6.1',
    });
    expect(data.download_url).toMatch(
      new RegExp(`/api/plugins/igny8-wp-bridge/download/\\?version=${releases.manifest.version}$`),
    );
    const current = await t.request({
      method: 'POST',
      url: `${BASE}/check-update/`,
      payload: { current_version: releases.manifest.version },
    });
    expect(current.json().data.update_available).toBe(false);
    // Numeric, not string, comparison: 1.10.0 is newer than 1.9.0.
    const newer = await t.request({
      method: 'POST',
      url: `${BASE}/check-update/`,
      payload: { current_version: '1.10.0' },
    });
    expect(newer.json().data.update_available).toBe(false);
  });

  it('refuses malformed update checks with 400 on the field', async () => {
    for (const payload of [
      {},
      { current_version: 1 },
      { current_version: 'latest' },
      { current_version: '1.0.0', site_url: 'x'.repeat(501) },
    ]) {
      const response = await t.request({ method: 'POST', url: `${BASE}/check-update/`, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('describes the plugin', async () => {
    const response = await t.request({ method: 'GET', url: `${BASE}/info/` });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({
      slug: 'igny8-wp-bridge',
      name: 'IGNY8 WordPress Bridge',
      latest_version: releases.manifest.version,
      changelog: releases.manifest.changelog,
    });
  });

  it('registers the installation of the key’s site once, then updates it', async () => {
    const first = await t.request({
      method: 'POST',
      url: `${BASE}/register/`,
      headers: key(tenant.apiKeys[0]),
      payload: {
        site_url: 'https://blog.example.com',
        version: '0.9.0',
        wp_version: '6.1.9',
        php_version: '8.2.1',
      },
    });
    expect(first.statusCode).toBe(200);
    const installation = first.json().data;
    expect(installation).toMatchObject({
      site_id: tenant.siteIds[0],
      account_id: tenant.accountId,
      version: '0.9.0',
      version_id: null,
      update_available: true,
      wp_version: '6.1.9',
    });
    const again = await t.request({
      method: 'POST',
      url: `${BASE}/register/`,
      headers: { authorization: `Bearer ${tenant.apiKeys[0]}` },
      payload: {
        site_url: 'https://blog.example.com',
        version: releases.manifest.version,
        site_id: other.siteIds[0],
      },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().data).toMatchObject({
      id: installation.id,
      site_id: tenant.siteIds[0],
      version: releases.manifest.version,
      update_available: false,
    });
    expect(again.json().data.version_id).toEqual(expect.any(Number));
    const db = t.app.get(DataSource);
    const rows = await db.query('SELECT id FROM igny8_plugin_installations WHERE site_id = $1', [
      other.siteIds[0],
    ]);
    expect(rows).toEqual([]);
  });

  it('takes health checks for a registered installation only', async () => {
    const unregistered = await t.request({
      method: 'POST',
      url: `${BASE}/health-check/`,
      headers: key(other.apiKeys[0]),
      payload: { version: '1.0.0' },
    });
    expect(unregistered.statusCode).toBe(404);

    const response = await t.request({
      method: 'POST',
      url: `${BASE}/health-check/`,
      headers: key(tenant.apiKeys[0]),
      payload: { version: '0.9.0', status: 'degraded', details: { php_errors: 2 } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ health_status: 'degraded', update_available: true });
    const db = t.app.get(DataSource);
    const [row] = await db.query<
      { health_status: string; health_details: object; last_health_check_at: Date }[]
    >(
      'SELECT health_status, health_details, last_health_check_at FROM igny8_plugin_installations WHERE site_id = $1',
      [tenant.siteIds[0]],
    );
    expect(row.health_status).toBe('degraded');
    expect(row.health_details).toEqual({ php_errors: 2 });
    expect(row.last_health_check_at).not.toBeNull();

    for (const payload of [
      { version: '1.0.0', status: 'fine' },
      { version: '1.0.0', details: 'no' },
      { version: '1.0.0', details: { blob: 'x'.repeat(20_000) } },
      { status: 'healthy' },
    ]) {
      const bad = await t.request({
        method: 'POST',
        url: `${BASE}/health-check/`,
        headers: key(tenant.apiKeys[0]),
        payload,
      });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('needs a valid site key for register and health-check; a user token is refused', async () => {
    const payload = { site_url: 'https://blog.example.com', version: '1.0.0' };
    const anonymous = await t.request({ method: 'POST', url: `${BASE}/register/`, payload });
    expect(anonymous.statusCode).toBe(401);
    const wrong = await t.request({
      method: 'POST',
      url: `${BASE}/register/`,
      headers: key(`igny8_sk_${'A'.repeat(40)}`),
      payload,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_api_key');
    const user = await t.request({
      method: 'POST',
      url: `${BASE}/health-check/`,
      headers: tenant.users.owner.auth,
      payload: { version: '1.0.0' },
    });
    expect(user.statusCode).toBe(403);
  });
});
