import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type ChatRequestBody, type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { addKeywords, api, type Api, credits, type Json, settle, start } from './support.js';

/**
 * The openai provider driven through the HTTP API and the engine, against the fake OpenAI server:
 * what each provider outcome (answer, fenced JSON, 429, 5xx, timeout, malformed JSON, image) does to
 * the task, the rows it writes, and the credits it charges or releases. Jobs run inline.
 */

const API_KEY = 'sk-engine-test';
const STARTING_CREDITS = 1000;

interface TaskRow {
  status: string;
  error: string | null;
  error_code: string | null;
  held_credits: number;
  credits_used: number;
  tokens_input: number;
  tokens_output: number;
}

interface UsageRow {
  credits_used: number;
  tokens_input: number;
  tokens_output: number;
  model_used: string;
  operation_type: string;
  related_object_type: string;
  related_object_id: number;
  cost_usd: string;
}

interface Article {
  title: string;
  content_html: string;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  secondary_keywords: string[];
}

function userPrompt(body: ChatRequestBody): string {
  return body.messages?.find((message) => message.role === 'user')?.content ?? '';
}

/** The `- keyword` lines the clustering prompt ends with. */
function promptKeywords(body: ChatRequestBody): string[] {
  const prompt = userPrompt(body);
  const list = prompt.slice(prompt.lastIndexOf('Keywords:'));
  return [...list.matchAll(/^- (.+)$/gm)].map((match) => match[1]);
}

/** Two clusters per chunk: the first and the second half of its keywords, named after their first one. */
function clustersFor(body: ChatRequestBody): string {
  const keywords = promptKeywords(body);
  const half = Math.ceil(keywords.length / 2);
  const clusters = [keywords.slice(0, half), keywords.slice(half)].map((group) => ({
    name: `About ${group[0]}`,
    description: `Keywords around ${group[0]}.`,
    keywords: group,
  }));
  return JSON.stringify({ clusters });
}

function articleTitled(title: string): Article {
  return {
    title,
    content_html: `<h2>Why ${title}</h2><p>A short answer about ${title}.</p><ul><li>One point</li><li>Another</li></ul>`,
    meta_title: title.slice(0, 60),
    meta_description: `All about ${title}.`,
    primary_keyword: title.toLowerCase(),
    secondary_keywords: ['first extra', 'second extra'],
  };
}

/** An article for the title the content prompt names. */
function articleFor(body: ChatRequestBody): string {
  const title = /titled "([^"]+)"/.exec(userPrompt(body))?.[1] ?? 'Untitled';
  return JSON.stringify(articleTitled(title));
}

