import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, sha256Hex } from '../../src/common/crypto.js';
import { authApi, type Body, data, results, ids, type Headers } from './api.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, snapshot } from '../support/tenants.js';

const KEY_FORMAT = /^igny8_sk_[0-9A-Za-z]{40}$/;
const SECRET_FIELDS = ['wp_api_key_hash', 'wp_api_key_encrypted'];
const TABLES = ['igny8_sites', 'igny8_sectors', 'igny8_users'];

describe('auth/sites/', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let others: SeededTenant[];
  let developer: Headers;

  const call = authApi(() => t);
  const technology = async () =>
    (await db.query<{ id: number }[]>("SELECT id FROM igny8_industries WHERE slug = 'technology'"))[0].id;
  const health = async () =>
    (await db.query<{ id: number }[]>("SELECT id FROM igny8_industries WHERE slug = 'health-wellness'"))[0]
      .id;
  /** A fresh API key for a site, through the admin endpoint. */
  const keyFor = async (tenant: SeededTenant, siteId: number) => {
    const response = await call('POST', `sites/${siteId}/regenerate_api_key/`, tenant.users.admin.auth);
    expect(response.status).toBe(200);
    return data(response).api_key as string;
  };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2, sectorsPerSite: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    others = [];
    for (let i = 0; i < 4; i++) others.push(await seedTenant(t.app, { sites: 1 }));
    const system = await seedTenant(t.app, { sites: 0, isSystem: true, plan: 'internal' });
    await db.query("UPDATE igny8_users SET role = 'developer' WHERE id = $1", [system.users.admin.id]);
    developer = system.users.admin.auth;
  });
  afterAll(() => t.close());

  describe('create', () => {
    it('answers 201 with the site, its computed fields and the key shown once; stores only hash and ciphertext', async () => {
      const industryId = await technology();
      const response = await call('POST', 'sites/', a.users.admin.auth, {
        name: '  Créme Brûlée Blog ',
        domain: 'https://creme.example.com/',
        industry_id: industryId,
        site_type: 'ecommerce',
        // read-only and foreign fields are stripped
        account_id: b.accountId,
        slug: 'chosen-slug',
        created_by: b.users.owner.id,
        wp_api_key_hash: 'f'.repeat(64),
        api_key_last4: 'zzzz',
        deleted_at: new Date().toISOString(),
      });
      expect(response.status).toBe(201);
      const site = data(response);
      expect(site).toMatchObject({
        name: 'Créme Brûlée Blog',
        slug: 'creme-brulee-blog',
        domain: 'https://creme.example.com',
        account_id: a.accountId,
        created_by: a.users.admin.id,
        industry_id: industryId,
        industry_name: 'Technology',
        industry_slug: 'technology',
        site_type: 'ecommerce',
        hosting_type: 'wordpress',
        platform_type: 'wordpress',
        is_active: true,
        sectors_count: 0,
        has_api_key: true,
        is_active_site: false,
        deleted_at: null,
        deleted_by: null,
        deleted_cascade_id: null,
      });
      const key = site.api_key as string;
      expect(key).toMatch(KEY_FORMAT);
      expect(site.api_key_last4).toBe(key.slice(-4));
      for (const field of SECRET_FIELDS) expect(site).not.toHaveProperty(field);

      const [row] = await db.query<Body[]>('SELECT * FROM igny8_sites WHERE id = $1', [site.id]);
      expect(row.wp_api_key_hash).toBe(sha256Hex(key));
      expect(row.wp_api_key_encrypted).not.toContain(key);
      expect(decryptSecret(row.wp_api_key_encrypted as string, t.config.encryptionKey)).toBe(key);
      expect(row.api_key_created_at).toBeInstanceOf(Date);
      expect(JSON.stringify(row)).not.toContain(key);

      // shown once: later reads never carry it
      const again = await call('GET', `sites/${site.id as number}/`, a.users.admin.auth);
      expect(again.status).toBe(200);
      expect(data(again)).not.toHaveProperty('api_key');
      for (const field of SECRET_FIELDS) expect(data(again)).not.toHaveProperty(field);

      // the new key authenticates as that site at once
      const viaKey = await call('GET', 'sites/', { 'x-igny8-api-key': key });
      expect(viaKey.status).toBe(200);
      expect(ids(viaKey)).toEqual([site.id]);
    });

    it('makes slugs globally unique among live sites with -2, -3', async () => {
      const first = await call('POST', 'sites/', a.users.admin.auth, { name: 'Shared Name' });
      const second = await call('POST', 'sites/', b.users.admin.auth, { name: 'Shared Name' });
      const third = await call('POST', 'sites/', a.users.admin.auth, { name: 'shared name!' });
      expect([first, second, third].map((r) => data(r).slug)).toEqual([
        'shared-name',
        'shared-name-2',
        'shared-name-3',
      ]);
      const symbols = await call('POST', 'sites/', a.users.admin.auth, { name: '!!!' });
      expect(data(symbols).slug).toMatch(/^site(-\d+)?$/);
      // a deleted site frees its slug
      await call('DELETE', `sites/${data(first).id as number}/`, a.users.admin.auth);
      const reused = await call('POST', 'sites/', b.users.admin.auth, { name: 'Shared Name' });
      expect(data(reused).slug).toBe('shared-name');
    });

    it('validates every field', async () => {
      const cases: [Body, string][] = [
        [{}, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 'x'.repeat(256) }, 'name'],
        [{ name: 42 }, 'name'],
        [{ name: 'ok', domain: 'example.com' }, 'domain'],
        [{ name: 'ok', domain: 'ftp://example.com' }, 'domain'],
        [{ name: 'ok', domain: `https://${'a'.repeat(500)}.com` }, 'domain'],
        [{ name: 'ok', site_type: 'newspaper' }, 'site_type'],
        [{ name: 'ok', hosting_type: null }, 'hosting_type'],
        [{ name: 'ok', platform_type: 'joomla' }, 'platform_type'],
        [{ name: 'ok', is_active: 'yes' }, 'is_active'],
        [{ name: 'ok', industry_id: 'x' }, 'industry_id'],
        [{ name: 'ok', industry_id: 999_999 }, 'industry_id'],
        [{ name: 'ok', description: null }, 'description'],
      ];
      const before = await snapshot(t.app, TABLES);
      for (const [payload, field] of cases) {
        const response = await call('POST', 'sites/', a.users.admin.auth, payload);
        expect(response.status, JSON.stringify(payload)).toBe(400);
        expect(response.body.code).toBe('validation_error');
        expect(Object.keys(response.body.errors as Body)).toEqual([field]);
      }
      expect(await snapshot(t.app, TABLES)).toEqual(before);
      const empty = await call('POST', 'sites/', a.users.admin.auth, { name: 'No domain', domain: '' });
      expect(data(empty).domain).toBeNull();
    });

    it('refuses inactive industries', async () => {
      const [inactive] = await db.query<{ id: number }[]>(
        "INSERT INTO igny8_industries (name, slug, is_active) VALUES ('Retired', 'retired', false) RETURNING id",
      );
      const response = await call('POST', 'sites/', a.users.admin.auth, {
        name: 'x',
        industry_id: inactive.id,
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual({
        industry_id: [`Invalid pk "${inactive.id}" - object does not exist.`],
      });
    });
  });

  describe('plan limit (max_sites)', () => {
    it('refuses a site over the plan limit with 403 plan_limit_reached and its details', async () => {
      const free = await seedTenant(t.app, { sites: 1, plan: 'free-trial' });
      const before = await snapshot(t.app, ['igny8_sites']);
      const response = await call('POST', 'sites/', free.users.owner.auth, { name: 'Second' });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        code: 'plan_limit_reached',
        details: { limit: 'max_sites', current: 1, requested: 1, allowed: 0 },
      });
      expect(await snapshot(t.app, ['igny8_sites'])).toEqual(before);
    });

    it('checks the limit again on restore', async () => {
      const starter = await seedTenant(t.app, { sites: 2, plan: 'starter' });
      const [first, second] = starter.siteIds;
      expect((await call('DELETE', `sites/${first}/`, starter.users.admin.auth)).status).toBe(200);
      const third = await call('POST', 'sites/', starter.users.admin.auth, { name: 'Third' });
      expect(third.status).toBe(201);
      const refused = await call('POST', `sites/${first}/restore/`, starter.users.admin.auth);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        code: 'plan_limit_reached',
        details: { limit: 'max_sites', current: 2, requested: 1, allowed: 0 },
      });
      const trash = await call('GET', 'sites/trash/', starter.users.admin.auth);
      expect(ids(trash)).toEqual([first]);
      expect((await call('DELETE', `sites/${second}/`, starter.users.admin.auth)).status).toBe(200);
      const restored = await call('POST', `sites/${first}/restore/`, starter.users.admin.auth);
      expect(restored.status).toBe(200);
      expect(data(restored)).toMatchObject({ id: first, deleted_at: null, sectors_count: 2 });
    });
  });

  describe('read', () => {
    it('lists with filters, search and ordering, only the caller account', async () => {
      const list = await call('GET', 'sites/?page_size=100', a.users.admin.auth);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ success: true, next: null, previous: null });
      const accounts = new Set(results(list).map((row) => row.account_id));
      expect([...accounts]).toEqual([a.accountId]);
      for (const row of results(list))
        for (const field of SECRET_FIELDS) expect(row).not.toHaveProperty(field);
      expect(ids(list)).toEqual(expect.arrayContaining(a.siteIds));

      const seeded = results(list).find((row) => row.id === a.siteIds[0])!;
      expect(seeded).toMatchObject({ sectors_count: 2, industry_slug: 'technology', has_api_key: true });

      const searched = await call('GET', `sites/?search=${encodeURIComponent('site 2')}`, a.users.admin.auth);
      expect(ids(searched)).toEqual([a.siteIds[1]]);
      const byName = await call('GET', 'sites/?ordering=name&page_size=100', a.users.admin.auth);
      const names = results(byName).map((row) => row.name as string);
      expect(names).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      const filtered = await call('GET', `sites/?industry_id=${await health()}`, a.users.admin.auth);
      expect(filtered.body.count).toBe(0);
      expect((await call('GET', 'sites/?platform_type=joomla', a.users.admin.auth)).status).toBe(400);
      expect((await call('GET', 'sites/?is_active=maybe', a.users.admin.auth)).status).toBe(400);
    });

    it('lets editors and viewers see only the sites granted to them', async () => {
      for (const role of ['editor', 'viewer'] as const) {
        const list = await call('GET', 'sites/', a.users[role].auth);
        expect(ids(list)).toEqual([a.siteIds[0]]);
        expect((await call('GET', `sites/${a.siteIds[1]}/`, a.users[role].auth)).status).toBe(404);
        expect((await call('GET', `sites/${a.siteIds[1]}/sectors/`, a.users[role].auth)).status).toBe(404);
        expect((await call('POST', `sites/${a.siteIds[1]}/set_active/`, a.users[role].auth)).status).toBe(
          404,
        );
      }
      await db.query('INSERT INTO igny8_site_user_access (user_id, site_id) VALUES ($1, $2)', [
        a.users.viewer.id,
        a.siteIds[1],
      ]);
      const widened = await call('GET', 'sites/?ordering=created_at', a.users.viewer.auth);
      expect(ids(widened)).toEqual([a.siteIds[0], a.siteIds[1]]);
      await db.query('DELETE FROM igny8_site_user_access WHERE user_id = $1 AND site_id = $2', [
        a.users.viewer.id,
        a.siteIds[1],
      ]);
    });

    it('gives developers every account, narrowed by account_id', async () => {
      const all = await call('GET', 'sites/?page_size=100', developer);
      const accounts = new Set(results(all).map((row) => row.account_id));
      expect(accounts.has(a.accountId) && accounts.has(b.accountId)).toBe(true);
      const narrowed = await call('GET', `sites/?account_id=${b.accountId}&page_size=100`, developer);
      expect(new Set(results(narrowed).map((row) => row.account_id))).toEqual(new Set([b.accountId]));
      // account_id is ignored for everyone else
      const ignored = await call('GET', `sites/?account_id=${b.accountId}&page_size=100`, a.users.admin.auth);
      expect(new Set(results(ignored).map((row) => row.account_id))).toEqual(new Set([a.accountId]));
    });
  });

  describe('roles', () => {
    it('lets only admins and above write, whether or not the site exists', async () => {
      const before = await snapshot(t.app, TABLES);
      for (const role of ['editor', 'viewer'] as const) {
        const headers = a.users[role].auth;
        const siteId = a.siteIds[0];
        const attempts = [
          await call('POST', 'sites/', headers, { name: 'Nope' }),
          await call('PATCH', `sites/${siteId}/`, headers, { name: 'Nope' }),
          await call('PUT', `sites/${siteId}/`, headers, { name: 'Nope' }),
          await call('DELETE', `sites/${siteId}/`, headers),
          await call('DELETE', 'sites/999999999/', headers),
          await call('GET', 'sites/trash/', headers),
          await call('POST', `sites/${siteId}/restore/`, headers),
          await call('POST', 'sites/purge/', headers, { ids: [siteId] }),
          await call('POST', `sites/${siteId}/select_sectors/`, headers, {
            industry_slug: 'technology',
            sector_slugs: ['cybersecurity'],
          }),
          await call('POST', `sites/${siteId}/regenerate_api_key/`, headers),
        ];
        for (const response of attempts) {
          expect(response.status).toBe(403);
          expect(response.body.code).toBe('permission_denied');
        }
      }
      expect(await snapshot(t.app, TABLES)).toEqual(before);
    });

    it('answers 401 without credentials (no slug) and with invalid ones', async () => {
      const anonymous = await call('GET', 'sites/');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('authentication_required');
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect((await call('GET', `sites/${a.siteIds[0]}/`)).status).toBe(401);
      expect((await call('POST', 'sites/', {}, { name: 'x' })).status).toBe(401);
      const bad = await call('GET', 'sites/?slug=anything', { authorization: 'Bearer not-a-token' });
      expect(bad.status).toBe(401);
      const badKey = await call('GET', 'sites/', { 'x-igny8-api-key': `igny8_sk_${'A'.repeat(40)}` });
      expect(badKey.status).toBe(401);
      expect(badKey.body.code).toBe('invalid_api_key');
    });
  });

  describe('public lookup by slug', () => {
    it('returns at most one active site with four fields, without credentials', async () => {
      const [{ slug }] = await db.query<{ slug: string }[]>('SELECT slug FROM igny8_sites WHERE id = $1', [
        b.siteIds[0],
      ]);
      const found = await call('GET', `sites/?slug=${slug}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ success: true, count: 1, next: null, previous: null });
      expect(results(found)).toEqual([{ id: b.siteIds[0], name: expect.any(String), slug, domain: null }]);
      expect((await call('GET', 'sites/?slug=no-such-site')).body).toMatchObject({ count: 0, results: [] });
      expect((await call('GET', 'sites/?slug=')).status).toBe(401);

      await db.query('UPDATE igny8_sites SET is_active = false WHERE id = $1', [b.siteIds[0]]);
      expect((await call('GET', `sites/?slug=${slug}`)).body).toMatchObject({ count: 0, results: [] });
      await db.query('UPDATE igny8_sites SET is_active = true WHERE id = $1', [b.siteIds[0]]);

      // with credentials it is the normal, scoped list (the slug is not a filter)
      const scoped = await call('GET', `sites/?slug=${slug}&page_size=100`, a.users.admin.auth);
      expect(ids(scoped)).not.toContain(b.siteIds[0]);
      expect(new Set(results(scoped).map((row) => row.account_id))).toEqual(new Set([a.accountId]));
    });

    it('never shows deleted sites', async () => {
      const created = await call('POST', 'sites/', b.users.admin.auth, { name: 'Soon Gone' });
      const { id, slug } = data(created) as { id: number; slug: string };
      expect((await call('GET', `sites/?slug=${slug}`)).body.count).toBe(1);
      await call('DELETE', `sites/${id}/`, b.users.admin.auth);
      expect((await call('GET', `sites/?slug=${slug}`)).body.count).toBe(0);
    });
  });

  describe('update', () => {
    it('applies PATCH and PUT, ignores read-only fields, and needs name for PUT', async () => {
      const siteId = a.siteIds[0];
      const before = (await db.query<Body[]>('SELECT * FROM igny8_sites WHERE id = $1', [siteId]))[0];
      const patched = await call('PATCH', `sites/${siteId}/`, a.users.admin.auth, {
        description: 'About',
        domain: 'http://a.example.org//',
        account_id: b.accountId,
        slug: 'hijacked',
        wp_api_key_hash: null,
        has_api_key: false,
      });
      expect(patched.status).toBe(200);
      expect(data(patched)).toMatchObject({
        description: 'About',
        domain: 'http://a.example.org',
        account_id: a.accountId,
        slug: before.slug,
        name: before.name,
      });
      const after = (await db.query<Body[]>('SELECT * FROM igny8_sites WHERE id = $1', [siteId]))[0];
      expect(after.account_id).toBe(a.accountId);
      expect(after.slug).toBe(before.slug);
      expect(after.wp_api_key_hash).toBe(before.wp_api_key_hash);

      const put = await call('PUT', `sites/${siteId}/`, a.users.admin.auth, { description: 'x' });
      expect(put.status).toBe(400);
      expect(put.body.errors).toEqual({ name: ['This field is required.'] });
      const replaced = await call('PUT', `sites/${siteId}/`, a.users.admin.auth, {
        name: 'Renamed',
        domain: null,
      });
      expect(replaced.status).toBe(200);
      expect(data(replaced)).toMatchObject({ name: 'Renamed', domain: null, slug: before.slug });
    });

    it('changes the industry only while the site has no sectors', async () => {
      const siteId = a.siteIds[0];
      const refused = await call('PATCH', `sites/${siteId}/`, a.users.admin.auth, {
        industry_id: await health(),
      });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body.errors as Body)).toEqual(['industry_id']);
      const same = await call('PATCH', `sites/${siteId}/`, a.users.admin.auth, {
        industry_id: await technology(),
      });
      expect(same.status).toBe(200);

      const fresh = data(await call('POST', 'sites/', a.users.admin.auth, { name: 'Industry Hopper' }));
      const changed = await call('PATCH', `sites/${fresh.id as number}/`, a.users.admin.auth, {
        industry_id: await health(),
      });
      expect(changed.status).toBe(200);
      expect(data(changed)).toMatchObject({
        industry_slug: 'health-wellness',
        industry_name: 'Health & Wellness',
      });
      const cleared = await call('PATCH', `sites/${fresh.id as number}/`, a.users.admin.auth, {
        industry_id: null,
      });
      expect(data(cleared)).toMatchObject({ industry_id: null, industry_name: null, industry_slug: null });
    });
  });

  describe('delete, trash, restore, purge', () => {
    it('soft-deletes with its sectors, restores them together, and purges from the trash', async () => {
      const tenant = await seedTenant(t.app, { sites: 2, sectorsPerSite: 3 });
      const [siteId] = tenant.siteIds;
      const admin = tenant.users.admin.auth;
      const deleted = await call('DELETE', `sites/${siteId}/`, admin);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ success: true, data: null, message: 'Deleted.' });
      expect((await call('GET', `sites/${siteId}/`, admin)).status).toBe(404);
      expect((await call('DELETE', `sites/${siteId}/`, admin)).status).toBe(404);
      const rows = await db.query<{ deleted_cascade_id: string; deleted_by: number }[]>(
        'SELECT deleted_cascade_id, deleted_by FROM igny8_sectors WHERE site_id = $1',
        [siteId],
      );
      const [site] = await db.query<{ deleted_cascade_id: string; deleted_by: number }[]>(
        'SELECT deleted_cascade_id, deleted_by FROM igny8_sites WHERE id = $1',
        [siteId],
      );
      expect(site.deleted_by).toBe(tenant.users.admin.id);
      expect(rows).toHaveLength(3);
      expect(rows.every((row) => row.deleted_cascade_id === site.deleted_cascade_id)).toBe(true);
      const sectors = await call('GET', `sectors/?site_id=${siteId}`, admin);
      expect(sectors.body.count).toBe(0);

      const trash = await call('GET', 'sites/trash/', admin);
      expect(ids(trash)).toEqual([siteId]);
      expect(results(trash)[0].deleted_at).not.toBeNull();

      const restored = await call('POST', `sites/${siteId}/restore/`, admin);
      expect(restored.status).toBe(200);
      expect(data(restored)).toMatchObject({ id: siteId, deleted_at: null, sectors_count: 3 });
      expect((await call('POST', `sites/${siteId}/restore/`, admin)).status).toBe(404);

      await call('DELETE', `sites/${siteId}/`, admin);
      const purged = await call('POST', 'sites/purge/', admin, { ids: [siteId, tenant.siteIds[1], 999_999] });
      expect(purged.status).toBe(200);
      expect(data(purged)).toEqual({ purged_count: 1, not_found_ids: [tenant.siteIds[1], 999_999] });
      expect(await db.query('SELECT id FROM igny8_sites WHERE id = $1', [siteId])).toEqual([]);
      expect(await db.query('SELECT id FROM igny8_sectors WHERE site_id = $1', [siteId])).toEqual([]);
    });

    it('refuses a restore whose slug was taken meanwhile (409)', async () => {
      const created = data(await call('POST', 'sites/', a.users.admin.auth, { name: 'Slug Clash' }));
      await call('DELETE', `sites/${created.id as number}/`, a.users.admin.auth);
      const taker = await call('POST', 'sites/', b.users.admin.auth, { name: 'Slug Clash' });
      expect(data(taker).slug).toBe(created.slug);
      const refused = await call('POST', `sites/${created.id as number}/restore/`, a.users.admin.auth);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('conflict');
    });
  });

  describe('set_active', () => {
    it("sets the caller's active site and reports it in is_active_site", async () => {
      const siteId = a.siteIds[1];
      const response = await call('POST', `sites/${siteId}/set_active/`, a.users.admin.auth);
      expect(response.status).toBe(200);
      expect(data(response)).toMatchObject({ id: siteId, is_active_site: true });
      const [user] = await db.query<{ active_site_id: number }[]>(
        'SELECT active_site_id FROM igny8_users WHERE id = $1',
        [a.users.admin.id],
      );
      expect(user.active_site_id).toBe(siteId);
      const list = await call('GET', 'sites/?page_size=100', a.users.admin.auth);
      expect(
        results(list)
          .filter((row) => row.is_active_site)
          .map((row) => row.id),
      ).toEqual([siteId]);
      // per user: the owner's view is unchanged
      const owner = await call('GET', 'sites/?page_size=100', a.users.owner.auth);
      expect(results(owner).some((row) => row.is_active_site)).toBe(false);
      // viewers may set a granted site
      const viewer = await call('POST', `sites/${a.siteIds[0]}/set_active/`, a.users.viewer.auth);
      expect(data(viewer)).toMatchObject({ id: a.siteIds[0], is_active_site: true });
    });
  });

  describe('API keys', () => {
    it('scope the request to their own site and only to the key routes', async () => {
      const key = { 'x-igny8-api-key': await keyFor(a, a.siteIds[0]) };
      const list = await call('GET', 'sites/', key);
      expect(list.status).toBe(200);
      expect(ids(list)).toEqual([a.siteIds[0]]);
      expect(data(await call('GET', `sites/${a.siteIds[0]}/`, key))).toMatchObject({
        id: a.siteIds[0],
        is_active_site: false,
        has_api_key: true,
      });
      expect((await call('GET', `sites/${a.siteIds[1]}/`, key)).status).toBe(404);
      expect((await call('GET', `sites/${b.siteIds[0]}/`, key)).status).toBe(404);
      const sectors = await call('GET', `sites/${a.siteIds[0]}/sectors/`, key);
      expect(sectors.status).toBe(200);
      expect((sectors.body.data as Body[]).map((row) => row.id)).toEqual(a.sectorIds[0]);
      expect((await call('GET', `sites/${a.siteIds[1]}/sectors/`, key)).status).toBe(404);

      const before = await snapshot(t.app, TABLES);
      const refused = [
        await call('POST', 'sites/', key, { name: 'Via key' }),
        await call('PATCH', `sites/${a.siteIds[0]}/`, key, { name: 'Via key' }),
        await call('DELETE', `sites/${a.siteIds[0]}/`, key),
        await call('GET', 'sites/trash/', key),
        await call('POST', `sites/${a.siteIds[0]}/set_active/`, key),
        await call('POST', `sites/${a.siteIds[0]}/regenerate_api_key/`, key),
        await call('POST', `sites/${a.siteIds[0]}/select_sectors/`, key, {
          industry_slug: 'technology',
          sector_slugs: ['cybersecurity'],
        }),
      ];
      for (const response of refused) {
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({
          code: 'api_key_not_allowed',
          error: 'This endpoint is not available with an API key.',
        });
      }
      expect(await snapshot(t.app, TABLES)).toEqual(before);
    });

    it('are replaced by regenerate_api_key: the old key fails at once (401)', async () => {
      const siteId = b.siteIds[0];
      const oldKey = await keyFor(b, siteId);
      expect((await call('GET', 'sites/', { authorization: `Bearer ${oldKey}` })).status).toBe(200);
      const response = await call('POST', `sites/${siteId}/regenerate_api_key/`, b.users.admin.auth);
      expect(response.status).toBe(200);
      const fresh = data(response);
      expect(Object.keys(fresh).sort()).toEqual([
        'api_key',
        'api_key_created_at',
        'api_key_last4',
        'site_id',
      ]);
      expect(fresh).toMatchObject({ site_id: siteId, api_key_last4: (fresh.api_key as string).slice(-4) });
      expect(fresh.api_key).toMatch(KEY_FORMAT);
      expect(fresh.api_key).not.toBe(oldKey);

      const old = await call('GET', 'sites/', { authorization: `ApiKey ${oldKey}` });
      expect(old.status).toBe(401);
      expect(old.body.code).toBe('invalid_api_key');
      expect((await call('GET', 'sites/', { 'x-igny8-api-key': fresh.api_key as string })).status).toBe(200);
      const [row] = await db.query<Body[]>('SELECT * FROM igny8_sites WHERE id = $1', [siteId]);
      expect(row.wp_api_key_hash).toBe(sha256Hex(fresh.api_key as string));
      expect(decryptSecret(row.wp_api_key_encrypted as string, t.config.encryptionKey)).toBe(fresh.api_key);
    });

    it('stop working when their site is deleted or deactivated', async () => {
      const tenant = await seedTenant(t.app, { sites: 1 });
      const key = { 'x-igny8-api-key': await keyFor(tenant, tenant.siteIds[0]) };
      await call('PATCH', `sites/${tenant.siteIds[0]}/`, tenant.users.admin.auth, { is_active: false });
      const inactive = await call('GET', 'sites/', key);
      expect(inactive.status).toBe(403);
      expect(inactive.body.error).toBe('Site is inactive.');
      await call('PATCH', `sites/${tenant.siteIds[0]}/`, tenant.users.admin.auth, { is_active: true });
      expect((await call('GET', 'sites/', key)).status).toBe(200);
      await call('DELETE', `sites/${tenant.siteIds[0]}/`, tenant.users.admin.auth);
      expect((await call('GET', 'sites/', key)).status).toBe(401);
    });
  });

  describe('isolation', () => {
    it('treats another account site like a missing one and changes nothing', async () => {
      const foreign = b.siteIds[0];
      const missing = 987_654_321;
      for (const attacker of [a, ...others]) {
        const admin = attacker.users.admin.auth;
        const before = await snapshot(t.app, TABLES);
        for (const id of [foreign, missing]) {
          const attempts = [
            await call('GET', `sites/${id}/`, admin),
            await call('PATCH', `sites/${id}/`, admin, { name: 'Owned' }),
            await call('PUT', `sites/${id}/`, admin, { name: 'Owned' }),
            await call('DELETE', `sites/${id}/`, admin),
            await call('POST', `sites/${id}/restore/`, admin),
            await call('POST', `sites/${id}/set_active/`, admin),
            await call('GET', `sites/${id}/sectors/`, admin),
            await call('POST', `sites/${id}/regenerate_api_key/`, admin),
            await call('POST', `sites/${id}/select_sectors/`, admin, {
              industry_slug: 'technology',
              sector_slugs: ['cybersecurity'],
            }),
          ];
          for (const response of attempts) {
            expect(response.status).toBe(404);
            expect(response.body).toMatchObject({ code: 'not_found', error: 'Not found.' });
          }
        }
        const purge = await call('POST', 'sites/purge/', admin, { ids: [foreign] });
        expect(data(purge)).toEqual({ purged_count: 0, not_found_ids: [foreign] });
        const list = await call('GET', 'sites/?page_size=100', admin);
        expect(ids(list)).not.toContain(foreign);
        const filtered = await call('GET', `sites/?industry_id=${await technology()}&page_size=100`, admin);
        expect(ids(filtered)).not.toContain(foreign);
        expect(await snapshot(t.app, TABLES)).toEqual(before);
      }
    });

    it('keeps a deleted foreign site out of the trash and out of restore', async () => {
      const victim = await seedTenant(t.app, { sites: 2 });
      await call('DELETE', `sites/${victim.siteIds[1]}/`, victim.users.admin.auth);
      const trash = await call('GET', 'sites/trash/?page_size=100', a.users.admin.auth);
      expect(ids(trash)).not.toContain(victim.siteIds[1]);
      const before = await snapshot(t.app, TABLES);
      expect((await call('POST', `sites/${victim.siteIds[1]}/restore/`, a.users.admin.auth)).status).toBe(
        404,
      );
      const purge = await call('POST', 'sites/purge/', a.users.admin.auth, { ids: [victim.siteIds[1]] });
      expect(data(purge)).toEqual({ purged_count: 0, not_found_ids: [victim.siteIds[1]] });
      expect(await snapshot(t.app, TABLES)).toEqual(before);
    });
  });
});
