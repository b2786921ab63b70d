import type { HTTPMethods } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import {
  type ApiResponse,
  type Body,
  data,
  fieldErrors,
  type Headers,
  multipart,
  plannerApi,
  plannerSnapshot,
  plannerTenant,
  type PlannerTenant,
  results,
} from './support.js';

let t: TestApp;
let db: DataSource;
const call = plannerApi(() => t);
const MISSING = 2_000_000_000;

/** One live and one trashed row of each planner resource, in one site. */
interface Rows {
  keyword: number;
  cluster: number;
  idea: number;
  trashedKeyword: number;
  trashedCluster: number;
  trashedIdea: number;
}

let a: PlannerTenant;
let b: PlannerTenant;
/** Tenant B's rows (another account) and tenant A's rows in its second site (not granted to A's editor/viewer). */
let foreign: Rows;
let otherSite: Rows;
let mine: Rows;
let routes: RouteInfo[];

async function rowsIn(tenant: PlannerTenant, siteIndex: number, seeds: [string, string]): Promise<Rows> {
  const admin = tenant.users.admin.auth;
  const site = tenant.siteIds[siteIndex];
  const sector = tenant.sectorIds[siteIndex][0];
  const create = async (url: string, body: Body) => {
    const response = await call('POST', url, admin, { site_id: site, sector_id: sector, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return data(response).id as number;
  };
  const cluster = await create('clusters/', { name: 'Live' });
  const keyword = await create('keywords/', { seed_keyword_id: tenant.seeds[seeds[0]], cluster_id: cluster });
  const idea = await create('ideas/', {
    idea_title: 'Live',
    keyword_cluster_id: cluster,
    keyword_ids: [keyword],
  });
  const trashedCluster = await create('clusters/', { name: 'Gone' });
  const trashedKeyword = await create('keywords/', { seed_keyword_id: tenant.seeds[seeds[1]] });
  const trashedIdea = await create('ideas/', { idea_title: 'Gone' });
  for (const [url, id] of [
    ['clusters', trashedCluster],
    ['keywords', trashedKeyword],
    ['ideas', trashedIdea],
  ] as const) {
    expect((await call('DELETE', `${url}/${id}/`, admin)).status).toBe(200);
  }
  return { keyword, cluster, idea, trashedKeyword, trashedCluster, trashedIdea };
}

/** The id of `rows` a planner path names. */
function idFor(rows: Rows, path: string): number {
  const resource = /planner\/(keywords|clusters|ideas)\//.exec(path)?.[1];
  const trashed = path.endsWith('/restore');
  const key = { keywords: 'keyword', clusters: 'cluster', ideas: 'idea' }[resource as 'keywords'] as
    'keyword' | 'cluster' | 'idea';
  return trashed ? rows[`trashed${key[0].toUpperCase()}${key.slice(1)}` as keyof Rows] : rows[key];
}

const BODIES: Record<string, Body> = {
  'keywords PUT': { disabled: true },
  'keywords PATCH': { disabled: true },
  'clusters PUT': { name: 'Renamed' },
  'clusters PATCH': { name: 'Renamed' },
  'ideas PUT': { idea_title: 'Renamed' },
  'ideas PATCH': { idea_title: 'Renamed' },
};

function bodyFor(route: RouteInfo): Body | undefined {
  if (route.method === 'GET') return undefined;
  const resource = /planner\/(\w+)\//.exec(route.path)?.[1] ?? '';
  return BODIES[`${resource} ${route.method}`] ?? {};
}

/** Comparable answer: the request id removed and the named id replaced. */
function comparable(response: ApiResponse, id: number): string {
  const body = { ...response.body };
  delete body.request_id;
  return JSON.stringify(body).split(String(id)).join('<id>').split(String(MISSING)).join('<id>');
}

const plannerRoutes = () => routes.filter((route) => route.path.startsWith('/api/v1/planner/'));
const headersFor = (tenant: PlannerTenant, role: RouteInfo['role']): Headers =>
  tenant.users[role === 'viewer' ? 'viewer' : role === 'editor' ? 'editor' : 'admin'].auth;

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.get(DataSource);
  routes = listRoutes(t.app);
  a = await plannerTenant(t, { sites: 2 });
  b = await plannerTenant(t);
  mine = await rowsIn(a, 0, ['github login', 'agile vs waterfall']);
  otherSite = await rowsIn(a, 1, ['github login', 'agile vs waterfall']);
  foreign = await rowsIn(b, 0, ['github login', 'agile vs waterfall']);
}, 120_000);
afterAll(() => t.close());

