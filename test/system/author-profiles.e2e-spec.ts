import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTasks, api, settle, start } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type ChatRequestBody, type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  apiKey,
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  results,
  systemApi,
} from '../ai-config/support.js';

const API_KEY = 'sk-test-author';

function userPrompt(body: ChatRequestBody): string {
  return body.messages?.find((message) => message.role === 'user')?.content ?? '';
}

const ARTICLE = JSON.stringify({
  title: 'Cloud backup guide',
  content_html: '<h2>Backups</h2><p>Keep copies.</p><ul><li>One</li></ul>',
  meta_title: 'Cloud backup guide',
  meta_description: 'All about backups.',
  primary_keyword: 'cloud backup',
  secondary_keywords: [],
});

describe('author profiles and strategies', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  const call = systemApi(() => t);

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: API_KEY });
    t = await createTestApp({
      redis: false,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.baseUrl, AI_RETRY_DELAYS_MS: '20' },
    });
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2, sectorsPerSite: 2 });
    b = await seedTenant(t.app, { sites: 1 });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM igny8_author_profiles');
    await db.query('DELETE FROM igny8_strategies');
    fake.reset();
    fake.respondToChat(() => ARTICLE);
  });

  describe('author profiles', () => {
    it('creates, lists, updates and deletes within the account; one default at a time', async () => {
      const first = await call('POST', 'author-profiles/', a.users.editor.auth, {
        name: 'Expert',
        tone: 'confident',
        is_default: true,
        account_id: b.accountId,
      });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(data(first)).toMatchObject({
        name: 'Expert',
        tone: 'confident',
        language: 'en',
        is_default: true,
        is_active: true,
        account_id: a.accountId,
      });
      const second = await call('POST', 'author-profiles/', a.users.editor.auth, {
        name: 'Casual',
        is_default: true,
      });
      expect(data(second).is_default).toBe(true);
      const listed = results(await call('GET', 'author-profiles/', a.users.viewer.auth));
      expect(listed.map((row: Body) => [row.name, row.is_default])).toEqual([
        ['Casual', true],
        ['Expert', false],
      ]);
      expectFieldErrors(await call('POST', 'author-profiles/', a.users.editor.auth, { name: 'Expert' }), [
        'name',
      ]);
      expectFieldErrors(
        await call('POST', 'author-profiles/', a.users.editor.auth, { name: 'x'.repeat(256), tone: 5 }),
        ['name', 'tone'],
      );
      const id = data(first).id as number;
      expectFieldErrors(await call('PUT', `author-profiles/${id}/`, a.users.editor.auth, { tone: 'calm' }), [
        'name',
      ]);
      expect(
        data(await call('PATCH', `author-profiles/${id}/`, a.users.editor.auth, { tone: 'calm' })),
      ).toMatchObject({ name: 'Expert', tone: 'calm' });
      expectForbidden(await call('POST', 'author-profiles/', a.users.viewer.auth, { name: 'No' }));
      // Another account: 404 on every id route, nothing in its list.
      expectNotFound(await call('GET', `author-profiles/${id}/`, b.users.owner.auth));
      expectNotFound(await call('PATCH', `author-profiles/${id}/`, b.users.owner.auth, { tone: 'x' }));
      expectNotFound(await call('DELETE', `author-profiles/${id}/`, b.users.owner.auth));
      expect(results(await call('GET', 'author-profiles/', b.users.owner.auth))).toEqual([]);
      expect((await call('DELETE', `author-profiles/${id}/`, a.users.editor.auth)).status).toBe(200);
      expectNotFound(await call('GET', `author-profiles/${id}/`, a.users.editor.auth));
    });

    it('lists the seeded global profiles read-only', async () => {
      const listed = await call('GET', 'global-author-profiles/', a.users.viewer.auth);
      expect(listed.status).toBe(200);
      const rows = results(listed);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(
        data(await call('GET', `global-author-profiles/${rows[0].id as number}/`, b.users.viewer.auth)),
      ).toMatchObject({
        name: rows[0].name,
      });
      expect((await call('POST', 'global-author-profiles/', a.users.owner.auth, { name: 'x' })).status).toBe(
        405,
      );
      expectNotFound(await call('GET', 'global-author-profiles/999999999/', a.users.viewer.auth));
    });

    it('writes the default active profile into the content prompt ([IGNY8_AUTHOR])', async () => {
      const call2 = api(t);
      const render = async (): Promise<string> => {
        fake.reset();
        fake.respondToChat(() => ARTICLE);
        // addTasks names its cluster alike every time.
        await db.query(`UPDATE igny8_clusters SET name = 'old ' || id WHERE account_id = $1`, [a.accountId]);
        const ids = await addTasks(t, a, 1, 500);
        const taskId = await start(call2, 'writer/tasks/auto_generate_content/', a.users.editor.auth, {
          ids,
        });
        const task = await settle(t, call2, taskId, a.users.editor.auth);
        expect(task.status, JSON.stringify(task)).toBe('completed');
        const [request] = fake.requestsTo('chat');
        return userPrompt(request.body);
      };

      const without = await render();
      expect(without).not.toContain('[IGNY8_AUTHOR]');
      expect(without).not.toContain('author profile');

      await call('POST', 'author-profiles/', a.users.editor.auth, {
        name: 'Grace the engineer',
        tone: 'witty and precise',
        target_audience: 'site reliability engineers',
        is_default: true,
      });
      await call('POST', 'author-profiles/', a.users.editor.auth, { name: 'Not default', tone: 'gloomy' });
      const withProfile = await render();
      expect(withProfile).toContain('Author: Grace the engineer');
      expect(withProfile).toContain('Tone: witty and precise');
      expect(withProfile).toContain('Target audience: site reliability engineers');
      expect(withProfile).not.toContain('gloomy');

      // An inactive default profile is not used.
      await db.query('UPDATE igny8_author_profiles SET is_active = false WHERE is_default');
      expect(await render()).not.toContain('Grace the engineer');
    });
  });

  describe('strategies', () => {
    it('creates strategies per scope, refuses a second active one and foreign references', async () => {
      const [site, otherSite] = a.siteIds;
      const sector = a.sectorIds[0][0];
      const created = await call('POST', 'strategies/', a.users.editor.auth, {
        name: 'Sector voice',
        site_id: site,
        sector_id: sector,
        prompt_overrides: { content_generation: 'Write short. [IGNY8_TITLE]' },
        settings: { depth: 2 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(data(created)).toMatchObject({
        account_id: a.accountId,
        site_id: site,
        sector_id: sector,
        is_active: true,
        prompt_overrides: { content_generation: 'Write short. [IGNY8_TITLE]' },
        settings: { depth: 2 },
      });
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, {
          name: 'Again',
          site_id: site,
          sector_id: sector,
        }),
        ['is_active'],
      );
      const accountWide = await call('POST', 'strategies/', a.users.editor.auth, { name: 'Account' });
      expect(accountWide.status).toBe(201);
      expectFieldErrors(await call('POST', 'strategies/', a.users.editor.auth, { name: 'Account 2' }), [
        'is_active',
      ]);
      expect(
        (await call('POST', 'strategies/', a.users.editor.auth, { name: 'Account off', is_active: false }))
          .status,
      ).toBe(201);

      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, { name: 'X', site_id: b.siteIds[0] }),
        ['site_id'],
      );
      // The editor is granted the first site only.
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, { name: 'X', site_id: otherSite }),
        ['site_id'],
      );
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.admin.auth, {
          name: 'X',
          site_id: otherSite,
          sector_id: sector,
        }),
        ['sector_id'],
      );
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, {
          name: 'X',
          site_id: site,
          sector_id: b.sectorIds[0][0],
        }),
        ['sector_id'],
      );
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, {
          name: 'X',
          prompt_overrides: { bogus: 'x' },
        }),
        ['prompt_overrides'],
      );
      expectFieldErrors(
        await call('POST', 'strategies/', a.users.editor.auth, {
          name: 'X',
          settings: { big: 'x'.repeat(70_000) },
        }),
        ['settings'],
      );

      const id = data(created).id as number;
      // site_id is create-only: an update ignores it.
      const patched = await call('PATCH', `strategies/${id}/`, a.users.editor.auth, {
        site_id: otherSite,
        is_active: false,
      });
      expect(data(patched)).toMatchObject({ site_id: site, is_active: false });
      expectNotFound(await call('GET', `strategies/${id}/`, b.users.owner.auth));
      expectNotFound(await call('PUT', `strategies/${id}/`, b.users.owner.auth, { name: 'x' }));
      expectNotFound(await call('DELETE', `strategies/${id}/`, b.users.owner.auth));
      expect(results(await call('GET', 'strategies/', b.users.owner.auth))).toEqual([]);
      expect(results(await call('GET', `strategies/?site_id=${site}`, a.users.viewer.auth))).toHaveLength(1);
      expectForbidden(await call('POST', 'strategies/', a.users.viewer.auth, { name: 'No' }));
      expect((await call('GET', 'strategies/', apiKey(a))).status).toBe(403);
    });

    it("honours the strategy's prompt override in content generation", async () => {
      const call2 = api(t);
      await call('POST', 'strategies/', a.users.editor.auth, {
        name: 'Site voice',
        site_id: a.siteIds[0],
        prompt_overrides: { content_generation: 'STRATEGY PROMPT for "[IGNY8_TITLE]". [IGNY8_AUTHOR]' },
      });
      await call('POST', 'author-profiles/', a.users.editor.auth, { name: 'Ada', is_default: true });
      await db.query(`UPDATE igny8_clusters SET name = 'old ' || id WHERE account_id = $1`, [a.accountId]);
      const ids = await addTasks(t, a, 1, 500);
      const taskId = await start(call2, 'writer/tasks/auto_generate_content/', a.users.editor.auth, { ids });
      await settle(t, call2, taskId, a.users.editor.auth);
      const prompt = userPrompt(fake.requestsTo('chat')[0].body);
      expect(prompt).toMatch(/^STRATEGY PROMPT for "Cloud backup guide 1"\. Write in the voice/);
      expect(prompt).toContain('Author: Ada');
    });
  });
});
