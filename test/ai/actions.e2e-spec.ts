import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { modelIds } from '../ai-config/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, snapshot, type SeededTenant } from '../support/tenants.js';
import {
  api,
  type Api,
  holdJobs,
  insertTaskLog,
  type Json,
  type Reply,
  runAiJobAs,
  setPools,
  settle,
  start,
} from './support.js';

const MISSING = 2_000_000_000;
const MISSING_TASK = '00000000-0000-4000-8000-000000000000';
/** Target word counts of the writer tasks: estimates max(3, ceil(wc / 100 × 0.25)) = 3, 4, 5, 13. */
const WORD_COUNTS = [100, 1300, 2000, 5000];
/** Tables an entry point writes when it accepts a request: refused requests leave them as they were. */
const HOLD_TABLES = [
  'igny8_ai_task_logs',
  'igny8_accounts',
  'igny8_credit_transactions',
  'igny8_idempotency_keys',
];
const TASK_KEYS = [
  'created_at',
  'credits_used',
  'error',
  'finished_at',
  'function',
  'progress',
  'result',
  'status',
  'task_id',
];

/** The rows of one site that the entry points name. */
interface SiteRows {
  site: number;
  sectors: number[];
  /** 21 keywords in the first sector, then 2 in the second. */
  keywords: number[];
  /** 3 clusters of the first sector, each with one keyword of its own (not in `keywords`). */
  clusters: number[];
  /** Writer tasks with the WORD_COUNTS targets. */
  tasks: number[];
  /** 3 content items with two `<h2>` sections each. */
  content: number[];
  /** 4 pending images with a prompt (featured + 3 in-article) of a fourth content item. */
  images: number[];
}

interface EntryPoint {
  fn: string;
  url: string;
  operation: string;
  max: number;
  model: 'gpt-4o-mini' | 'gpt-image-1';
  ids: (rows: SiteRows) => number[];
  /**
   * The estimates (docs/domain-model.md#credits) with the seeded CreditCostConfig rows and default models.
   */
  estimate: number;
}

const ENTRY_POINTS: EntryPoint[] = [
  {
    fn: 'auto_cluster',
    url: 'planner/keywords/auto_cluster/',
    operation: 'clustering',
    max: 100,
    model: 'gpt-4o-mini',
    ids: (rows) => rows.keywords,
    // per_request 3: calls = ceil(21 / 20) + ceil(2 / 20) = 3
    estimate: 9,
  },
  {
    fn: 'generate_ideas',
    url: 'planner/clusters/auto_generate_ideas/',
    operation: 'idea_generation',
    max: 20,
    model: 'gpt-4o-mini',
    ids: (rows) => rows.clusters,
    // per_item 2 × 3 clusters
    estimate: 6,
  },
  {
    fn: 'generate_content',
    url: 'writer/tasks/auto_generate_content/',
    operation: 'content_generation',
    max: 10,
    model: 'gpt-4o-mini',
    ids: (rows) => rows.tasks,
    // per_100_words 0.25, min 3: 3 + 4 + 5 + 13
    estimate: 25,
  },
  {
    fn: 'generate_image_prompts',
    url: 'writer/content/generate_image_prompts/',
    operation: 'image_prompt_extraction',
    max: 10,
    model: 'gpt-4o-mini',
    ids: (rows) => rows.content,
    // per_item 1 × 3 content items
    estimate: 3,
  },
  {
    fn: 'generate_images',
    url: 'writer/images/generate_images/',
    operation: 'image_generation',
    max: 50,
    model: 'gpt-image-1',
    ids: (rows) => rows.images,
    // per_image: 4 × credits_per_image of gpt-image-1 (2)
    estimate: 8,
  },
];

