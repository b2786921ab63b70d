import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, credits, type Json, settle, start } from '../ai/support.js';
import { expectedCharge, insertContent, setModules, WEAK_ARTICLE } from './articles.js';

const API_KEY = 'sk-test-optimizer';
const USAGE = { prompt_tokens: 1500, completion_tokens: 2500 };

describe('optimizer and linker with the openai provider (fake OpenAI server)', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: API_KEY });
    t = await createTestApp({
      redis: false,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.baseUrl, AI_RETRY_DELAYS_MS: '10,20' },
    });
    call = api(t);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  beforeEach(async () => {
    fake.reset();
    tenant = await seedTenant(t.app);
    await setModules(t, tenant, { linker_enabled: true, optimizer_enabled: true });
  });

  it('optimises with the model answer and charges from the reported tokens', async () => {
    const id = await insertContent(t, tenant, WEAK_ARTICLE);
    const html = '<h2>Why cloud backup matters</h2><p>Keep a cloud backup of every file.</p>';
    fake.script('chat', [
      {
        json: {
          content_html: html,
          meta_title: 'Cloud Backup for Small Offices',
          meta_description: 'Short.',
        },
        usage: USAGE,
      },
    ]);
    const before = await credits(t, tenant);
    const reply = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, { content_id: id });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const { task_id: taskId, job_id: jobId } = reply.body.data as { task_id: string; job_id: number };
    const task = await settle(t, call, taskId, tenant.users.editor.auth);
    expect(task.status, JSON.stringify(task)).toBe('completed');

    const [request] = fake.requestsTo('chat');
    const prompt = request.body.messages?.at(-1)?.content ?? '';
    expect(prompt).toContain('primary keyword cloud backup');
    expect(prompt).toContain('<h4>Providers</h4>');
    expect(request.body.response_format).toEqual({ type: 'json_object' });

    const [content] = await db.query<
      { content_html: string; meta_title: string; meta_description: string }[]
    >('SELECT content_html, meta_title, meta_description FROM igny8_content WHERE id = $1', [id]);
    expect(content).toEqual({
      content_html: html,
      meta_title: 'Cloud Backup for Small Offices',
      meta_description: 'Short.',
    });
    const job = (await call('GET', `optimizer/jobs/${jobId}/`, tenant.users.viewer.auth)).body.data as Json;
    expect(job).toMatchObject({
      status: 'completed',
      html_before: WEAK_ARTICLE.content_html,
      html_after: html,
    });

    const { perCredit, ledger } = await expectedCharge(t, taskId);
    const cost = Math.max(1, Math.ceil((USAGE.prompt_tokens + USAGE.completion_tokens) / perCredit));
    expect(ledger).toEqual([{ amount: -cost, reference_id: `ai:${taskId}:content:${id}` }]);
    expect(job.credits_used).toBe(cost);
    expect((await credits(t, tenant)).credits).toBe(before.credits - cost);
  });

  it('marks the job failed and charges nothing when the provider fails', async () => {
    const id = await insertContent(t, tenant, WEAK_ARTICLE);
    fake.script('chat', [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const before = await credits(t, tenant);
    const reply = await call('POST', 'optimizer/jobs/', tenant.users.editor.auth, { content_id: id });
    const { task_id: taskId, job_id: jobId } = reply.body.data as { task_id: string; job_id: number };
    const task = await settle(t, call, taskId, tenant.users.editor.auth);
    expect(task.status).toBe('failed');
    const job = (await call('GET', `optimizer/jobs/${jobId}/`, tenant.users.viewer.auth)).body.data as Json;
    expect(job.status).toBe('failed');
    expect(job.error_message).toEqual(expect.any(String));
    expect(job.credits_used).toBe(0);
    const [content] = await db.query<{ content_html: string }[]>(
      'SELECT content_html FROM igny8_content WHERE id = $1',
      [id],
    );
    expect(content.content_html).toBe(WEAK_ARTICLE.content_html);
    const after = await credits(t, tenant);
    expect(after.credits).toBe(before.credits);
    expect(after.held_credits).toBe(0);
  });

  it('links with the model suggestions: unknown targets dropped, headings skipped', async () => {
    const target = await insertContent(t, tenant, {
      title: 'Ransomware protection',
      primary_keyword: 'ransomware protection',
      content_html: '<p>Target.</p>',
      status: 'published',
      external_url: 'https://blog.example.com/ransomware',
    });
    const id = await insertContent(t, tenant, {
      title: 'Backups',
      content_html:
        '<h2>Ransomware protection</h2><p>Real ransomware protection needs offline copies.</p><p>Plan ahead.</p>',
    });
    fake.script('chat', [
      {
        json: {
          links: [
            { anchor_text: 'Ransomware protection', target_content_id: target, position: 0, confidence: 0.9 },
            { anchor_text: 'offline copies', target_content_id: 999999, position: 40, confidence: 0.99 },
          ],
        },
        usage: USAGE,
      },
    ]);
    const taskId = await start(call, 'linker/process/', tenant.users.editor.auth, { content_id: id });
    const task = await settle(t, call, taskId, tenant.users.editor.auth);
    expect(task.status, JSON.stringify(task)).toBe('completed');
    const prompt = fake.requestsTo('chat')[0].body.messages?.at(-1)?.content ?? '';
    expect(prompt).toContain(
      `- id ${target}: "Ransomware protection" (primary keyword: ransomware protection)`,
    );
    expect(prompt).toContain('Anchor strategy:');
    const [content] = await db.query<{ content_html: string }[]>(
      'SELECT content_html FROM igny8_content WHERE id = $1',
      [id],
    );
    expect(content.content_html).toBe(
      '<h2>Ransomware protection</h2><p>Real <a href="https://blog.example.com/ransomware">ransomware protection</a> needs offline copies.</p><p>Plan ahead.</p>',
    );
    const [result] = (task.result as { results: Json[] }).results;
    expect(result.links_added).toBe(1);
    expect((result.link_opportunities as Json[]).map((o) => o.target_content_id)).toEqual([target]);
  });
});
