import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { insertDeveloper } from '../admin/helpers.js';
import {
  addSeed,
  aggregates,
  type Body,
  data,
  expectConstantQueries,
  fieldErrors,
  ids,
  keywordLimitedPlan,
  plannerApi,
  plannerTenant,
  type PlannerTenant,
  results,
} from './support.js';

let t: TestApp;
let db: DataSource;
const call = plannerApi(() => t);

/*
 * One tenant with a seeded data set whose answers are known (planner/keywords/):
 *
 *   k1  best project management software  SD  seed 9900/62 commercial   volume_override 20000
 *   k2  how to learn python               SD  14800/48 informational    cluster C1
 *   k3  agile vs waterfall                SD  6600/35 informational     difficulty_override 90, disabled
 *   k4  github login                      SD  165000/25 navigational    cluster C1
 *   k5  rust tutorial (GB seed)           SD  5000/15 informational
 *   k6  aws vs azure                      CC  12100/50 commercial       cluster C2
 *   k7  what is cloud computing           CC  40500/55 informational
 */
let a: PlannerTenant;
let k: number[];
let c1: number;
let c2: number;
let rustSeed: number;

async function createKeyword(body: Body, who = a.users.editor.auth) {
  const response = await call('POST', 'keywords/', who, { site_id: a.site, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return data(response);
}

async function listIds(query: string): Promise<number[]> {
  const response = await call('GET', `keywords/?page_size=100&${query}`, a.users.viewer.auth);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return ids(response);
}

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.get(DataSource);
  a = await plannerTenant(t, { sites: 2 });
  rustSeed = await addSeed(t, 'software-development', 'rust tutorial', {
    volume: 5000,
    difficulty: 15,
    country: 'GB',
  });
  const [sd, cc] = a.sectors;
  const cluster = async (sector: number, name: string) =>
    data(await call('POST', 'clusters/', a.users.editor.auth, { site_id: a.site, sector_id: sector, name }))
      .id as number;
  c1 = await cluster(sd, 'Python');
  c2 = await cluster(cc, 'Cloud');
  const s = a.seeds;
  k = [];
  for (const body of [
    { sector_id: sd, seed_keyword_id: s['best project management software'], volume_override: 20000 },
    { sector_id: sd, seed_keyword_id: s['how to learn python'], cluster_id: c1 },
    { sector_id: sd, seed_keyword_id: s['agile vs waterfall'], difficulty_override: 90, disabled: true },
    { sector_id: sd, seed_keyword_id: s['github login'], cluster_id: c1 },
    { sector_id: sd, seed_keyword_id: rustSeed },
    { sector_id: cc, seed_keyword_id: s['aws vs azure'], cluster_id: c2 },
    { sector_id: cc, seed_keyword_id: s['what is cloud computing'] },
  ]) {
    k.push((await createKeyword(body)).id as number);
  }
}, 120_000);
afterAll(() => t.close());

