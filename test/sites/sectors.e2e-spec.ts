import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authApi, type Body, data, ids } from './api.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, snapshot } from '../support/tenants.js';

const TABLES = ['igny8_sites', 'igny8_sectors'];

describe('auth/sectors/ and the sector actions of auth/sites/', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let others: SeededTenant[];
  let templates: Record<string, { id: number; name: string; industry: string }>;

  const call = authApi(() => t);
  /** A new site of `tenant` through the API, optionally with an industry. */
  const newSite = async (tenant: SeededTenant, industrySlug?: string) => {
    const industry = industrySlug
      ? (
          await db.query<{ id: number }[]>('SELECT id FROM igny8_industries WHERE slug = $1', [industrySlug])
        )[0].id
      : undefined;
    const response = await call('POST', 'sites/', tenant.users.admin.auth, {
      name: `Sectors ${Math.random()}`,
      industry_id: industry,
    });
    expect(response.status).toBe(201);
    return data(response).id as number;
  };
  const liveSectors = (siteId: number) =>
    db.query<{ id: number; slug: string; is_active: boolean; industry_sector_id: number }[]>(
      'SELECT id, slug, is_active, industry_sector_id FROM igny8_sectors WHERE site_id = $1 AND deleted_at IS NULL ORDER BY id',
      [siteId],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2, sectorsPerSite: 2 });
    b = await seedTenant(t.app, { sites: 1, sectorsPerSite: 2 });
    others = [];
    for (let i = 0; i < 3; i++) others.push(await seedTenant(t.app, { sites: 1 }));
    const rows = await db.query<{ id: number; slug: string; name: string; industry: string }[]>(
      `SELECT s.id, s.slug, s.name, i.slug AS industry FROM igny8_industry_sectors s
         JOIN igny8_industries i ON i.id = s.industry_id`,
    );
    templates = Object.fromEntries(rows.map((row) => [row.slug, row]));
  });
  afterAll(() => t.close());

  describe('select_sectors', () => {
    it('sets the industry of a site without sectors, creates sectors and returns site and sectors', async () => {
      const siteId = await newSite(a);
      const response = await call('POST', `sites/${siteId}/select_sectors/`, a.users.admin.auth, {
        industry_slug: 'health-wellness',
        sector_slugs: ['nutrition', 'fitness'],
      });
      expect(response.status).toBe(200);
      const { site, sectors } = data(response) as { site: Body; sectors: Body[] };
      expect(site).toMatchObject({ id: siteId, industry_slug: 'health-wellness', sectors_count: 2 });
      expect(sectors.map((row) => [row.slug, row.is_active, row.industry_sector_name])).toEqual([
        ['nutrition', true, 'Nutrition'],
        ['fitness', true, 'Fitness'],
      ]);
      expect(sectors.every((row) => row.account_id === a.accountId && row.site_id === siteId)).toBe(true);
      expect(sectors.every((row) => row.created_by === a.users.admin.id)).toBe(true);
    });

    it('re-activates listed sectors and deactivates the others, never deleting', async () => {
      const siteId = await newSite(a);
      const admin = a.users.admin.auth;
      await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'technology',
        sector_slugs: ['software-development', 'cloud-computing'],
      });
      const first = await liveSectors(siteId);
      const second = await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'technology',
        sector_slugs: ['cybersecurity'],
      });
      expect(second.status).toBe(200);
      expect(((data(second).sectors as Body[]) ?? []).map((row) => [row.slug, row.is_active]).sort()).toEqual(
        [
          ['cloud-computing', false],
          ['cybersecurity', true],
          ['software-development', false],
        ],
      );
      const third = await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'technology',
        sector_slugs: ['software-development'],
      });
      const after = await liveSectors(siteId);
      expect(after).toHaveLength(3);
      expect(after.filter((row) => first.some((old) => old.id === row.id))).toHaveLength(2);
      expect(after.find((row) => row.slug === 'software-development')?.is_active).toBe(true);
      expect(after.find((row) => row.slug === 'cybersecurity')?.is_active).toBe(false);
      expect((data(third).site as Body).sectors_count).toBe(3);
    });

    it('validates the industry, the slugs and the limit of 5, changing nothing on error', async () => {
      const siteId = await newSite(a);
      const admin = a.users.admin.auth;
      await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'home-garden',
        sector_slugs: ['gardening', 'interior-design', 'home-improvement'],
      });
      const [extra1, extra2, extra3] = ['Patios', 'Roofing', 'Lighting'];
      const [{ id: homeGarden }] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_industries WHERE slug = 'home-garden'",
      );
      for (const name of [extra1, extra2, extra3]) {
        await db.query('INSERT INTO igny8_industry_sectors (industry_id, name, slug) VALUES ($1, $2, $3)', [
          homeGarden,
          name,
          name.toLowerCase(),
        ]);
      }
      const before = await snapshot(t.app, TABLES);
      const cases: [Body, number, string, string | null][] = [
        [
          { industry_slug: 'technology', sector_slugs: ['cybersecurity'] },
          400,
          'validation_error',
          'industry_slug',
        ],
        [{ industry_slug: 'no-such', sector_slugs: ['gardening'] }, 400, 'validation_error', 'industry_slug'],
        [
          { industry_slug: 'home-garden', sector_slugs: ['nutrition'] },
          400,
          'validation_error',
          'sector_slugs',
        ],
        [{ industry_slug: 'home-garden', sector_slugs: [] }, 400, 'validation_error', 'sector_slugs'],
        [
          { industry_slug: 'home-garden', sector_slugs: ['gardening', 'gardening'] },
          400,
          'validation_error',
          'sector_slugs',
        ],
        [
          { industry_slug: 'home-garden', sector_slugs: 'gardening' },
          400,
          'validation_error',
          'sector_slugs',
        ],
        [
          { industry_slug: 'home-garden', sector_slugs: ['a', 'b', 'c', 'd', 'e', 'f'] },
          400,
          'validation_error',
          'sector_slugs',
        ],
        [{ sector_slugs: ['gardening'] }, 400, 'validation_error', 'industry_slug'],
        // 3 live + patios + roofing + lighting = 6
        [
          { industry_slug: 'home-garden', sector_slugs: ['patios', 'roofing', 'lighting'] },
          400,
          'sector_limit_reached',
          null,
        ],
      ];
      for (const [payload, status, code, field] of cases) {
        const response = await call('POST', `sites/${siteId}/select_sectors/`, admin, payload);
        expect(response.status, JSON.stringify(payload)).toBe(status);
        expect(response.body.code).toBe(code);
        if (field) expect(Object.keys(response.body.errors as Body)).toEqual([field]);
      }
      expect(await snapshot(t.app, TABLES)).toEqual(before);
      const ok = await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'home-garden',
        sector_slugs: ['patios', 'roofing'],
      });
      expect(ok.status).toBe(200);
      expect(await liveSectors(siteId)).toHaveLength(5);
    });
  });

  describe('CRUD', () => {
    it('creates a sector from a template of the site industry (name defaults, read-only fields stripped)', async () => {
      const siteId = await newSite(a, 'technology');
      const response = await call('POST', 'sectors/', a.users.admin.auth, {
        site_id: siteId,
        industry_sector_id: templates['cloud-computing'].id,
        description: 'Clouds',
        account_id: b.accountId,
        slug: 'custom',
        created_by: b.users.admin.id,
        deleted_at: '2020-01-01T00:00:00Z',
      });
      expect(response.status).toBe(201);
      expect(data(response)).toMatchObject({
        site_id: siteId,
        account_id: a.accountId,
        created_by: a.users.admin.id,
        industry_sector_id: templates['cloud-computing'].id,
        industry_sector_name: 'Cloud Computing',
        name: 'Cloud Computing',
        slug: 'cloud-computing',
        description: 'Clouds',
        is_active: true,
        deleted_at: null,
      });
      const named = await call('POST', 'sectors/', a.users.admin.auth, {
        site_id: siteId,
        industry_sector_id: templates.cybersecurity.id,
        name: ' Security ',
        is_active: false,
      });
      expect(data(named)).toMatchObject({ name: 'Security', slug: 'cybersecurity', is_active: false });
      const duplicate = await call('POST', 'sectors/', a.users.admin.auth, {
        site_id: siteId,
        industry_sector_id: templates.cybersecurity.id,
      });
      expect(duplicate.status).toBe(400);
      expect(duplicate.body.errors).toEqual({
        industry_sector_id: ['This sector is already selected for the site.'],
      });
    });

    it('refuses templates of another industry, sites without industry, and a 6th sector', async () => {
      const admin = a.users.admin.auth;
      const noIndustry = await newSite(a);
      const other = await call('POST', 'sectors/', admin, {
        site_id: a.siteIds[0],
        industry_sector_id: templates.nutrition.id,
      });
      expect(other.status).toBe(400);
      expect(Object.keys(other.body.errors as Body)).toEqual(['industry_sector_id']);
      const none = await call('POST', 'sectors/', admin, {
        site_id: noIndustry,
        industry_sector_id: templates.nutrition.id,
      });
      expect(none.status).toBe(400);
      expect(Object.keys(none.body.errors as Body)).toEqual(['industry_sector_id']);
      const missing = await call('POST', 'sectors/', admin, {
        site_id: a.siteIds[0],
        industry_sector_id: 999_999,
      });
      expect(missing.body.errors).toEqual({
        industry_sector_id: ['Invalid pk "999999" - object does not exist.'],
      });
      for (const [payload, field] of [
        [{ industry_sector_id: templates.nutrition.id }, 'site_id'],
        [{ site_id: a.siteIds[0] }, 'industry_sector_id'],
        [{ site_id: '1', industry_sector_id: templates.nutrition.id }, 'site_id'],
        [{ site_id: a.siteIds[0], industry_sector_id: templates.cybersecurity.id, name: '' }, 'name'],
        [
          { site_id: a.siteIds[0], industry_sector_id: templates.cybersecurity.id, name: 'x'.repeat(256) },
          'name',
        ],
        [
          { site_id: a.siteIds[0], industry_sector_id: templates.cybersecurity.id, is_active: 1 },
          'is_active',
        ],
      ] as [Body, string][]) {
        const response = await call('POST', 'sectors/', admin, payload);
        expect(response.status, JSON.stringify(payload)).toBe(400);
        expect(Object.keys(response.body.errors as Body)).toEqual([field]);
      }

      const full = await newSite(a);
      const [{ id: industry }] = await db.query<{ id: number }[]>(
        "INSERT INTO igny8_industries (name, slug) VALUES ('Six Sectors', 'six-sectors') RETURNING id",
      );
      const sixTemplates: { id: number }[] = [];
      for (let i = 1; i <= 6; i++) {
        const [row] = await db.query<{ id: number }[]>(
          'INSERT INTO igny8_industry_sectors (industry_id, name, slug) VALUES ($1, $2, $3) RETURNING id',
          [industry, `Six ${i}`, `six-${i}`],
        );
        sixTemplates.push(row);
      }
      await call('PATCH', `sites/${full}/`, admin, { industry_id: industry });
      for (const template of sixTemplates.slice(0, 5)) {
        const created = await call('POST', 'sectors/', admin, {
          site_id: full,
          industry_sector_id: template.id,
        });
        expect(created.status).toBe(201);
      }
      const sixth = await call('POST', 'sectors/', admin, {
        site_id: full,
        industry_sector_id: sixTemplates[5].id,
      });
      expect(sixth.status).toBe(400);
      expect(sixth.body).toMatchObject({ code: 'sector_limit_reached' });
      expect(await liveSectors(full)).toHaveLength(5);
    });

    it('lists with site_id and is_active filters; updates name, description, is_active only', async () => {
      const admin = a.users.admin.auth;
      const bySite = await call('GET', `sectors/?site_id=${a.siteIds[0]}&ordering=created_at`, admin);
      expect(ids(bySite)).toEqual(a.sectorIds[0]);
      const sectorId = a.sectorIds[0][0];
      const patched = await call('PATCH', `sectors/${sectorId}/`, admin, {
        name: 'Renamed',
        is_active: false,
        site_id: b.siteIds[0],
        industry_sector_id: templates.nutrition.id,
        slug: 'moved',
        account_id: b.accountId,
      });
      expect(patched.status).toBe(200);
      expect(data(patched)).toMatchObject({
        id: sectorId,
        name: 'Renamed',
        is_active: false,
        site_id: a.siteIds[0],
        account_id: a.accountId,
      });
      expect(data(patched).slug).not.toBe('moved');
      const inactive = await call('GET', `sectors/?site_id=${a.siteIds[0]}&is_active=false`, admin);
      expect(ids(inactive)).toEqual([sectorId]);
      const put = await call('PUT', `sectors/${sectorId}/`, admin, { is_active: true, description: 'Back' });
      expect(data(put)).toMatchObject({ is_active: true, description: 'Back', name: 'Renamed' });
      const blank = await call('PATCH', `sectors/${sectorId}/`, admin, { name: '  ' });
      expect(blank.status).toBe(400);
    });

    it('refuses to delete the last sector of a site; trash, restore and purge work', async () => {
      const tenant = await seedTenant(t.app, { sites: 1, sectorsPerSite: 2 });
      const admin = tenant.users.admin.auth;
      const [first, second] = tenant.sectorIds[0];
      expect((await call('DELETE', `sectors/${first}/`, admin)).status).toBe(200);
      const last = await call('DELETE', `sectors/${second}/`, admin);
      expect(last.status).toBe(400);
      expect(last.body.code).toBe('sector_limit_reached');
      expect(await liveSectors(tenant.siteIds[0])).toHaveLength(1);

      const trash = await call('GET', 'sectors/trash/', admin);
      expect(ids(trash)).toEqual([first]);
      const restored = await call('POST', `sectors/${first}/restore/`, admin);
      expect(restored.status).toBe(200);
      expect(data(restored)).toMatchObject({ id: first, deleted_at: null });

      await call('DELETE', `sectors/${first}/`, admin);
      const purged = await call('POST', 'sectors/purge/', admin, { ids: [first, second] });
      expect(data(purged)).toEqual({ purged_count: 1, not_found_ids: [second] });
    });

    it('refuses to restore a sector while its site is deleted (409) or when the site is full', async () => {
      const tenant = await seedTenant(t.app, { sites: 1, sectorsPerSite: 3 });
      const admin = tenant.users.admin.auth;
      const [siteId] = tenant.siteIds;
      const [sectorId] = tenant.sectorIds[0];
      await call('DELETE', `sectors/${sectorId}/`, admin);
      await call('DELETE', `sites/${siteId}/`, admin);
      const orphan = await call('POST', `sectors/${sectorId}/restore/`, admin);
      expect(orphan.status).toBe(409);
      expect(orphan.body).toMatchObject({ code: 'conflict', error: 'Restore the parent first.' });
      // restoring the site brings back only the sectors its own deletion cascaded to
      await call('POST', `sites/${siteId}/restore/`, admin);
      expect(await liveSectors(siteId)).toHaveLength(2);

      await call('POST', `sites/${siteId}/select_sectors/`, admin, {
        industry_slug: 'technology',
        sector_slugs: ['software-development', 'cloud-computing'],
      });
      expect(await liveSectors(siteId)).toHaveLength(3);
      const [{ id: tech }] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_industries WHERE slug = 'technology'",
      );
      for (const name of ['Data Science', 'Gaming']) {
        const [{ id }] = await db.query<{ id: number }[]>(
          'INSERT INTO igny8_industry_sectors (industry_id, name, slug, sort_order) VALUES ($1, $2, $3, 100) RETURNING id',
          [tech, name, name.toLowerCase().replace(' ', '-')],
        );
        expect(
          (await call('POST', 'sectors/', admin, { site_id: siteId, industry_sector_id: id })).status,
        ).toBe(201);
      }
      expect(await liveSectors(siteId)).toHaveLength(5);
      const full = await call('POST', `sectors/${sectorId}/restore/`, admin);
      expect(full.status).toBe(400);
      expect(full.body.code).toBe('sector_limit_reached');
    });
  });

  describe('roles, API keys and isolation', () => {
    it('lets viewers and editors read granted sites only, and only admins write', async () => {
      for (const role of ['editor', 'viewer'] as const) {
        const headers = a.users[role].auth;
        const list = await call('GET', 'sectors/?page_size=100', headers);
        expect(new Set((list.body.results as Body[]).map((row) => row.site_id))).toEqual(
          new Set([a.siteIds[0]]),
        );
        expect((await call('GET', `sectors/${a.sectorIds[1][0]}/`, headers)).status).toBe(404);
        expect((await call('GET', `sectors/?site_id=${a.siteIds[1]}`, headers)).body.count).toBe(0);
        const before = await snapshot(t.app, TABLES);
        for (const response of [
          await call('POST', 'sectors/', headers, {
            site_id: a.siteIds[0],
            industry_sector_id: templates.cybersecurity.id,
          }),
          await call('PATCH', `sectors/${a.sectorIds[0][0]}/`, headers, { name: 'x' }),
          await call('DELETE', `sectors/${a.sectorIds[0][0]}/`, headers),
          await call('GET', 'sectors/trash/', headers),
        ]) {
          expect(response.status).toBe(403);
          expect(response.body.code).toBe('permission_denied');
        }
        expect(await snapshot(t.app, TABLES)).toEqual(before);
      }
    });

    it('lets an API key read its own site sectors only', async () => {
      const regenerated = await call('POST', `sites/${a.siteIds[1]}/regenerate_api_key/`, a.users.admin.auth);
      const key = { 'x-igny8-api-key': data(regenerated).api_key as string };
      const list = await call('GET', 'sectors/?page_size=100', key);
      expect(new Set((list.body.results as Body[]).map((row) => row.site_id))).toEqual(
        new Set([a.siteIds[1]]),
      );
      expect((await call('GET', `sectors/${a.sectorIds[1][0]}/`, key)).status).toBe(200);
      expect((await call('GET', `sectors/${a.sectorIds[0][0]}/`, key)).status).toBe(404);
      expect((await call('GET', `sectors/${b.sectorIds[0][0]}/`, key)).status).toBe(404);
      expect((await call('GET', `sectors/?site_id=${a.siteIds[0]}`, key)).body.count).toBe(0);
      const before = await snapshot(t.app, TABLES);
      for (const response of [
        await call('POST', 'sectors/', key, {
          site_id: a.siteIds[1],
          industry_sector_id: templates.cybersecurity.id,
        }),
        await call('PATCH', `sectors/${a.sectorIds[1][0]}/`, key, { name: 'x' }),
        await call('DELETE', `sectors/${a.sectorIds[1][0]}/`, key),
      ]) {
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('api_key_not_allowed');
      }
      expect(await snapshot(t.app, TABLES)).toEqual(before);
    });

    it('treats foreign sectors and sites exactly like missing ones: 404 in the path, 400 in the body, empty filter', async () => {
      const foreignSector = b.sectorIds[0][0];
      const foreignSite = b.siteIds[0];
      for (const attacker of [a, ...others]) {
        const admin = attacker.users.admin.auth;
        const before = await snapshot(t.app, TABLES);
        for (const id of [foreignSector, 987_654_321]) {
          for (const response of [
            await call('GET', `sectors/${id}/`, admin),
            await call('PATCH', `sectors/${id}/`, admin, { name: 'Mine' }),
            await call('PUT', `sectors/${id}/`, admin, { name: 'Mine' }),
            await call('DELETE', `sectors/${id}/`, admin),
            await call('POST', `sectors/${id}/restore/`, admin),
          ]) {
            expect(response.status).toBe(404);
            expect(response.body.code).toBe('not_found');
          }
        }
        for (const siteId of [foreignSite, 987_654_321]) {
          const created = await call('POST', 'sectors/', admin, {
            site_id: siteId,
            industry_sector_id: templates.cybersecurity.id,
          });
          expect(created.status).toBe(400);
          expect(created.body.errors).toEqual({
            site_id: [`Invalid pk "${siteId}" - object does not exist.`],
          });
          const filtered = await call('GET', `sectors/?site_id=${siteId}`, admin);
          expect(filtered.status).toBe(200);
          expect(filtered.body).toMatchObject({ count: 0, results: [] });
        }
        const purge = await call('POST', 'sectors/purge/', admin, { ids: [foreignSector] });
        expect(data(purge)).toEqual({ purged_count: 0, not_found_ids: [foreignSector] });
        const all = await call('GET', 'sectors/?page_size=100', admin);
        expect(new Set((all.body.results as Body[]).map((row) => row.account_id))).toEqual(
          new Set([attacker.accountId]),
        );
        expect(await snapshot(t.app, TABLES)).toEqual(before);
      }
    });
  });
});
