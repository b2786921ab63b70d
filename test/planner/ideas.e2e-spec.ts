import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
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
 *   I1  Python Guide   SD  cluster C1, keywords [python, github]  post/guide 1500  priority  "learn it"
 *   I2  Cloud Costs    CC  no cluster                              page/landing_page 800  brief "aws pricing"
 *   I3  Agile Review   SD  cluster C1, disabled                    post/review 3000
 *   I4  Zero Keywords  SD  cluster C2, completed                   post/article 1000
 */
let a: PlannerTenant;
let other: PlannerTenant;
let i: number[];
let c1: number;
let c2: number;
let cc: number;
let kw: Record<string, number>;

const editor = () => a.users.editor.auth;

async function post(url: string, body: Body, who = editor()): Promise<Body> {
  const response = await call('POST', url, who, body);
  expect(response.status, `${url} ${JSON.stringify(response.body)}`).toBe(201);
  return data(response);
}

const createIdea = async (body: Body) => (await post('ideas/', { site_id: a.site, ...body })).id as number;

const listIds = async (query: string) =>
  ids(await call('GET', `ideas/?page_size=100&${query}`, a.users.viewer.auth)).map((id) => i.indexOf(id));

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.get(DataSource);
  a = await plannerTenant(t, { sites: 2 });
  other = await plannerTenant(t);
  const [sd, ccSector] = a.sectors;
  c1 = (await post('clusters/', { site_id: a.site, sector_id: sd, name: 'Python' })).id as number;
  c2 = (await post('clusters/', { site_id: a.site, sector_id: sd, name: 'Misc' })).id as number;
  cc = (await post('clusters/', { site_id: a.site, sector_id: ccSector, name: 'Cloud' })).id as number;
  const keyword = async (seed: string, sector: number) =>
    (await post('keywords/', { site_id: a.site, sector_id: sector, seed_keyword_id: a.seeds[seed] }))
      .id as number;
  kw = {
    python: await keyword('how to learn python', sd),
    github: await keyword('github login', sd),
    aws: await keyword('aws vs azure', ccSector),
  };
  i = [
    await createIdea({
      sector_id: sd,
      idea_title: 'Python Guide',
      description: 'learn it',
      keyword_cluster_id: c1,
      keyword_ids: [kw.github, kw.python],
      content_structure: 'guide',
      estimated_word_count: 1500,
      is_priority: true,
    }),
    await createIdea({
      sector_id: ccSector,
      idea_title: 'Cloud Costs',
      brief: 'aws pricing',
      target_keywords: 'cloud cost, aws',
      content_type: 'page',
      content_structure: 'landing_page',
      estimated_word_count: 800,
    }),
    await createIdea({
      sector_id: sd,
      idea_title: 'Agile Review',
      keyword_cluster_id: c1,
      content_structure: 'review',
      estimated_word_count: 3000,
      disabled: true,
    }),
    await createIdea({ sector_id: sd, idea_title: 'Zero Keywords', keyword_cluster_id: c2 }),
  ];
  await call('PATCH', `ideas/${i[3]}/`, editor(), { status: 'completed' });
}, 120_000);
afterAll(() => t.close());