describe('create', () => {
  it('returns the keyword with the seed values, overrides applied, and its cluster and sector names', async () => {
    const response = await call('GET', `keywords/${k[0]}/`, a.users.viewer.auth);
    expect(data(response)).toMatchObject({
      id: k[0],
      account_id: a.accountId,
      site_id: a.site,
      sector_id: a.sectors[0],
      seed_keyword_id: a.seeds['best project management software'],
      created_by: a.users.editor.id,
      keyword: 'best project management software',
      volume: 20000,
      volume_override: 20000,
      difficulty: 62,
      difficulty_override: null,
      intent: 'commercial',
      country: 'US',
      status: 'new',
      cluster_id: null,
      cluster_name: null,
      sector_name: 'Software Development',
      attribute_values: [],
      disabled: false,
      deleted_at: null,
      deleted_by: null,
      deleted_cascade_id: null,
    });
    expect(data(await call('GET', `keywords/${k[1]}/`, a.users.viewer.auth))).toMatchObject({
      status: 'mapped',
      cluster_id: c1,
      cluster_name: 'Python',
    });
  });

  it('refuses duplicates, foreign seeds, inactive seeds, other sectors and sites without an industry', async () => {
    const sd = a.sectors[0];
    const cases: [Body, string, string?][] = [
      [
        { sector_id: sd, seed_keyword_id: a.seeds['how to learn python'] },
        'seed_keyword_id',
        'This keyword already exists in this sector.',
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['aws vs azure'] },
        'seed_keyword_id',
        "Seed keyword does not belong to this site's industry/sector.",
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['healthy breakfast ideas'] },
        'seed_keyword_id',
        "Seed keyword does not belong to this site's industry/sector.",
      ],
      [
        { sector_id: sd, seed_keyword_id: 2_000_000_000 },
        'seed_keyword_id',
        'Invalid pk "2000000000" - object does not exist.',
      ],
      [
        { sector_id: a.sectorIds[1][0], seed_keyword_id: a.seeds['agile vs waterfall'] },
        'sector_id',
        'Sector does not belong to the site.',
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['code review best practices'], cluster_id: c2 },
        'cluster_id',
        'The cluster belongs to another sector.',
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['code review best practices'], volume_override: -1 },
        'volume_override',
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['code review best practices'], difficulty_override: 101 },
        'difficulty_override',
      ],
      [
        { sector_id: sd, seed_keyword_id: a.seeds['code review best practices'], attribute_values: {} },
        'attribute_values',
      ],
      [{ sector_id: sd }, 'seed_keyword_id', 'This field is required.'],
    ];
    for (const [body, field, message] of cases) {
      const response = await call('POST', 'keywords/', a.users.admin.auth, { site_id: a.site, ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(fieldErrors(response), JSON.stringify(body)).toEqual([field]);
      if (message) expect((response.body.errors as Record<string, string[]>)[field]).toEqual([message]);
    }
    const inactive = await addSeed(t, 'software-development', 'old tool', { active: false });
    const refused = await call('POST', 'keywords/', a.users.editor.auth, {
      site_id: a.site,
      sector_id: sd,
      seed_keyword_id: inactive,
    });
    expect(fieldErrors(refused)).toEqual(['seed_keyword_id']);

    await db.query('UPDATE igny8_sites SET industry_id = NULL WHERE id = $1', [a.siteIds[1]]);
    try {
      const bare = await call('POST', 'keywords/', a.users.admin.auth, {
        site_id: a.siteIds[1],
        sector_id: a.sectorIds[1][0],
        seed_keyword_id: a.seeds['agile vs waterfall'],
      });
      expect(bare.status).toBe(400);
      expect(fieldErrors(bare)).toEqual(['site_id']);
    } finally {
      await db.query(
        "UPDATE igny8_sites SET industry_id = (SELECT id FROM igny8_industries WHERE slug = 'technology') WHERE id = $1",
        [a.siteIds[1]],
      );
    }
  });

  it('counts against max_keywords (403 with details), also on restore', async () => {
    const tiny = await plannerTenant(t, { plan: await keywordLimitedPlan(t, 2) });
    const add = (seed: string) =>
      call('POST', 'keywords/', tiny.users.editor.auth, {
        site_id: tiny.site,
        sector_id: tiny.sectors[0],
        seed_keyword_id: tiny.seeds[seed],
      });
    const first = data(await add('how to learn python'));
    expect((await add('github login')).status).toBe(201);
    const over = await add('agile vs waterfall');
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({
      code: 'plan_limit_reached',
      details: { limit: 'max_keywords', current: 2, requested: 1, allowed: 0 },
    });
    expect((await call('DELETE', `keywords/${first.id as number}/`, tiny.users.editor.auth)).status).toBe(
      200,
    );
    expect((await add('agile vs waterfall')).status).toBe(201);
    const restore = await call('POST', `keywords/${first.id as number}/restore/`, tiny.users.admin.auth);
    expect(restore.status).toBe(403);
    expect(restore.body).toMatchObject({ code: 'plan_limit_reached' });
    const bulk = await call('POST', 'keywords/bulk_add_from_seed/', tiny.users.editor.auth, {
      site_id: tiny.site,
      sector_id: tiny.sectors[0],
      seed_keyword_ids: [tiny.seeds['code review best practices']],
    });
    expect(bulk.status).toBe(403);
    const [{ count }] = await db.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM igny8_keywords WHERE account_id = $1 AND deleted_at IS NULL',
      [tiny.accountId],
    );
    expect(count).toBe(2);
  });
});

