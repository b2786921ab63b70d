import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordCount } from '../../src/modules/writer/content-text.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { addKeywords, api, type Api, credits, type Json, setPools, settle, start } from './support.js';

/**
 * The whole AI chain through the HTTP API with the offline provider, jobs inline (one process):
 * keywords → auto_cluster → generate_ideas → ideas to tasks → generate_content →
 * generate_image_prompts → generate_images, then credits, ledger and usage.
 */
describe('AI chain (offline provider)', () => {
  let t: TestApp;
  let call: Api;
  let tenant: SeededTenant;
  let db: DataSource;
  const before = { plan: 400, bonus: 300 };

  beforeAll(async () => {
    t = await createTestApp({
      redis: false,
      env: { AI_PROVIDER: 'offline', PUBLIC_BASE_URL: 'https://api.example.com' },
    });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sectorsPerSite: 2 });
    await setPools(t, tenant, before.plan, before.bonus);
  });

  afterAll(() => t.close());

  const editor = () => tenant.users.editor.auth;
  let keywordIds: number[] = [];
  let clusterIds: number[] = [];
  let ideaIds: number[] = [];
  let taskIds: number[] = [];
  let contentIds: number[] = [];
  let imageIds: number[] = [];
  const finished: Json[] = [];

  async function run(url: string, body: Json): Promise<Json> {
    const taskId = await start(call, url, editor(), body);
    const queued = await call('GET', `system/tasks/${taskId}/`, editor());
    expect(['queued', 'running', 'completed']).toContain((queued.body.data as Json).status);
    const task = await settle(t, call, taskId, editor());
    finished.push(task);
    return task;
  }

  it('clusters the keywords (auto_cluster)', async () => {
    keywordIds = await addKeywords(call, tenant, t);
    expect(keywordIds).toHaveLength(12);
    const task = await run('planner/keywords/auto_cluster/', { ids: keywordIds });
    expect(task).toMatchObject({
      function: 'auto_cluster',
      status: 'completed',
      progress: { phase: 'DONE', percent: 100 },
      error: null,
    });
    const result = task.result as Json;
    expect(result.errors).toEqual([]);
    expect((result.keywords_mapped as number) + (result.keywords_unmatched as number)).toBe(12);
    expect(result.keywords_mapped).toBe(12);
    clusterIds = [...new Set(result.cluster_ids as number[])];
    expect(result.clusters_created).toBe(clusterIds.length);
    const rows = await db.query<{ id: number; keywords_count: number; status: string; sector_id: number }[]>(
      'SELECT id, keywords_count, status, sector_id FROM igny8_clusters WHERE account_id = $1 ORDER BY id',
      [tenant.accountId],
    );
    expect(rows.map((row) => row.id)).toEqual(clusterIds.sort((a, b) => a - b));
    const keywords = await db.query<{ cluster_id: number; status: string; sector_id: number }[]>(
      'SELECT cluster_id, status, sector_id FROM igny8_keywords WHERE id = ANY($1::bigint[])',
      [keywordIds],
    );
    expect(keywords.every((k) => k.status === 'mapped' && k.cluster_id !== null)).toBe(true);
    for (const cluster of rows) {
      const own = keywords.filter((k) => Number(k.cluster_id) === Number(cluster.id));
      expect(cluster.keywords_count).toBe(own.length);
      expect(own.every((k) => Number(k.sector_id) === Number(cluster.sector_id))).toBe(true);
    }
  });

  it('writes ideas for the clusters (generate_ideas)', async () => {
    const task = await run('planner/clusters/auto_generate_ideas/', { ids: clusterIds });
    const result = task.result as Json;
    expect(task.status).toBe('completed');
    expect(result).toMatchObject({ clusters_processed: clusterIds.length, errors: [] });
    ideaIds = result.idea_ids as number[];
    expect(result.ideas_created).toBe(ideaIds.length);
    // ideas_per_cluster (3), or fewer when a cluster has fewer keywords than that
    expect(ideaIds.length).toBeGreaterThanOrEqual(clusterIds.length);
    const clusters = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_clusters WHERE id = ANY($1::bigint[])',
      [clusterIds],
    );
    expect(clusters.every((c) => c.status === 'mapped')).toBe(true);
    const links = await db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM igny8_content_ideas_keyword_objects WHERE content_idea_id = ANY($1::bigint[])',
      [ideaIds],
    );
    expect(links[0].n).toBeGreaterThanOrEqual(12);
  });

  it('queues two ideas to the writer and generates their articles (generate_content)', async () => {
    const queued = await call('POST', 'planner/ideas/bulk_queue_to_writer/', editor(), {
      ids: ideaIds.slice(0, 2),
    });
    expect(queued.status).toBe(201);
    taskIds = (queued.body.data as Json).task_ids as number[];
    expect(taskIds).toHaveLength(2);
    const task = await run('writer/tasks/auto_generate_content/', { ids: taskIds });
    const result = task.result as Json;
    expect(result).toMatchObject({ tasks_completed: 2, tasks_failed: 0, errors: [] });
    contentIds = result.content_ids as number[];
    const tasks = await db.query<{ status: string; word_count: number; idea_id: number }[]>(
      'SELECT status, word_count, idea_id FROM igny8_tasks WHERE id = ANY($1::bigint[]) ORDER BY id',
      [taskIds],
    );
    expect(tasks.map((row) => row.status)).toEqual(['completed', 'completed']);
    const content = await db.query<Json[]>(
      'SELECT * FROM igny8_content WHERE id = ANY($1::bigint[]) ORDER BY id',
      [contentIds],
    );
    for (const [index, row] of content.entries()) {
      expect(row).toMatchObject({ status: 'draft', site_status: 'not_published', source: 'igny8' });
      const target = tasks[index].word_count;
      expect(Math.abs(wordCount(row.content_html as string) - target)).toBeLessThanOrEqual(target * 0.1);
      expect(row.word_count).toBe(wordCount(row.content_html as string));
      expect(row.content_html).toMatch(/<h2>/);
      expect(row.content_html).toMatch(/<(ul|ol)>/);
    }
    const ideas = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_content_ideas WHERE id = ANY($1::bigint[])',
      [ideaIds.slice(0, 2)],
    );
    expect(ideas.every((idea) => idea.status === 'completed')).toBe(true);
    const mapped = await db.query<{ n: number }[]>(
      'SELECT sum(mapped_pages)::int AS n FROM igny8_clusters WHERE account_id = $1',
      [tenant.accountId],
    );
    expect(mapped[0].n).toBe(2);
  });

  it('writes image prompts for the content (generate_image_prompts)', async () => {
    const task = await run('writer/content/generate_image_prompts/', { ids: contentIds });
    const result = task.result as Json;
    // one featured + max_images (2) in-article images per content
    expect(result).toMatchObject({ content_processed: 2, images_created: 6, errors: [] });
    imageIds = result.image_ids as number[];
    const images = await db.query<{ image_type: string; position: number; status: string; prompt: string }[]>(
      'SELECT image_type, position, status, prompt FROM igny8_images WHERE id = ANY($1::bigint[]) ORDER BY id',
      [imageIds],
    );
    expect(images.map((i) => `${i.image_type}:${i.position}`)).toEqual([
      'featured:0',
      'in_article:0',
      'in_article:1',
      'featured:0',
      'in_article:0',
      'in_article:1',
    ]);
    expect(images.every((i) => i.status === 'pending' && i.prompt.includes('photorealistic'))).toBe(true);
  });

  it('generates the image files (generate_images), served publicly and moving content to review', async () => {
    const task = await run('writer/images/generate_images/', { ids: imageIds });
    expect(task.result).toEqual({
      count: 6,
      images_generated: 6,
      images_failed: 0,
      total_images: 6,
      errors: [],
    });
    const images = await db.query<
      { id: number; image_url: string; image_path: string; status: string; width: number }[]
    >(
      'SELECT id, image_url, image_path, status, width FROM igny8_images WHERE id = ANY($1::bigint[]) ORDER BY id',
      [imageIds],
    );
    for (const image of images) {
      expect(image.status).toBe('generated');
      expect(image.image_url).toBe(`https://api.example.com/media/${image.image_path}`);
      expect(image.image_path).toMatch(/^images\/[0-9a-f]{2}\/[0-9a-f]{32}\.webp$/);
      const file = await t.request({ method: 'GET', url: `/media/${image.image_path}` });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/webp');
      const meta = await sharp(file.rawPayload).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(image.width);
      expect(meta.width).toBeGreaterThanOrEqual(512);
      const authed = await t.request({
        method: 'GET',
        url: `/api/v1/writer/images/${image.id}/file/`,
        headers: editor(),
      });
      expect(authed.rawPayload.equals(file.rawPayload)).toBe(true);
    }
    const content = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_content WHERE id = ANY($1::bigint[])',
      [contentIds],
    );
    expect(content.every((c) => c.status === 'review')).toBe(true);
  });

  it('charged every item once: ledger sum = balance change, usage = ledger, nothing held', async () => {
    const after = await credits(t, tenant);
    expect(after.held_credits).toBe(0);
    const ledgerSum = after.ledger.reduce((sum, entry) => sum + entry.amount, 0);
    expect(ledgerSum).toBeLessThan(0);
    expect(after.credits + after.bonus_credits).toBe(before.plan + before.bonus + ledgerSum);
    // plan credits are spent before bonus credits
    expect(after.ledger.reduce((sum, e) => sum + e.plan_amount, 0)).toBe(after.credits - before.plan);
    expect(after.bonus_credits).toBe(before.bonus - Math.max(0, -ledgerSum - before.plan));
    expect(new Set(after.ledger.map((e) => e.reference_id)).size).toBe(after.ledger.length);
    expect(
      after.ledger.every((e) =>
        /^ai:[0-9a-f-]{36}:(keyword|cluster|task|content|image):\d+$/.test(e.reference_id),
      ),
    ).toBe(true);
    expect(after.usage).toHaveLength(after.ledger.length);
    expect(after.usage.reduce((sum, u) => sum + u.credits_used, 0)).toBe(-ledgerSum);
    const perTask = finished.reduce((sum, task) => sum + (task.credits_used as number), 0);
    expect(perTask).toBe(-ledgerSum);
    // image generation: 2 credits per image of the quality tier (gpt-image-1)
    expect(
      after.usage.filter((u) => u.operation_type === 'image_generation').map((u) => u.credits_used),
    ).toEqual(Array.from({ length: 6 }, () => 2));
    const balance = await call('GET', 'billing/credits/balance/', tenant.users.viewer.auth);
    expect(balance.body.data).toMatchObject({
      credits: after.credits + after.bonus_credits,
      plan_credits: after.credits,
      bonus_credits: after.bonus_credits,
      held_credits: 0,
    });
    const tasks = await call('GET', 'system/tasks/?ordering=created_at', tenant.users.viewer.auth);
    expect((tasks.body.results as Json[]).map((task) => task.function)).toEqual([
      'auto_cluster',
      'generate_ideas',
      'generate_content',
      'generate_image_prompts',
      'generate_images',
    ]);
  });

  it('moves content straight to approved when the site auto-approves', async () => {
    const site = tenant.siteIds[0];
    const settings = await call('PATCH', `system/sites/${site}/settings/`, editor(), {
      publishing: { auto_approval_enabled: true },
    });
    expect(settings.status).toBe(200);
    const [{ id: contentId }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html)
       VALUES ($1, $2, $3, 'Auto-approved', '<h2>One</h2><p>Text.</p>') RETURNING id`,
      [tenant.accountId, site, tenant.sectorIds[0][0]],
    );
    const [{ id: imageId }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_images (account_id, site_id, sector_id, content_id, image_type, position, prompt)
       VALUES ($1, $2, $3, $4, 'featured', 0, 'A calm desk') RETURNING id`,
      [tenant.accountId, site, tenant.sectorIds[0][0], contentId],
    );
    const task = await run('writer/images/generate_images/', { ids: [imageId] });
    expect(task.result).toMatchObject({ images_generated: 1, images_failed: 0 });
    const [content] = await db.query<{ status: string }[]>('SELECT status FROM igny8_content WHERE id = $1', [
      contentId,
    ]);
    expect(content.status).toBe('approved');
  });
});