describe('create and update', () => {
  it('returns the idea with its keywords, cluster and sector names, and maps the cluster', async () => {
    expect(data(await call('GET', `ideas/${i[0]}/`, a.users.viewer.auth))).toMatchObject({
      id: i[0],
      account_id: a.accountId,
      site_id: a.site,
      sector_id: a.sectors[0],
      idea_title: 'Python Guide',
      description: 'learn it',
      keyword_cluster_id: c1,
      keyword_cluster_name: 'Python',
      sector_name: 'Software Development',
      keyword_ids: [kw.python, kw.github],
      keyword_objects: [
        { id: kw.python, keyword: 'how to learn python' },
        { id: kw.github, keyword: 'github login' },
      ],
      status: 'new',
      content_type: 'post',
      content_structure: 'guide',
      estimated_word_count: 1500,
      outline: null,
      language: 'en',
      is_priority: true,
      disabled: false,
      task_id: null,
      created_by: a.users.editor.id,
    });
    const clusters = await db.query<{ id: number; status: string }[]>(
      'SELECT id, status FROM igny8_clusters WHERE id = ANY($1) ORDER BY id',
      [[c1, c2, cc]],
    );
    expect(clusters.map((row) => row.status)).toEqual(['mapped', 'mapped', 'new']);
    expect(data(await call('GET', `clusters/${c1}/`, a.users.viewer.auth))).toMatchObject({ ideas_count: 2 });
  });

  it('checks the cluster and keywords belong to the same sector, and validates fields', async () => {
    const [sd] = a.sectors;
    const foreignKeyword = (
      await post(
        'keywords/',
        { site_id: other.site, sector_id: other.sectors[0], seed_keyword_id: other.seeds['github login'] },
        other.users.editor.auth,
      )
    ).id as number;
    const cases: [Body, string, string?][] = [
      [{ keyword_cluster_id: cc }, 'keyword_cluster_id', 'The cluster belongs to another sector.'],
      [{ keyword_ids: [kw.python, kw.aws] }, 'keyword_ids', `Keyword ${kw.aws} belongs to another sector.`],
      [
        { keyword_ids: [foreignKeyword] },
        'keyword_ids',
        `Invalid pk "${foreignKeyword}" - object does not exist.`,
      ],
      [{ keyword_ids: ['x'] }, 'keyword_ids'],
      [{ keyword_ids: 5 }, 'keyword_ids'],
      [{ estimated_word_count: 99 }, 'estimated_word_count'],
      [{ content_structure: 'essay' }, 'content_structure'],
      [{ outline: [{ heading: 'H' }] }, 'outline'],
      [{ idea_title: '' }, 'idea_title'],
    ];
    for (const [body, field, message] of cases) {
      const response = await call('POST', 'ideas/', editor(), {
        site_id: a.site,
        sector_id: sd,
        idea_title: 'X',
        ...body,
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(fieldErrors(response), JSON.stringify(body)).toEqual([field]);
      if (message) expect((response.body.errors as Record<string, string[]>)[field]).toEqual([message]);
    }
  });

  it('replaces keyword_ids, clears the cluster, requires idea_title on PUT, and hides deleted keywords', async () => {
    const id = await createIdea({ sector_id: a.sectors[0], idea_title: 'Scratch', keyword_ids: [kw.python] });
    const patch = (body: Body) => call('PATCH', `ideas/${id}/`, editor(), body);
    expect(
      data(
        await patch({
          keyword_ids: [kw.github],
          keyword_cluster_id: c1,
          outline: [{ heading: 'H', points: ['p'] }],
        }),
      ),
    ).toMatchObject({
      keyword_ids: [kw.github],
      keyword_cluster_id: c1,
      outline: [{ heading: 'H', points: ['p'] }],
    });
    expect(data(await patch({ keyword_cluster_id: null, keyword_ids: [] }))).toMatchObject({
      keyword_cluster_id: null,
      keyword_ids: [],
    });
    for (const status of ['queued', 'completed', 'new', 'completed', 'queued', 'new']) {
      expect(data(await patch({ status })), status).toMatchObject({ status });
    }
    expect(fieldErrors(await patch({ status: 'done' }))).toEqual(['status']);
    const put = await call('PUT', `ideas/${id}/`, editor(), { description: 'x' });
    expect(put.body.errors).toEqual({ idea_title: ['This field is required.'] });
    const moved = await call('PUT', `ideas/${id}/`, editor(), {
      idea_title: 'Scratch 2',
      site_id: a.siteIds[1],
      sector_id: a.sectors[1],
      keyword_ids: [kw.python, kw.github],
    });
    expect(data(moved)).toMatchObject({
      idea_title: 'Scratch 2',
      site_id: a.site,
      sector_id: a.sectors[0],
      keyword_ids: [kw.python, kw.github],
    });
    await db.query('UPDATE igny8_keywords SET deleted_at = now() WHERE id = $1', [kw.github]);
    expect(data(await call('GET', `ideas/${id}/`, a.users.viewer.auth))).toMatchObject({
      keyword_ids: [kw.python],
    });
    await db.query('UPDATE igny8_keywords SET deleted_at = NULL WHERE id = $1', [kw.github]);
    expect((await call('DELETE', `ideas/${id}/`, editor())).status).toBe(200);
    expect(data(await call('POST', `ideas/${id}/restore/`, a.users.admin.auth))).toMatchObject({
      id,
      keyword_ids: [kw.python, kw.github],
    });
    await call('DELETE', `ideas/${id}/`, editor());
    expect(data(await call('POST', 'ideas/purge/', a.users.admin.auth, { ids: [id] }))).toEqual({
      purged_count: 1,
      not_found_ids: [],
    });
    expect(
      await db.query('SELECT * FROM igny8_content_ideas_keyword_objects WHERE content_idea_id = $1', [id]),
    ).toEqual([]);
  });
});

describe('list', () => {
  it('filters, searches and orders with known answers', async () => {
    const cases: [string, number[]][] = [
      [`site_id=${a.site}`, [3, 2, 1, 0]],
      [`site_id=${a.siteIds[1]}`, []],
      [`sector_id=${a.sectors[1]}`, [1]],
      ['status=completed', [3]],
      [`keyword_cluster_id=${c1}`, [2, 0]],
      ['keyword_cluster_id=null', [1]],
      ['content_type=page', [1]],
      ['content_structure=review', [2]],
      ['disabled=true', [2]],
      ['is_priority=1', [0]],
      [`ids=${i[1]},${i[2]}`, [2, 1]],
      ['search=CLOUD', [1]],
      ['search=learn', [0]],
      ['ordering=idea_title', [2, 1, 0, 3]],
      ['ordering=-estimated_word_count', [2, 0, 3, 1]],
      ['ordering=status', [3, 0, 1, 2]],
      ['ordering=created_at', [0, 1, 2, 3]],
    ];
    for (const [query, expected] of cases) expect(await listIds(query), query).toEqual(expected);
    // An id out of range is refused by the input guard before the filters are read.
    expect(fieldErrors(await call('GET', 'ideas/?keyword_cluster_id=-1', a.users.viewer.auth))).toEqual([
      'keyword_cluster_id',
    ]);
    expect(
      fieldErrors(
        await call('GET', 'ideas/?content_type=essay&keyword_cluster_id=0x1', a.users.viewer.auth),
      ).sort(),
    ).toEqual(['content_type', 'keyword_cluster_id']);
  });

  it('answers filter_options with the 5.3 keys', async () => {
    const options = data(await call('GET', `ideas/filter_options/?site_id=${a.site}`, a.users.viewer.auth));
    expect(options).toEqual({
      status: [
        { value: '', label: 'All Statuses' },
        { value: 'completed', label: 'Completed' },
        { value: 'new', label: 'New' },
      ],
      keyword_cluster_id: [
        { value: '', label: 'All Clusters' },
        { value: c2, label: 'Misc' },
        { value: 'null', label: 'No Cluster' },
        { value: c1, label: 'Python' },
      ],
      content_type: [
        { value: '', label: 'All Types' },
        { value: 'page', label: 'Page' },
        { value: 'post', label: 'Post' },
      ],
      content_structure: [
        { value: '', label: 'All Structures' },
        { value: 'article', label: 'Article' },
        { value: 'guide', label: 'Guide' },
        { value: 'landing_page', label: 'Landing Page' },
        { value: 'review', label: 'Review' },
      ],
      sector_id: [
        { value: '', label: 'All Sectors' },
        { value: a.sectors[1], label: 'Cloud Computing' },
        { value: a.sectors[0], label: 'Software Development' },
      ],
    });
  });

  it('runs a constant number of queries per page, whatever the page size', async () => {
    await expectConstantQueries(t, (size) => call('GET', `ideas/?page_size=${size}`, a.users.viewer.auth));
  });

  it('bulk_update sets status, disabled and is_priority', async () => {
    expect(fieldErrors(await call('POST', 'ideas/bulk_update/', editor(), { ids: [i[0]] }))).toEqual([
      'non_field_errors',
    ]);
    expect(
      data(await call('POST', 'ideas/bulk_update/', editor(), { ids: [i[1], i[2]], is_priority: true })),
    ).toEqual({ updated_count: 2 });
    expect(await listIds('is_priority=true')).toEqual([2, 1, 0]);
    await call('POST', 'ideas/bulk_update/', editor(), { ids: [i[1], i[2]], is_priority: false });
  });
});

describe('bulk_queue_to_writer', () => {
  it('creates one task per eligible idea, queues the idea, and reports the others', async () => {
    const foreign = (
      await post(
        'ideas/',
        { site_id: other.site, sector_id: other.sectors[0], idea_title: 'Theirs' },
        other.users.editor.auth,
      )
    ).id as number;
    const response = await call('POST', 'ideas/bulk_queue_to_writer/', editor(), {
      ids: [i[3], i[0], i[1], i[2], foreign],
    });
    expect(response.status).toBe(201);
    const result = data(response);
    expect(result).toMatchObject({
      created_count: 1,
      skipped: [
        { idea_id: i[3], reason: 'not_new' },
        { idea_id: i[1], reason: 'no_cluster' },
        { idea_id: i[2], reason: 'disabled' },
      ],
    });
    const [taskId] = result.task_ids as number[];
    const [task] = await db.query<Body[]>('SELECT * FROM igny8_tasks WHERE id = $1', [taskId]);
    expect(task).toMatchObject({
      account_id: a.accountId,
      site_id: a.site,
      sector_id: a.sectors[0],
      title: 'Python Guide',
      description: 'learn it',
      cluster_id: c1,
      idea_id: i[0],
      content_type: 'post',
      content_structure: 'guide',
      keywords: 'how to learn python, github login',
      word_count: 1500,
      status: 'queued',
      created_by: a.users.editor.id,
    });
    expect(data(await call('GET', `ideas/${i[0]}/`, a.users.viewer.auth))).toMatchObject({
      status: 'queued',
      task_id: taskId,
    });
    const again = await call('POST', 'ideas/bulk_queue_to_writer/', editor(), { ids: [i[0]] });
    expect(data(again)).toEqual({
      created_count: 0,
      task_ids: [],
      skipped: [{ idea_id: i[0], reason: 'not_new' }],
    });
    const [{ status }] = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_content_ideas WHERE id = $1',
      [foreign],
    );
    expect(status).toBe('new');
  });

  it('falls back to brief and target_keywords, skips ideas whose cluster is deleted, and takes 100 ids', async () => {
    const sd = a.sectors[0];
    const fallback = await createIdea({
      sector_id: sd,
      idea_title: 'Fallback',
      brief: 'the brief',
      target_keywords: 'a, b',
      keyword_cluster_id: c2,
    });
    const doomed = (await post('clusters/', { site_id: a.site, sector_id: sd, name: 'Doomed' })).id as number;
    const orphan = await createIdea({ sector_id: sd, idea_title: 'Orphan', keyword_cluster_id: doomed });
    await call('DELETE', `clusters/${doomed}/`, editor());
    expect(data(await call('GET', `ideas/${orphan}/`, a.users.viewer.auth))).toMatchObject({
      keyword_cluster_id: doomed,
      keyword_cluster_name: null,
    });
    const many: number[] = [];
    for (let n = 0; n < 98; n++)
      many.push(await createIdea({ sector_id: sd, idea_title: `Many ${n}`, keyword_cluster_id: c2 }));
    const response = await call('POST', 'ideas/bulk_queue_to_writer/', editor(), {
      ids: [fallback, orphan, ...many],
    });
    expect(data(response)).toMatchObject({
      created_count: 99,
      skipped: [{ idea_id: orphan, reason: 'no_cluster' }],
    });
    const taskIds = data(response).task_ids as number[];
    const [task] = await db.query<Body[]>(
      'SELECT description, keywords, idea_id FROM igny8_tasks WHERE id = $1',
      [taskIds[0]],
    );
    expect(task).toEqual({ description: 'the brief', keywords: 'a, b', idea_id: fallback });
    const queued = await db.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM igny8_content_ideas WHERE id = ANY($1) AND status = 'queued'",
      [[fallback, ...many]],
    );
    expect(queued[0].n).toBe(99);
    expect(
      fieldErrors(await call('POST', 'ideas/bulk_queue_to_writer/', editor(), { ids: [...many, 1, 2, 3] })),
    ).toEqual(['ids']);
  });
});