describe('update', () => {
  it('keeps site, sector and seed fixed, maps and unmaps with the cluster, and lets editors override status', async () => {
    const created = await createKeyword({
      sector_id: a.sectors[0],
      seed_keyword_id: a.seeds['code review best practices'],
    });
    const id = created.id as number;
    const patch = (body: Body) => call('PATCH', `keywords/${id}/`, a.users.editor.auth, body);
    const moved = await patch({
      site_id: a.siteIds[1],
      sector_id: a.sectors[1],
      seed_keyword_id: 1,
      cluster_id: c1,
    });
    expect(data(moved)).toMatchObject({
      site_id: a.site,
      sector_id: a.sectors[0],
      seed_keyword_id: a.seeds['code review best practices'],
      cluster_id: c1,
      status: 'mapped',
    });
    expect(await aggregates(t, c1)).toEqual({
      keywords_count: 3,
      volume: 14800 + 165000 + 2900,
      mapped_pages: 0,
    });
    expect(data(await patch({ volume_override: 100 }))).toMatchObject({ volume: 100, status: 'mapped' });
    expect((await aggregates(t, c1)).volume).toBe(14800 + 165000 + 100);
    expect(data(await patch({ status: 'new' }))).toMatchObject({ status: 'new', cluster_id: c1 });
    expect(data(await patch({ cluster_id: null }))).toMatchObject({ status: 'new', cluster_id: null });
    expect(await aggregates(t, c1)).toEqual({ keywords_count: 2, volume: 14800 + 165000, mapped_pages: 0 });
    expect(data(await patch({ cluster_id: c1, status: 'new' }))).toMatchObject({ status: 'mapped' });
    const other = await patch({ cluster_id: c2 });
    expect(other.status).toBe(400);
    expect(fieldErrors(other)).toEqual(['cluster_id']);
    expect(fieldErrors(await patch({ status: 'queued' }))).toEqual(['status']);
    expect(data(await call('PUT', `keywords/${id}/`, a.users.editor.auth, { disabled: true }))).toMatchObject(
      {
        disabled: true,
        cluster_id: c1,
      },
    );
    expect((await call('DELETE', `keywords/${id}/`, a.users.editor.auth)).status).toBe(200);
    expect(await aggregates(t, c1)).toEqual({ keywords_count: 2, volume: 14800 + 165000, mapped_pages: 0 });
    await db.query('DELETE FROM igny8_keywords WHERE id = $1', [id]);
  });

  it('accepts every status transition of the table (any → any) and refuses values outside the enum', async () => {
    for (const [from, to] of [
      ['new', 'mapped'],
      ['mapped', 'mapped'],
      ['mapped', 'new'],
      ['new', 'new'],
    ]) {
      await db.query('UPDATE igny8_keywords SET status = $2 WHERE id = $1', [k[6], from]);
      const response = await call('PATCH', `keywords/${k[6]}/`, a.users.editor.auth, { status: to });
      expect(data(response)).toMatchObject({ status: to });
    }
    const bad = await call('POST', 'keywords/bulk_update/', a.users.editor.auth, {
      ids: [k[6]],
      status: 'done',
    });
    expect(fieldErrors(bad)).toEqual(['status']);
  });
});

