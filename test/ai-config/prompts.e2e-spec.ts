import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PromptService } from '../../src/modules/ai/config/prompt.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  apiKey,
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  results,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from './support.js';

describe('AI prompts', () => {
  let t: TestApp;
  let db: DataSource;
  let prompts: PromptService;
  let a: SeededTenant;
  let b: SeededTenant;
  let system: SystemAccount;
  let globals: Record<string, string>;
  const call = systemApi(() => t);

  async function strategy(
    tenant: SeededTenant,
    name: string,
    scope: { site?: number; sector?: number },
    overrides: Record<string, string>,
  ): Promise<number> {
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_strategies (account_id, name, site_id, sector_id, prompt_overrides)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [tenant.accountId, name, scope.site ?? null, scope.sector ?? null, JSON.stringify(overrides)],
    );
    return id;
  }

  async function accountPrompt(tenant: SeededTenant, type: string, value: string): Promise<number> {
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_ai_prompts (account_id, prompt_type, prompt_value) VALUES ($1, $2, $3) RETURNING id`,
      [tenant.accountId, type, value],
    );
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    prompts = t.app.get(PromptService);
    a = await seedTenant(t.app, { sites: 2, sectorsPerSite: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    system = await seedSystemAccount(t);
    const rows = await db.query<{ prompt_type: string; prompt_value: string }[]>(
      'SELECT prompt_type, prompt_value FROM igny8_global_ai_prompts',
    );
    globals = Object.fromEntries(rows.map((row) => [row.prompt_type, row.prompt_value]));
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await db.query('DELETE FROM igny8_strategies');
    await db.query('DELETE FROM igny8_ai_prompts');
  });

  describe('resolution', () => {
    const scopeOf = (tenant: SeededTenant, site: number | null, sector: number | null) => ({
      accountId: tenant.accountId,
      siteId: site === null ? null : tenant.siteIds[site],
      sectorId: site === null || sector === null ? null : tenant.sectorIds[site][sector],
    });

    it('goes override → sector strategy → site strategy → account strategy → account prompt → global', async () => {
      const sectorStrategy = await strategy(
        a,
        'Sector',
        { site: a.siteIds[0], sector: a.sectorIds[0][0] },
        {
          content_generation: 'SECTOR STRATEGY',
        },
      );
      const siteStrategy = await strategy(
        a,
        'Site',
        { site: a.siteIds[0] },
        { content_generation: 'SITE STRATEGY' },
      );
      const accountStrategy = await strategy(a, 'Account', {}, { content_generation: 'ACCOUNT STRATEGY' });
      const own = await accountPrompt(a, 'content_generation', 'ACCOUNT PROMPT');
      const resolve = (scope: ReturnType<typeof scopeOf>, taskOverride?: string | null) =>
        prompts.resolve('content_generation', { ...scope, taskOverride });

      expect(await resolve(scopeOf(a, 0, 0), 'TASK OVERRIDE')).toBe('TASK OVERRIDE');
      expect(await resolve(scopeOf(a, 0, 0), '   ')).toBe('SECTOR STRATEGY');
      expect(await resolve(scopeOf(a, 0, 0), null)).toBe('SECTOR STRATEGY');
      // The other sector of the site, and the site without a sector: the site strategy.
      expect(await resolve(scopeOf(a, 0, 1))).toBe('SITE STRATEGY');
      expect(await resolve(scopeOf(a, 0, null))).toBe('SITE STRATEGY');
      // Another site, or no site at all: the account-wide strategy.
      expect(await resolve(scopeOf(a, 1, 0))).toBe('ACCOUNT STRATEGY');
      expect(await resolve(scopeOf(a, null, null))).toBe('ACCOUNT STRATEGY');

      // Inactive rows are skipped, step by step.
      await db.query('UPDATE igny8_strategies SET is_active = false WHERE id = $1', [sectorStrategy]);
      expect(await resolve(scopeOf(a, 0, 0))).toBe('SITE STRATEGY');
      await db.query('UPDATE igny8_strategies SET is_active = false WHERE id = $1', [siteStrategy]);
      expect(await resolve(scopeOf(a, 0, 0))).toBe('ACCOUNT STRATEGY');
      await db.query('UPDATE igny8_strategies SET is_active = false WHERE id = $1', [accountStrategy]);
      expect(await resolve(scopeOf(a, 0, 0))).toBe('ACCOUNT PROMPT');
      await db.query('UPDATE igny8_ai_prompts SET is_active = false WHERE id = $1', [own]);
      expect(await resolve(scopeOf(a, 0, 0))).toBe(globals.content_generation);
    });

    it('applies only the most specific active strategy: without an override for the type it goes to the account prompt', async () => {
      await strategy(
        a,
        'Sector',
        { site: a.siteIds[0], sector: a.sectorIds[0][0] },
        { ideas: 'SECTOR IDEAS' },
      );
      await strategy(a, 'Site', { site: a.siteIds[0] }, { clustering: 'SITE CLUSTERING' });
      await accountPrompt(a, 'clustering', 'ACCOUNT CLUSTERING');
      expect(await prompts.resolve('ideas', scopeOf(a, 0, 0))).toBe('SECTOR IDEAS');
      expect(await prompts.resolve('clustering', scopeOf(a, 0, 0))).toBe('ACCOUNT CLUSTERING');
      expect(await prompts.resolve('clustering', scopeOf(a, 0, 1))).toBe('SITE CLUSTERING');
      expect(await prompts.resolve('linking', scopeOf(a, 0, 1))).toBe(globals.linking);
    });

    it('treats blank texts as absent', async () => {
      await strategy(a, 'Account', {}, { optimization: '  ' });
      await accountPrompt(a, 'optimization', '');
      expect(await prompts.resolve('optimization', scopeOf(a, 0, 0))).toBe(globals.optimization);
    });

    it("never uses another account's strategies or prompts", async () => {
      await strategy(a, 'Account', {}, { clustering: 'A STRATEGY' });
      await accountPrompt(a, 'ideas', 'A PROMPT');
      // Even when a foreign site or sector is named.
      const foreign = { accountId: b.accountId, siteId: a.siteIds[0], sectorId: a.sectorIds[0][0] };
      expect(await prompts.resolve('clustering', foreign)).toBe(globals.clustering);
      expect(await prompts.resolve('ideas', scopeOf(b, 0, 0))).toBe(globals.ideas);
    });
  });

  describe('render', () => {
    it('replaces [IGNY8_NAME] placeholders, whatever form the keys take', () => {
      expect(
        prompts.render(
          'Cluster "[IGNY8_CLUSTER_NAME]": [IGNY8_KEYWORDS] ([IGNY8_IDEA_COUNT] ideas, [IGNY8_KEYWORDS])',
          {
            CLUSTER_NAME: 'Cloud',
            IGNY8_KEYWORDS: 'aws, azure',
            '[IGNY8_IDEA_COUNT]': '3',
          },
        ),
      ).toBe('Cluster "Cloud": aws, azure (3 ideas, aws, azure)');
    });

    it('leaves placeholders without a value as they are and does not expand values again', () => {
      expect(prompts.render('[IGNY8_TITLE] by [IGNY8_AUTHOR] [igny8_title] [IGNY8_]', { TITLE: 'Go' })).toBe(
        'Go by [IGNY8_AUTHOR] [igny8_title] [IGNY8_]',
      );
      expect(prompts.render('[IGNY8_A] [IGNY8_B]', { A: '[IGNY8_B] $& $1', B: 'b' })).toBe(
        '[IGNY8_B] $& $1 b',
      );
      expect(prompts.render('', { A: 'x' })).toBe('');
    });

    it('fills every placeholder a seeded global prompt declares', async () => {
      const [row] = await db.query<{ prompt_value: string; variables: string[] }[]>(
        "SELECT prompt_value, variables FROM igny8_global_ai_prompts WHERE prompt_type = 'ideas'",
      );
      const variables = Object.fromEntries(row.variables.map((name) => [name, 'value']));
      const rendered = prompts.render(row.prompt_value, variables);
      expect(rendered).not.toMatch(/\[IGNY8_/);
      expect(rendered).toContain('value');
    });
  });

  describe('system/prompts/ endpoints', () => {
    const savePrompt = (headers: Record<string, string>, body: Body) =>
      call('POST', 'prompts/save_prompt/', headers, body);

    it('by_type answers the global prompt until the account has its own', async () => {
      const global = await call('GET', 'prompts/by_type/?prompt_type=clustering', a.users.viewer.auth);
      expect(global.status).toBe(200);
      expect(data(global)).toEqual({
        prompt_type: 'clustering',
        prompt_value: globals.clustering,
        default_prompt: globals.clustering,
        is_custom: false,
        is_active: true,
      });
      await savePrompt(a.users.editor.auth, { prompt_type: 'clustering', prompt_value: 'Mine' });
      const custom = await call('GET', 'prompts/by_type?prompt_type=clustering', apiKey(a));
      expect(data(custom)).toEqual({
        prompt_type: 'clustering',
        prompt_value: 'Mine',
        default_prompt: globals.clustering,
        is_custom: true,
        is_active: true,
      });
      // Account B still sees the global prompt.
      expect(
        data(await call('GET', 'prompts/by_type/?prompt_type=clustering', b.users.viewer.auth)),
      ).toMatchObject({
        is_custom: false,
      });
    });

    it('by_type needs a valid prompt_type', async () => {
      expectFieldErrors(await call('GET', 'prompts/by_type/', a.users.viewer.auth), ['prompt_type']);
      expectFieldErrors(await call('GET', 'prompts/by_type/?prompt_type=poetry', a.users.viewer.auth), [
        'prompt_type',
      ]);
    });

    it('save_prompt creates the row (copying the global text), then updates it', async () => {
      const created = await savePrompt(a.users.editor.auth, {
        prompt_type: 'ideas',
        prompt_value: 'First',
        account_id: b.accountId,
      });
      expect(created.status).toBe(200);
      expect(data(created)).toEqual({
        id: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
        account_id: a.accountId,
        created_by: a.users.editor.id,
        prompt_type: 'ideas',
        prompt_value: 'First',
        default_prompt: globals.ideas,
        is_active: true,
      });
      const updated = await savePrompt(a.users.admin.auth, { prompt_type: 'ideas', prompt_value: 'Second' });
      expect(data(updated)).toMatchObject({
        id: data(created).id,
        prompt_value: 'Second',
        default_prompt: globals.ideas,
      });
      expect(await prompts.resolve('ideas', { accountId: a.accountId, siteId: null, sectorId: null })).toBe(
        'Second',
      );
      expect(await db.query('SELECT id FROM igny8_ai_prompts WHERE account_id = $1', [b.accountId])).toEqual(
        [],
      );
    });

    it('save_prompt keeps one row per type under concurrent saves', async () => {
      const responses = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          savePrompt(a.users.editor.auth, { prompt_type: 'negative_prompt', prompt_value: `v${n}` }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      const rows = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_ai_prompts WHERE account_id = $1 AND prompt_type = 'negative_prompt'",
        [a.accountId],
      );
      expect(rows).toHaveLength(1);
      expect(new Set(responses.map((response) => data(response).id))).toEqual(new Set([rows[0].id]));
    });

    it('save_prompt validates its body and needs an editor', async () => {
      expectFieldErrors(await savePrompt(a.users.editor.auth, {}), ['prompt_type', 'prompt_value']);
      expectFieldErrors(await savePrompt(a.users.editor.auth, { prompt_type: 'poetry', prompt_value: 'x' }), [
        'prompt_type',
      ]);
      expectFieldErrors(await savePrompt(a.users.editor.auth, { prompt_type: 'ideas', prompt_value: '  ' }), [
        'prompt_value',
      ]);
      expectFieldErrors(
        await savePrompt(a.users.editor.auth, { prompt_type: 'ideas', prompt_value: 'x'.repeat(20001) }),
        ['prompt_value'],
      );
      expect(
        (await savePrompt(a.users.editor.auth, { prompt_type: 'ideas', prompt_value: 'x'.repeat(20000) }))
          .status,
      ).toBe(200);
      expectForbidden(await savePrompt(a.users.viewer.auth, { prompt_type: 'ideas', prompt_value: 'x' }));
      const byKey = await savePrompt(apiKey(a), { prompt_type: 'ideas', prompt_value: 'x' });
      expect(byKey.status).toBe(403);
      expect(byKey.body.code).toBe('api_key_not_allowed');
    });

    it('lists the account prompts (paginated, filter prompt_type) and reads one', async () => {
      const ideas = await accountPrompt(a, 'ideas', 'A ideas');
      const linking = await accountPrompt(a, 'linking', 'A linking');
      const foreign = await accountPrompt(b, 'ideas', 'B ideas');

      const page = await call('GET', 'prompts/', a.users.viewer.auth);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ success: true, count: 2, next: null, previous: null });
      expect(results(page).map((row) => row.id)).toEqual([linking, ideas]);
      const filtered = await call('GET', 'prompts/?prompt_type=linking', apiKey(a));
      expect(results(filtered).map((row) => row.id)).toEqual([linking]);
      expectFieldErrors(await call('GET', 'prompts/?prompt_type=poetry', a.users.viewer.auth), [
        'prompt_type',
      ]);

      expect(data(await call('GET', `prompts/${ideas}/`, apiKey(a)))).toMatchObject({
        id: ideas,
        prompt_value: 'A ideas',
      });
      expectNotFound(await call('GET', `prompts/${foreign}/`, a.users.admin.auth));
      expectNotFound(await call('GET', 'prompts/abc/', a.users.admin.auth));
      expect(results(await call('GET', 'prompts/', b.users.viewer.auth)).map((row) => row.id)).toEqual([
        foreign,
      ]);
    });

    it('lets editors change and delete a prompt; other accounts get 404', async () => {
      const id = await accountPrompt(a, 'optimization', 'Original');
      const patched = await call('PATCH', `prompts/${id}/`, a.users.editor.auth, {
        is_active: false,
        prompt_type: 'linking',
        account_id: b.accountId,
      });
      expect(data(patched)).toMatchObject({
        id,
        prompt_type: 'optimization',
        is_active: false,
        account_id: a.accountId,
      });
      expect(
        await prompts.resolve('optimization', { accountId: a.accountId, siteId: null, sectorId: null }),
      ).toBe(globals.optimization);
      const text = await call('PATCH', `prompts/${id}/`, a.users.editor.auth, {
        prompt_value: 'Changed',
        is_active: true,
      });
      expect(data(text)).toMatchObject({ prompt_value: 'Changed', is_active: true });
      expectFieldErrors(await call('PATCH', `prompts/${id}/`, a.users.editor.auth, { prompt_value: '' }), [
        'prompt_value',
      ]);
      expectFieldErrors(await call('PATCH', `prompts/${id}/`, a.users.editor.auth, { is_active: 'no' }), [
        'is_active',
      ]);

      expectForbidden(await call('PATCH', `prompts/${id}/`, a.users.viewer.auth, { prompt_value: 'Viewer' }));
      expectForbidden(await call('DELETE', `prompts/${id}/`, a.users.viewer.auth));
      expectNotFound(await call('PATCH', `prompts/${id}/`, b.users.admin.auth, { prompt_value: 'Hijack' }));
      expectNotFound(await call('DELETE', `prompts/${id}/`, b.users.owner.auth));
      expectNotFound(await call('PATCH', 'prompts/999999/', a.users.editor.auth, { prompt_value: 'x' }));
      expect(await db.query('SELECT prompt_value FROM igny8_ai_prompts WHERE id = $1', [id])).toEqual([
        { prompt_value: 'Changed' },
      ]);

      const deleted = await call('DELETE', `prompts/${id}/`, a.users.editor.auth);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ success: true, data: null, message: 'Deleted.' });
      expectNotFound(await call('GET', `prompts/${id}/`, a.users.editor.auth));
      expect(await db.query('SELECT id FROM igny8_ai_prompts WHERE id = $1', [id])).toEqual([]);
    });

    it('reset_prompt removes the account row and answers the global prompt', async () => {
      await accountPrompt(a, 'linking', 'A linking');
      const foreign = await accountPrompt(b, 'linking', 'B linking');
      const reset = await call('POST', 'prompts/reset_prompt/', a.users.editor.auth, {
        prompt_type: 'linking',
      });
      expect(reset.status).toBe(200);
      expect(data(reset)).toEqual({
        prompt_type: 'linking',
        prompt_value: globals.linking,
        default_prompt: globals.linking,
        is_custom: false,
        is_active: true,
      });
      expect(await db.query('SELECT id FROM igny8_ai_prompts WHERE prompt_type = $1', ['linking'])).toEqual([
        { id: foreign },
      ]);
      // Nothing to reset is not an error.
      expect(
        (await call('POST', 'prompts/reset_prompt/', a.users.editor.auth, { prompt_type: 'linking' })).status,
      ).toBe(200);
      expectFieldErrors(await call('POST', 'prompts/reset_prompt/', a.users.editor.auth, {}), [
        'prompt_type',
      ]);
      expectForbidden(
        await call('POST', 'prompts/reset_prompt/', a.users.viewer.auth, { prompt_type: 'linking' }),
      );
    });

    it('needs credentials', async () => {
      expect((await call('GET', 'prompts/')).status).toBe(401);
    });

    it("lets system-account users read every account's prompts but save only their own", async () => {
      const id = await accountPrompt(a, 'ideas', 'A ideas');
      expect(data(await call('GET', `prompts/${id}/`, system.developer.auth))).toMatchObject({
        account_id: a.accountId,
      });
      const narrowed = await call('GET', `prompts/?account_id=${a.accountId}`, system.users.viewer.auth);
      expect(results(narrowed).map((row) => row.id)).toEqual([id]);
      const own = await savePrompt(system.developer.auth, {
        prompt_type: 'ideas',
        prompt_value: 'System ideas',
      });
      expect(data(own)).toMatchObject({ account_id: system.accountId, prompt_value: 'System ideas' });
      expect(data(await call('GET', `prompts/${id}/`, a.users.viewer.auth))).toMatchObject({
        prompt_value: 'A ideas',
      });
    });
  });
});