describe('routes', () => {
  it('exposes the planner catalogue, throttled as `planner` (`planner_ai` for the AI actions)', () => {
    const planner = plannerRoutes().map((route) => `${route.method} ${route.path}`);
    for (const resource of ['keywords', 'clusters', 'ideas']) {
      for (const route of [
        `GET /api/v1/planner/${resource}`,
        `POST /api/v1/planner/${resource}`,
        `GET /api/v1/planner/${resource}/:id`,
        `PUT /api/v1/planner/${resource}/:id`,
        `PATCH /api/v1/planner/${resource}/:id`,
        `DELETE /api/v1/planner/${resource}/:id`,
        `GET /api/v1/planner/${resource}/filter_options`,
        `GET /api/v1/planner/${resource}/trash`,
        `POST /api/v1/planner/${resource}/:id/restore`,
        `POST /api/v1/planner/${resource}/purge`,
        `POST /api/v1/planner/${resource}/bulk_delete`,
        `POST /api/v1/planner/${resource}/bulk_update`,
      ]) {
        expect(planner).toContain(route);
      }
    }
    for (const route of [
      'POST /api/v1/planner/keywords/auto_cluster',
      'POST /api/v1/planner/clusters/auto_generate_ideas',
      'POST /api/v1/planner/keywords/bulk_status',
      'POST /api/v1/planner/keywords/bulk_add_from_seed',
      'POST /api/v1/planner/keywords/add_to_workflow',
      'POST /api/v1/planner/keywords/import_keywords',
      'GET /api/v1/planner/keywords/export',
      'POST /api/v1/planner/ideas/bulk_queue_to_writer',
    ]) {
      expect(planner).toContain(route);
    }
    for (const route of plannerRoutes()) {
      const admin = /\/(trash|restore|purge)$/.test(route.path);
      const expectedRole = admin ? 'admin' : route.method === 'GET' ? 'viewer' : 'editor';
      expect({
        route: `${route.method} ${route.path}`,
        role: route.role,
        key: route.apiKey,
        throttle: route.throttle,
      }).toEqual({
        route: `${route.method} ${route.path}`,
        role: expectedRole,
        key: !admin,
        throttle: /\/(auto_cluster|auto_generate_ideas)$/.test(route.path) ? 'planner_ai' : 'planner',
      });
    }
  });
});

describe('roles', () => {
  it('refuses every write to viewers, and trash/restore/purge to editors and API keys', async () => {
    const before = await plannerSnapshot(t);
    for (const route of plannerRoutes()) {
      const url = route.path.replace(':id', String(idFor(mine, route.path)));
      if (route.method !== 'GET' || route.role === 'admin') {
        const viewer = await call(route.method, url, a.users.viewer.auth, bodyFor(route));
        expect(viewer.status, `viewer ${route.method} ${route.path}`).toBe(403);
        expect(viewer.body).toMatchObject({ code: 'permission_denied' });
      }
      if (route.role === 'admin') {
        const editor = await call(route.method, url, a.users.editor.auth, bodyFor(route));
        expect(editor.status, `editor ${route.method} ${route.path}`).toBe(403);
        const key = await call(route.method, url, { 'x-igny8-api-key': a.apiKeys[0] }, bodyFor(route));
        expect(key.status, `key ${route.method} ${route.path}`).toBe(403);
        expect(key.body).toMatchObject({ code: 'api_key_not_allowed' });
      }
    }
    expect(await plannerSnapshot(t)).toEqual(before);
  });
});

