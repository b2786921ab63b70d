import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole } from '../../src/common/auth/roles.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { seedTenant, snapshot, type SeededTenant } from '../support/tenants.js';
import {
  type Call,
  caller,
  data,
  plannerRows,
  seedWriterRows,
  WRITER_PATH_KINDS,
  WRITER_TABLES,
  type WriterRows,
} from './support.js';

const MISSING = 2_000_000_000;
const PUBLISHING_ACTION =
  /^\/api\/v1\/writer\/content\/:id\/(publish|unpublish|schedule|unschedule|wordpress_status)$/;

/** The rows of one site that paths, bodies and filters can name. */
interface SiteRows extends WriterRows {
  site: number;
  sector: number;
  cluster: number;
  idea: number;
}

const kindOf = (route: RouteInfo) => WRITER_PATH_KINDS.find(([pattern]) => pattern.test(route.path))?.[1];

/** A response with the ids replaced, so answers for two different ids can be compared. */
function comparable(response: LightMyRequestResponse, id: number): string {
  const body = response.json<Record<string, unknown>>();
  delete body.request_id;
  return JSON.stringify(body).split(String(MISSING)).join('<id>').split(String(id)).join('<id>');
}

describe('writer access: tenants, sites, roles, API keys, query counts', () => {
  let t: TestApp;
  let db: DataSource;
  let call: Call;
  let a: SeededTenant;
  let b: SeededTenant;
  /** Tenant A: site 0 (granted to its editor/viewer) and site 1 (admins only); tenant B: site 0. */
  let a0: SiteRows;
  let a1: SiteRows;
  let b0: SiteRows;
  let routes: RouteInfo[];

  async function rowsOf(tenant: SeededTenant, index: number): Promise<SiteRows> {
    const planner = plannerRows(t);
    const site = tenant.siteIds[index];
    const sector = tenant.sectorIds[index][0];
    const cluster = await planner.cluster(tenant, site, sector);
    const idea = await planner.idea(tenant, site, sector, cluster);
    return { site, sector, cluster, idea, ...(await seedWriterRows(db, tenant.accountId, site, sector)) };
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    call = caller(t);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app);
    a0 = await rowsOf(a, 0);
    a1 = await rowsOf(a, 1);
    b0 = await rowsOf(b, 0);
    // The publishing actions on writer/content/:id/ belong to the publisher (test/publisher, the isolation suite).
    routes = listRoutes(t.app).filter(
      (route) => route.path.startsWith('/api/v1/writer/') && !PUBLISHING_ACTION.test(route.path),
    );
  }, 120_000);
  afterAll(() => t?.close());

  const userFor = (tenant: SeededTenant, role: RouteInfo['role']) =>
    tenant.users[role === 'viewer' ? 'viewer' : role === 'editor' ? 'editor' : 'admin'].auth;
  const keyOf = (tenant: SeededTenant, index = 0) => ({ 'x-igny8-api-key': tenant.apiKeys[index] });
  const bodyFor = (route: RouteInfo) =>
    route.method === 'GET' || route.method === 'DELETE' ? undefined : {};

  it('declares the writer routes (the publishing actions aside) with their roles and throttles', () => {
    const table = routes.map(
      (route) => `${route.method} ${route.path} ${route.role}${route.apiKey ? ' key' : ''} ${route.throttle}`,
    );
    const expected: string[] = [];
    for (const [resource, read, write] of [
      ['tasks', 'writer', 'writer'],
      ['content', 'content_read', 'content_write'],
      ['images', 'writer', 'writer'],
      ['taxonomies', 'writer', 'writer'],
    ] as const) {
      const p = `/api/v1/writer/${resource}`;
      expected.push(
        `GET ${p} viewer key ${read}`,
        `POST ${p} editor key ${write}`,
        `GET ${p}/:id viewer key ${read}`,
        `PUT ${p}/:id editor key ${write}`,
        `PATCH ${p}/:id editor key ${write}`,
        `DELETE ${p}/:id editor key ${write}`,
        `POST ${p}/bulk_delete editor key ${write}`,
        `GET ${p}/trash admin ${read}`,
        `POST ${p}/:id/restore admin ${write}`,
        `POST ${p}/purge admin ${write}`,
      );
      if (resource !== 'taxonomies') expected.push(`GET ${p}/filter_options viewer key ${read}`);
    }
    expected.push(
      'POST /api/v1/writer/tasks/bulk_update editor key writer',
      'POST /api/v1/writer/content/bulk_update editor key content_write',
      'GET /api/v1/writer/content/:id/validation viewer key content_read',
      'GET /api/v1/writer/images/content_images viewer key writer',
      'POST /api/v1/writer/images/bulk_update editor key writer',
      'GET /api/v1/writer/images/:id/file viewer key writer',
      'POST /api/v1/writer/tasks/auto_generate_content editor key writer_ai',
      'POST /api/v1/writer/content/generate_image_prompts editor key writer_ai',
      'POST /api/v1/writer/images/generate_images editor key image_gen',
    );
    expect([...table].sort()).toEqual([...expected].sort());
    const media = listRoutes(t.app).filter((route) => route.path.startsWith('/media'));
    expect(media).toMatchObject([{ method: 'GET', isPublic: true, throttle: 'none' }]);
  });

  it('classifies every writer route that takes an id', () => {
    const unclassified = routes.filter((route) => route.path.includes('/:') && kindOf(route) === undefined);
    expect(unclassified.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('answers another tenant’s or an invisible site’s id in a path like a missing one (404), changing nothing', async () => {
    const before = await snapshot(t.app, WRITER_TABLES);
    const idRoutes = routes.filter((route) => kindOf(route) !== undefined);
    expect(idRoutes.length).toBe(22);
    for (const route of idRoutes) {
      const kind = kindOf(route)!;
      const url = (id: number) => route.path.replace(':id', String(id));
      const attempts: [Record<string, string>, number, string][] = [
        [userFor(a, route.role), b0[kind], 'other tenant'],
        [a.users.admin.auth, b0[kind], 'other tenant (admin)'],
      ];
      if (route.role !== 'admin') {
        attempts.push(
          [userFor(a, route.role), a1[kind], 'site not granted'],
          [keyOf(a, 0), a1[kind], 'API key of another site'],
        );
      }
      for (const [headers, id, why] of attempts) {
        const foreign = await call(route.method, url(id), headers, bodyFor(route));
        const missing = await call(route.method, url(MISSING), headers, bodyFor(route));
        expect(foreign.statusCode, `${route.method} ${route.path}: ${why}`).toBe(404);
        expect(comparable(foreign, id)).toEqual(comparable(missing, id));
      }
    }
    expect(await snapshot(t.app, WRITER_TABLES)).toEqual(before);
  });

  it('answers invisible references in bodies with 400 on the field, like missing ones, writing nothing', async () => {
    const before = await snapshot(t.app, WRITER_TABLES);
    const place = { site_id: a0.site, sector_id: a0.sector };
    const cases: [HTTPMethods, string, (id: number) => Record<string, unknown>, keyof SiteRows, string][] = [
      [
        'POST',
        '/api/v1/writer/tasks/',
        (id) => ({ site_id: id, sector_id: a0.sector, title: 'x', cluster_id: a0.cluster }),
        'site',
        'site_id',
      ],
      [
        'POST',
        '/api/v1/writer/tasks/',
        (id) => ({ site_id: a0.site, sector_id: id, title: 'x', cluster_id: a0.cluster }),
        'sector',
        'sector_id',
      ],
      [
        'POST',
        '/api/v1/writer/tasks/',
        (id) => ({ ...place, title: 'x', cluster_id: id }),
        'cluster',
        'cluster_id',
      ],
      [
        'POST',
        '/api/v1/writer/tasks/',
        (id) => ({ ...place, title: 'x', cluster_id: a0.cluster, idea_id: id }),
        'idea',
        'idea_id',
      ],
      [
        'POST',
        '/api/v1/writer/tasks/',
        (id) => ({ ...place, title: 'x', cluster_id: a0.cluster, taxonomy_term_id: id }),
        'term',
        'taxonomy_term_id',
      ],
      ['PATCH', `/api/v1/writer/tasks/${a0.task}/`, (id) => ({ cluster_id: id }), 'cluster', 'cluster_id'],
      ['PATCH', `/api/v1/writer/tasks/${a0.task}/`, (id) => ({ idea_id: id }), 'idea', 'idea_id'],
      [
        'POST',
        '/api/v1/writer/content/',
        (id) => ({ site_id: id, sector_id: a0.sector, title: 'x' }),
        'site',
        'site_id',
      ],
      [
        'POST',
        '/api/v1/writer/content/',
        (id) => ({ ...place, title: 'x', cluster_id: id }),
        'cluster',
        'cluster_id',
      ],
      ['POST', '/api/v1/writer/content/', (id) => ({ ...place, title: 'x', task_id: id }), 'task', 'task_id'],
      [
        'POST',
        '/api/v1/writer/content/',
        (id) => ({ ...place, title: 'x', taxonomy_term_ids: [id] }),
        'term',
        'taxonomy_term_ids',
      ],
      ['PATCH', `/api/v1/writer/content/${a0.content}/`, (id) => ({ task_id: id }), 'task', 'task_id'],
      [
        'PATCH',
        `/api/v1/writer/content/${a0.content}/`,
        (id) => ({ taxonomy_term_ids: [id] }),
        'term',
        'taxonomy_term_ids',
      ],
      [
        'POST',
        '/api/v1/writer/images/',
        (id) => ({ content_id: id, image_type: 'in_article', position: 5 }),
        'content',
        'content_id',
      ],
      [
        'POST',
        '/api/v1/writer/images/bulk_update/',
        (id) => ({ content_id: id, status: 'pending' }),
        'content',
        'content_id',
      ],
      [
        'POST',
        '/api/v1/writer/taxonomies/',
        (id) => ({ site_id: id, name: 'x', taxonomy_type: 'tag' }),
        'site',
        'site_id',
      ],
      [
        'POST',
        '/api/v1/writer/taxonomies/',
        (id) => ({ site_id: a0.site, sector_id: id, name: 'x', taxonomy_type: 'tag' }),
        'sector',
        'sector_id',
      ],
    ];
    for (const [method, url, body, kind, field] of cases) {
      for (const [headers, id, why] of [
        [a.users.admin.auth, b0[kind], 'other tenant'],
        [a.users.editor.auth, a1[kind], 'site not granted'],
        [keyOf(a, 0), a1[kind], 'API key of another site'],
      ] as const) {
        const foreign = await call(method, url, headers, body(id));
        const missing = await call(method, url, headers, body(MISSING));
        expect(foreign.statusCode, `${method} ${url} ${field}: ${why}`).toBe(400);
        expect(foreign.json<{ errors: Record<string, string[]> }>().errors[field], `${url} ${why}`).toEqual([
          `Invalid pk "${id}" - object does not exist.`,
        ]);
        expect(comparable(foreign, id)).toEqual(comparable(missing, id));
      }
    }
    const admin = a.users.admin.auth;
    for (const [resource, kind, trashed] of [
      ['tasks', 'task', 'trashedTask'],
      ['content', 'content', 'trashedContent'],
      ['images', 'image', 'trashedImage'],
      ['taxonomies', 'term', 'trashedTerm'],
    ] as const) {
      const deleted = await call('POST', `/api/v1/writer/${resource}/bulk_delete/`, admin, {
        ids: [b0[kind]],
      });
      expect(data(deleted)).toEqual({ deleted_count: 0 });
      const purged = await call('POST', `/api/v1/writer/${resource}/purge/`, admin, { ids: [b0[trashed]] });
      expect(data(purged)).toEqual({ purged_count: 0, not_found_ids: [b0[trashed]] });
    }
    await db.query("UPDATE igny8_tasks SET status = 'failed' WHERE id = $1", [b0.task]);
    await db.query("UPDATE igny8_images SET status = 'failed' WHERE id = $1", [b0.image]);
    const updates: [string, Record<string, unknown>, unknown][] = [
      ['tasks', { ids: [b0.task], status: 'queued' }, { updated_count: 0, skipped: [] }],
      ['content', { ids: [b0.content], status: 'review' }, { updated_count: 0, skipped: [] }],
      ['images', { ids: [b0.image], status: 'pending' }, { updated_count: 0 }],
    ];
    for (const [resource, body, expected] of updates) {
      expect(data(await call('POST', `/api/v1/writer/${resource}/bulk_update/`, admin, body))).toEqual(
        expected,
      );
    }
    await db.query("UPDATE igny8_tasks SET status = 'queued' WHERE id = $1", [b0.task]);
    await db.query("UPDATE igny8_images SET status = 'pending' WHERE id = $1", [b0.image]);
    expect(await snapshot(t.app, WRITER_TABLES)).toEqual(before);
  });

  it('answers filters naming invisible rows with an empty list', async () => {
    const lists: [string, keyof SiteRows][] = [];
    for (const [path, filters] of [
      ['tasks', ['site_id=site', 'sector_id=sector', 'cluster_id=cluster', 'idea_id=idea', 'ids=task']],
      ['content', ['site_id=site', 'sector_id=sector', 'task_id=task', 'ids=content']],
      ['images', ['site_id=site', 'sector_id=sector', 'content_id=content', 'ids=image']],
      ['images/content_images', ['site_id=site', 'sector_id=sector', 'content_id=content']],
      ['taxonomies', ['site_id=site', 'sector_id=sector']],
    ] as const) {
      for (const filter of filters) {
        const [name, kind] = filter.split('=') as [string, keyof SiteRows];
        lists.push([`/api/v1/writer/${path}/?${name}=`, kind]);
      }
    }
    for (const [prefix, kind] of lists) {
      for (const [headers, rows, why] of [
        [a.users.admin.auth, b0, 'other tenant'],
        [a.users.viewer.auth, a1, 'site not granted'],
        [keyOf(a, 0), a1, 'API key of another site'],
      ] as const) {
        const response = await call('GET', `${prefix}${rows[kind]}`, headers);
        expect(response.statusCode, `${prefix} ${why}`).toBe(200);
        expect(response.json(), `${prefix}${rows[kind]} ${why}`).toMatchObject({ count: 0, results: [] });
      }
    }
    const trash = await call('GET', `/api/v1/writer/content/trash/?site_id=${b0.site}`, a.users.admin.auth);
    expect(trash.json()).toMatchObject({ count: 0 });
    const own = await call('GET', '/api/v1/writer/tasks/?page_size=100', keyOf(a, 0));
    const sites = new Set(own.json<{ results: { site_id: number }[] }>().results.map((row) => row.site_id));
    expect([...sites]).toEqual([a0.site]);
    const options = await call(
      'GET',
      `/api/v1/writer/content/filter_options/?site_id=${b0.site}`,
      a.users.admin.auth,
    );
    expect(data<Record<string, unknown[]>>(options).status).toEqual([{ value: '', label: 'All Statuses' }]);
  });

  it('checks the role before visibility: viewers cannot write, editors cannot use the trash, keys stay off admin routes', async () => {
    for (const route of routes) {
      const url = route.path.replace(':id', String(a0[kindOf(route) ?? 'task']));
      for (const role of ['viewer', 'editor'] as const) {
        if (hasRole(role, route.role)) continue;
        const response = await call(route.method, url, a.users[role].auth, bodyFor(route));
        expect(response.statusCode, `${role} ${route.method} ${route.path}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'permission_denied' });
      }
      if (!route.apiKey) {
        const response = await call(route.method, url, keyOf(a, 0), bodyFor(route));
        expect(response.statusCode, `key ${route.method} ${route.path}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'api_key_not_allowed' });
      }
    }
    const writes = routes.filter((route) => route.method !== 'GET');
    expect(writes.every((route) => route.role !== 'viewer')).toBe(true);
  });

  it('lets an API key work on its own site', async () => {
    const key = keyOf(a, 0);
    const created = await call('POST', '/api/v1/writer/content/', key, {
      site_id: a0.site,
      sector_id: a0.sector,
      title: 'By key',
    });
    expect(created.statusCode).toBe(201);
    expect(data(created)).toMatchObject({ created_by: null, account_id: a.accountId });
    const id = data(created).id as number;
    expect((await call('PATCH', `/api/v1/writer/content/${id}/`, key, { status: 'review' })).statusCode).toBe(
      200,
    );
    expect((await call('DELETE', `/api/v1/writer/content/${id}/`, key)).statusCode).toBe(200);
    const [row] = await db.query<{ deleted_by: number | null }[]>(
      'SELECT deleted_by FROM igny8_content WHERE id = $1',
      [id],
    );
    expect(row.deleted_by).toBeNull();
  });

  /** The number of database queries a request ran (resource tracking), as the admin of A. */
  const trackedCall = async (url: string, body?: Record<string, unknown>) => {
    const admin = a.users.admin.auth;
    const method = body === undefined ? 'GET' : 'POST';
    const response = await call(method, url, { ...admin, 'x-debug-resource-tracking': '1' }, body);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    const trackingId = response.headers['x-resource-tracking-id'] as string;
    const metrics = await call('GET', `/api/v1/system/request-metrics/${trackingId}/`, admin);
    return { queries: data<{ db_query_count: number }>(metrics).db_query_count, result: data(response) };
  };
  const tracked = async (url: string) => (await trackedCall(url)).queries;

  describe('query count per list request', () => {
    beforeAll(async () => {
      // 40 more rows per resource on site 0, with varied relations, so a page of 100 has many rows to present.
      await db.query(
        `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name)
         SELECT $1, $2, $3, 'Bulk cluster ' || g FROM generate_series(1, 40) g`,
        [a.accountId, a0.site, a0.sector],
      );
      await db.query(
        `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id, idea_id)
         SELECT $1, $2, $3, 'Bulk task ' || c.id, c.id, $4 FROM igny8_clusters c WHERE c.name LIKE 'Bulk cluster %' AND c.site_id = $2`,
        [a.accountId, a0.site, a0.sector, a0.idea],
      );
      await db.query(
        `INSERT INTO igny8_content (account_id, site_id, sector_id, title, cluster_id, task_id)
         SELECT $1, $2, $3, 'Bulk content ' || t.id, t.cluster_id, t.id FROM igny8_tasks t WHERE t.title LIKE 'Bulk task %' AND t.site_id = $2`,
        [a.accountId, a0.site, a0.sector],
      );
      await db.query(
        `INSERT INTO igny8_images (account_id, site_id, sector_id, content_id, image_type, position)
         SELECT $1, $2, $3, c.id, kind, 0 FROM igny8_content c, (VALUES ('featured'), ('in_article')) AS k(kind)
          WHERE c.title LIKE 'Bulk content %' AND c.site_id = $2`,
        [a.accountId, a0.site, a0.sector],
      );
      await db.query(
        `INSERT INTO igny8_content_taxonomy_terms (account_id, site_id, name, slug, taxonomy_type)
         SELECT $1, $2, 'Bulk term ' || g, 'bulk-term-' || g, 'tag' FROM generate_series(1, 40) g`,
        [a.accountId, a0.site],
      );
      await db.query(
        `INSERT INTO igny8_content_taxonomy_relations (content_id, taxonomy_id)
         SELECT c.id, tt.id FROM igny8_content c JOIN igny8_content_taxonomy_terms tt
           ON tt.slug = 'bulk-term-' || (c.id % 40 + 1) AND tt.site_id = c.site_id
          WHERE c.title LIKE 'Bulk content %'`,
      );
      await db.query(
        `UPDATE igny8_tasks SET deleted_at = now(), deleted_cascade_id = gen_random_uuid()
          WHERE title LIKE 'Bulk task %' AND id % 2 = 0`,
      );
    });

    for (const path of [
      'tasks/',
      'tasks/trash/',
      'content/',
      'content/trash/',
      'images/',
      'images/trash/',
      'images/content_images/',
      'taxonomies/',
      'taxonomies/trash/',
    ]) {
      it(`GET writer/${path} runs the same number of queries at page_size 1 and 100`, async () => {
        const small = await tracked(`/api/v1/writer/${path}?page_size=1`);
        const large = await tracked(`/api/v1/writer/${path}?page_size=100`);
        expect(large).toBe(small);
        expect(large).toBeLessThanOrEqual(6);
      });
    }
  });
  it('runs bulk updates and deletes of 500 ids in set-based statements', async () => {
    const insert = async (sql: string) => {
      const rows = await db.query<{ id: number }[]>(sql, [a.accountId, a0.site, a0.sector, a0.cluster]);
      return rows.map((row) => Number(row.id));
    };
    const tasks = await insert(
      `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id, status)
       SELECT $1, $2, $3, 'Bulk500 ' || g, $4, 'failed' FROM generate_series(1, 500) g RETURNING id`,
    );
    const content = await insert(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, cluster_id, status)
       SELECT $1, $2, $3, 'Bulk500 ' || g, $4, 'review' FROM generate_series(1, 500) g RETURNING id`,
    );
    const images = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_images (account_id, site_id, sector_id, content_id, image_type, status)
       SELECT account_id, site_id, sector_id, id, 'featured', 'generated' FROM igny8_content
        WHERE title LIKE 'Bulk500 %' RETURNING id`,
    );
    const imageIds = images.map((row) => Number(row.id));
    const pairs: [string, (ids: number[]) => Record<string, unknown>, number[], Record<string, unknown>][] = [
      ['tasks/bulk_update', (ids) => ({ ids, status: 'queued' }), tasks, { updated_count: 499 }],
      ['content/bulk_update', (ids) => ({ ids, status: 'approved' }), content, { updated_count: 499 }],
      ['images/bulk_update', (ids) => ({ ids, status: 'pending' }), imageIds, { updated_count: 499 }],
      ['content/bulk_delete', (ids) => ({ ids }), content, { deleted_count: 499 }],
      ['tasks/bulk_delete', (ids) => ({ ids }), tasks, { deleted_count: 499 }],
    ];
    for (const [path, body, ids, expected] of pairs) {
      const one = await trackedCall(`/api/v1/writer/${path}/`, body(ids.slice(0, 1)));
      const many = await trackedCall(`/api/v1/writer/${path}/`, body(ids));
      expect(many.queries, path).toBe(one.queries);
      expect(many.result, path).toMatchObject(expected);
    }
    const [{ live }] = await db.query<{ live: number }[]>(
      'SELECT count(*)::int AS live FROM igny8_images WHERE id = ANY($1) AND deleted_at IS NULL',
      [imageIds],
    );
    expect(live).toBe(0);
    expect(await plannerRows(t).mappedPages(a0.cluster)).toBe(
      Number(
        (
          await db.query<{ n: number }[]>(
            'SELECT count(*)::int AS n FROM igny8_content WHERE cluster_id = $1 AND deleted_at IS NULL',
            [a0.cluster],
          )
        )[0].n,
      ),
    );
  }, 120_000);
});
