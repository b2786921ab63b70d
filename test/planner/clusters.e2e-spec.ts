import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  aggregates,
  type Body,
  data,
  expectConstantQueries,
  fieldErrors,
  ids,
  plannerApi,
  plannerTenant,
  type PlannerTenant,
} from './support.js';

let t: TestApp;
let db: DataSource;
const call = plannerApi(() => t);

/*
 *   C1  Python Basics  SD  "learning python"   keywords: how to learn python (14800), github login (165000)
 *   C2  Agile Methods  SD  ""                  no keywords, status mapped
 *   C3  Cloud Pricing  CC  "aws costs"         keywords: aws vs azure (12100); disabled
 */
let a: PlannerTenant;
let c: number[];
let kw: Record<string, number>;

const editor = () => a.users.editor.auth;

async function createCluster(body: Body): Promise<Body> {
  const response = await call('POST', 'clusters/', editor(), { site_id: a.site, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return data(response);
}

async function createKeyword(seed: string, sector: number, cluster?: number): Promise<number> {
  const response = await call('POST', 'keywords/', editor(), {
    site_id: a.site,
    sector_id: sector,
    seed_keyword_id: a.seeds[seed],
    ...(cluster === undefined ? {} : { cluster_id: cluster }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return data(response).id as number;
}

const listIds = async (query: string) =>
  ids(await call('GET', `clusters/?page_size=100&${query}`, a.users.viewer.auth)).map((id) => c.indexOf(id));

const keywordRow = async (id: number) =>
  (
    await db.query<{ cluster_id: number | null; status: string }[]>(
      'SELECT cluster_id, status FROM igny8_keywords WHERE id = $1',
      [id],
    )
  )[0];

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.get(DataSource);
  a = await plannerTenant(t, { sites: 2 });
  const [sd, cc] = a.sectors;
  c = [
    (await createCluster({ sector_id: sd, name: 'Python Basics', description: 'learning python' }))
      .id as number,
    (await createCluster({ sector_id: sd, name: 'Agile Methods', status: 'mapped' })).id as number,
    (
      await createCluster({
        sector_id: cc,
        name: ' Cloud Pricing ',
        description: 'aws costs',
        disabled: true,
      })
    ).id as number,
  ];
  kw = {
    python: await createKeyword('how to learn python', sd, c[0]),
    github: await createKeyword('github login', sd, c[0]),
    aws: await createKeyword('aws vs azure', cc, c[2]),
  };
}, 120_000);
afterAll(() => t.close());

describe('create and update', () => {
  it('returns the cluster with its maintained columns, sector name and ideas count', async () => {
    const response = await call('GET', `clusters/${c[0]}/`, a.users.viewer.auth);
    expect(data(response)).toMatchObject({
      id: c[0],
      account_id: a.accountId,
      site_id: a.site,
      sector_id: a.sectors[0],
      name: 'Python Basics',
      description: 'learning python',
      keywords_count: 2,
      volume: 14800 + 165000,
      mapped_pages: 0,
      status: 'new',
      disabled: false,
      sector_name: 'Software Development',
      ideas_count: 0,
      deleted_at: null,
    });
    expect(data(await call('GET', `clusters/${c[2]}/`, a.users.viewer.auth))).toMatchObject({
      name: 'Cloud Pricing',
      keywords_count: 1,
      volume: 12100,
      disabled: true,
    });
  });

  it('keeps names unique per sector, case-insensitively', async () => {
    const taken = await call('POST', 'clusters/', editor(), {
      site_id: a.site,
      sector_id: a.sectors[0],
      name: 'python basics',
    });
    expect(taken.status).toBe(400);
    expect(taken.body.errors).toEqual({ name: ['A cluster with this name already exists in this sector.'] });
    const other = await createCluster({ sector_id: a.sectors[1], name: 'Python Basics' });
    const renamed = await call('PATCH', `clusters/${other.id as number}/`, editor(), {
      name: 'CLOUD PRICING',
    });
    expect(fieldErrors(renamed)).toEqual(['name']);
    const put = await call('PUT', `clusters/${other.id as number}/`, editor(), { description: 'x' });
    expect(put.body.errors).toEqual({ name: ['This field is required.'] });
    const moved = await call('PUT', `clusters/${other.id as number}/`, editor(), {
      name: 'Renamed',
      site_id: a.siteIds[1],
      sector_id: a.sectors[0],
      keywords_count: 99,
      status: 'mapped',
    });
    expect(data(moved)).toMatchObject({
      name: 'Renamed',
      sector_id: a.sectors[1],
      site_id: a.site,
      keywords_count: 0,
      status: 'mapped',
    });
    expect(
      data(await call('PATCH', `clusters/${other.id as number}/`, editor(), { status: 'new' })),
    ).toMatchObject({ status: 'new' });
    expect(
      fieldErrors(await call('PATCH', `clusters/${other.id as number}/`, editor(), { status: 'queued' })),
    ).toEqual(['status']);
    expect(
      fieldErrors(
        await call('POST', 'clusters/', editor(), { site_id: a.site, sector_id: a.sectors[0], name: ' ' }),
      ),
    ).toEqual(['name']);

    expect((await call('DELETE', `clusters/${other.id as number}/`, editor())).status).toBe(200);
    const again = await createCluster({ sector_id: a.sectors[1], name: 'renamed' });
    const clash = await call('POST', `clusters/${other.id as number}/restore/`, a.users.admin.auth);
    expect(clash.status).toBe(409);
    await call('POST', 'clusters/bulk_delete/', editor(), { ids: [again.id] });
    await call('POST', 'clusters/purge/', a.users.admin.auth, { ids: [again.id, other.id] });
  });
});

describe('list', () => {
  it('filters, searches and orders with known answers', async () => {
    await db.query('UPDATE igny8_clusters SET mapped_pages = $2 WHERE id = $1', [c[1], 5]);
    await db.query('UPDATE igny8_clusters SET mapped_pages = $2 WHERE id = $1', [c[2], 2]);
    const cases: [string, number[]][] = [
      [`site_id=${a.site}`, [2, 1, 0]],
      [`site_id=${a.siteIds[1]}`, []],
      [`sector_id=${a.sectors[0]}`, [1, 0]],
      ['status=mapped', [1]],
      ['disabled=true', [2]],
      ['disabled=false', [1, 0]],
      [`ids=${c[0]},${c[2]}`, [2, 0]],
      ['search=PYTHON', [0]],
      ['search=aws', [2]],
      ['ordering=name', [1, 2, 0]],
      ['ordering=-name', [0, 2, 1]],
      ['ordering=keywords_count', [1, 2, 0]],
      ['ordering=-volume', [0, 2, 1]],
      ['ordering=mapped_pages', [0, 2, 1]],
      ['ordering=status', [1, 0, 2]],
      ['ordering=created_at', [0, 1, 2]],
    ];
    for (const [query, expected] of cases) expect(await listIds(query), query).toEqual(expected);
    await db.query('UPDATE igny8_clusters SET mapped_pages = 0 WHERE id = ANY($1)', [[c[1], c[2]]]);
    const options = data(await call('GET', 'clusters/filter_options/?disabled=false', a.users.viewer.auth));
    expect(options).toEqual({
      status: [
        { value: '', label: 'All Statuses' },
        { value: 'mapped', label: 'Mapped' },
        { value: 'new', label: 'New' },
      ],
      sector_id: [
        { value: '', label: 'All Sectors' },
        { value: a.sectors[0], label: 'Software Development' },
      ],
    });
  });

  it('runs a constant number of queries per page, whatever the page size', async () => {
    await expectConstantQueries(t, (size) => call('GET', `clusters/?page_size=${size}`, a.users.viewer.auth));
  });

  it('bulk_update sets status and disabled', async () => {
    expect(fieldErrors(await call('POST', 'clusters/bulk_update/', editor(), { ids: [c[0]] }))).toEqual([
      'non_field_errors',
    ]);
    const response = await call('POST', 'clusters/bulk_update/', editor(), {
      ids: [c[0], c[2], 2_000_000_000],
      disabled: false,
      status: 'new',
    });
    expect(data(response)).toEqual({ updated_count: 2 });
    expect(await listIds('disabled=true')).toEqual([]);
    await call('PATCH', `clusters/${c[2]}/`, editor(), { disabled: true });
  });
});

describe('maintained aggregates', () => {
  it('follow keyword creates, moves, overrides, deletes, restores and bulk actions', async () => {
    const [sd] = a.sectors;
    const agile = await createKeyword('agile vs waterfall', sd, c[1]);
    expect(await aggregates(t, c[1])).toEqual({ keywords_count: 1, volume: 6600, mapped_pages: 0 });
    await call('PATCH', `keywords/${agile}/`, editor(), { volume_override: 100 });
    expect(await aggregates(t, c[1])).toEqual({ keywords_count: 1, volume: 100, mapped_pages: 0 });
    await call('PATCH', `keywords/${agile}/`, editor(), { cluster_id: c[0] });
    expect(await aggregates(t, c[1])).toEqual({ keywords_count: 0, volume: 0, mapped_pages: 0 });
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 3, volume: 179800 + 100, mapped_pages: 0 });
    await call('POST', 'keywords/bulk_update/', editor(), { ids: [agile], status: 'new', disabled: true });
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 3, volume: 179800 + 100, mapped_pages: 0 });
    await call('DELETE', `keywords/${agile}/`, editor());
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 2, volume: 179800, mapped_pages: 0 });
    await call('POST', `keywords/${agile}/restore/`, a.users.admin.auth);
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 3, volume: 179800 + 100, mapped_pages: 0 });
    await call('POST', 'keywords/bulk_delete/', editor(), { ids: [agile, kw.github] });
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 1, volume: 14800, mapped_pages: 0 });
    await call('POST', `keywords/${kw.github}/restore/`, a.users.admin.auth);
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 2, volume: 179800, mapped_pages: 0 });
    await call('POST', 'keywords/purge/', a.users.admin.auth, { ids: [agile] });
    expect(await aggregates(t, c[0])).toEqual({ keywords_count: 2, volume: 179800, mapped_pages: 0 });
  });

  it('a deleted cluster detaches its keywords for good; restore recomputes its counts', async () => {
    const [sd] = a.sectors;
    const cluster = (await createCluster({ sector_id: sd, name: 'Doomed' })).id as number;
    const live = await createKeyword('code review best practices', sd, cluster);
    const trashed = await createKeyword('buy jetbrains license', sd, cluster);
    await call('DELETE', `keywords/${trashed}/`, editor());
    await db.query(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, cluster_id) VALUES ($1, $2, $3, 'Page', $4)`,
      [a.accountId, a.site, sd, cluster],
    );
    expect((await call('DELETE', `clusters/${cluster}/`, editor())).status).toBe(200);
    expect(await keywordRow(live)).toEqual({ cluster_id: null, status: 'new' });
    expect(await keywordRow(trashed)).toEqual({ cluster_id: null, status: 'new' });
    expect(data(await call('GET', `keywords/${live}/`, a.users.viewer.auth))).toMatchObject({
      cluster_id: null,
      cluster_name: null,
    });
    const restored = await call('POST', `clusters/${cluster}/restore/`, a.users.admin.auth);
    expect(data(restored)).toMatchObject({ keywords_count: 0, volume: 0, mapped_pages: 1, deleted_at: null });
    expect(await keywordRow(live)).toEqual({ cluster_id: null, status: 'new' });

    const bulk = (await createCluster({ sector_id: sd, name: 'Bulk Doomed' })).id as number;
    await call('PATCH', `keywords/${live}/`, editor(), { cluster_id: bulk });
    expect(
      data(await call('POST', 'clusters/bulk_delete/', editor(), { ids: [bulk, cluster, 2_000_000_000] })),
    ).toEqual({
      deleted_count: 2,
    });
    expect(await keywordRow(live)).toEqual({ cluster_id: null, status: 'new' });
    expect(await aggregates(t, bulk)).toEqual({ keywords_count: 0, volume: 0, mapped_pages: 0 });
    await db.query('DELETE FROM igny8_content WHERE cluster_id = $1', [cluster]);
    await db.query('DELETE FROM igny8_keywords WHERE id = ANY($1)', [[live, trashed]]);
  });

  it('survive a site deletion and restore: keywords keep their cluster, counts stay right', async () => {
    const before = await aggregates(t, c[0]);
    expect((await call('DELETE', `/api/v1/auth/sites/${a.site}/`, a.users.admin.auth)).status).toBe(200);
    expect(await keywordRow(kw.python)).toEqual({ cluster_id: c[0], status: 'mapped' });
    expect((await call('POST', `/api/v1/auth/sites/${a.site}/restore/`, a.users.admin.auth)).status).toBe(
      200,
    );
    expect(await aggregates(t, c[0])).toEqual(before);
    expect(data(await call('GET', `keywords/${kw.python}/`, a.users.viewer.auth))).toMatchObject({
      cluster_id: c[0],
      cluster_name: 'Python Basics',
      status: 'mapped',
    });
    expect((await call('DELETE', `/api/v1/auth/sectors/${a.sectors[1]}/`, a.users.admin.auth)).status).toBe(
      200,
    );
    expect((await call('POST', `keywords/${kw.aws}/restore/`, a.users.admin.auth)).status).toBe(409);
    expect(
      (await call('POST', `/api/v1/auth/sectors/${a.sectors[1]}/restore/`, a.users.admin.auth)).status,
    ).toBe(200);
    expect(await aggregates(t, c[2])).toEqual({ keywords_count: 1, volume: 12100, mapped_pages: 0 });
    expect(await keywordRow(kw.aws)).toEqual({ cluster_id: c[2], status: 'mapped' });
  });

  it('refuses to purge a cluster that still has writer tasks (409 in_use)', async () => {
    const cluster = (await createCluster({ sector_id: a.sectors[0], name: 'Tasked' })).id as number;
    await db.query(
      `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id) VALUES ($1, $2, $3, 'T', $4)`,
      [a.accountId, a.site, a.sectors[0], cluster],
    );
    await call('DELETE', `clusters/${cluster}/`, editor());
    const purge = await call('POST', 'clusters/purge/', a.users.admin.auth, { ids: [cluster] });
    expect(purge.status).toBe(409);
    expect(purge.body).toMatchObject({ code: 'in_use' });
    await db.query('DELETE FROM igny8_tasks WHERE cluster_id = $1', [cluster]);
    expect(data(await call('POST', 'clusters/purge/', a.users.admin.auth, { ids: [cluster] }))).toEqual({
      purged_count: 1,
      not_found_ids: [],
    });
  });
});