describe('path ids', () => {
  it('answers a foreign or not-granted row exactly like a missing one (404), and changes nothing', async () => {
    const before = await plannerSnapshot(t);
    const idRoutes = plannerRoutes().filter((route) => route.path.includes(':id'));
    expect(idRoutes).toHaveLength(15);
    const cases: [string, Rows, Headers | null][] = [
      ['another account', foreign, null],
      ['a site not granted', otherSite, a.users.editor.auth],
      ['a site not granted (viewer)', otherSite, a.users.viewer.auth],
      ['another site (API key)', otherSite, { 'x-igny8-api-key': a.apiKeys[0] }],
    ];
    for (const [label, rows, fixed] of cases) {
      for (const route of idRoutes) {
        if (fixed === a.users.viewer.auth && route.role !== 'viewer') continue;
        if (fixed?.['x-igny8-api-key'] && !route.apiKey) continue;
        if (fixed === a.users.editor.auth && route.role === 'admin') continue;
        const headers = fixed ?? headersFor(a, route.role);
        const id = idFor(rows, route.path);
        const body = bodyFor(route);
        const seen = await call(route.method, route.path.replace(':id', String(id)), headers, body);
        const missing = await call(route.method, route.path.replace(':id', String(MISSING)), headers, body);
        expect(seen.status, `${label}: ${route.method} ${route.path}`).toBe(404);
        expect(comparable(seen, id)).toBe(comparable(missing, MISSING));
      }
    }
    expect(await plannerSnapshot(t)).toEqual(before);
  });
});

