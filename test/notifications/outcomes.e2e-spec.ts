import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encryptSecret } from '../../src/common/crypto.js';
import { RunLog } from '../../src/modules/automation/run-log.js';
import { WordPressAdapter } from '../../src/modules/publisher/wordpress-adapter.js';
import { api, type Api, type Json, setPools } from '../ai/support.js';
import { configure, drain, runNow, runRow } from '../automation/support.js';
import { insertContent } from '../optimizer/articles.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

const POST_URL = 'https://blog.example.com/cloud-backup-guide/';

describe('notifications of automation runs and publishing', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function notices(tenant: SeededTenant, headers: Record<string, string>, type: string) {
    const reply = await call('GET', `notifications/?notification_type=${type}`, headers);
    expect(reply.status).toBe(200);
    return reply.body.results as Json[];
  }

  describe('automation', () => {
    it('automation_completed for the user who started the run, with its site and run id', async () => {
      const tenant = await seedTenant(t.app);
      await setPools(t, tenant, 1000);
      await configure(call, tenant);
      const { run_id } = await runNow(call, tenant);
      await drain(t);
      expect((await runRow(t, run_id)).status).toBe('completed');
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'automation_completed');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        site_id: tenant.siteIds[0],
        severity: 'success',
        title: 'Automation run completed',
      });
      expect(notice.metadata).toMatchObject({ run_id, trigger_type: 'manual' });
      // Addressed to the editor: the viewer does not see it; no failure notice.
      expect(await notices(tenant, tenant.users.viewer.auth, 'automation_completed')).toEqual([]);
      expect(await notices(tenant, tenant.users.editor.auth, 'automation_failed')).toEqual([]);
    });

    it('automation_failed with the run error when a stage fails unexpectedly', async () => {
      const tenant = await seedTenant(t.app);
      await setPools(t, tenant, 1000);
      await configure(call, tenant);
      const log = t.app.get(RunLog);
      const write = log.write.bind(log);
      vi.spyOn(log, 'write').mockImplementation(async (run, stage, message) => {
        if (stage === 2 && message.startsWith('Stage started')) throw new Error('disk full');
        return write(run, stage, message);
      });
      const { run_id } = await runNow(call, tenant);
      await drain(t);
      const run = await runRow(t, run_id);
      expect(run.status).toBe('failed');
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'automation_failed');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        site_id: tenant.siteIds[0],
        severity: 'error',
        message: run.error_message,
      });
      expect(notice.message).toContain('disk full');
      expect(notice.metadata).toMatchObject({ run_id, stage: 2 });
      expect(await notices(tenant, tenant.users.editor.auth, 'automation_completed')).toEqual([]);
    });
  });

  describe('publishing', () => {
    let tenant: SeededTenant;

    beforeAll(async () => {
      tenant = await seedTenant(t.app);
      await db.query(
        `UPDATE igny8_sites SET domain = 'https://blog.example.com', wp_api_key_encrypted = $2 WHERE id = $1`,
        [tenant.siteIds[0], encryptSecret(tenant.apiKeys[0], t.config.encryptionKey)],
      );
    });

    const article = () =>
      insertContent(t, tenant, {
        title: 'Cloud backup guide',
        content_html: '<p>Back up every night.</p>',
        status: 'approved',
      });

    it('content_published for the user who published, linking the post', async () => {
      const id = await article();
      vi.spyOn(t.app.get(WordPressAdapter), 'publish').mockResolvedValue({
        ok: true,
        http_status: 201,
        rest_style: 'path',
        warnings: [],
        terms: [],
        post: {
          external_id: '4242',
          external_url: POST_URL,
          external_type: 'post',
          post_status: 'publish',
          external_metadata: { post_status: 'publish' },
        },
      });
      const reply = await call('POST', `writer/content/${id}/publish/`, tenant.users.editor.auth, {});
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'content_published');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        site_id: tenant.siteIds[0],
        severity: 'success',
        title: 'Published: Cloud backup guide',
        action_url: POST_URL,
      });
      expect(notice.metadata).toMatchObject({ content_id: id, external_id: '4242', trigger: 'manual' });
      expect(await notices(tenant, tenant.users.editor.auth, 'publish_failed')).toEqual([]);
    });

    it('publish_failed with the reason when WordPress refuses, and nothing when publishing is refused up front', async () => {
      const id = await article();
      vi.spyOn(t.app.get(WordPressAdapter), 'publish').mockResolvedValue({
        ok: false,
        http_status: 500,
        reason: 'remote_error',
        message: 'WordPress answered 500.',
        auth_failure: false,
      });
      const reply = await call('POST', `writer/content/${id}/publish/`, tenant.users.editor.auth, {});
      expect(reply.status).toBe(502);
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'publish_failed');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        severity: 'error',
        title: 'Publishing failed: Cloud backup guide',
      });
      expect(notice.message).toContain('WordPress answered 500.');
      expect(notice.metadata).toMatchObject({
        content_id: id,
        publishing_record_id: (reply.body.details as Json).publishing_record_id,
      });

      // Refused before anything was sent (no body): no notification.
      const empty = await insertContent(t, tenant, { title: 'Empty', content_html: '', status: 'approved' });
      expect(
        (await call('POST', `writer/content/${empty}/publish/`, tenant.users.editor.auth, {})).status,
      ).toBe(400);
      expect(await notices(tenant, tenant.users.editor.auth, 'publish_failed')).toHaveLength(1);
    });
  });
});
