import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_SCOPE } from '../../src/common/throttling/throttle.decorator.js';
import {
  IndustriesController,
  KeywordLibraryController,
  PlansController,
  SeedKeywordsController,
} from '../../src/modules/catalogue/catalogue.controller.js';
import { authApi, type Body, data, type Headers } from '../sites/api.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, snapshot } from '../support/tenants.js';

describe('public catalogue and keyword library', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let developer: Headers;
  let apiKey: Headers;
  let industries: Record<string, number>;
  let sectors: Record<string, number>;

  const call = authApi(() => t);
  const rows = (response: { body: Body }) => response.body.results as Body[];
  const keywords = (response: { body: Body }) => rows(response).map((row) => row.keyword as string);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    const system = await seedTenant(t.app, { sites: 0, isSystem: true, plan: 'internal' });
    await db.query("UPDATE igny8_users SET role = 'developer' WHERE id = $1", [system.users.admin.id]);
    developer = system.users.admin.auth;
    const key = await call('POST', `sites/${a.siteIds[0]}/regenerate_api_key/`, a.users.admin.auth);
    apiKey = { 'x-igny8-api-key': data(key).api_key as string };
    industries = Object.fromEntries(
      (await db.query<{ id: number; slug: string }[]>('SELECT id, slug FROM igny8_industries')).map((row) => [
        row.slug,
        row.id,
      ]),
    );
    sectors = Object.fromEntries(
      (await db.query<{ id: number; slug: string }[]>('SELECT id, slug FROM igny8_industry_sectors')).map(
        (row) => [row.slug, row.id],
      ),
    );
  });
  afterAll(() => t.close());

  describe('auth/plans/', () => {
    it('lists active public plans by sort order, without credentials and unthrottled', async () => {
      const response = await call('GET', 'plans/');
      expect(response.status).toBe(200);
      const plans = response.body.data as Body[];
      expect(plans.map((plan) => plan.slug)).toEqual(['free-trial', 'starter', 'growth', 'scale']);
      expect(plans[1]).toEqual({
        id: expect.any(Number),
        name: 'Starter',
        slug: 'starter',
        description: '',
        price: '89.00',
        currency: 'USD',
        billing_cycle: 'monthly',
        included_credits: 1000,
        max_sites: 2,
        max_users: 2,
        max_keywords: 500,
        max_ahrefs_queries: 50,
        allow_credit_topup: true,
        extra_credit_price: null,
        features: {},
        is_active: true,
        sort_order: 1,
      });
      const one = await call('GET', `plans/${plans[0].id as number}/`, a.users.viewer.auth);
      expect(data(one)).toMatchObject({ slug: 'free-trial', price: '0.00' });
    });

    it('declares the throttle scopes: plans none, the rest default / system_admin', () => {
      const reflector = t.app.get(Reflector);
      const scope = (controller: Type<unknown>, method: string) =>
        reflector.getAllAndOverride<unknown>(THROTTLE_SCOPE, [
          (controller.prototype as Record<string, () => unknown>)[method],
          controller,
        ]);
      expect(scope(PlansController, 'list')).toBeNull();
      expect(scope(PlansController, 'get')).toBeNull();
      expect(scope(IndustriesController, 'list')).toBe('default');
      expect(scope(KeywordLibraryController, 'list')).toBe('default');
      expect(scope(KeywordLibraryController, 'create')).toBe('system_admin');
      expect(scope(SeedKeywordsController, 'remove')).toBe('system_admin');
    });

    it('hides internal and inactive plans (404) and validates credentials that are sent', async () => {
      const [internal] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_plans WHERE slug = 'internal'",
      );
      expect((await call('GET', `plans/${internal.id}/`)).status).toBe(404);
      expect((await call('GET', 'plans/abc/')).status).toBe(404);
      await db.query("UPDATE igny8_plans SET is_active = false WHERE slug = 'growth'");
      const [growth] = await db.query<{ id: number }[]>("SELECT id FROM igny8_plans WHERE slug = 'growth'");
      expect(((await call('GET', 'plans/')).body.data as Body[]).map((plan) => plan.slug)).not.toContain(
        'growth',
      );
      expect((await call('GET', `plans/${growth.id}/`)).status).toBe(404);
      await db.query("UPDATE igny8_plans SET is_active = true WHERE slug = 'growth'");
      const invalid = await call('GET', 'plans/', { authorization: 'Bearer broken' });
      expect(invalid.status).toBe(401);
    });

    it('stays reachable for accounts awaiting payment (status gate exempt)', async () => {
      const pending = await seedTenant(t.app, { sites: 1 });
      await db.query("UPDATE igny8_accounts SET status = 'pending_payment' WHERE id = $1", [
        pending.accountId,
      ]);
      expect((await call('GET', 'plans/', pending.users.owner.auth)).status).toBe(200);
      expect((await call('GET', 'industries/', pending.users.owner.auth)).status).toBe(200);
      expect((await call('GET', 'sites/', pending.users.owner.auth)).status).toBe(402);
    });
  });

  describe('auth/industries/', () => {
    it('lists active industries with their active sectors, by sort order and name', async () => {
      await db.query(
        "INSERT INTO igny8_industries (name, slug, is_active, sort_order) VALUES ('Hidden', 'hidden', false, 0)",
      );
      await db.query(
        "INSERT INTO igny8_industry_sectors (industry_id, name, slug, is_active) VALUES ($1, 'Old Tech', 'old-tech', false)",
        [industries.technology],
      );
      const response = await call('GET', 'industries/');
      expect(response.status).toBe(200);
      const list = response.body.data as Body[];
      expect(list.map((industry) => industry.slug)).not.toContain('hidden');
      const technology = list.find((industry) => industry.slug === 'technology')!;
      expect(technology).toMatchObject({ name: 'Technology', is_active: true, description: '' });
      expect(technology.sectors).toEqual([
        {
          id: sectors['software-development'],
          name: 'Software Development',
          slug: 'software-development',
          description: '',
        },
        { id: sectors['cloud-computing'], name: 'Cloud Computing', slug: 'cloud-computing', description: '' },
        { id: sectors.cybersecurity, name: 'Cybersecurity', slug: 'cybersecurity', description: '' },
      ]);
      const sorted = [...list].sort(
        (x, y) =>
          (x.sort_order as number) - (y.sort_order as number) || String(x.name).localeCompare(String(y.name)),
      );
      expect(list.map((row) => row.id)).toEqual(sorted.map((row) => row.id));
      const one = await call('GET', `industries/${industries['home-garden']}/`);
      expect(data(one)).toMatchObject({ slug: 'home-garden' });
      expect((data(one).sectors as Body[]).map((sector) => sector.slug)).toEqual([
        'gardening',
        'interior-design',
        'home-improvement',
      ]);
      const [{ id: hidden }] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_industries WHERE slug = 'hidden'",
      );
      expect((await call('GET', `industries/${hidden}/`)).status).toBe(404);
    });
  });

  describe('auth/keywords-library/', () => {
    it('lists active seeds, by volume descending, with industry and sector names', async () => {
      const response = await call('GET', 'keywords-library/?page_size=100', a.users.viewer.auth);
      expect(response.status).toBe(200);
      expect(response.body.count).toBe(54);
      const volumes = rows(response).map((row) => row.volume as number);
      expect(volumes).toEqual([...volumes].sort((x, y) => y - x));
      expect(rows(response)[0]).toEqual({
        id: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
        keyword: 'github login',
        industry_id: industries.technology,
        sector_id: sectors['software-development'],
        volume: 165000,
        difficulty: 25,
        intent: 'navigational',
        country: 'US',
        is_active: true,
        industry_name: 'Technology',
        sector_name: 'Software Development',
      });
    });

    it('filters, searches and orders', async () => {
      const viewer = a.users.viewer.auth;
      const cloud = await call(
        'GET',
        `keywords-library/?sector_id=${sectors['cloud-computing']}&ordering=keyword`,
        viewer,
      );
      expect(keywords(cloud)).toEqual([
        'aws console login',
        'aws vs azure',
        'buy cloud server',
        'cloud storage pricing',
        'serverless architecture',
        'what is cloud computing',
      ]);
      const two = await call(
        'GET',
        `keywords-library/?sector_ids=${sectors.fitness},${sectors.nutrition}&intent=commercial&ordering=-volume`,
        viewer,
      );
      expect(keywords(two)).toEqual(['best running shoes', 'best protein powder']);
      const ranged = await call(
        'GET',
        `keywords-library/?industry_id=${industries['home-garden']}&volume_min=20000&volume_max=40500&difficulty_max=40`,
        viewer,
      );
      expect(keywords(ranged).sort()).toEqual([
        'home depot garden center',
        'how to fix a leaky faucet',
        'ikea planner',
        'lowes login',
        'when to plant tomatoes',
      ]);
      const searched = await call(
        'GET',
        'keywords-library/?search=LOGIN&country=us&ordering=difficulty',
        viewer,
      );
      expect(keywords(searched)[0]).toBe('headspace login');
      expect(rows(searched).every((row) => String(row.keyword).includes('login'))).toBe(true);
      expect((await call('GET', 'keywords-library/?country=DE', viewer)).body.count).toBe(0);
      for (const bad of [
        'intent=rude',
        'volume_min=x',
        'sector_ids=1,a',
        'industry_id=0',
        'site_id=abc',
        'page_size=101',
      ]) {
        const response = await call('GET', `keywords-library/?${bad}`, viewer);
        expect(response.status, bad).toBe(400);
        expect(Object.keys(response.body.errors as Body)).toEqual([bad.split('=')[0]]);
      }
    });

    it('answers an empty list for a site_id the caller cannot see', async () => {
      const viewer = a.users.viewer.auth;
      expect((await call('GET', `keywords-library/?site_id=${a.siteIds[0]}`, viewer)).body.count).toBe(54);
      // not granted to the viewer, another account's, missing
      for (const siteId of [a.siteIds[1], b.siteIds[0], 987_654_321]) {
        const response = await call('GET', `keywords-library/?site_id=${siteId}`, viewer);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ count: 0, results: [] });
      }
      expect(
        (await call('GET', `keywords-library/?site_id=${a.siteIds[1]}`, a.users.admin.auth)).body.count,
      ).toBe(54);
      expect((await call('GET', `keywords-library/?site_id=${a.siteIds[1]}`, apiKey)).body.count).toBe(0);
      expect((await call('GET', `keywords-library/?site_id=${a.siteIds[0]}`, apiKey)).body.count).toBe(54);
    });

    it('serves sector_stats for an industry (array)', async () => {
      const response = await call(
        'GET',
        `keywords-library/sector_stats/?industry_id=${industries.technology}`,
        apiKey,
      );
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([
        {
          sector_id: sectors['software-development'],
          sector_name: 'Software Development',
          sector_slug: 'software-development',
          keywords_count: 6,
          total_volume: 200080,
        },
        {
          sector_id: sectors['cloud-computing'],
          sector_name: 'Cloud Computing',
          sector_slug: 'cloud-computing',
          keywords_count: 6,
          total_volume: 156900,
        },
        {
          sector_id: sectors.cybersecurity,
          sector_name: 'Cybersecurity',
          sector_slug: 'cybersecurity',
          keywords_count: 6,
          total_volume: 122590,
        },
      ]);
      const missing = await call('GET', 'keywords-library/sector_stats/', a.users.viewer.auth);
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual({ industry_id: ['This field is required.'] });
      expect(
        (await call('GET', 'keywords-library/sector_stats/?industry_id=x', a.users.viewer.auth)).status,
      ).toBe(400);
      expect(
        (await call('GET', 'keywords-library/sector_stats/?industry_id=999999', a.users.viewer.auth)).body
          .data,
      ).toEqual([]);
    });

    it('is readable under the seed-keywords alias, by id, by API keys; not anonymously', async () => {
      const list = await call('GET', 'seed-keywords/?search=python', apiKey);
      expect(keywords(list)).toEqual(['how to learn python']);
      const id = rows(list)[0].id as number;
      expect(data(await call('GET', `keywords-library/${id}/`, apiKey))).toMatchObject({
        id,
        keyword: 'how to learn python',
      });
      expect(data(await call('GET', `seed-keywords/${id}/`, a.users.viewer.auth))).toMatchObject({ id });
      expect((await call('GET', 'keywords-library/999999/', apiKey)).status).toBe(404);
      expect((await call('GET', 'keywords-library/')).status).toBe(401);
    });

    it('lets only developers write: create, update, hard delete', async () => {
      const payload = {
        keyword: '  Best   Kubernetes  Course ',
        industry_id: industries.technology,
        sector_id: sectors['cloud-computing'],
        volume: 1200,
        difficulty: 41,
        intent: 'commercial',
        country: 'gb',
        id: 1,
        created_at: '2000-01-01T00:00:00Z',
      };
      const before = await snapshot(t.app, ['igny8_seed_keywords']);
      for (const headers of [a.users.owner.auth, a.users.admin.auth, b.users.viewer.auth]) {
        for (const response of [
          await call('POST', 'keywords-library/', headers, payload),
          await call('PATCH', 'keywords-library/1/', headers, { volume: 1 }),
          await call('DELETE', 'keywords-library/1/', headers),
        ]) {
          expect(response.status).toBe(403);
          expect(response.body.code).toBe('permission_denied');
        }
      }
      const viaKey = await call('POST', 'keywords-library/', apiKey, payload);
      expect(viaKey.status).toBe(403);
      expect(viaKey.body.code).toBe('api_key_not_allowed');
      expect(await snapshot(t.app, ['igny8_seed_keywords'])).toEqual(before);

      const created = await call('POST', 'keywords-library/', developer, payload);
      expect(created.status).toBe(201);
      const seed = data(created);
      expect(seed).toMatchObject({
        keyword: 'Best Kubernetes Course',
        country: 'GB',
        volume: 1200,
        difficulty: 41,
        intent: 'commercial',
        is_active: true,
        industry_name: 'Technology',
        sector_name: 'Cloud Computing',
      });
      expect(seed.id).not.toBe(1);
      expect(seed.created_at).not.toBe('2000-01-01T00:00:00.000Z');
      const clash = await call('POST', 'keywords-library/', developer, {
        ...payload,
        keyword: 'best kubernetes course',
      });
      expect(clash.status).toBe(400);
      expect(Object.keys(clash.body.errors as Body)).toEqual(['keyword']);

      const id = seed.id as number;
      const patched = await call('PATCH', `seed-keywords/${id}/`, developer, {
        volume: 99,
        is_active: false,
      });
      expect(data(patched)).toMatchObject({ id, volume: 99, is_active: false });
      // inactive seeds leave the library for everyone but developers
      expect((await call('GET', `keywords-library/${id}/`, a.users.viewer.auth)).status).toBe(404);
      expect((await call('GET', `keywords-library/${id}/`, developer)).status).toBe(200);
      expect((await call('GET', 'keywords-library/?search=kubernetes', a.users.viewer.auth)).body.count).toBe(
        0,
      );

      const deleted = await call('DELETE', `keywords-library/${id}/`, developer);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ data: null, message: 'Deleted.' });
      expect(await db.query('SELECT id FROM igny8_seed_keywords WHERE id = $1', [id])).toEqual([]);
      expect((await call('DELETE', `keywords-library/${id}/`, developer)).status).toBe(404);
    });

    it('validates seed keyword bodies', async () => {
      const valid = { keyword: 'ok', industry_id: industries.technology, sector_id: sectors.cybersecurity };
      const cases: [Body, string][] = [
        [{ ...valid, keyword: undefined }, 'keyword'],
        [{ ...valid, keyword: ' ' }, 'keyword'],
        [{ ...valid, keyword: 'k'.repeat(256) }, 'keyword'],
        [{ ...valid, industry_id: undefined }, 'industry_id'],
        [{ ...valid, industry_id: 999_999 }, 'industry_id'],
        [{ ...valid, sector_id: 999_999 }, 'sector_id'],
        [{ ...valid, sector_id: sectors.nutrition }, 'sector_id'],
        [{ ...valid, volume: -1 }, 'volume'],
        [{ ...valid, volume: 1.5 }, 'volume'],
        [{ ...valid, difficulty: 101 }, 'difficulty'],
        [{ ...valid, intent: 'curious' }, 'intent'],
        [{ ...valid, country: 'USA' }, 'country'],
        [{ ...valid, country: '1A' }, 'country'],
        [{ ...valid, is_active: null }, 'is_active'],
      ];
      const before = await snapshot(t.app, ['igny8_seed_keywords']);
      for (const [payload, field] of cases) {
        const response = await call('POST', 'keywords-library/', developer, payload);
        expect(response.status, JSON.stringify(payload)).toBe(400);
        expect(Object.keys(response.body.errors as Body)).toEqual([field]);
      }
      const [existing] = await db.query<{ id: number }[]>(
        'SELECT id FROM igny8_seed_keywords ORDER BY id LIMIT 1',
      );
      const mismatch = await call('PATCH', `keywords-library/${existing.id}/`, developer, {
        industry_id: industries['health-wellness'],
      });
      expect(mismatch.status).toBe(400);
      expect(Object.keys(mismatch.body.errors as Body)).toEqual(['sector_id']);
      expect(await snapshot(t.app, ['igny8_seed_keywords'])).toEqual(before);
    });
  });
});