describe('body references', () => {
  it('answers a foreign site, sector, cluster or keyword with 400 on the field, like a missing id, and writes nothing', async () => {
    const before = await plannerSnapshot(t);
    const bSector = b.sectorIds[0][0];
    const aSector = a.sectors[0];
    const otherSector = a.sectorIds[1][0];
    const seed = a.seeds['code review best practices'];
    type Case = [HTTPMethods, string, (id: number) => Body, number, string];
    const cases: Case[] = [
      [
        'POST',
        'keywords/',
        (id) => ({ site_id: id, sector_id: aSector, seed_keyword_id: seed }),
        b.site,
        'site_id',
      ],
      [
        'POST',
        'keywords/',
        (id) => ({ site_id: a.site, sector_id: id, seed_keyword_id: seed }),
        bSector,
        'sector_id',
      ],
      [
        'POST',
        'keywords/',
        (id) => ({ site_id: a.site, sector_id: aSector, seed_keyword_id: seed, cluster_id: id }),
        foreign.cluster,
        'cluster_id',
      ],
      ['PATCH', `keywords/${mine.keyword}/`, (id) => ({ cluster_id: id }), foreign.cluster, 'cluster_id'],
      ['PUT', `keywords/${mine.keyword}/`, (id) => ({ cluster_id: id }), mine.trashedCluster, 'cluster_id'],
      [
        'POST',
        'keywords/bulk_add_from_seed/',
        (id) => ({ site_id: id, sector_id: aSector, seed_keyword_ids: [seed] }),
        b.site,
        'site_id',
      ],
      [
        'POST',
        'keywords/bulk_add_from_seed/',
        (id) => ({ site_id: a.site, sector_id: id, seed_keyword_ids: [seed] }),
        bSector,
        'sector_id',
      ],
      [
        'POST',
        'keywords/add_to_workflow/',
        (id) => ({ site_id: id, seed_keyword_ids: [seed] }),
        b.site,
        'site_id',
      ],
      ['POST', 'clusters/', (id) => ({ site_id: id, sector_id: aSector, name: 'X' }), b.site, 'site_id'],
      ['POST', 'clusters/', (id) => ({ site_id: a.site, sector_id: id, name: 'X' }), bSector, 'sector_id'],
      ['POST', 'ideas/', (id) => ({ site_id: id, sector_id: aSector, idea_title: 'X' }), b.site, 'site_id'],
      ['POST', 'ideas/', (id) => ({ site_id: a.site, sector_id: id, idea_title: 'X' }), bSector, 'sector_id'],
      [
        'POST',
        'ideas/',
        (id) => ({ site_id: a.site, sector_id: aSector, idea_title: 'X', keyword_cluster_id: id }),
        foreign.cluster,
        'keyword_cluster_id',
      ],
      [
        'POST',
        'ideas/',
        (id) => ({ site_id: a.site, sector_id: aSector, idea_title: 'X', keyword_ids: [id] }),
        foreign.keyword,
        'keyword_ids',
      ],
      [
        'PATCH',
        `ideas/${mine.idea}/`,
        (id) => ({ keyword_cluster_id: id }),
        foreign.cluster,
        'keyword_cluster_id',
      ],
      ['PATCH', `ideas/${mine.idea}/`, (id) => ({ keyword_ids: [id] }), foreign.keyword, 'keyword_ids'],
      ['PATCH', `ideas/${mine.idea}/`, (id) => ({ keyword_ids: [id] }), mine.trashedKeyword, 'keyword_ids'],
    ];
    const asEditor: [Headers, number, number, number][] = [
      // [headers, foreign site, foreign sector, foreign cluster] per actor: another account, or a site not granted.
      [a.users.admin.auth, b.site, bSector, foreign.cluster],
      [a.users.editor.auth, a.siteIds[1], otherSector, otherSite.cluster],
      [{ 'x-igny8-api-key': a.apiKeys[0] }, a.siteIds[1], otherSector, otherSite.cluster],
    ];
    for (const [headers, site, sector, cluster] of asEditor) {
      const swap = (id: number) =>
        id === b.site ? site : id === bSector ? sector : id === foreign.cluster ? cluster : id;
      for (const [method, url, body, foreignId, field] of cases) {
        const id = swap(foreignId);
        const seen = await call(method, url, headers, body(id));
        const missing = await call(method, url, headers, body(MISSING));
        expect(seen.status, `${method} ${url} ${field}`).toBe(400);
        expect(fieldErrors(seen), `${method} ${url}`).toEqual([field]);
        expect(comparable(seen, id)).toBe(comparable(missing, MISSING));
      }
      const upload = multipart({ site_id: site }, 'keyword\ngithub login\n');
      const imported = await t.request({
        method: 'POST',
        url: '/api/v1/planner/keywords/import_keywords/',
        headers: { ...headers, ...upload.headers },
        payload: upload.payload,
      });
      expect(imported.statusCode).toBe(400);
      expect(Object.keys(imported.json<{ errors: Body }>().errors)).toEqual(['site_id']);
    }
    expect(await plannerSnapshot(t)).toEqual(before);
  });

  it('ignores foreign ids in bulk actions and purge', async () => {
    const before = await plannerSnapshot(t);
    for (const [resource, live, trashed] of [
      ['keywords', foreign.keyword, foreign.trashedKeyword],
      ['clusters', foreign.cluster, foreign.trashedCluster],
      ['ideas', foreign.idea, foreign.trashedIdea],
    ] as const) {
      const editor = a.users.editor.auth;
      expect(data(await call('POST', `${resource}/bulk_delete/`, editor, { ids: [live] }))).toEqual({
        deleted_count: 0,
      });
      expect(
        data(await call('POST', `${resource}/bulk_update/`, editor, { ids: [live], disabled: true })),
      ).toEqual({
        updated_count: 0,
      });
      expect(
        data(await call('POST', `${resource}/purge/`, a.users.admin.auth, { ids: [trashed, live] })),
      ).toEqual({
        purged_count: 0,
        not_found_ids: [trashed, live],
      });
    }
    for (const [resource, id] of [
      ['keywords', otherSite.keyword],
      ['clusters', otherSite.cluster],
      ['ideas', otherSite.idea],
    ] as const) {
      expect(
        data(await call('POST', `${resource}/bulk_delete/`, a.users.editor.auth, { ids: [id] })),
      ).toEqual({
        deleted_count: 0,
      });
    }
    const queued = await call('POST', 'ideas/bulk_queue_to_writer/', a.users.editor.auth, {
      ids: [foreign.idea, otherSite.idea],
    });
    expect(data(queued)).toEqual({ created_count: 0, task_ids: [], skipped: [] });
    expect(await plannerSnapshot(t)).toEqual(before);
  });
});

