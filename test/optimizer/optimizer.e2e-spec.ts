import { DataSource } from 'typeorm';
import { parseFragment, serialize } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, credits, holdJobs, type Json, settle } from '../ai/support.js';
import {
  expectedCharge,
  expectModuleDisabledTask,
  GOOD_ARTICLE,
  insertContent,
  setModules,
  WEAK_ARTICLE,
} from './articles.js';

const DISABLED = 'The Optimizer module is not enabled for this account.';

describe('optimizer/', () => {
  let t: TestApp;
  let call: Api;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let good: number;
  let weak: number;
  let foreign: number;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    tenant = await seedTenant(t.app);
    other = await seedTenant(t.app);
    good = await insertContent(t, tenant, GOOD_ARTICLE);
    weak = await insertContent(t, tenant, WEAK_ARTICLE);
    foreign = await insertContent(t, other, GOOD_ARTICLE);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 403 module_disabled on every route while the module is off', async () => {
    const editor = tenant.users.editor.auth;
    const replies = [
      await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, { content_id: good }),
      await call('POST', 'optimizer/jobs/', editor, { content_id: weak }),
      await call('GET', 'optimizer/jobs/', editor),
      await call('GET', 'optimizer/jobs/1/', editor),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'module_disabled', error: DISABLED });
    }
    const rows = await t.app
      .get(DataSource)
      .query('SELECT 1 FROM igny8_ai_task_logs WHERE account_id = $1', [tenant.accountId]);
    expect(rows).toEqual([]);
  });

  describe('with the module on', () => {
    beforeAll(async () => {
      await setModules(t, tenant, { linker_enabled: false, optimizer_enabled: true });
      await setModules(t, other, { linker_enabled: false, optimizer_enabled: true });
    });

    it('analyses locally: the well-built article scores higher on every aggregate', async () => {
      const before = await credits(t, tenant);
      const goodReply = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, {
        content_id: good,
      });
      const weakReply = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, {
        content_id: weak,
      });
      expect(goodReply.status, JSON.stringify(goodReply.body)).toBe(200);
      const g = goodReply.body.data as { content_id: number; scores: Json; criteria: Record<string, Json> };
      const w = weakReply.body.data as { content_id: number; scores: Json; criteria: Record<string, Json> };
      expect(g.content_id).toBe(good);
      for (const key of ['seo', 'readability', 'keyword_usage', 'structure', 'overall']) {
        expect(g.scores[key], key).toBeGreaterThan(w.scores[key] as number);
        expect(g.scores[key]).toBeGreaterThanOrEqual(0);
        expect(g.scores[key]).toBeLessThanOrEqual(100);
      }
      expect(g.scores.overall).toBeGreaterThanOrEqual(85);
      expect(w.scores.overall).toBeLessThan(50);
      // The measurements behind the scores.
      expect(g.criteria.keyword_placement).toMatchObject({
        in_title: true,
        in_meta_title: true,
        in_meta_description: true,
        in_first_paragraph: true,
        in_subheading: true,
        score: 100,
      });
      expect(g.criteria.links).toMatchObject({ internal: 1, external: 1 });
      expect(g.criteria.images).toMatchObject({ total: 1, with_alt: 1, score: 100 });
      expect(g.criteria.lists).toMatchObject({ count: 1, score: 100 });
      expect(g.criteria.headings).toMatchObject({ h1: 0, h2: 3, h3: 1, skipped_levels: 0 });
      expect(w.criteria.headings).toMatchObject({ h1: 1, h2: 0, skipped_levels: 1 });
      expect(w.criteria.images).toMatchObject({ total: 2, with_alt: 0, score: 0 });
      expect(w.criteria.meta_title).toMatchObject({ length: 0, score: 0 });
      expect(w.criteria.keyword_density).toMatchObject({ occurrences: 0, score: 0 });
      expect(w.criteria.readability.long_sentences).toBeGreaterThanOrEqual(2);
      const meanOf = (s: Json) =>
        Math.round(
          ((s.seo as number) +
            (s.readability as number) +
            (s.keyword_usage as number) +
            (s.structure as number)) /
            4,
        );
      expect(g.scores.overall).toBe(meanOf(g.scores));
      // Deterministic, and no credits.
      const again = await call('POST', 'optimizer/analyze/', tenant.users.editor.auth, { content_id: good });
      expect(again.body.data).toEqual(goodReply.body.data);
      expect(await credits(t, tenant)).toEqual(before);
    });

    it('lowers the analysis when the article gets worse', async () => {
      const worse = await insertContent(t, tenant, {
        ...GOOD_ARTICLE,
        meta_description: '',
        content_html: GOOD_ARTICLE.content_html.replace(/ alt="[^"]*"/, '').replace(/<ul>[\s\S]*?<\/ul>/, ''),
      });
      const base = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, { content_id: good });
      const reply = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, { content_id: worse });
      const [b, r] = [base.body.data as { scores: Json }, reply.body.data as { scores: Json }];
      expect(r.scores.seo).toBeLessThan(b.scores.seo as number);
      expect(r.scores.structure).toBeLessThan(b.scores.structure as number);
      expect(r.scores.overall).toBeLessThan(b.scores.overall as number);
      expect(r.scores.readability).toBe(b.scores.readability);
    });

    it('refuses a foreign or missing content id with 400 on content_id, and bad bodies', async () => {
      const viewer = tenant.users.viewer.auth;
      const foreignReply = await call('POST', 'optimizer/analyze/', viewer, { content_id: foreign });
      const missingReply = await call('POST', 'optimizer/analyze/', viewer, { content_id: 2_000_000_000 });
      expect(foreignReply.status).toBe(400);
      expect(Object.keys(foreignReply.body.errors as Json)).toEqual(['content_id']);
      expect(missingReply.status).toBe(400);
      for (const body of [{}, { content_id: 'x' }, { content_id: -1 }, { content_id: 1.5 }]) {
        const reply = await call('POST', 'optimizer/analyze/', viewer, body);
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expect(reply.body.errors).toHaveProperty('content_id');
      }
      const job = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, { content_id: foreign });
      expect(job.status).toBe(400);
      expect(job.body.errors).toHaveProperty('content_id');
      const badEntry = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, {
        content_id: weak,
        entry_point: 'elsewhere',
      });
      expect(badEntry.status).toBe(400);
      expect(badEntry.body.errors).toHaveProperty('entry_point');
    });

    it('optimises through the AI engine: body and meta rewritten, scores up, credits charged exactly', async () => {
      const before = await credits(t, tenant);
      const reply = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, {
        content_id: weak,
        entry_point: 'manual',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      const { task_id: taskId, job_id: jobId } = reply.body.data as { task_id: string; job_id: number };
      expect(typeof jobId).toBe('number');

      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      expect(task.status, JSON.stringify(task)).toBe('completed');
      expect(task.function).toBe('optimize_content');

      const detail = await call('GET', `optimizer/jobs/${jobId}/`, tenant.users.viewer.auth);
      expect(detail.status).toBe(200);
      const job = detail.body.data as Json & { scores_before: Json; scores_after: Json };
      expect(job).toMatchObject({
        id: jobId,
        content_id: weak,
        status: 'completed',
        entry_point: 'manual',
        task_id: taskId,
      });
      expect(job.html_before).toBe(WEAK_ARTICLE.content_html);
      expect(job.scores_after.overall).toBeGreaterThan(job.scores_before.overall as number);
      expect(job.scores_after.structure).toBeGreaterThan(job.scores_before.structure as number);
      expect(job.scores_after.readability).toBeGreaterThan(job.scores_before.readability as number);
      expect(task.result).toMatchObject({
        job_id: jobId,
        content_id: weak,
        scores_before: job.scores_before,
        scores_after: job.scores_after,
      });

      const [content] = await t.app
        .get(DataSource)
        .query<{ content_html: string; meta_title: string; meta_description: string; word_count: number }[]>(
          'SELECT content_html, meta_title, meta_description, word_count FROM igny8_content WHERE id = $1',
          [weak],
        );
      expect(content.content_html).toBe(job.html_after);
      expect(content.content_html).not.toContain('<h1');
      expect(content.content_html).not.toContain('<h4');
      expect(content.content_html).toMatch(/<img src="\/media\/rack.webp" alt="[^"]+">/);
      expect(content.meta_title.length).toBeGreaterThanOrEqual(30);
      expect(content.meta_title.length).toBeLessThanOrEqual(60);
      expect(content.meta_title.toLowerCase()).toContain('cloud backup');
      expect(content.meta_description.length).toBeGreaterThanOrEqual(120);
      expect(content.meta_description.length).toBeLessThanOrEqual(160);
      // The saved body is well-formed: parsing and serialising it again changes nothing.
      expect(serialize(parseFragment(content.content_html))).toBe(content.content_html);
      const analysed = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, {
        content_id: weak,
      });
      expect((analysed.body.data as { scores: Json }).scores).toEqual(job.scores_after);

      const { task: log, perCredit, ledger } = await expectedCharge(t, taskId);
      const cost = Math.max(1, Math.ceil((log.tokens_input + log.tokens_output) / perCredit));
      expect(log.tokens_input).toBeGreaterThan(0);
      expect(log.credits_used).toBe(cost);
      expect(job.credits_used).toBe(cost);
      expect(task.credits_used).toBe(cost);
      expect(ledger).toEqual([{ amount: -cost, reference_id: `ai:${taskId}:content:${weak}` }]);
      const after = await credits(t, tenant);
      expect(after.credits).toBe(before.credits - cost);
      expect(after.held_credits).toBe(0);
      expect(after.usage.at(-1)).toMatchObject({ credits_used: cost, operation_type: 'optimization' });
    });

    it('lists jobs without bodies, filters them, and hides other accounts', async () => {
      const list = await call('GET', `optimizer/jobs/?content_id=${weak}`, tenant.users.viewer.auth);
      expect(list.status).toBe(200);
      const results = list.body.results as Json[];
      expect(results.length).toBe(1);
      expect(results[0]).not.toHaveProperty('html_before');
      expect(results[0]).not.toHaveProperty('html_after');
      expect(
        (await call('GET', 'optimizer/jobs/?status=failed', tenant.users.viewer.auth)).body.results,
      ).toEqual([]);
      const otherList = await call('GET', 'optimizer/jobs/', other.users.owner.auth);
      expect(otherList.body.results).toEqual([]);
      const jobId = results[0].id as number;
      const foreignJob = await call('GET', `optimizer/jobs/${jobId}/`, other.users.owner.auth);
      expect(foreignJob.status).toBe(404);
    });

    it('refuses viewers on jobs, and content without a body (nothing held or queued)', async () => {
      const viewer = await call('POST', 'optimizer/jobs/', tenant.users.viewer.auth, { content_id: good });
      expect(viewer.status).toBe(403);
      const empty = await insertContent(t, tenant, { title: 'Empty', content_html: '  ' });
      const before = await credits(t, tenant);
      const reply = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, { content_id: empty });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toHaveProperty('content_id');
      expect(await credits(t, tenant)).toEqual(before);
    });

    it('accepts the site API key', async () => {
      const reply = await call(
        'POST',
        'optimizer/analyze/',
        { 'x-igny8-api-key': tenant.apiKeys[0] },
        { content_id: good },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    });

    it('a job whose module was switched off before its task started fails module_disabled, nothing charged', async () => {
      const db = t.app.get(DataSource);
      const id = await insertContent(t, tenant, WEAK_ARTICLE);
      const before = await credits(t, tenant);
      const jobs = holdJobs(t);
      const reply = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, { content_id: id });
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      const { task_id: taskId, job_id: jobId } = reply.body.data as { task_id: string; job_id: number };
      expect((await credits(t, tenant)).held_credits).toBeGreaterThan(0);
      await setModules(t, tenant, { linker_enabled: false, optimizer_enabled: false });
      try {
        expect((await jobs.release()).map((outcome) => outcome.result)).toEqual([{ status: 'failed' }]);
      } finally {
        await setModules(t, tenant, { linker_enabled: false, optimizer_enabled: true });
      }
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      await expectModuleDisabledTask(t, task, DISABLED);
      const job = (await call('GET', `optimizer/jobs/${jobId}/`, tenant.users.viewer.auth)).body.data as Json;
      expect(job).toMatchObject({ status: 'failed', error_message: DISABLED, credits_used: 0 });
      expect(await credits(t, tenant)).toEqual(before);
      const [content] = await db.query<{ content_html: string }[]>(
        'SELECT content_html FROM igny8_content WHERE id = $1',
        [id],
      );
      expect(content.content_html).toBe(WEAK_ARTICLE.content_html);
    });

    it('answers 403 module_disabled again once the module is switched off', async () => {
      const patched = await call('PATCH', 'system/settings/modules/', tenant.users.admin.auth, {
        optimizer_enabled: false,
      });
      expect(patched.status).toBe(200);
      const reply = await call('POST', 'optimizer/analyze/', tenant.users.viewer.auth, { content_id: good });
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('module_disabled');
    });
  });
});