/** Inserts (SQL) the keywords, clusters, writer tasks, content and images of one site of `tenant`. */
async function seedSiteRows(db: DataSource, tenant: SeededTenant, siteIndex: number): Promise<SiteRows> {
  const site = tenant.siteIds[siteIndex];
  const sectors = tenant.sectorIds[siteIndex];
  const ids = async (sql: string, params: unknown[]) =>
    (await db.query<{ id: number }[]>(sql, params)).map((row) => Number(row.id)).sort((x, y) => x - y);
  const keywordsIn = (sector: number, count: number, label: string) =>
    ids(
      `WITH seeds AS (
         INSERT INTO igny8_seed_keywords (keyword, industry_id, sector_id)
         SELECT $2 || ' ' || g, i.industry_id, i.id
           FROM igny8_sectors x JOIN igny8_industry_sectors i ON i.id = x.industry_sector_id,
                generate_series(1, $3::int) g
          WHERE x.id = $1
         RETURNING id)
       INSERT INTO igny8_keywords (account_id, site_id, sector_id, seed_keyword_id)
       SELECT x.account_id, x.site_id, x.id, seeds.id FROM seeds JOIN igny8_sectors x ON x.id = $1
       RETURNING id`,
      [sector, `${label} ${tenant.slug} ${sector}`, count],
    );
  const keywords = [
    ...(await keywordsIn(sectors[0], 21, 'cloud backup')),
    ...(await keywordsIn(sectors[1], 2, 'server hosting')),
  ];
  const clusters = await ids(
    `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name)
     SELECT $1, $2, $3, 'Cluster ' || g FROM generate_series(1, 3) g RETURNING id`,
    [tenant.accountId, site, sectors[0]],
  );
  const clusterKeywords = await keywordsIn(sectors[0], 3, 'data privacy');
  for (const [index, cluster] of clusters.entries()) {
    await db.query(`UPDATE igny8_keywords SET cluster_id = $2, status = 'mapped' WHERE id = $1`, [
      clusterKeywords[index],
      cluster,
    ]);
  }
  const tasks = await ids(
    `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id, keywords, word_count)
     SELECT $1, $2, $3, 'Backups explained in ' || wc || ' words', $4, 'cloud backup, data safety', wc
       FROM unnest($5::int[]) wc RETURNING id`,
    [tenant.accountId, site, sectors[0], clusters[0], WORD_COUNTS],
  );
  const content = await ids(
    `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html)
     SELECT $1, $2, $3, 'Backup guide ' || g, '<h2>Why back up</h2><p>Disks fail.</p><h2>How</h2><p>Daily.</p>'
       FROM generate_series(1, 4) g RETURNING id`,
    [tenant.accountId, site, sectors[0]],
  );
  const images = await ids(
    `INSERT INTO igny8_images (account_id, site_id, sector_id, content_id, image_type, position, prompt)
     SELECT $1, $2, $3, $4, CASE WHEN g = 0 THEN 'featured' ELSE 'in_article' END, g, 'A lighthouse at dawn'
       FROM generate_series(0, 3) g RETURNING id`,
    [tenant.accountId, site, sectors[0], content[3]],
  );
  return { site, sectors, keywords, clusters, tasks, content: content.slice(0, 3), images };
}

const errorsOf = (reply: Reply) => reply.body.errors as Record<string, string[]>;
const invalidPk = (id: number) => `Invalid pk "${id}" - object does not exist.`;

/** The body without its request id, so two answers can be compared. */
function comparable(reply: Reply): string {
  const body = { ...reply.body };
  delete body.request_id;
  return JSON.stringify(body);
}