describe('list filters', () => {
  it('return nothing for another account or a site not granted, and lists hold only visible rows', async () => {
    const filters = (rows: Rows, site: number, sector: number) => [
      `keywords/?site_id=${site}`,
      `keywords/?sector_id=${sector}`,
      `keywords/?cluster_id=${rows.cluster}`,
      `keywords/?ids=${rows.keyword}`,
      `clusters/?site_id=${site}`,
      `clusters/?sector_id=${sector}`,
      `clusters/?ids=${rows.cluster}`,
      `ideas/?site_id=${site}`,
      `ideas/?sector_id=${sector}`,
      `ideas/?keyword_cluster_id=${rows.cluster}`,
      `ideas/?ids=${rows.idea}`,
      `keywords/trash/?site_id=${site}`,
    ];
    const actors: [Headers, Rows, number, number][] = [
      [a.users.admin.auth, foreign, b.site, b.sectorIds[0][0]],
      [a.users.editor.auth, otherSite, a.siteIds[1], a.sectorIds[1][0]],
      [a.users.viewer.auth, otherSite, a.siteIds[1], a.sectorIds[1][0]],
      [{ 'x-igny8-api-key': a.apiKeys[0] }, otherSite, a.siteIds[1], a.sectorIds[1][0]],
    ];
    for (const [headers, rows, site, sector] of actors) {
      for (const url of filters(rows, site, sector)) {
        if (url.includes('trash') && headers !== a.users.admin.auth) continue;
        const response = await call('GET', url, headers);
        expect(response.status, url).toBe(200);
        expect(response.body, url).toMatchObject({ count: 0, results: [] });
      }
      const options = data(await call('GET', `keywords/filter_options/?site_id=${site}`, headers));
      expect(Object.values(options).every((list) => (list as unknown[]).length === 1)).toBe(true);
      const exported = await call('GET', `keywords/export/?site_id=${site}`, headers);
      expect(exported.text.trimEnd().split('\r\n')).toHaveLength(1);
    }
    for (const headers of [a.users.editor.auth, { 'x-igny8-api-key': a.apiKeys[0] }]) {
      for (const resource of ['keywords', 'clusters', 'ideas']) {
        const rows = results(await call('GET', `${resource}/?page_size=100`, headers));
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row).toMatchObject({ account_id: a.accountId, site_id: a.site });
      }
    }
    const admin = results(
      await call('GET', 'keywords/?page_size=100&account_id=' + b.accountId, a.users.admin.auth),
    );
    expect(new Set(admin.map((row) => row.site_id))).toEqual(new Set([a.site, a.siteIds[1]]));
  });
});

describe('API keys', () => {
  it('write in their own site only, with created_by empty', async () => {
    const key = { 'x-igny8-api-key': a.apiKeys[0] };
    const created = await call('POST', 'clusters/', key, {
      site_id: a.site,
      sector_id: a.sectors[0],
      name: 'By key',
    });
    expect(created.status).toBe(201);
    expect(data(created)).toMatchObject({ created_by: null, site_id: a.site });
    const elsewhere = await call('POST', 'clusters/', key, {
      site_id: a.siteIds[1],
      sector_id: a.sectorIds[1][0],
      name: 'By key',
    });
    expect(fieldErrors(elsewhere)).toEqual(['site_id']);
    await db.query('DELETE FROM igny8_clusters WHERE id = $1', [data(created).id]);
  });
});