describe('list', () => {
  it('filters with known answers', async () => {
    const [sd, cc] = a.sectors;
    const expectations: [string, number[]][] = [
      [`site_id=${a.site}`, [0, 1, 2, 3, 4, 5, 6]],
      [`sector_id=${cc}`, [5, 6]],
      [`sector_id=${sd}`, [0, 1, 2, 3, 4]],
      ['status=mapped', [1, 3, 5]],
      ['status=new', [0, 2, 4, 6]],
      [`cluster_id=${c1}`, [1, 3]],
      ['cluster_id=null', [0, 2, 4, 6]],
      ['intent=commercial', [0, 5]],
      [`seed_keyword_id=${a.seeds['how to learn python']}`, [1]],
      ['country=GB', [4]],
      ['disabled=true', [2]],
      ['disabled=0', [0, 1, 3, 4, 5, 6]],
      ['volume_min=10000', [0, 1, 3, 5, 6]],
      ['volume_max=6600', [2, 4]],
      ['volume_min=12100&volume_max=20000', [0, 1, 5]],
      ['difficulty_min=50', [0, 2, 5, 6]],
      ['difficulty_max=25', [3, 4]],
      [`ids=${k[0]},${k[2]}`, [0, 2]],
      ['search=LEARN', [1]],
      ['search=aws', [5]],
      ['search=cloud&sector_id=' + sd, []],
      [`site_id=${a.siteIds[1]}`, []],
    ];
    for (const [query, expected] of expectations) {
      expect((await listIds(query)).sort(), query).toEqual(expected.map((i) => k[i]).sort());
    }
    const invalid = await call(
      'GET',
      'keywords/?status=done&volume_min=x&cluster_id=abc',
      a.users.viewer.auth,
    );
    expect(invalid.status).toBe(400);
    expect(fieldErrors(invalid).sort()).toEqual(['cluster_id', 'status', 'volume_min']);
  });

  it('orders by every allowed field, with the id as tie-break', async () => {
    const order = async (ordering: string) =>
      (await listIds(`site_id=${a.site}&ordering=${ordering}`)).map((id) => k.indexOf(id));
    expect(await order('keyword')).toEqual([2, 5, 0, 3, 1, 4, 6]);
    expect(await order('-volume')).toEqual([3, 6, 0, 1, 5, 2, 4]);
    expect(await order('volume')).toEqual([4, 2, 5, 1, 0, 6, 3]);
    expect(await order('difficulty')).toEqual([4, 3, 1, 5, 6, 0, 2]);
    expect(await order('status')).toEqual([1, 3, 5, 0, 2, 4, 6]);
    expect(await order('-status')).toEqual([6, 4, 2, 0, 5, 3, 1]);
    expect(await order('created_at')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await order('-created_at')).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(await listIds(`site_id=${a.site}`)).toEqual([...k].reverse());
    await db.query("UPDATE igny8_keywords SET updated_at = now() + interval '1 hour' WHERE id = $1", [k[2]]);
    expect((await order('-updated_at'))[0]).toBe(2);
    expect(await order('nonsense')).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('orders by the volume and difficulty of the moment: overrides set or cleared, and a seed changed in the library', async () => {
    const developer = await insertDeveloper(t.app, a.accountId);
    const order = async (ordering: string) =>
      (await listIds(`site_id=${a.site}&ordering=${ordering}`)).map((id) => k.indexOf(id));
    const keyword = async (index: number) =>
      data(await call('GET', `keywords/${k[index]}/`, a.users.viewer.auth)) as {
        volume: number;
        difficulty: number;
      };
    const patchKeyword = (index: number, body: Body) =>
      call('PATCH', `keywords/${k[index]}/`, a.users.editor.auth, body);
    const patchSeed = async (seed: number, body: Body) =>
      expect(
        (await call('PATCH', `/api/v1/auth/keywords-library/${seed}/`, developer.auth, body)).status,
      ).toBe(200);

    await patchKeyword(4, { volume_override: 50000 });
    expect(await order('-volume')).toEqual([3, 4, 6, 0, 1, 5, 2]);
    await patchKeyword(4, { volume_override: null });
    expect(await order('-volume')).toEqual([3, 6, 0, 1, 5, 2, 4]);

    const python = a.seeds['how to learn python'];
    await patchSeed(python, { volume: 200000, difficulty: 1 });
    expect(await keyword(1)).toMatchObject({ volume: 200000, difficulty: 1 });
    expect(await order('-volume')).toEqual([1, 3, 6, 0, 5, 2, 4]);
    expect(await order('difficulty')).toEqual([1, 4, 3, 5, 6, 0, 2]);
    expect(await listIds(`site_id=${a.site}&volume_min=165001`)).toEqual([k[1]]);
    // An override still wins over the seed's new value.
    await patchSeed(a.seeds['best project management software'], { volume: 1 });
    expect((await keyword(0)).volume).toBe(20000);
    await patchSeed(a.seeds['best project management software'], { volume: 9900 });
    await patchSeed(python, { volume: 14800, difficulty: 48 });
    expect(await order('-volume')).toEqual([3, 6, 0, 1, 5, 2, 4]);
    expect(await keyword(1)).toMatchObject({ volume: 14800, difficulty: 48 });
  });

  it('answers filter_options with the 5.3 keys, cascading on the other filters', async () => {
    const response = await call('GET', `keywords/filter_options/?site_id=${a.site}`, a.users.viewer.auth);
    expect(response.status).toBe(200);
    expect(data(response)).toEqual({
      status: [
        { value: '', label: 'All Statuses' },
        { value: 'mapped', label: 'Mapped' },
        { value: 'new', label: 'New' },
      ],
      intent: [
        { value: '', label: 'All Intents' },
        { value: 'commercial', label: 'Commercial' },
        { value: 'informational', label: 'Informational' },
        { value: 'navigational', label: 'Navigational' },
      ],
      cluster_id: [
        { value: '', label: 'All Clusters' },
        { value: c2, label: 'Cloud' },
        { value: 'null', label: 'No Cluster' },
        { value: c1, label: 'Python' },
      ],
      sector_id: [
        { value: '', label: 'All Sectors' },
        { value: a.sectors[1], label: 'Cloud Computing' },
        { value: a.sectors[0], label: 'Software Development' },
      ],
      country: [
        { value: '', label: 'All Countries' },
        { value: 'GB', label: 'GB' },
        { value: 'US', label: 'US' },
      ],
    });
    const narrowed = data(
      await call(
        'GET',
        `keywords/filter_options/?sector_id=${a.sectors[1]}&status=mapped`,
        a.users.viewer.auth,
      ),
    );
    expect(narrowed.cluster_id).toEqual([
      { value: '', label: 'All Clusters' },
      { value: c2, label: 'Cloud' },
    ]);
    expect(narrowed.status).toEqual([
      { value: '', label: 'All Statuses' },
      { value: 'mapped', label: 'Mapped' },
      { value: 'new', label: 'New' },
    ]);
  });

  it('runs a constant number of queries per page, whatever the page size', async () => {
    await expectConstantQueries(t, (size) =>
      call('GET', `keywords/?page_size=${size}&search=o&volume_min=0&ordering=-volume`, a.users.viewer.auth),
    );
  });
});

describe('bulk actions', () => {
  it('bulk_update (and its alias bulk_status) sets status and disabled on visible rows only', async () => {
    const editor = a.users.editor.auth;
    const none = await call('POST', 'keywords/bulk_update/', editor, { ids: [k[0]] });
    expect(none.status).toBe(400);
    expect(fieldErrors(none)).toEqual(['non_field_errors']);
    const updated = await call('POST', 'keywords/bulk_update/', editor, {
      ids: [k[0], k[6], 2_000_000_000],
      disabled: true,
    });
    expect(data(updated)).toEqual({ updated_count: 2 });
    expect((await listIds('disabled=true')).sort()).toEqual([k[0], k[2], k[6]].sort());
    const alias = await call('POST', 'keywords/bulk_status/', editor, {
      ids: [k[0], k[6]],
      disabled: false,
      status: 'new',
    });
    expect(data(alias)).toEqual({ updated_count: 2 });
    expect(await listIds('disabled=true')).toEqual([k[2]]);
  });

  it('bulk_add_from_seed creates keywords in one sector and reports the skipped seeds', async () => {
    const cyber = await db.query<{ id: number }[]>(
      "SELECT id FROM igny8_seed_keywords WHERE keyword = 'what is phishing'",
    );
    const inactive = await addSeed(t, 'software-development', 'retired framework', { active: false });
    const response = await call('POST', 'keywords/bulk_add_from_seed/', a.users.editor.auth, {
      site_id: a.site,
      sector_id: a.sectors[0],
      seed_keyword_ids: [
        a.seeds['buy jetbrains license'],
        a.seeds['how to learn python'],
        cyber[0].id,
        a.seeds['healthy breakfast ideas'],
        inactive,
        2_000_000_000,
        a.seeds['buy jetbrains license'],
      ],
    });
    expect(response.status).toBe(201);
    const result = data(response);
    expect(result).toMatchObject({
      created_count: 1,
      skipped_count: 6,
      skipped: [
        { seed_keyword_id: a.seeds['how to learn python'], reason: 'already_exists' },
        { seed_keyword_id: cyber[0].id, reason: 'seed_mismatch' },
        { seed_keyword_id: a.seeds['healthy breakfast ideas'], reason: 'seed_mismatch' },
        { seed_keyword_id: inactive, reason: 'inactive' },
        { seed_keyword_id: 2_000_000_000, reason: 'not_found' },
        { seed_keyword_id: a.seeds['buy jetbrains license'], reason: 'already_exists' },
      ],
    });
    const [id] = result.keyword_ids as number[];
    expect(data(await call('GET', `keywords/${id}/`, a.users.viewer.auth))).toMatchObject({
      keyword: 'buy jetbrains license',
      sector_id: a.sectors[0],
      created_by: a.users.editor.id,
    });
    const again = await call('POST', 'keywords/bulk_add_from_seed/', a.users.editor.auth, {
      site_id: a.site,
      sector_id: a.sectors[0],
      seed_keyword_ids: [a.seeds['buy jetbrains license']],
    });
    expect(again.status).toBe(201);
    expect(data(again)).toMatchObject({ created_count: 0, keyword_ids: [] });
    await db.query('DELETE FROM igny8_keywords WHERE id = $1', [id]);
  });

  it('add_to_workflow puts each seed in the sector built from its template', async () => {
    const response = await call('POST', 'keywords/add_to_workflow/', a.users.editor.auth, {
      site_id: a.site,
      seed_keyword_ids: [
        a.seeds['serverless architecture'],
        a.seeds['buy jetbrains license'],
        a.seeds['what is phishing'],
        a.seeds['aws vs azure'],
      ],
    });
    expect(response.status).toBe(201);
    const result = data(response);
    expect(result).toMatchObject({
      created_count: 2,
      skipped: [
        { seed_keyword_id: a.seeds['what is phishing'], reason: 'no_matching_sector' },
        { seed_keyword_id: a.seeds['aws vs azure'], reason: 'already_exists' },
      ],
    });
    const created = await db.query<{ sector_id: number; seed_keyword_id: number }[]>(
      'SELECT sector_id, seed_keyword_id FROM igny8_keywords WHERE id = ANY($1) ORDER BY id',
      [result.keyword_ids],
    );
    expect(created).toEqual([
      { sector_id: a.sectors[1], seed_keyword_id: a.seeds['serverless architecture'] },
      { sector_id: a.sectors[0], seed_keyword_id: a.seeds['buy jetbrains license'] },
    ]);
    await db.query('DELETE FROM igny8_keywords WHERE id = ANY($1)', [result.keyword_ids]);
  });

  it('handles 500 ids in one request', async () => {
    const seeds: number[] = [];
    for (let i = 0; i < 500; i++) seeds.push(i);
    const values = seeds.map((i) => `('bulk seed ${i}', ${i})`).join(',');
    const rows = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_seed_keywords (industry_id, sector_id, keyword, volume)
       SELECT s.industry_id, s.id, v.keyword, v.volume FROM (VALUES ${values}) AS v(keyword, volume)
       JOIN igny8_industry_sectors s ON s.slug = 'software-development' RETURNING id`,
    );
    const bulkTenant = await plannerTenant(t);
    const added = await call('POST', 'keywords/bulk_add_from_seed/', bulkTenant.users.editor.auth, {
      site_id: bulkTenant.site,
      sector_id: bulkTenant.sectors[0],
      seed_keyword_ids: rows.map((row) => row.id),
    });
    expect(data(added)).toMatchObject({ created_count: 500, skipped_count: 0 });
    const keywordIds = data(added).keyword_ids as number[];
    const cluster = data(
      await call('POST', 'clusters/', bulkTenant.users.editor.auth, {
        site_id: bulkTenant.site,
        sector_id: bulkTenant.sectors[0],
        name: 'Bulk',
      }),
    ).id as number;
    await db.query('UPDATE igny8_keywords SET cluster_id = $1 WHERE id = ANY($2)', [cluster, keywordIds]);
    const updated = await call('POST', 'keywords/bulk_update/', bulkTenant.users.editor.auth, {
      ids: keywordIds,
      status: 'mapped',
    });
    expect(data(updated)).toEqual({ updated_count: 500 });
    const deleted = await call('POST', 'keywords/bulk_delete/', bulkTenant.users.editor.auth, {
      ids: keywordIds,
    });
    expect(data(deleted)).toEqual({ deleted_count: 500 });
    expect(await aggregates(t, cluster)).toEqual({ keywords_count: 0, volume: 0, mapped_pages: 0 });
    const cascades = await db.query<{ n: number }[]>(
      'SELECT count(DISTINCT deleted_cascade_id)::int AS n FROM igny8_keywords WHERE id = ANY($1)',
      [keywordIds],
    );
    expect(cascades[0].n).toBe(500);
    const purged = await call('POST', 'keywords/purge/', bulkTenant.users.admin.auth, { ids: keywordIds });
    expect(data(purged)).toEqual({ purged_count: 500, not_found_ids: [] });
  });
});

describe('trash, restore, purge', () => {
  it('restores a keyword into its cluster, refuses a duplicate, and purges', async () => {
    const editor = a.users.editor.auth;
    const admin = a.users.admin.auth;
    expect((await call('DELETE', `keywords/${k[1]}/`, editor)).status).toBe(200);
    expect(await aggregates(t, c1)).toEqual({ keywords_count: 1, volume: 165000, mapped_pages: 0 });
    expect((await call('GET', `keywords/${k[1]}/`, a.users.viewer.auth)).status).toBe(404);
    expect((await call('GET', 'keywords/trash/', editor)).status).toBe(403);
    expect(ids(await call('GET', 'keywords/trash/', admin))).toEqual([k[1]]);
    const restored = await call('POST', `keywords/${k[1]}/restore/`, admin);
    expect(data(restored)).toMatchObject({ id: k[1], cluster_id: c1, status: 'mapped', deleted_at: null });
    expect(await aggregates(t, c1)).toEqual({ keywords_count: 2, volume: 14800 + 165000, mapped_pages: 0 });

    expect((await call('DELETE', `keywords/${k[6]}/`, editor)).status).toBe(200);
    const duplicate = await createKeyword({
      sector_id: a.sectors[1],
      seed_keyword_id: a.seeds['what is cloud computing'],
    });
    const clash = await call('POST', `keywords/${k[6]}/restore/`, admin);
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'conflict' });
    expect(data(await call('POST', 'keywords/purge/', admin, { ids: [duplicate.id, k[6]] }))).toEqual({
      purged_count: 1,
      not_found_ids: [duplicate.id],
    });
    expect((await call('DELETE', `keywords/${duplicate.id as number}/`, editor)).status).toBe(200);
    await db.query('DELETE FROM igny8_keywords WHERE id = $1', [duplicate.id]);
    k[6] = (
      await createKeyword({ sector_id: a.sectors[1], seed_keyword_id: a.seeds['what is cloud computing'] })
    ).id as number;
  });

  it('blocks the hard delete of a seed keyword in use (409 in_use) until its keywords are purged', async () => {
    const developer = await insertDeveloper(t.app, a.accountId);
    const seed = await addSeed(t, 'software-development', 'deno vs node');
    const keyword = await createKeyword({ sector_id: a.sectors[0], seed_keyword_id: seed });
    const blocked = await call('DELETE', `/api/v1/auth/keywords-library/${seed}/`, developer.auth);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'in_use' });
    await call('DELETE', `keywords/${keyword.id as number}/`, a.users.editor.auth);
    expect((await call('DELETE', `/api/v1/auth/keywords-library/${seed}/`, developer.auth)).status).toBe(409);
    await call('POST', 'keywords/purge/', a.users.admin.auth, { ids: [keyword.id] });
    expect((await call('DELETE', `/api/v1/auth/keywords-library/${seed}/`, developer.auth)).status).toBe(200);
  });
});

describe('the catalogue and sectors', () => {
  it('flags library seeds already added to a site, and counts keywords per sector', async () => {
    const library = await call(
      'GET',
      `/api/v1/auth/keywords-library/?site_id=${a.site}&sector_id=${(await db.query<{ id: number }[]>("SELECT id FROM igny8_industry_sectors WHERE slug = 'cloud-computing'"))[0].id}&page_size=100`,
      a.users.viewer.auth,
    );
    const added = Object.fromEntries(results(library).map((row) => [row.keyword as string, row.added]));
    expect(added).toMatchObject({
      'aws vs azure': true,
      'what is cloud computing': true,
      'aws console login': false,
    });
    const plain = await call('GET', '/api/v1/auth/keywords-library/?page_size=1', a.users.viewer.auth);
    expect(results(plain)[0]).not.toHaveProperty('added');
    const sectors = await call('GET', `/api/v1/auth/sectors/?site_id=${a.site}`, a.users.viewer.auth);
    const counts = Object.fromEntries(results(sectors).map((row) => [row.id as number, row.keywords_count]));
    expect(counts).toEqual({ [a.sectors[0]]: 5, [a.sectors[1]]: 2 });
  });
});

describe('export', () => {
  it('exports the filtered keywords as CSV, safe against formula injection', async () => {
    const formula = await addSeed(t, 'software-development', '=HYPERLINK("x")', { volume: 1 });
    const keyword = await createKeyword({
      sector_id: a.sectors[0],
      seed_keyword_id: formula,
      cluster_id: c1,
    });
    const response = await call(
      'GET',
      `keywords/export/?site_id=${a.site}&cluster_id=${c1}&ordering=volume`,
      a.users.viewer.auth,
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toBe('attachment; filename="keywords.csv"');
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,keyword,volume,difficulty,intent,country,status,cluster,sector,disabled,created_at',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${keyword.id as number},"'=HYPERLINK\\(""x""\\)",1,10,informational,US,mapped,Python,Software Development,false,\\d{4}-`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${k[1]},how to learn python,14800,48,informational,US,mapped,Python,`),
    );
    expect(lines[3]).toMatch(new RegExp(`^${k[3]},github login,165000,`));
    const key = await call('GET', 'keywords/export/', { 'x-igny8-api-key': a.apiKeys[0] });
    expect(key.status).toBe(200);
    await call('DELETE', `keywords/${keyword.id as number}/`, a.users.editor.auth);
    await call('POST', 'keywords/purge/', a.users.admin.auth, { ids: [keyword.id] });
  });
});