describe('AI entry points and system/tasks (offline provider, jobs inline)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let models: Record<string, number>;
  /** Two sites; its editor and viewer are granted the first only. */
  let a: SeededTenant;
  let b: SeededTenant;
  let a1: SiteRows;
  let a2: SiteRows;
  let b1: SiteRows;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
    models = await modelIds(t);
    a = await seedTenant(t.app, { sites: 2, sectorsPerSite: 2 });
    b = await seedTenant(t.app, { sectorsPerSite: 2 });
    a1 = await seedSiteRows(db, a, 0);
    a2 = await seedSiteRows(db, a, 1);
    b1 = await seedSiteRows(db, b, 0);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    vi.restoreAllMocks();
    // a job a failed test left behind must not run into the next test
    await t.app.get(InlineJobDriver).drain();
  });

  const editor = () => a.users.editor.auth;
  const admin = () => a.users.admin.auth;
  const viewer = () => a.users.viewer.auth;

  async function heldOf(tenant: SeededTenant): Promise<number> {
    const [row] = await db.query<{ held_credits: number }[]>(
      'SELECT held_credits FROM igny8_accounts WHERE id = $1',
      [tenant.accountId],
    );
    return row.held_credits;
  }

  async function taskRow(taskId: string): Promise<Json> {
    const [row] = await db.query<Json[]>('SELECT * FROM igny8_ai_task_logs WHERE task_id = $1', [taskId]);
    return row;
  }

  async function taskView(taskId: string, headers: Record<string, string> = viewer()): Promise<Json> {
    const reply = await call('GET', `system/tasks/${taskId}/`, headers);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.data as Json;
  }

  /** Cancels a task whose job is held, then lets the job run: it must find the task ended and do nothing. */
  async function cancelAndRelease(
    jobs: ReturnType<typeof holdJobs>,
    taskId: string,
    headers: Record<string, string>,
  ): Promise<void> {
    const cancelled = await call('POST', `system/tasks/${taskId}/cancel/`, headers);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const outcomes = await jobs.release();
    expect(outcomes.map((outcome) => [outcome.state, outcome.result])).toEqual([
      ['completed', { status: 'cancelled' }],
    ]);
  }

  for (const entry of ENTRY_POINTS) {
    describe(`${entry.fn} (POST ${entry.url})`, () => {
      it('answers 202 {task_id} with a queued task holding the estimate; the job runs for the account and releases the hold', async () => {
        const ids = entry.ids(a1);
        const heldBefore = await heldOf(a);
        const jobs = holdJobs(t);
        const taskId = await start(call, entry.url, editor(), { ids });

        const row = await taskRow(taskId);
        expect(row).toMatchObject({
          account_id: a.accountId,
          site_id: a1.site,
          user_id: a.users.editor.id,
          function: entry.fn,
          status: 'queued',
          held_credits: entry.estimate,
          credits_used: 0,
          finished_at: null,
        });
        expect(row.payload).toMatchObject({ ids, model_id: models[entry.model] });
        expect(await heldOf(a)).toBe(heldBefore + entry.estimate);
        expect(jobs.held).toHaveLength(1);
        expect(jobs.held[0]).toMatchObject({
          name: 'ai_task',
          envelope: {
            meta: { accountId: a.accountId, siteId: a1.site, taskId, system: false },
            payload: { task_id: taskId, function: entry.fn },
          },
        });
        expect(await taskView(taskId)).toEqual({
          task_id: taskId,
          function: entry.fn,
          status: 'queued',
          progress: { phase: 'INIT', percent: 0, message: expect.any(String) },
          result: null,
          error: null,
          credits_used: 0,
          created_at: expect.any(String),
          finished_at: null,
        });

        const outcomes = await jobs.release();
        expect(outcomes.map((outcome) => outcome.state)).toEqual(['completed']);
        const done = await taskView(taskId);
        expect(done).toMatchObject({
          status: 'completed',
          progress: { phase: 'DONE', percent: 100 },
          error: null,
        });
        expect((done.result as Json).errors).toEqual([]);
        expect(done.finished_at).toEqual(expect.any(String));
        expect((await taskRow(taskId)).held_credits).toBe(0);
        expect(await heldOf(a)).toBe(heldBefore);
        const [{ charged }] = await db.query<{ charged: number }[]>(
          `SELECT COALESCE(-sum(amount), 0)::int AS charged FROM igny8_credit_transactions
            WHERE account_id = $1 AND reference_id LIKE $2`,
          [a.accountId, `ai:${taskId}:%`],
        );
        expect(charged).toBeGreaterThan(0);
        expect(done.credits_used).toBe(charged);
      });

      it('402 insufficient_credits (required = the estimate) when the available balance is one credit short; nothing queued', async () => {
        const [pools] = await db.query<{ credits: number; bonus_credits: number; held_credits: number }[]>(
          'SELECT credits, bonus_credits, held_credits FROM igny8_accounts WHERE id = $1',
          [a.accountId],
        );
        await setPools(t, a, pools.held_credits + entry.estimate - 1, 0);
        try {
          const before = await snapshot(t.app, HOLD_TABLES);
          const reply = await call('POST', entry.url, editor(), { ids: entry.ids(a1) });
          expect(reply.status, JSON.stringify(reply.body)).toBe(402);
          expect(reply.body).toMatchObject({
            code: 'insufficient_credits',
            details: {
              required: entry.estimate,
              available: entry.estimate - 1,
              operation_type: entry.operation,
            },
          });
          expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
        } finally {
          await setPools(t, a, pools.credits, pools.bonus_credits);
        }
      });

      it('400 errors.ids for missing, foreign and invisible-site ids (one message), and for ids of two sites; nothing held', async () => {
        const before = await snapshot(t.app, HOLD_TABLES);
        const own = entry.ids(a1)[0];
        const cases: [Record<string, string>, number][] = [
          [editor(), MISSING],
          [editor(), entry.ids(b1)[0]],
          [admin(), entry.ids(b1)[0]],
          // a site the editor has no grant for
          [editor(), entry.ids(a2)[0]],
        ];
        for (const [headers, id] of cases) {
          const reply = await call('POST', entry.url, headers, { ids: [own, id] });
          expect(reply.status, `${id}: ${JSON.stringify(reply.body)}`).toBe(400);
          expect(reply.body.code).toBe('validation_error');
          expect(errorsOf(reply)).toEqual({ ids: [invalidPk(id)] });
        }
        const twoSites = await call('POST', entry.url, admin(), { ids: [own, entry.ids(a2)[0]] });
        expect(twoSites.status).toBe(400);
        expect(Object.keys(errorsOf(twoSites))).toEqual(['ids']);
        expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      });

      it(`400 on ids for more than ${entry.max}, none, or values that are not positive integers; nothing held`, async () => {
        const before = await snapshot(t.app, HOLD_TABLES);
        const own = entry.ids(a1)[0];
        const bodies: unknown[] = [
          { ids: Array.from({ length: entry.max + 1 }, () => own) },
          { ids: [] },
          {},
          { ids: null },
          { ids: own },
          { ids: 'all' },
          { ids: [String(own)] },
          { ids: [1.5] },
          { ids: [0] },
          { ids: [-own] },
          { ids: [true] },
        ];
        for (const body of bodies) {
          const reply = await call('POST', entry.url, editor(), body);
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.body.code).toBe('validation_error');
          expect(Object.keys(errorsOf(reply)), JSON.stringify(body)).toEqual(['ids']);
        }
        // exactly the maximum passes validation: the ids are looked up (these are missing)
        const atMax = [own, ...Array.from({ length: entry.max - 1 }, (_, n) => MISSING + n)];
        const reply = await call('POST', entry.url, editor(), { ids: atMax });
        expect(reply.status).toBe(400);
        expect(errorsOf(reply).ids[0]).toMatch(/^Invalid pk "2000000000", /);
        expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      });

      it('ignores unknown body fields: the account, site, user and model come from the caller and the ids', async () => {
        const jobs = holdJobs(t);
        const taskId = await start(call, entry.url, editor(), {
          ids: entry.ids(a1),
          account_id: b.accountId,
          site_id: a2.site,
          user_id: b.users.editor.id,
          model_id: models['gpt-4o'],
          status: 'completed',
        });
        const row = await taskRow(taskId);
        expect(row).toMatchObject({
          account_id: a.accountId,
          site_id: a1.site,
          user_id: a.users.editor.id,
          status: 'queued',
        });
        const payload = row.payload as Json;
        expect(
          Object.keys(payload)
            .filter((key) => key !== 'origin')
            .sort(),
        ).toEqual(['ids', 'model_id']);
        expect(payload.model_id).toBe(models[entry.model]);
        await cancelAndRelease(jobs, taskId, editor());
      });

      it('403 for a viewer, whatever the ids', async () => {
        const before = await snapshot(t.app, HOLD_TABLES);
        for (const ids of [entry.ids(a1), [MISSING]]) {
          const reply = await call('POST', entry.url, viewer(), { ids });
          expect(reply.status).toBe(403);
          expect(reply.body.code).toBe('permission_denied');
        }
        expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      });

      it("accepts the site API key (X-IGNY8-API-Key, Bearer and ApiKey forms) for its site; another site's ids are 400", async () => {
        const key = a.apiKeys[0];
        const forms: Record<string, string>[] = [
          { 'x-igny8-api-key': key },
          { authorization: `Bearer ${key}` },
          { authorization: `ApiKey ${key}` },
        ];
        for (const headers of forms) {
          const jobs = holdJobs(t);
          const taskId = await start(call, entry.url, headers, { ids: entry.ids(a1) });
          expect(await taskRow(taskId)).toMatchObject({
            account_id: a.accountId,
            site_id: a1.site,
            user_id: null,
            held_credits: entry.estimate,
          });
          await cancelAndRelease(jobs, taskId, headers);
        }
        const before = await snapshot(t.app, HOLD_TABLES);
        for (const id of [entry.ids(a2)[0], entry.ids(b1)[0]]) {
          const reply = await call('POST', entry.url, { 'x-igny8-api-key': key }, { ids: [id] });
          expect(reply.status).toBe(400);
          expect(errorsOf(reply)).toEqual({ ids: [invalidPk(id)] });
        }
        expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      });

      it(`403 permission_denied while the ${entry.operation} CreditCostConfig is inactive; nothing held`, async () => {
        const toggle = (active: boolean) =>
          db.query('UPDATE igny8_credit_cost_configs SET is_active = $2 WHERE operation_type = $1', [
            entry.operation,
            active,
          ]);
        await toggle(false);
        try {
          const before = await snapshot(t.app, HOLD_TABLES);
          const reply = await call('POST', entry.url, editor(), { ids: entry.ids(a1) });
          expect(reply.status, JSON.stringify(reply.body)).toBe(403);
          expect(reply.body.code).toBe('permission_denied');
          expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
        } finally {
          await toggle(true);
        }
      });
    });
  }

  describe('auto_cluster sector_id', () => {
    const url = 'planner/keywords/auto_cluster/';

    it('restricts the estimate and the run to the keywords of that sector', async () => {
      const jobs = holdJobs(t);
      const second = await start(call, url, editor(), { ids: a1.keywords, sector_id: a1.sectors[1] });
      const first = await start(call, url, editor(), { ids: a1.keywords, sector_id: a1.sectors[0] });
      // 2 keywords: one call; 21 keywords: two calls (3 credits each)
      expect(await taskRow(second)).toMatchObject({ held_credits: 3, payload: { sector_id: a1.sectors[1] } });
      expect(await taskRow(first)).toMatchObject({ held_credits: 6, payload: { sector_id: a1.sectors[0] } });
      await jobs.release();
      for (const [taskId, sector, count] of [
        [second, a1.sectors[1], 2],
        [first, a1.sectors[0], 21],
      ] as const) {
        const result = (await taskView(taskId)).result as Json;
        expect((result.keywords_mapped as number) + (result.keywords_unmatched as number)).toBe(count);
        const sectors = await db.query<{ sector_id: number }[]>(
          'SELECT DISTINCT sector_id FROM igny8_clusters WHERE id = ANY($1::bigint[])',
          [result.cluster_ids],
        );
        expect(sectors.map((row) => Number(row.sector_id))).toEqual([sector]);
      }
    });

    it("400 errors.sector_id for another account's sector, another site's, an invisible or missing one; nothing held", async () => {
      const before = await snapshot(t.app, HOLD_TABLES);
      const cases: [Record<string, string>, unknown, string | null][] = [
        [editor(), MISSING, invalidPk(MISSING)],
        [editor(), b1.sectors[0], invalidPk(b1.sectors[0])],
        // a sector of the site the editor has no grant for
        [editor(), a2.sectors[0], invalidPk(a2.sectors[0])],
        // visible to the admin, but not of the keywords' site
        [admin(), a2.sectors[0], invalidPk(a2.sectors[0])],
        [editor(), 'first', null],
        [editor(), 0, null],
      ];
      for (const [headers, sectorId, message] of cases) {
        const reply = await call('POST', url, headers, { ids: a1.keywords, sector_id: sectorId });
        expect(reply.status, JSON.stringify(sectorId)).toBe(400);
        expect(Object.keys(errorsOf(reply))).toEqual(['sector_id']);
        if (message) expect(errorsOf(reply).sector_id).toEqual([message]);
      }
      expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body (one task, one hold); another body is 409; keys are per account', async () => {
      const url = 'planner/clusters/auto_generate_ideas/';
      const taskCount = async () =>
        (await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM igny8_ai_task_logs'))[0].n;
      const tasksBefore = await taskCount();
      const heldBefore = await heldOf(a);
      const jobs = holdJobs(t);
      const withKey = { ...editor(), 'idempotency-key': 'ideas-2024-03-01' };

      const first = await call('POST', url, withKey, { ids: a1.clusters });
      expect(first.status).toBe(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await call('POST', url, withKey, { ids: a1.clusters });
      expect(again.status).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.data).toEqual(first.body.data);
      expect(await taskCount()).toBe(tasksBefore + 1);
      expect(await heldOf(a)).toBe(heldBefore + 6);
      expect(jobs.held).toHaveLength(1);

      const otherBody = await call('POST', url, withKey, { ids: a1.clusters.slice(0, 1) });
      expect(otherBody.status).toBe(409);
      expect(otherBody.body.code).toBe('conflict');

      const theirs = await call(
        'POST',
        url,
        { ...b.users.editor.auth, 'idempotency-key': 'ideas-2024-03-01' },
        { ids: b1.clusters },
      );
      expect(theirs.status).toBe(202);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      const taskIds = [first, theirs].map((reply) => (reply.body.data as Json).task_id as string);
      expect(taskIds[1]).not.toBe(taskIds[0]);
      expect(await taskCount()).toBe(tasksBefore + 2);

      const outcomes = await jobs.release();
      expect(outcomes.map((outcome) => outcome.state)).toEqual(['completed', 'completed']);
      expect(await heldOf(a)).toBe(heldBefore);
    });
  });

  describe('an image model whose provider has no adapter', () => {
    it('is accepted with AI_PROVIDER=offline, held at its credits_per_image', async () => {
      const runware = models['runware:97@1'];
      await db.query('UPDATE igny8_ai_models SET is_active = true WHERE id = $1', [runware]);
      await db.query(`UPDATE igny8_images SET status = 'pending' WHERE id = ANY($1::bigint[])`, [a1.images]);
      try {
        const patched = await call('PATCH', 'system/settings/ai/', admin(), { image_model_id: runware });
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
        const jobs = holdJobs(t);
        const taskId = await start(call, 'writer/images/generate_images/', editor(), { ids: a1.images });
        // 4 images × 1 credit (the basic tier)
        expect(await taskRow(taskId)).toMatchObject({ held_credits: 4, payload: { model_id: runware } });
        await jobs.release();
        expect(await taskView(taskId)).toMatchObject({
          status: 'completed',
          result: { images_generated: 4, images_failed: 0 },
        });
      } finally {
        await call('PATCH', 'system/settings/ai/', admin(), { image_model_id: null });
        await db.query('UPDATE igny8_ai_models SET is_active = false WHERE id = $1', [runware]);
      }
    });
  });

  describe('system/tasks', () => {
    it('shows {task_id, function, status, progress, result, error, credits_used, created_at, finished_at}: result once ended, error when failed', async () => {
      const stored = { clusters_created: 1, errors: [] };
      for (const status of ['queued', 'running', 'completed', 'failed', 'cancelled'] as const) {
        const taskId = await insertTaskLog(t, a.accountId, {
          siteId: a1.site,
          status,
          result: stored,
          error: 'Every item failed.',
        });
        const view = await taskView(taskId);
        expect(Object.keys(view).sort(), status).toEqual(TASK_KEYS);
        expect(Object.keys(view.progress as Json).sort()).toEqual(['message', 'percent', 'phase']);
        const ended = !['queued', 'running'].includes(status);
        expect(view, status).toMatchObject({
          task_id: taskId,
          function: 'auto_cluster',
          status,
          result: ended ? stored : null,
          error: status === 'failed' ? 'Every item failed.' : null,
          credits_used: 0,
        });
        expect(view.finished_at === null, status).toBe(!ended);
      }
    });

    it('404 for an id that is not a UUID and for a UUID of no task, when reading and cancelling', async () => {
      for (const id of ['not-a-uuid', '42', `${MISSING_TASK}0`, MISSING_TASK]) {
        expect((await call('GET', `system/tasks/${id}/`, viewer())).status, id).toBe(404);
        const cancel = await call('POST', `system/tasks/${id}/cancel/`, editor());
        expect(cancel.status, id).toBe(404);
        expect(cancel.body.code).toBe('not_found');
      }
    });

    it('lists tasks newest first; filters status, function and site_id; ordering created_at', async () => {
      const c = await seedTenant(t.app, { sites: 2 });
      const insert = (
        fn: string,
        status: 'queued' | 'running' | 'completed' | 'failed',
        site: number,
        day: number,
      ) =>
        insertTaskLog(t, c.accountId, {
          function: fn,
          status,
          siteId: site,
          createdAt: `2024-03-0${day}T10:00:00Z`,
        });
      const [s1, s2] = c.siteIds;
      const t1 = await insert('auto_cluster', 'completed', s1, 1);
      const t2 = await insert('generate_ideas', 'queued', s1, 2);
      const t3 = await insert('generate_ideas', 'failed', s2, 3);
      const t4 = await insert('generate_content', 'running', s1, 4);
      const list = async (query: string, headers = c.users.admin.auth) => {
        const reply = await call('GET', `system/tasks/${query}`, headers);
        expect(reply.status, `${query}: ${JSON.stringify(reply.body)}`).toBe(200);
        const results = reply.body.results as Json[];
        expect(reply.body.count).toBe(results.length);
        return results.map((task) => task.task_id);
      };
      expect(await list('')).toEqual([t4, t3, t2, t1]);
      expect(await list('?ordering=created_at')).toEqual([t1, t2, t3, t4]);
      expect(await list('?ordering=-created_at')).toEqual([t4, t3, t2, t1]);
      expect(await list('?status=queued')).toEqual([t2]);
      expect(await list('?function=generate_ideas')).toEqual([t3, t2]);
      expect(await list(`?site_id=${s2}`)).toEqual([t3]);
      expect(await list('?status=failed&function=generate_ideas')).toEqual([t3]);
      expect(await list('?status=cancelled')).toEqual([]);
      // the editor and viewer see the first site only
      expect(await list('', c.users.viewer.auth)).toEqual([t4, t2, t1]);
      const page = await call('GET', 'system/tasks/?ordering=created_at', c.users.admin.auth);
      expect((page.body.results as Json[])[0]).toEqual(await taskView(t1, c.users.admin.auth));
      for (const query of ['?status=paused', '?function=write_poem', '?site_id=first']) {
        expect((await call('GET', `system/tasks/${query}`, c.users.admin.auth)).status, query).toBe(400);
      }
    });

    it('cancels a queued task: 200 cancelled, its hold released; its job then does nothing', async () => {
      const [writerTask] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id, keywords)
         VALUES ($1, $2, $3, 'Never written', $4, 'cloud backup') RETURNING id`,
        [a.accountId, a1.site, a1.sectors[0], a1.clusters[0]],
      );
      const heldBefore = await heldOf(a);
      const jobs = holdJobs(t);
      const taskId = await start(call, 'writer/tasks/auto_generate_content/', editor(), {
        ids: [writerTask.id],
      });
      expect(await heldOf(a)).toBe(heldBefore + 3);

      const cancelled = await call('POST', `system/tasks/${taskId}/cancel/`, editor());
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data).toMatchObject({
        task_id: taskId,
        status: 'cancelled',
        result: null,
        error: null,
        credits_used: 0,
        finished_at: expect.any(String),
      });
      expect(await heldOf(a)).toBe(heldBefore);
      expect((await taskRow(taskId)).held_credits).toBe(0);

      const outcomes = await jobs.release();
      expect(outcomes.map((outcome) => outcome.result)).toEqual([{ status: 'cancelled' }]);
      const [task] = await db.query<{ status: string }[]>('SELECT status FROM igny8_tasks WHERE id = $1', [
        writerTask.id,
      ]);
      expect(task.status).toBe('queued');
      const content = await db.query('SELECT id FROM igny8_content WHERE task_id = $1', [writerTask.id]);
      expect(content).toEqual([]);
      expect(await taskView(taskId)).toMatchObject({ status: 'cancelled' });
      expect(await heldOf(a)).toBe(heldBefore);
    });

    it('409 invalid_state when cancelling a running, completed, failed or cancelled task; nothing changes', async () => {
      for (const status of ['running', 'completed', 'failed', 'cancelled'] as const) {
        const taskId = await insertTaskLog(t, a.accountId, {
          siteId: a1.site,
          status,
          heldCredits: status === 'running' ? 4 : 0,
        });
        const before = await snapshot(t.app, HOLD_TABLES);
        const reply = await call('POST', `system/tasks/${taskId}/cancel/`, editor());
        expect(reply.status, status).toBe(409);
        expect(reply.body.code).toBe('invalid_state');
        expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
        if (status === 'running') {
          await db.query(
            `UPDATE igny8_ai_task_logs SET status = 'failed', held_credits = 0 WHERE task_id = $1`,
            [taskId],
          );
          await db.query('UPDATE igny8_accounts SET held_credits = held_credits - 4 WHERE id = $1', [
            a.accountId,
          ]);
        }
      }
    });

    it('403 for a viewer cancelling; the task stays queued with its hold', async () => {
      const taskId = await insertTaskLog(t, a.accountId, { siteId: a1.site, heldCredits: 2 });
      const before = await snapshot(t.app, HOLD_TABLES);
      const reply = await call('POST', `system/tasks/${taskId}/cancel/`, viewer());
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('permission_denied');
      expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      expect((await call('POST', `system/tasks/${taskId}/cancel/`, editor())).status).toBe(200);
    });
  });

  describe('tenant isolation', () => {
    it("another account's task is 404 exactly like a missing one, to read and to cancel, and never listed", async () => {
      const mine = await insertTaskLog(t, a.accountId, { siteId: a1.site, heldCredits: 2 });
      const theirs = await insertTaskLog(t, b.accountId, { siteId: b1.site });
      const before = await snapshot(t.app, HOLD_TABLES);
      const callers: Record<string, string>[] = [
        b.users.admin.auth,
        b.users.owner.auth,
        { 'x-igny8-api-key': b.apiKeys[0] },
      ];
      for (const headers of callers) {
        for (const [method, suffix] of [
          ['GET', ''],
          ['POST', 'cancel/'],
        ] as const) {
          const foreign = await call(method, `system/tasks/${mine}/${suffix}`, headers);
          const missing = await call(method, `system/tasks/${MISSING_TASK}/${suffix}`, headers);
          expect(foreign.status, `${method} ${suffix}`).toBe(404);
          expect(comparable(foreign)).toEqual(comparable(missing));
        }
      }
      expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);

      const listed = await call('GET', 'system/tasks/?page_size=100', b.users.admin.auth);
      const ownIds = await db.query<{ task_id: string }[]>(
        'SELECT task_id FROM igny8_ai_task_logs WHERE account_id = $1',
        [b.accountId],
      );
      expect(listed.body.count).toBe(ownIds.length);
      const listedIds = (listed.body.results as Json[]).map((task) => task.task_id);
      expect(listedIds).toContain(theirs);
      expect(listedIds).not.toContain(mine);
      expect(new Set(ownIds.map((row) => row.task_id))).toEqual(new Set(listedIds));
      const bySite = await call('GET', `system/tasks/?site_id=${b1.site}`, admin());
      expect(bySite.body).toMatchObject({ count: 0, results: [] });
      expect((await call('POST', `system/tasks/${mine}/cancel/`, editor())).status).toBe(200);
    });

    it('an editor or a site key sees no task of a site it has no access to', async () => {
      const other = await insertTaskLog(t, a.accountId, { siteId: a2.site, heldCredits: 2 });
      const before = await snapshot(t.app, HOLD_TABLES);
      const siteOneKey = { 'x-igny8-api-key': a.apiKeys[0] };
      for (const headers of [editor(), viewer(), siteOneKey]) {
        const read = await call('GET', `system/tasks/${other}/`, headers);
        const missing = await call('GET', `system/tasks/${MISSING_TASK}/`, headers);
        expect(read.status).toBe(404);
        expect(comparable(read)).toEqual(comparable(missing));
        const listed = await call('GET', 'system/tasks/?page_size=100', headers);
        expect((listed.body.results as Json[]).map((task) => task.task_id)).not.toContain(other);
        const bySite = await call('GET', `system/tasks/?site_id=${a2.site}`, headers);
        expect(bySite.body).toMatchObject({ count: 0, results: [] });
      }
      for (const headers of [editor(), siteOneKey]) {
        expect((await call('POST', `system/tasks/${other}/cancel/`, headers)).status).toBe(404);
      }
      expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);
      expect((await taskView(other, admin())).status).toBe('queued');
      expect((await taskView(other, { 'x-igny8-api-key': a.apiKeys[1] })).status).toBe('queued');
      expect((await call('POST', `system/tasks/${other}/cancel/`, admin())).status).toBe(200);
    });

    it("lists only the caller's own credit usage and ledger entries", async () => {
      for (const [tenant, rows] of [
        [a, a1],
        [b, b1],
      ] as const) {
        const taskId = await start(call, 'planner/clusters/auto_generate_ideas/', tenant.users.editor.auth, {
          ids: rows.clusters,
        });
        expect(await settle(t, call, taskId, tenant.users.editor.auth)).toMatchObject({
          status: 'completed',
        });
      }
      for (const [tenant, other, otherSite] of [
        [a, b, b1.site],
        [b, a, a1.site],
      ] as const) {
        for (const [url, table] of [
          ['billing/credits/usage/', 'igny8_credit_usage_logs'],
          ['billing/transactions/', 'igny8_credit_transactions'],
          ['billing/credits/transactions/', 'igny8_credit_transactions'],
        ]) {
          const reply = await call('GET', `${url}?page_size=100`, tenant.users.viewer.auth);
          expect(reply.status).toBe(200);
          const rows = reply.body.results as Json[];
          const [{ n }] = await db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`,
            [tenant.accountId],
          );
          expect(reply.body.count, url).toBe(n);
          expect(n).toBeGreaterThan(0);
          expect(rows.every((row) => row.account_id === tenant.accountId)).toBe(true);
          const foreign = await db.query<{ id: number }[]>(`SELECT id FROM ${table} WHERE account_id = $1`, [
            other.accountId,
          ]);
          const listed = new Set(rows.map((row) => row.id));
          expect(foreign.filter((row) => listed.has(Number(row.id)))).toEqual([]);
        }
        const bySite = await call(
          'GET',
          `billing/credits/usage/?site_id=${otherSite}`,
          tenant.users.viewer.auth,
        );
        expect(bySite.body).toMatchObject({ count: 0, results: [] });
      }
    });

    it("a job of account A naming a task of account B fails and changes nothing; B's own job runs it", async () => {
      const theirs = await insertTaskLog(t, b.accountId, {
        siteId: b1.site,
        userId: b.users.editor.id,
        heldCredits: 3,
        payload: { ids: b1.keywords.slice(0, 2), model_id: models['gpt-4o-mini'] },
      });
      const tables = [...HOLD_TABLES, 'igny8_keywords', 'igny8_clusters', 'igny8_credit_usage_logs'];
      const before = await snapshot(t.app, tables);
      const job = { task_id: theirs, function: 'auto_cluster', payload: {} };
      const outcomes = await runAiJobAs(t, a, job, a1.site);
      expect(outcomes.map((outcome) => outcome.state)).toEqual(['failed']);
      expect(await snapshot(t.app, tables)).toEqual(before);

      const control = await runAiJobAs(t, b, job, b1.site);
      expect(control.map((outcome) => outcome.state)).toEqual(['completed']);
      expect(await taskView(theirs, b.users.viewer.auth)).toMatchObject({
        status: 'completed',
        result: { keywords_mapped: 2 },
      });
    });

    it("a task of account A whose payload names B's rows runs on nothing: B's rows unchanged, nothing charged", async () => {
      const tables = [
        'igny8_keywords',
        'igny8_clusters',
        'igny8_content_ideas',
        'igny8_tasks',
        'igny8_content',
        'igny8_images',
        'igny8_credit_transactions',
        'igny8_credit_usage_logs',
      ];
      const before = await snapshot(t.app, tables);
      const cases: [string, number[], string, number][] = [
        ['auto_cluster', b1.keywords, 'gpt-4o-mini', a1.site],
        ['auto_cluster', b1.keywords, 'gpt-4o-mini', b1.site],
        ['generate_ideas', b1.clusters, 'gpt-4o-mini', b1.site],
        ['generate_content', b1.tasks, 'gpt-4o-mini', b1.site],
        ['generate_image_prompts', b1.content, 'gpt-4o-mini', b1.site],
        ['generate_images', b1.images, 'gpt-image-1', b1.site],
      ];
      for (const [fn, ids, model, site] of cases) {
        const payload = { ids, model_id: models[model] };
        const taskId = await insertTaskLog(t, a.accountId, { function: fn, siteId: site, payload });
        const outcomes = await runAiJobAs(t, a, { task_id: taskId, function: fn, payload }, site);
        expect(
          outcomes.map((outcome) => outcome.state),
          fn,
        ).toEqual(['completed']);
        const row = await taskRow(taskId);
        expect(row, fn).toMatchObject({ status: 'completed', credits_used: 0, held_credits: 0 });
        const result = row.result as Json;
        expect(result.errors, fn).toEqual([]);
        // nothing produced (`count` of generate_images is how many ids were asked for)
        const produced = Object.entries(result).filter(
          ([key, value]) => key !== 'count' && typeof value === 'number' && value > 0,
        );
        expect(produced, fn).toEqual([]);
      }
      expect(await snapshot(t.app, tables)).toEqual(before);
    });
  });
});