describe('AI engine with the openai provider (fake OpenAI server)', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: API_KEY });
    t = await createTestApp({
      redis: false,
      env: {
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: fake.baseUrl,
        AI_RETRY_DELAYS_MS: '20,40',
        AI_REQUEST_TIMEOUT_MS: '400',
        PUBLIC_BASE_URL: 'https://api.example.com',
      },
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
    fake.respondToChat(() => '{}');
    // A tenant per test, so its ledger and usage logs hold only what the test charged.
    tenant = await seedTenant(t.app, { sectorsPerSite: 2 });
  });

  const editor = () => tenant.users.editor.auth;

  async function runTask(url: string, ids: number[]): Promise<{ taskId: string; task: Json }> {
    const taskId = await start(call, url, editor(), { ids });
    return { taskId, task: await settle(t, call, taskId, editor()) };
  }

  async function taskRow(taskId: string): Promise<TaskRow> {
    const [row] = await db.query<TaskRow[]>(
      `SELECT status, error, error_code, held_credits, credits_used, tokens_input, tokens_output
         FROM igny8_ai_task_logs WHERE task_id = $1`,
      [taskId],
    );
    return row;
  }

  async function usageRows(): Promise<UsageRow[]> {
    return db.query<UsageRow[]>(
      `SELECT credits_used, tokens_input, tokens_output, model_used, operation_type, related_object_type,
              related_object_id, cost_usd
         FROM igny8_credit_usage_logs WHERE account_id = $1 ORDER BY id`,
      [tenant.accountId],
    );
  }

  /** The task ended holding nothing, the account holds nothing, and no credit moved. */
  async function expectNothingCharged(taskId: string): Promise<void> {
    const after = await credits(t, tenant);
    expect(after).toMatchObject({ credits: STARTING_CREDITS, held_credits: 0, ledger: [], usage: [] });
    expect(await taskRow(taskId)).toMatchObject({ held_credits: 0, credits_used: 0 });
  }

  /** Exactly these charges, the hold all released and the balance down by their sum. */
  async function expectCharged(taskId: string, amounts: number[]): Promise<void> {
    const after = await credits(t, tenant);
    expect(after.ledger.map((entry) => entry.amount)).toEqual(amounts.map((amount) => -amount));
    expect(after.usage.map((entry) => entry.credits_used)).toEqual(amounts);
    const total = amounts.reduce((sum, amount) => sum + amount, 0);
    expect(after).toMatchObject({ credits: STARTING_CREDITS - total, held_credits: 0 });
    expect(await taskRow(taskId)).toMatchObject({ held_credits: 0, credits_used: total });
  }

  async function newCluster(name = 'Writer cluster'): Promise<number> {
    const reply = await call('POST', 'planner/clusters/', editor(), {
      site_id: tenant.siteIds[0],
      sector_id: tenant.sectorIds[0][0],
      name,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return (reply.body.data as Json).id as number;
  }

  async function newWriterTasks(titles: string[]): Promise<number[]> {
    const cluster = await newCluster();
    const ids: number[] = [];
    for (const title of titles) {
      const reply = await call('POST', 'writer/tasks/', editor(), {
        site_id: tenant.siteIds[0],
        sector_id: tenant.sectorIds[0][0],
        cluster_id: cluster,
        title,
        keywords: `${title.toLowerCase()}, first extra`,
        word_count: 1000,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      ids.push((reply.body.data as Json).id as number);
    }
    return ids;
  }

  async function writerTasks(ids: number[]): Promise<{ status: string; error_message: string | null }[]> {
    return db.query(
      'SELECT status, error_message FROM igny8_tasks WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
  }

  async function contentOf(taskIds: number[]): Promise<Json[]> {
    return db.query('SELECT * FROM igny8_content WHERE task_id = ANY($1::bigint[]) ORDER BY id', [taskIds]);
  }

  async function clusterCount(): Promise<number> {
    const [{ n }] = await db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM igny8_clusters WHERE account_id = $1',
      [tenant.accountId],
    );
    return n;
  }

  async function failedWith(taskId: string, task: Json, code: string): Promise<void> {
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/^Every item failed: /);
    expect(await taskRow(taskId)).toMatchObject({ status: 'failed', error: task.error, error_code: code });
  }

  describe('clustering', () => {
    it('creates the clusters the model answers, maps the keywords and charges the reported tokens', async () => {
      const keywordIds = await addKeywords(call, tenant, t);
      fake.respondToChat(clustersFor);
      // One chunk per sector, in sector order: above the minimum (2), then at it.
      const usages = [
        { prompt_tokens: 2500, completion_tokens: 600 },
        { prompt_tokens: 300, completion_tokens: 200 },
      ];
      fake.script(
        'chat',
        usages.map((usage) => ({ usage })),
      );

      const { taskId, task } = await runTask('planner/keywords/auto_cluster/', keywordIds);

      expect(task).toMatchObject({ status: 'completed', error: null, credits_used: 6 });
      expect(task.result).toMatchObject({
        clusters_created: 4,
        clusters_reused: 0,
        keywords_mapped: 12,
        keywords_unmatched: 0,
        errors: [],
      });
      const requests = fake.requestsTo('chat');
      expect(requests).toHaveLength(2);
      for (const request of requests) {
        expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(request.body).toMatchObject({
          model: 'gpt-4o-mini',
          response_format: { type: 'json_object' },
        });
        expect(promptKeywords(request.body)).toHaveLength(6);
      }

      const clusters = await db.query<
        { id: number; name: string; keywords_count: number; sector_id: number }[]
      >('SELECT id, name, keywords_count, sector_id FROM igny8_clusters WHERE account_id = $1 ORDER BY id', [
        tenant.accountId,
      ]);
      expect(clusters.map((cluster) => cluster.keywords_count)).toEqual([3, 3, 3, 3]);
      const keywords = await db.query<{ keyword: string; cluster_id: number; status: string }[]>(
        `SELECT s.keyword, k.cluster_id, k.status FROM igny8_keywords k
           JOIN igny8_seed_keywords s ON s.id = k.seed_keyword_id WHERE k.id = ANY($1::bigint[])`,
        [keywordIds],
      );
      const expectedCluster = new Map(
        requests.flatMap((request) =>
          (
            JSON.parse(clustersFor(request.body)) as { clusters: { name: string; keywords: string[] }[] }
          ).clusters.flatMap((cluster) =>
            cluster.keywords.map((keyword) => [keyword, cluster.name] as const),
          ),
        ),
      );
      for (const keyword of keywords) {
        expect(keyword.status).toBe('mapped');
        const cluster = clusters.find((row) => Number(row.id) === Number(keyword.cluster_id));
        expect(cluster?.name).toBe(expectedCluster.get(keyword.keyword));
      }

      await expectCharged(taskId, [4, 2]);
      const usage = await usageRows();
      expect(usage.map((row) => [row.tokens_input, row.tokens_output])).toEqual(
        usages.map((u) => [u.prompt_tokens, u.completion_tokens]),
      );
      expect(
        usage.every((row) => row.operation_type === 'clustering' && row.model_used === 'gpt-4o-mini'),
      ).toBe(true);
      // gpt-4o-mini: $0.15 per 1M input tokens, $0.60 per 1M output tokens
      expect(usage.map((row) => Number(row.cost_usd))).toEqual([0.000735, 0.000165]);
      expect(await taskRow(taskId)).toMatchObject({ tokens_input: 2800, tokens_output: 800 });
    });

    it('fails every keyword of a chunk with parse_error on a malformed answer, saving and charging nothing', async () => {
      const keywordIds = await addKeywords(call, tenant, t);
      fake.script('chat', [{ raw: 'not json {' }, { raw: 'not json {' }]);

      const { taskId, task } = await runTask('planner/keywords/auto_cluster/', keywordIds);

      await failedWith(taskId, task, 'parse_error');
      const result = task.result as Json;
      expect(result).toMatchObject({ clusters_created: 0, keywords_mapped: 0 });
      const errors = result.errors as Json[];
      expect(errors.map((error) => error.item_id).sort((a, b) => Number(a) - Number(b))).toEqual(
        [...keywordIds].sort((a, b) => a - b),
      );
      for (const error of errors) {
        expect(error).toEqual({
          item_type: 'keyword',
          item_id: expect.any(Number) as number,
          error: 'The model did not answer with valid JSON.',
          code: 'parse_error',
        });
      }
      expect(fake.requestsTo('chat')).toHaveLength(2);
      expect(await clusterCount()).toBe(0);
      const mapped = await db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM igny8_keywords WHERE id = ANY($1::bigint[]) AND cluster_id IS NOT NULL',
        [keywordIds],
      );
      expect(mapped[0].n).toBe(0);
      await expectNothingCharged(taskId);
    });
  });

  describe('content', () => {
    it('parses an answer wrapped in ```json fences and whitespace, storing its HTML', async () => {
      const [taskId] = await newWriterTasks(['Fenced answers']);
      const article = articleTitled('Fenced answers');
      const usage = { prompt_tokens: 1800, completion_tokens: 2700 };
      fake.script('chat', [
        { raw: `\n  \`\`\`json\n${JSON.stringify(article, null, 2)}\n\`\`\`\n  `, usage },
      ]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [taskId]);

      expect(task).toMatchObject({ status: 'completed', error: null });
      expect(task.result).toMatchObject({ tasks_completed: 1, tasks_failed: 0, errors: [] });
      const [content] = await contentOf([taskId]);
      expect(content).toMatchObject({
        title: article.title,
        content_html: article.content_html,
        meta_title: article.meta_title,
        meta_description: article.meta_description,
        primary_keyword: article.primary_keyword,
        secondary_keywords: article.secondary_keywords,
        status: 'draft',
        source: 'igny8',
      });
      expect((task.result as Json).content_ids).toEqual([content.id]);
      expect(await writerTasks([taskId])).toEqual([{ status: 'completed', error_message: null }]);
      // max(min_credits 3, ceil(4500 / 1000))
      await expectCharged(aiTask, [5]);
      const [row] = await usageRows();
      expect(row).toMatchObject({
        tokens_input: 1800,
        tokens_output: 2700,
        operation_type: 'content_generation',
        related_object_type: 'task',
        related_object_id: taskId,
      });
    });

    it('retries a 429 and saves the article once (two chat requests)', async () => {
      const [taskId] = await newWriterTasks(['Rate limited']);
      fake.respondToChat(articleFor);
      fake.script('chat', [{ status: 429, message: 'Rate limit reached' }]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [taskId]);

      expect(task).toMatchObject({ status: 'completed', error: null });
      expect(task.result).toMatchObject({ tasks_completed: 1, tasks_failed: 0, errors: [] });
      expect(fake.requestsTo('chat')).toHaveLength(2);
      const content = await contentOf([taskId]);
      expect(content).toHaveLength(1);
      expect(content[0].content_html).toBe(articleTitled('Rate limited').content_html);
      expect(await writerTasks([taskId])).toEqual([{ status: 'completed', error_message: null }]);
      const after = await credits(t, tenant);
      expect(after.ledger).toHaveLength(1);
      expect(after.held_credits).toBe(0);
      expect((await taskRow(aiTask)).held_credits).toBe(0);
    });

    it('fails the item with provider_error after three 500s: task and writer task failed, nothing charged', async () => {
      const [taskId] = await newWriterTasks(['Server errors']);
      fake.respondToChat(articleFor);
      fake.script('chat', [{ status: 500 }, { status: 500 }, { status: 500 }]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [taskId]);

      expect(fake.requestsTo('chat')).toHaveLength(3);
      await failedWith(aiTask, task, 'provider_error');
      const message = 'OpenAI chat completion failed after 3 attempts: HTTP 500: Fake error 500';
      expect(task.error).toBe(`Every item failed: ${message}`);
      expect(task.result).toMatchObject({
        tasks_completed: 0,
        tasks_failed: 1,
        content_ids: [],
        errors: [{ item_type: 'task', item_id: taskId, error: message, code: 'provider_error' }],
      });
      expect(await writerTasks([taskId])).toEqual([{ status: 'failed', error_message: message }]);
      expect(await contentOf([taskId])).toEqual([]);
      await expectNothingCharged(aiTask);
    });

    it('fails the item with code timeout when every request outlives AI_REQUEST_TIMEOUT_MS', async () => {
      const [taskId] = await newWriterTasks(['Hanging provider']);
      fake.script('chat', [{ hang: true }, { hang: true }, { hang: true }]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [taskId]);

      expect(fake.requestsTo('chat')).toHaveLength(3);
      await failedWith(aiTask, task, 'timeout');
      const message = 'OpenAI chat completion failed after 3 attempts: the request timed out';
      expect(task.result).toMatchObject({
        tasks_failed: 1,
        errors: [{ item_type: 'task', item_id: taskId, error: message, code: 'timeout' }],
      });
      expect(await writerTasks([taskId])).toEqual([{ status: 'failed', error_message: message }]);
      expect(await contentOf([taskId])).toEqual([]);
      await expectNothingCharged(aiTask);
    });

    it('fails the item with parse_error on malformed JSON, writing no content', async () => {
      const [taskId] = await newWriterTasks(['Malformed']);
      fake.script('chat', [{ raw: 'not json {' }]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [taskId]);

      await failedWith(aiTask, task, 'parse_error');
      expect(task.result).toMatchObject({
        errors: [
          {
            item_type: 'task',
            item_id: taskId,
            error: 'The model did not answer with valid JSON.',
            code: 'parse_error',
          },
        ],
      });
      expect(await writerTasks([taskId])).toEqual([
        { status: 'failed', error_message: 'The model did not answer with valid JSON.' },
      ]);
      expect(await contentOf([taskId])).toEqual([]);
      await expectNothingCharged(aiTask);
    });

    it('completes a task whose first item failed and second succeeded, charging only the second', async () => {
      const [failing, succeeding] = await newWriterTasks(['First fails', 'Second succeeds']);
      fake.respondToChat(articleFor);
      fake.script('chat', [{ status: 500 }, { status: 500 }, { status: 500 }]);

      const { taskId: aiTask, task } = await runTask('writer/tasks/auto_generate_content/', [
        failing,
        succeeding,
      ]);

      expect(fake.requestsTo('chat')).toHaveLength(4);
      expect(task).toMatchObject({ status: 'completed', error: null });
      const result = task.result as Json;
      expect(result).toMatchObject({ tasks_completed: 1, tasks_failed: 1 });
      expect(result.errors).toEqual([
        {
          item_type: 'task',
          item_id: failing,
          error: 'OpenAI chat completion failed after 3 attempts: HTTP 500: Fake error 500',
          code: 'provider_error',
        },
      ]);
      const content = await contentOf([failing, succeeding]);
      expect(content.map((row) => row.task_id)).toEqual([succeeding]);
      expect(content[0].title).toBe('Second succeeds');
      expect(result.content_ids).toEqual([content[0].id]);
      expect((await writerTasks([failing, succeeding])).map((row) => row.status)).toEqual([
        'failed',
        'completed',
      ]);
      const after = await credits(t, tenant);
      expect(after.ledger).toHaveLength(1);
      expect(after.ledger[0].reference_id).toBe(`ai:${aiTask}:task:${succeeding}`);
      expect(after.usage).toHaveLength(1);
      expect(after).toMatchObject({ held_credits: 0, credits: STARTING_CREDITS + after.ledger[0].amount });
      expect(await taskRow(aiTask)).toMatchObject({ status: 'completed', error_code: null, held_credits: 0 });
    });
  });

  describe('images', () => {
    async function newImage(): Promise<{ contentId: number; imageId: number }> {
      const content = await call('POST', 'writer/content/', editor(), {
        site_id: tenant.siteIds[0],
        sector_id: tenant.sectorIds[0][0],
        title: 'Illustrated',
      });
      expect(content.status, JSON.stringify(content.body)).toBe(201);
      const contentId = (content.body.data as Json).id as number;
      const image = await call('POST', 'writer/images/', editor(), {
        content_id: contentId,
        image_type: 'featured',
        position: 0,
        prompt: 'A basil plant on a kitchen window sill',
      });
      expect(image.status, JSON.stringify(image.body)).toBe(201);
      return { contentId, imageId: (image.body.data as Json).id as number };
    }

    async function imageRow(id: number): Promise<Json> {
      const [row] = await db.query<Json[]>('SELECT * FROM igny8_images WHERE id = $1', [id]);
      return row;
    }

    it('stores the returned PNG as WebP under /media and charges credits_per_image', async () => {
      const { contentId, imageId } = await newImage();

      const { taskId, task } = await runTask('writer/images/generate_images/', [imageId]);

      expect(task).toMatchObject({ status: 'completed', error: null, credits_used: 2 });
      expect(task.result).toEqual({
        count: 1,
        images_generated: 1,
        images_failed: 0,
        total_images: 1,
        errors: [],
      });
      const [request] = fake.requestsTo('images');
      expect(fake.requestsTo('images')).toHaveLength(1);
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(request.body).toMatchObject({ model: 'gpt-image-1', size: '1536x1024', n: 1 });
      expect(request.body.prompt).toMatch(/^A basil plant on a kitchen window sill\n\nAvoid: .+/);

      const image = await imageRow(imageId);
      expect(image).toMatchObject({
        status: 'generated',
        model_used: 'gpt-image-1',
        width: 1536,
        height: 1024,
        error_message: null,
      });
      expect(image.image_path).toMatch(/^images\/[0-9a-f]{2}\/[0-9a-f]{32}\.webp$/);
      expect(image.image_url).toBe(`https://api.example.com/media/${image.image_path as string}`);
      const file = await t.request({ method: 'GET', url: `/media/${image.image_path as string}` });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/webp');
      expect(await sharp(file.rawPayload).metadata()).toMatchObject({
        format: 'webp',
        width: 1536,
        height: 1024,
      });
      const [content] = await db.query<{ status: string }[]>(
        'SELECT status FROM igny8_content WHERE id = $1',
        [contentId],
      );
      expect(content.status).toBe('review');

      await expectCharged(taskId, [2]);
      const [usage] = await usageRows();
      expect(usage).toMatchObject({
        operation_type: 'image_generation',
        related_object_type: 'image',
        related_object_id: imageId,
        tokens_input: 0,
        tokens_output: 0,
        model_used: 'gpt-image-1',
      });
    });

    it('marks the image failed with its error when the images API keeps answering 500, charging nothing', async () => {
      const { imageId } = await newImage();
      fake.script('images', [{ status: 500 }, { status: 500 }, { status: 500 }]);

      const { taskId, task } = await runTask('writer/images/generate_images/', [imageId]);

      expect(fake.requestsTo('images')).toHaveLength(3);
      await failedWith(taskId, task, 'provider_error');
      const message = 'OpenAI image generation failed after 3 attempts: HTTP 500: Fake error 500';
      expect(task.result).toEqual({
        count: 1,
        images_generated: 0,
        images_failed: 1,
        total_images: 1,
        errors: [{ item_type: 'image', item_id: imageId, error: message, code: 'provider_error' }],
      });
      expect(await imageRow(imageId)).toMatchObject({
        status: 'failed',
        error_message: message,
        image_path: null,
      });
      await expectNothingCharged(taskId);
    });
  });
});

