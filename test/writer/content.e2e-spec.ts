import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_STATUSES } from '../../src/modules/writer/entities/content.entity.js';
import { CONTENT_STATUS } from '../../src/modules/writer/state-machines.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { type Call, caller, data, plannerRows } from './support.js';

type Row = Record<string, unknown>;

describe('writer content', () => {
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
  let planner: ReturnType<typeof plannerRows>;
  let clusterA: number;
  let clusterB: number;
  let clusterOtherSector: number;

  const ids = (response: { json: () => unknown }) =>
    (response.json() as { results: { id: number }[] }).results.map((row) => row.id);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    call = caller(t);
    tenant = await seedTenant(t.app, { sites: 2 });
    other = await seedTenant(t.app);
    [site, site2] = tenant.siteIds;
    [sector, sectorB] = tenant.sectorIds[0];
    admin = tenant.users.admin.auth;
    editor = tenant.users.editor.auth;
    viewer = tenant.users.viewer.auth;
    planner = plannerRows(t);
    clusterA = await planner.cluster(tenant, site, sector, 'Cluster A');
    clusterB = await planner.cluster(tenant, site, sector, 'Cluster B');
    clusterOtherSector = await planner.cluster(tenant, site, sectorB, 'Cluster other sector');
  });
  afterAll(() => t?.close());

  const newContent = async (body: Row = {}, headers = editor) => {
    const response = await call('POST', '/api/v1/writer/content/', headers, {
      site_id: site,
      sector_id: sector,
      title: 'Some content',
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return data(response);
  };
  const newTerm = async (name: string, siteId = site, headers = editor) =>
    data(
      await call('POST', '/api/v1/writer/taxonomies/', headers, {
        site_id: siteId,
        name,
        taxonomy_type: 'tag',
      }),
    ).id as number;
  const newTask = async (sectorId = sector, clusterId = clusterA) =>
    data(
      await call('POST', '/api/v1/writer/tasks/', admin, {
        site_id: site,
        sector_id: sectorId,
        title: 'Task',
        cluster_id: clusterId,
      }),
    ).id as number;
  const newImage = async (contentId: number, image_type: string, position = 0) => {
    const response = await call('POST', '/api/v1/writer/images/', editor, {
      content_id: contentId,
      image_type,
      position,
    });
    expect(response.statusCode, response.body).toBe(201);
    return data(response).id as number;
  };

  it('creates content with computed fields, terms and the cluster’s mapped_pages', async () => {
    const [t1, t2] = [await newTerm('Term one'), await newTerm('Term two')];
    const task = await newTask();
    const content = await newContent({
      title: ' Kubernetes guide ',
      content_html:
        '<h1>Hello&nbsp;world</h1><p>One <b>two</b>\nthree&amp;four</p><script>var x = 1;</script>',
      meta_title: 'Meta',
      meta_description: 'Description',
      primary_keyword: 'kubernetes',
      secondary_keywords: ['k8s', 'containers'],
      cluster_id: clusterA,
      task_id: task,
      content_type: 'page',
      content_structure: 'cluster_hub',
      status: 'review',
      schema_markup: { '@type': 'Article' },
      taxonomy_term_ids: [t2, t1],
      site_status: 'published',
      source: 'wordpress',
      word_count: 5000,
    });
    expect(content).toMatchObject({
      account_id: tenant.accountId,
      title: 'Kubernetes guide',
      word_count: 5,
      secondary_keywords: ['k8s', 'containers'],
      cluster_id: clusterA,
      cluster_name: 'Cluster A',
      sector_name: expect.any(String),
      task_id: task,
      status: 'review',
      site_status: 'not_published',
      source: 'igny8',
      sync_status: 'not_synced',
      schema_markup: { '@type': 'Article' },
      taxonomy_term_ids: [t1, t2].sort((a, b) => a - b),
      featured_image: null,
      images_count: 0,
      internal_links: [],
      external_metadata: {},
    });
    expect(await planner.mappedPages(clusterA)).toBe(1);
    const taskView = data(await call('GET', `/api/v1/writer/tasks/${task}/`, viewer));
    expect(taskView.content_id).toBe(content.id);
    const again = await call('POST', '/api/v1/writer/content/', editor, {
      site_id: site,
      sector_id: sector,
      title: 'Second for the same task',
      task_id: task,
    });
    expect(again.json()).toMatchObject({ errors: { task_id: ['Content already exists for this task.'] } });
    expect(await planner.mappedPages(clusterA)).toBe(1);
    const published = await call('POST', '/api/v1/writer/content/', editor, {
      site_id: site,
      sector_id: sector,
      title: 'x',
      status: 'published',
    });
    expect(published.json()).toMatchObject({
      code: 'validation_error',
      errors: { status: [expect.any(String)] },
    });
  });

  it('checks every reference against the content’s site and sector', async () => {
    const foreignTerm = await newTerm('Foreign', other.siteIds[0], other.users.editor.auth);
    const site2Term = await newTerm('Site two term', site2, admin);
    const otherSectorTask = await newTask(sectorB, clusterOtherSector);
    const cases: [Row, string, string][] = [
      [
        { cluster_id: clusterOtherSector },
        'cluster_id',
        'The cluster must belong to the same site and sector.',
      ],
      [{ task_id: otherSectorTask }, 'task_id', 'The task must belong to the same site and sector.'],
      [
        { taxonomy_term_ids: [site2Term] },
        'taxonomy_term_ids',
        "Taxonomy terms must belong to the content's site.",
      ],
      [
        { taxonomy_term_ids: [foreignTerm] },
        'taxonomy_term_ids',
        `Invalid pk "${foreignTerm}" - object does not exist.`,
      ],
      [{ taxonomy_term_ids: [1, 1] }, 'taxonomy_term_ids', 'Items must be unique.'],
      [{ schema_markup: 'text' }, 'schema_markup', 'Must be a JSON object or array.'],
      [{ secondary_keywords: [1] }, 'secondary_keywords', expect.any(String)],
    ];
    for (const [patch, field, message] of cases) {
      const response = await call('POST', '/api/v1/writer/content/', admin, {
        site_id: site,
        sector_id: sector,
        title: 'x',
        ...patch,
      });
      expect(response.statusCode, JSON.stringify(patch)).toBe(400);
      expect(response.json(), JSON.stringify(patch)).toMatchObject({ errors: { [field]: [message] } });
    }
  });

  it('updates fields, terms, word count and cluster counts; site_status is read-only', async () => {
    const [t1, t2, t3] = [await newTerm('U1'), await newTerm('U2'), await newTerm('U3')];
    const content = await newContent({ cluster_id: clusterA, taxonomy_term_ids: [t1, t2] });
    const url = `/api/v1/writer/content/${content.id as number}/`;
    const before = await planner.mappedPages(clusterA);
    const patched = data(
      await call('PATCH', url, editor, {
        cluster_id: clusterB,
        taxonomy_term_ids: [t2, t3],
        content_html: '<p>a b c</p>',
        site_id: site2,
      }),
    );
    expect(patched).toMatchObject({
      cluster_id: clusterB,
      taxonomy_term_ids: [t2, t3],
      word_count: 3,
      site_id: site,
    });
    expect(await planner.mappedPages(clusterA)).toBe(before - 1);
    expect(await planner.mappedPages(clusterB)).toBe(1);
    const cleared = data(await call('PATCH', url, editor, { cluster_id: null, taxonomy_term_ids: [] }));
    expect(cleared).toMatchObject({ cluster_id: null, cluster_name: null, taxonomy_term_ids: [] });
    expect(await planner.mappedPages(clusterB)).toBe(0);
    const readOnly = await call('PATCH', url, editor, { site_status: 'published' });
    expect(readOnly.json()).toMatchObject({
      code: 'validation_error',
      errors: { site_status: [expect.any(String)] },
    });
    expect(
      (await call('PATCH', url, editor, { site_status: 'not_published', title: 'Same' })).statusCode,
    ).toBe(200);
    const put = await call('PUT', url, editor, { content_html: 'x' });
    expect(put.json()).toMatchObject({ errors: { title: ['This field is required.'] } });
    const whole = data(await call('GET', url, editor));
    expect((await call('PUT', url, editor, whole)).statusCode).toBe(200);
  });

  it('follows the editorial state machine for every transition', async () => {
    const content = await newContent();
    const url = `/api/v1/writer/content/${content.id as number}/`;
    for (const from of CONTENT_STATUSES) {
      for (const to of CONTENT_STATUSES) {
        await db.query('UPDATE igny8_content SET status = $2 WHERE id = $1', [content.id, from]);
        const response = await call('PATCH', url, editor, { status: to });
        if (from === to || CONTENT_STATUS.isAllowed(from, to)) {
          expect(response.statusCode, `${from} → ${to}`).toBe(200);
        } else {
          expect(response.statusCode, `${from} → ${to}`).toBe(400);
          expect(response.json()).toMatchObject({
            code: 'invalid_transition',
            details: { field: 'status', from, to, allowed: CONTENT_STATUS.allowed(from) },
          });
        }
      }
    }
    expect(CONTENT_STATUS.allowed('draft')).toEqual(['review']);
    expect(CONTENT_STATUS.allowed('published')).toEqual([]);
  });

  it('bulk-updates the status, skipping disallowed transitions', async () => {
    const rows = [await newContent(), await newContent(), await newContent({ status: 'approved' })];
    const [draft, review, approved] = rows.map((row) => row.id as number);
    await db.query("UPDATE igny8_content SET status = 'review' WHERE id = $1", [review]);
    const foreign = data(
      await call('POST', '/api/v1/writer/content/', other.users.editor.auth, {
        site_id: other.siteIds[0],
        sector_id: other.sectorIds[0][0],
        title: 'Foreign',
      }),
    ).id as number;
    const response = await call('POST', '/api/v1/writer/content/bulk_update/', editor, {
      ids: [draft, review, approved, foreign],
      status: 'approved',
    });
    expect(data(response)).toEqual({
      updated_count: 1,
      skipped: [
        { id: draft, reason: 'invalid_transition' },
        { id: approved, reason: 'invalid_transition' },
      ],
    });
    const published = await call('POST', '/api/v1/writer/content/bulk_update/', editor, {
      ids: [draft, review],
      status: 'published',
    });
    expect(data(published)).toMatchObject({ updated_count: 0 });
    const statuses = await db.query<{ id: number; status: string }[]>(
      'SELECT id, status FROM igny8_content WHERE id = ANY($1) ORDER BY id',
      [[draft, review, foreign]],
    );
    expect(statuses.map((row) => row.status)).toEqual(['draft', 'approved', 'draft']);
  });

  it('filters, searches and orders with known answers', async () => {
    const s2 = { site_id: site2, sector_id: tenant.sectorIds[1][0] };
    const a = await newContent(
      { ...s2, title: 'Alpha', primary_keyword: 'docker', content_html: 'a b c d' },
      admin,
    );
    const b = await newContent({ ...s2, title: 'Beta', content_html: 'a', content_type: 'product' }, admin);
    const c = await newContent({ ...s2, title: 'Gamma', content_html: 'a b', status: 'approved' }, admin);
    await db.query(
      `UPDATE igny8_content SET site_status = 'published', external_id = '9', published_at = '2024-05-01T10:00:00Z',
         source = 'wordpress', sync_status = 'synced' WHERE id = $1`,
      [a.id],
    );
    await db.query(
      `UPDATE igny8_content SET site_status = 'scheduled', scheduled_publish_at = '2030-01-01T00:00:00Z',
         published_at = '2024-06-01T10:00:00Z' WHERE id = $1`,
      [b.id],
    );
    const list = (query: string) => call('GET', `/api/v1/writer/content/?site_id=${site2}&${query}`, admin);
    expect(ids(await list(''))).toEqual([c.id, b.id, a.id]);
    expect(ids(await list('ordering=word_count'))).toEqual([b.id, c.id, a.id]);
    expect(ids(await list('ordering=-title'))).toEqual([c.id, b.id, a.id]);
    expect(ids(await list('ordering=published_at'))).toEqual([a.id, b.id, c.id]);
    expect(ids(await list('site_status=published'))).toEqual([a.id]);
    expect(ids(await list('status=approved'))).toEqual([c.id]);
    expect(ids(await list('source=wordpress'))).toEqual([a.id]);
    expect(ids(await list('sync_status=synced'))).toEqual([a.id]);
    expect(ids(await list('content_type=product'))).toEqual([b.id]);
    expect(ids(await list('published_after=2024-05-15T00:00:00Z'))).toEqual([b.id]);
    expect(ids(await list('published_before=2024-05-01T10:00:00%2B00:00'))).toEqual([a.id]);
    expect(ids(await list('search=DOCK'))).toEqual([a.id]);
    expect(ids(await list('search=gam'))).toEqual([c.id]);
    expect(ids(await list('cluster_id=null&ordering=title'))).toEqual([a.id, b.id, c.id]);
    expect(ids(await list(`ids=${b.id as number}`))).toEqual([b.id]);
    expect((await list('published_after=yesterday')).statusCode).toBe(400);
    const options = data<Record<string, { value: unknown; label: string }[]>>(
      await call(
        'GET',
        `/api/v1/writer/content/filter_options/?site_id=${site2}&site_status=published`,
        admin,
      ),
    );
    expect(Object.keys(options).sort()).toEqual([
      'cluster_id',
      'content_structure',
      'content_type',
      'sector_id',
      'site_status',
      'source',
      'status',
    ]);
    expect(options.site_status).toEqual([
      { value: '', label: 'All Publishing Statuses' },
      { value: 'not_published', label: 'Not Published' },
      { value: 'published', label: 'Published' },
      { value: 'scheduled', label: 'Scheduled' },
    ]);
    expect(options.source).toEqual([
      { value: '', label: 'All Sources' },
      { value: 'wordpress', label: 'Wordpress' },
    ]);
    expect(options.cluster_id).toEqual([
      { value: '', label: 'All Clusters' },
      { value: 'null', label: 'No Cluster' },
    ]);
  });

  it('reports validation errors and warnings', async () => {
    const empty = await newContent({ title: 'Empty one' });
    const report = data(
      await call('GET', `/api/v1/writer/content/${empty.id as number}/validation/`, viewer),
    );
    expect(report).toEqual({
      is_valid: false,
      errors: [
        { field: 'content_html', message: 'Content is required.' },
        { field: 'meta_title', message: 'Meta title is required.' },
        { field: 'meta_description', message: 'Meta description is required.' },
      ],
      warnings: [
        { field: 'primary_keyword', message: 'Primary keyword is empty.' },
        { field: 'featured_image', message: 'No generated featured image.' },
        { field: 'word_count', message: 'Content has fewer than 300 words (0).' },
      ],
    });
    const full = await newContent({
      title: 'Docker in practice',
      content_html: `<p>${'word '.repeat(300)}</p>`,
      meta_title: 'M'.repeat(61),
      meta_description: 'D'.repeat(161),
      primary_keyword: 'kubernetes',
    });
    const featured = await newImage(full.id as number, 'featured');
    const warnings = data(
      await call('GET', `/api/v1/writer/content/${full.id as number}/validation/`, viewer),
    );
    expect(warnings).toMatchObject({ is_valid: true, errors: [] });
    expect((warnings.warnings as { field: string }[]).map((w) => w.field)).toEqual([
      'meta_title',
      'meta_description',
      'primary_keyword',
      'featured_image',
    ]);
    await db.query("UPDATE igny8_images SET status = 'generated' WHERE id = $1", [featured]);
    await call('PATCH', `/api/v1/writer/content/${full.id as number}/`, editor, {
      primary_keyword: 'docker',
    });
    const good = data(await call('GET', `/api/v1/writer/content/${full.id as number}/validation/`, viewer));
    expect((good.warnings as { field: string }[]).map((w) => w.field)).toEqual([
      'meta_title',
      'meta_description',
    ]);
    expect((await call('GET', '/api/v1/writer/content/999999/validation/', viewer)).statusCode).toBe(404);
  });

  it('cascades a soft delete to the images and restores them together', async () => {
    const content = await newContent({ cluster_id: clusterB });
    const id = content.id as number;
    const [featured, inline, early] = [
      await newImage(id, 'featured'),
      await newImage(id, 'in_article', 0),
      await newImage(id, 'in_article', 1),
    ];
    const view = data(await call('GET', `/api/v1/writer/content/${id}/`, viewer));
    expect(view).toMatchObject({
      images_count: 3,
      featured_image: { id: featured, image_url: null, status: 'pending' },
    });
    await call('DELETE', `/api/v1/writer/images/${early}/`, editor);
    const mapped = await planner.mappedPages(clusterB);
    expect((await call('DELETE', `/api/v1/writer/content/${id}/`, editor)).statusCode).toBe(200);
    expect(await planner.mappedPages(clusterB)).toBe(mapped - 1);
    const rows = await db.query<{ id: number; deleted_cascade_id: string | null }[]>(
      'SELECT id, deleted_cascade_id FROM igny8_images WHERE id = ANY($1) ORDER BY id',
      [[featured, inline, early]],
    );
    const [{ deleted_cascade_id: contentCascade }] = await db.query<{ deleted_cascade_id: string }[]>(
      'SELECT deleted_cascade_id FROM igny8_content WHERE id = $1',
      [id],
    );
    expect(rows.map((row) => row.deleted_cascade_id)).toEqual([
      contentCascade,
      contentCascade,
      expect.any(String),
    ]);
    expect(rows[2].deleted_cascade_id).not.toBe(contentCascade);
    expect((await call('GET', `/api/v1/writer/images/${featured}/`, viewer)).statusCode).toBe(404);
    const refused = await call('POST', `/api/v1/writer/images/${featured}/restore/`, admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'conflict', error: 'Restore the parent first.' });

    const restored = await call('POST', `/api/v1/writer/content/${id}/restore/`, admin);
    expect(data(restored)).toMatchObject({ id, deleted_at: null, images_count: 2 });
    expect(await planner.mappedPages(clusterB)).toBe(mapped);
    expect((await call('GET', `/api/v1/writer/images/${inline}/`, viewer)).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/writer/images/${early}/`, viewer)).statusCode).toBe(404);
    expect(data(await call('POST', `/api/v1/writer/images/${early}/restore/`, admin))).toMatchObject({
      id: early,
    });

    const second = await newContent({ cluster_id: clusterB });
    const secondImage = await newImage(second.id as number, 'featured');
    const bulk = await call('POST', '/api/v1/writer/content/bulk_delete/', editor, { ids: [id, second.id] });
    expect(data(bulk)).toEqual({ deleted_count: 2 });
    expect(await planner.mappedPages(clusterB)).toBe(mapped - 1);
    const cascades = await db.query<{ id: number; deleted_cascade_id: string }[]>(
      `SELECT i.id, i.deleted_cascade_id FROM igny8_images i JOIN igny8_content c ON c.id = i.content_id
        WHERE c.id = ANY($1) AND i.deleted_cascade_id = c.deleted_cascade_id ORDER BY i.id`,
      [[id, second.id]],
    );
    expect(cascades.map((row) => row.id)).toEqual([featured, inline, early, secondImage]);
    const purge = await call('POST', '/api/v1/writer/content/purge/', admin, { ids: [second.id] });
    expect(data(purge)).toEqual({ purged_count: 1, not_found_ids: [] });
    expect(await db.query('SELECT id FROM igny8_images WHERE id = $1', [secondImage])).toEqual([]);
  });
});