describe('AI entry points with the real providers (no AI_PROVIDER=offline)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;
  let rows: SiteRows;

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sectorsPerSite: 2 });
    rows = await seedSiteRows(db, tenant, 0);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    vi.restoreAllMocks();
    // a job a failed test left behind must not run into the next test
    await t.app.get(InlineJobDriver).drain();
  });

  it('400 model_not_supported for an effective image model without an adapter, before anything is held', async () => {
    const models = await modelIds(t);
    await db.query('UPDATE igny8_ai_models SET is_active = true WHERE id = $1', [models['runware:97@1']]);
    const admin = tenant.users.admin.auth;
    const patched = await call('PATCH', 'system/settings/ai/', admin, {
      image_model_id: models['runware:97@1'],
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const before = await snapshot(t.app, HOLD_TABLES);
    const refused = await call('POST', 'writer/images/generate_images/', tenant.users.editor.auth, {
      ids: rows.images,
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.code).toBe('model_not_supported');
    expect(await snapshot(t.app, HOLD_TABLES)).toEqual(before);

    // text functions keep their (openai) model, and so do images once the setting is cleared
    const jobs = holdJobs(t);
    const prompts = await start(call, 'writer/content/generate_image_prompts/', tenant.users.editor.auth, {
      ids: rows.content,
    });
    expect((await call('PATCH', 'system/settings/ai/', admin, { image_model_id: null })).status).toBe(200);
    const images = await start(call, 'writer/images/generate_images/', tenant.users.editor.auth, {
      ids: rows.images,
    });
    expect(
      (await db.query<Json[]>('SELECT payload FROM igny8_ai_task_logs WHERE task_id = $1', [images]))[0],
    ).toMatchObject({
      payload: { model_id: models['gpt-image-1'] },
    });
    for (const taskId of [prompts, images]) {
      expect((await call('POST', `system/tasks/${taskId}/cancel/`, tenant.users.editor.auth)).status).toBe(
        200,
      );
    }
    await jobs.release();
  });
});
