import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../../src/modules/writer/entities/task.entity.js';
import { TASK_STATUS } from '../../src/modules/writer/state-machines.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { type Call, caller, data, plannerRows } from './support.js';

type Row = Record<string, unknown>;

describe('writer tasks and taxonomies', () => {
  let t: TestApp;
  let db: DataSource;
  let call: Call;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let admin: Record<string, string>;
  let editor: Record<string, string>;
  let viewer: Record<string, string>;
  let site: number;
  let site2: number;
  let sector: number;
  let sectorB: number;
  let clusterA: number;
  let clusterB: number;
  let clusterSite2: number;
  let foreignCluster: number;
  let idea: number;
  let ideaB: number;

  const ids = (response: { json: () => unknown }) =>
    (response.json() as { results: { id: number }[] }).results.map((row) => row.id);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    call = caller(t);
    tenant = await seedTenant(t.app, { sites: 2 });
    other = await seedTenant(t.app);
    ({ site, site2 } = { site: tenant.siteIds[0], site2: tenant.siteIds[1] });
    [sector, sectorB] = tenant.sectorIds[0];
    admin = tenant.users.admin.auth;
    editor = tenant.users.editor.auth;
    viewer = tenant.users.viewer.auth;
    const planner = plannerRows(t);
    clusterA = await planner.cluster(tenant, site, sector, 'Cluster A');
    clusterB = await planner.cluster(tenant, site, sectorB, 'Cluster B');
    clusterSite2 = await planner.cluster(tenant, site2, tenant.sectorIds[1][0], 'Cluster S2');
    foreignCluster = await planner.cluster(other, other.siteIds[0], other.sectorIds[0][0], 'Foreign');
    idea = await planner.idea(tenant, site, sector, clusterA, 'Idea A');
    ideaB = await planner.idea(tenant, site, sectorB, clusterB, 'Idea B');
  });
  afterAll(() => t?.close());

  const newTask = async (body: Row = {}, headers = editor) => {
    const response = await call('POST', '/api/v1/writer/tasks/', headers, {
      site_id: site,
      sector_id: sector,
      title: 'A task',
      cluster_id: clusterA,
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return data(response);
  };
  const setStatus = (id: number, status: string) =>
    db.query('UPDATE igny8_tasks SET status = $2 WHERE id = $1', [id, status]);

  describe('tasks', () => {
    it('creates a task with its defaults and computed fields', async () => {
      const term = data(
        await call('POST', '/api/v1/writer/taxonomies/', editor, {
          site_id: site,
          name: 'Guides',
          taxonomy_type: 'category',
        }),
      );
      const fields = {
        idea_id: idea,
        taxonomy_term_id: term.id,
        keywords: 'a, b',
        word_count: 1500,
        prompt_override: 'Be brief.',
        content_type: 'page',
        content_structure: 'landing_page',
        description: 'Desc',
      };
      const task = await newTask({
        ...fields,
        title: '  Write the guide ',
        status: 'completed',
        account_id: other.accountId,
      });
      expect(task).toMatchObject({
        ...fields,
        account_id: tenant.accountId,
        site_id: site,
        sector_id: sector,
        created_by: tenant.users.editor.id,
        title: 'Write the guide',
        cluster_id: clusterA,
        status: 'queued',
        error_message: null,
        cluster_name: 'Cluster A',
        idea_title: 'Idea A',
        sector_name: expect.any(String),
        content_id: null,
        deleted_at: null,
        deleted_by: null,
        deleted_cascade_id: null,
      });
      const defaults = await newTask();
      expect(defaults).toMatchObject({
        description: '',
        idea_id: null,
        idea_title: null,
        content_type: 'post',
        content_structure: 'article',
        word_count: 1000,
        keywords: '',
        prompt_override: null,
        taxonomy_term_id: null,
      });
      const fetched = await call('GET', `/api/v1/writer/tasks/${task.id as number}/`, viewer);
      expect(data(fetched)).toEqual(task);
    });

    it('validates the body and the references', async () => {
      const empty = await call('POST', '/api/v1/writer/tasks/', editor, {});
      expect(empty.statusCode).toBe(400);
      expect(Object.keys(empty.json<{ errors: Row }>().errors).sort()).toEqual([
        'cluster_id',
        'sector_id',
        'site_id',
        'title',
      ]);
      const cases: [Row, string, string][] = [
        [{ cluster_id: clusterB }, 'cluster_id', 'The cluster must belong to the same site and sector.'],
        [{ cluster_id: clusterSite2 }, 'cluster_id', 'The cluster must belong to the same site and sector.'],
        [
          { cluster_id: foreignCluster },
          'cluster_id',
          `Invalid pk "${foreignCluster}" - object does not exist.`,
        ],
        [{ idea_id: ideaB }, 'idea_id', 'The idea must belong to the same site and sector.'],
        [{ sector_id: tenant.sectorIds[1][0] }, 'sector_id', 'Sector does not belong to the site.'],
        [
          { sector_id: other.sectorIds[0][0] },
          'sector_id',
          `Invalid pk "${other.sectorIds[0][0]}" - object does not exist.`,
        ],
        [
          { site_id: other.siteIds[0] },
          'site_id',
          `Invalid pk "${other.siteIds[0]}" - object does not exist.`,
        ],
        [{ word_count: 99 }, 'word_count', 'Ensure this value is greater than or equal to 100.'],
        [{ content_type: 'video' }, 'content_type', '"video" is not a valid choice.'],
        [{ title: '   ' }, 'title', 'This field may not be blank.'],
      ];
      for (const [patch, field, message] of cases) {
        const response = await call('POST', '/api/v1/writer/tasks/', admin, {
          site_id: site,
          sector_id: sector,
          title: 'x',
          cluster_id: clusterA,
          ...patch,
        });
        expect(response.statusCode, JSON.stringify(patch)).toBe(400);
        expect(response.json(), JSON.stringify(patch)).toMatchObject({
          code: 'validation_error',
          errors: { [field]: [message] },
        });
      }
    });

    it('updates with PUT (required fields) and PATCH; site and sector never change', async () => {
      const task = await newTask();
      const url = `/api/v1/writer/tasks/${task.id as number}/`;
      const put = await call('PUT', url, editor, { description: 'x' });
      expect(put.statusCode).toBe(400);
      expect(Object.keys(put.json<{ errors: Row }>().errors).sort()).toEqual(['cluster_id', 'title']);
      const patched = await call('PATCH', url, editor, {
        title: 'Renamed',
        site_id: site2,
        sector_id: sectorB,
        idea_id: idea,
      });
      expect(data(patched)).toMatchObject({
        title: 'Renamed',
        site_id: site,
        sector_id: sector,
        idea_id: idea,
      });
      const cleared = await call('PUT', url, editor, { title: 'Again', cluster_id: clusterA, idea_id: null });
      expect(data(cleared)).toMatchObject({ title: 'Again', idea_id: null, idea_title: null });
      const wrong = await call('PATCH', url, editor, { cluster_id: clusterB });
      expect(wrong.json()).toMatchObject({ errors: { cluster_id: [expect.any(String)] } });
    });

    it('lets clients only re-queue failed or completed tasks (every transition)', async () => {
      const task = await newTask();
      const url = `/api/v1/writer/tasks/${task.id as number}/`;
      for (const from of TASK_STATUSES) {
        for (const to of TASK_STATUSES) {
          await setStatus(task.id as number, from);
          const response = await call('PATCH', url, editor, { status: to });
          const allowed = (from === 'failed' || from === 'completed') && to === 'queued';
          if (allowed || from === to) {
            expect(response.statusCode, `${from} → ${to}`).toBe(200);
            expect(data(response).status).toBe(to);
          } else {
            expect(response.statusCode, `${from} → ${to}`).toBe(400);
            expect(response.json()).toMatchObject({
              code: 'invalid_transition',
              details: { field: 'status', from, to, allowed: TASK_STATUS.allowed(from) },
            });
            const [row] = await db.query<{ status: string }[]>(
              'SELECT status FROM igny8_tasks WHERE id = $1',
              [task.id],
            );
            expect(row.status).toBe(from);
          }
        }
      }
      const bogus = await call('PATCH', url, editor, { status: 'done' });
      expect(bogus.json()).toMatchObject({
        code: 'validation_error',
        errors: { status: [expect.any(String)] },
      });
    });

    it('bulk re-queues failed/completed tasks and skips the others', async () => {
      const rows = [await newTask(), await newTask(), await newTask(), await newTask()];
      const [failed, completed, generating, queued] = rows.map((row) => row.id as number);
      await setStatus(failed, 'failed');
      await setStatus(completed, 'completed');
      await setStatus(generating, 'generating');
      const foreign = data(
        await call('POST', '/api/v1/writer/tasks/', other.users.editor.auth, {
          site_id: other.siteIds[0],
          sector_id: other.sectorIds[0][0],
          title: 'Foreign',
          cluster_id: foreignCluster,
        }),
      ).id as number;
      await db.query("UPDATE igny8_tasks SET status = 'failed' WHERE id = $1", [foreign]);
      const response = await call('POST', '/api/v1/writer/tasks/bulk_update/', editor, {
        ids: [failed, completed, generating, queued, foreign, 999999],
        status: 'queued',
      });
      expect(response.statusCode).toBe(200);
      expect(data(response)).toEqual({
        updated_count: 2,
        skipped: [
          { id: generating, reason: 'invalid_transition' },
          { id: queued, reason: 'invalid_transition' },
        ].sort((a, b) => a.id - b.id),
      });
      const statuses = await db.query<{ id: number; status: string }[]>(
        'SELECT id, status FROM igny8_tasks WHERE id = ANY($1) ORDER BY id',
        [[failed, completed, generating, foreign]],
      );
      expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
        [failed]: 'queued',
        [completed]: 'queued',
        [generating]: 'generating',
        [foreign]: 'failed',
      });
      const bad = await call('POST', '/api/v1/writer/tasks/bulk_update/', editor, {
        ids: [failed],
        status: 'completed',
      });
      expect(bad.json()).toMatchObject({
        code: 'validation_error',
        errors: { status: [expect.any(String)] },
      });
    });

    it('filters, searches and orders with known answers', async () => {
      const place = { site_id: site2, sector_id: tenant.sectorIds[1][0], cluster_id: clusterSite2 };
      const ideaS2 = await plannerRows(t).idea(
        tenant,
        site2,
        tenant.sectorIds[1][0],
        clusterSite2,
        'S2 idea',
      );
      const a = await newTask(
        { ...place, title: 'Alpha guide', keywords: 'kubernetes', word_count: 300 },
        admin,
      );
      const b = await newTask(
        {
          ...place,
          title: 'Beta review',
          word_count: 2000,
          content_type: 'page',
          content_structure: 'general',
        },
        admin,
      );
      const c = await newTask({ ...place, title: 'gamma list', word_count: 900, idea_id: ideaS2 }, admin);
      await setStatus(b.id as number, 'failed');
      const list = (query: string) => call('GET', `/api/v1/writer/tasks/?site_id=${site2}&${query}`, admin);
      expect(ids(await list('ordering=title'))).toEqual([a.id, b.id, c.id]);
      expect(ids(await list('ordering=-word_count'))).toEqual([b.id, c.id, a.id]);
      expect(ids(await list(''))).toEqual([c.id, b.id, a.id]);
      expect(ids(await list('status=failed'))).toEqual([b.id]);
      expect(ids(await list('content_type=page&content_structure=general'))).toEqual([b.id]);
      expect(ids(await list(`idea_id=${ideaS2}`))).toEqual([c.id]);
      expect(ids(await list(`cluster_id=${clusterSite2}&ordering=title`))).toEqual([a.id, b.id, c.id]);
      expect(ids(await list('cluster_id=null'))).toEqual([]);
      expect(ids(await list('search=KUBER'))).toEqual([a.id]);
      expect(ids(await list('search=gamma'))).toEqual([c.id]);
      expect(ids(await list(`ids=${a.id as number},${c.id as number}&ordering=title`))).toEqual([a.id, c.id]);
      expect(ids(await list(`sector_id=${sector}`))).toEqual([]);
      expect((await list('status=done')).json()).toMatchObject({ errors: { status: [expect.any(String)] } });
      expect((await list('page_size=2')).json()).toMatchObject({
        count: 3,
        next: expect.stringContaining('page=2'),
      });

      const options = data<Record<string, { value: unknown; label: string }[]>>(
        await call('GET', `/api/v1/writer/tasks/filter_options/?site_id=${site2}&status=queued`, admin),
      );
      expect(Object.keys(options).sort()).toEqual([
        'cluster_id',
        'content_structure',
        'content_type',
        'sector_id',
        'status',
      ]);
      expect(options.status).toEqual([
        { value: '', label: 'All Statuses' },
        { value: 'failed', label: 'Failed' },
        { value: 'queued', label: 'Queued' },
      ]);
      expect(options.content_type).toEqual([
        { value: '', label: 'All Types' },
        { value: 'post', label: 'Post' },
      ]);
      expect(options.cluster_id).toEqual([
        { value: '', label: 'All Clusters' },
        { value: clusterSite2, label: 'Cluster S2' },
      ]);
      expect(options.sector_id).toEqual([
        { value: '', label: 'All Sectors' },
        { value: tenant.sectorIds[1][0], label: expect.any(String) },
      ]);
    });

    it('keeps the editor to its granted sites', async () => {
      const s2 = await newTask(
        { site_id: site2, sector_id: tenant.sectorIds[1][0], cluster_id: clusterSite2 },
        admin,
      );
      expect((await call('GET', `/api/v1/writer/tasks/${s2.id as number}/`, editor)).statusCode).toBe(404);
      const denied = await call('POST', '/api/v1/writer/tasks/', editor, {
        site_id: site2,
        sector_id: tenant.sectorIds[1][0],
        title: 'x',
        cluster_id: clusterSite2,
      });
      expect(denied.json()).toMatchObject({
        errors: { site_id: [`Invalid pk "${site2}" - object does not exist.`] },
      });
    });

    it('soft-deletes, lists the trash, restores and purges', async () => {
      const [a, b] = [await newTask(), await newTask()];
      expect((await call('DELETE', `/api/v1/writer/tasks/${a.id as number}/`, editor)).json()).toMatchObject({
        data: null,
        message: 'Deleted.',
      });
      expect((await call('GET', `/api/v1/writer/tasks/${a.id as number}/`, editor)).statusCode).toBe(404);
      const bulk = await call('POST', '/api/v1/writer/tasks/bulk_delete/', editor, {
        ids: [b.id, a.id, 999999],
      });
      expect(data(bulk)).toEqual({ deleted_count: 1 });
      const trash = await call(
        'GET',
        `/api/v1/writer/tasks/trash/?ids=${a.id as number},${b.id as number}`,
        admin,
      );
      expect(ids(trash)).toEqual([b.id, a.id]);
      expect(trash.json<{ results: Row[] }>().results[0]).toMatchObject({
        deleted_by: tenant.users.editor.id,
        deleted_cascade_id: expect.any(String),
      });
      const restored = await call('POST', `/api/v1/writer/tasks/${a.id as number}/restore/`, admin);
      expect(data(restored)).toMatchObject({ id: a.id, deleted_at: null, cluster_name: 'Cluster A' });
      const purge = await call('POST', '/api/v1/writer/tasks/purge/', admin, { ids: [a.id, b.id] });
      expect(data(purge)).toEqual({ purged_count: 1, not_found_ids: [a.id] });
      expect(await db.query('SELECT id FROM igny8_tasks WHERE id = $1', [b.id])).toEqual([]);
    });
  });

  describe('taxonomies', () => {
    const newTerm = async (body: Row, headers = editor) =>
      call('POST', '/api/v1/writer/taxonomies/', headers, { site_id: site, taxonomy_type: 'tag', ...body });

    it('derives the slug from the name and keeps slugs unique per site and type', async () => {
      const first = await newTerm({ name: 'Café & Bar!', sector_id: sector, description: 'd' });
      expect(first.statusCode).toBe(201);
      expect(data(first)).toMatchObject({
        site_id: site,
        sector_id: sector,
        name: 'Café & Bar!',
        slug: 'cafe-bar',
        taxonomy_type: 'tag',
        sync_status: 'not_synced',
        count: 0,
        metadata: {},
        external_id: null,
        description: 'd',
      });
      const clash = await newTerm({ name: 'Cafe bar' });
      expect(clash.json()).toMatchObject({
        code: 'validation_error',
        errors: { slug: ['A term with this slug already exists for this site and taxonomy type.'] },
      });
      expect((await newTerm({ name: 'Cafe bar', taxonomy_type: 'category' })).statusCode).toBe(201);
      const s2 = await call('POST', '/api/v1/writer/taxonomies/', admin, {
        site_id: site2,
        name: 'Cafe bar',
        taxonomy_type: 'tag',
      });
      expect(data(s2)).toMatchObject({ slug: 'cafe-bar', sector_id: null });
      const unusable = await newTerm({ name: '!!!' });
      expect(unusable.json()).toMatchObject({ errors: { slug: [expect.any(String)] } });
      const badSlug = await newTerm({ name: 'x', slug: 'a b' });
      expect(badSlug.json()).toMatchObject({ errors: { slug: [expect.any(String)] } });
      const badSector = await newTerm({ name: 'y', sector_id: tenant.sectorIds[1][0] }, admin);
      expect(badSector.json()).toMatchObject({
        errors: { sector_id: ['Sector does not belong to the site.'] },
      });
      const noType = await call('POST', '/api/v1/writer/taxonomies/', editor, { site_id: site, name: 'z' });
      expect(noType.json()).toMatchObject({ errors: { taxonomy_type: ['This field is required.'] } });
    });

    it('updates name, slug and description only', async () => {
      const term = data(await newTerm({ name: 'Old name' }));
      const url = `/api/v1/writer/taxonomies/${term.id as number}/`;
      const renamed = data(
        await call('PATCH', url, editor, { name: 'New name', taxonomy_type: 'category', site_id: site2 }),
      );
      expect(renamed).toMatchObject({
        name: 'New name',
        slug: 'old-name',
        taxonomy_type: 'tag',
        site_id: site,
      });
      expect(data(await call('PATCH', url, editor, { slug: '' }))).toMatchObject({ slug: 'new-name' });
      expect((await call('PUT', url, editor, { slug: 'x' })).json()).toMatchObject({
        errors: { name: ['This field is required.'] },
      });
      expect(
        data(await call('PUT', url, editor, { name: 'N', slug: 'custom', description: 'D' })),
      ).toMatchObject({
        name: 'N',
        slug: 'custom',
        description: 'D',
      });
      const taken = data(await newTerm({ name: 'Taken' }));
      const clash = await call('PATCH', url, editor, { slug: taken.slug });
      expect(clash.json()).toMatchObject({ errors: { slug: [expect.any(String)] } });
    });

    it('filters, searches and orders', async () => {
      const base = { site_id: site2 };
      const made: Row[] = [];
      for (const [name, type] of [
        ['Zeta term', 'category'],
        ['Alpha term', 'tag'],
        ['Mu term', 'category'],
      ] as const) {
        made.push(
          data(
            await call('POST', '/api/v1/writer/taxonomies/', admin, { ...base, name, taxonomy_type: type }),
          ),
        );
      }
      const [zeta, alpha, mu] = made.map((row) => row.id);
      await db.query(
        "UPDATE igny8_content_taxonomy_terms SET count = 7, sync_status = 'synced' WHERE id = $1",
        [mu],
      );
      const list = (query: string) =>
        call('GET', `/api/v1/writer/taxonomies/?site_id=${site2}&search=TERM&${query}`, admin);
      expect(ids(await list('ordering=name'))).toEqual([alpha, mu, zeta]);
      expect(ids(await list('ordering=-name'))).toEqual([zeta, mu, alpha]);
      expect(ids(await list('ordering=-count,name'))).toEqual([mu, alpha, zeta]);
      expect(ids(await list(''))).toEqual([mu, alpha, zeta]);
      expect(ids(await list('taxonomy_type=category&ordering=name'))).toEqual([mu, zeta]);
      expect(ids(await list('sync_status=synced'))).toEqual([mu]);
      expect(ids(await list('sector_id=null&search=zet'))).toEqual([zeta]);
      expect(ids(await list(`site_id=${site}`))).toEqual([]);
      expect((await call('GET', '/api/v1/writer/taxonomies/filter_options/', admin)).statusCode).toBe(404);
    });
  });
});