describe('AI engine with the openai provider: the job time limit', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let call: Api;
  let db: DataSource;
  let tenant: SeededTenant;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: API_KEY });
    t = await createTestApp({
      redis: false,
      env: {
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: fake.baseUrl,
        AI_RETRY_DELAYS_MS: '20,40',
        AI_REQUEST_TIMEOUT_MS: '20000',
        AI_SOFT_TIME_LIMIT_MS: '1500',
        AI_HARD_TIME_LIMIT_MS: '3000',
      },
    });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('fails the task with error_code timeout at the soft limit: nothing saved, nothing charged, hold released', async () => {
    const editor = tenant.users.editor.auth;
    const cluster = await call('POST', 'planner/clusters/', editor, {
      site_id: tenant.siteIds[0],
      sector_id: tenant.sectorIds[0][0],
      name: 'Slow cluster',
    });
    const clusterId = (cluster.body.data as Json).id as number;
    const writerTaskIds: number[] = [];
    for (const title of ['Never answered', 'Never reached']) {
      const reply = await call('POST', 'writer/tasks/', editor, {
        site_id: tenant.siteIds[0],
        sector_id: tenant.sectorIds[0][0],
        cluster_id: clusterId,
        title,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      writerTaskIds.push((reply.body.data as Json).id as number);
    }
    fake.script('chat', [{ hang: true }]);

    const taskId = await start(call, 'writer/tasks/auto_generate_content/', editor, { ids: writerTaskIds });
    const task = await settle(t, call, taskId, editor);

    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(task).toMatchObject({
      status: 'failed',
      error: 'The task exceeded its time limit.',
      credits_used: 0,
    });
    const [row] = await db.query<{ error_code: string; held_credits: number; status: string }[]>(
      'SELECT status, error_code, held_credits FROM igny8_ai_task_logs WHERE task_id = $1',
      [taskId],
    );
    expect(row).toEqual({ status: 'failed', error_code: 'timeout', held_credits: 0 });
    const tasks = await db.query<{ status: string; error_message: string }[]>(
      'SELECT status, error_message FROM igny8_tasks WHERE id = ANY($1::bigint[]) ORDER BY id',
      [writerTaskIds],
    );
    expect(tasks).toEqual([
      { status: 'failed', error_message: 'The task exceeded its time limit.' },
      { status: 'failed', error_message: 'The task exceeded its time limit.' },
    ]);
    const content = await db.query<unknown[]>(
      'SELECT id FROM igny8_content WHERE task_id = ANY($1::bigint[])',
      [writerTaskIds],
    );
    expect(content).toEqual([]);
    expect(await credits(t, tenant)).toMatchObject({
      credits: STARTING_CREDITS,
      held_credits: 0,
      ledger: [],
      usage: [],
    });
  });
});
