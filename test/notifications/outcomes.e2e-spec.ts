import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encryptSecret } from '../../src/common/crypto.js';
import { RunLog } from '../../src/modules/automation/run-log.js';
import { api, type Api, type Json, setPools } from '../ai/support.js';
import { configure, drain, runNow, runRow } from '../automation/support.js';
import { insertContent } from '../optimizer/articles.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeBridge } from '../support/fake-bridge.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';


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
    let bridge: FakeBridge;

    beforeAll(async () => {
      tenant = await seedTenant(t.app);
      bridge = await FakeBridge.start(tenant.apiKeys[0]);
      await db.query(`UPDATE igny8_sites SET domain = $3, wp_api_key_encrypted = $2 WHERE id = $1`, [
        tenant.siteIds[0],
        encryptSecret(tenant.apiKeys[0], t.config.encryptionKey),
        bridge.url,
      ]);
    });

    afterAll(() => bridge?.close());

    const article = () =>
      insertContent(t, tenant, {
        title: 'Cloud backup guide',
        content_html: '<p>Back up every night.</p>',
        status: 'approved',
      });

    it('content_published for the user who published, linking the post', async () => {
      const id = await article();
      const reply = await call('POST', `writer/content/${id}/publish/`, tenant.users.editor.auth, {});
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'content_published');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        site_id: tenant.siteIds[0],
        severity: 'success',
        title: 'Published: Cloud backup guide',
      });
      const [post] = bridge.postsOf(id);
      expect(notice.action_url).toBe(`${bridge.url}/?p=${post.id}`);
      expect(notice.metadata).toMatchObject({ content_id: id, external_id: String(post.id), trigger: 'manual' });
      expect(await notices(tenant, tenant.users.editor.auth, 'publish_failed')).toEqual([]);
    });

    it('publish_failed with the reason when WordPress refuses, and nothing when publishing is refused up front', async () => {
      const id = await article();
      bridge.html = true; // a site whose REST API answers an HTML page
      const reply = await call('POST', `writer/content/${id}/publish/`, tenant.users.editor.auth, {});
      expect(reply.status).toBe(502);
      const [notice] = await notices(tenant, tenant.users.editor.auth, 'publish_failed');
      expect(notice).toMatchObject({
        user_id: tenant.users.editor.id,
        severity: 'error',
        title: 'Publishing failed: Cloud backup guide',
      });
      const [record] = await db.query<{ error_message: string }[]>(
        'SELECT error_message FROM igny8_publishing_records WHERE id = $1',
        [(reply.body.details as Json).publishing_record_id],
      );
      expect(notice.message).toBe(`"Cloud backup guide" could not be published: ${record.error_message}`);
      expect(reply.body.details).toMatchObject({ reason: 'invalid_response' });
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
