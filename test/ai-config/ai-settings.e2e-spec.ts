import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiSettingsService } from '../../src/modules/ai/config/ai-settings.service.js';
import type { EffectiveAiSettings } from '../../src/modules/ai/entities/ai-settings.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  apiKey,
  data,
  expectFieldErrors,
  expectForbidden,
  modelIds,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from './support.js';

/** The effective settings with models reduced to their names, for readable expectations. */
function named(settings: EffectiveAiSettings) {
  return {
    ...settings,
    text_model: settings.text_model.model_name,
    image_model: settings.image_model.model_name,
  };
}

const SYSTEM_DEFAULTS = {
  text_model: 'gpt-4o-mini',
  image_model: 'gpt-image-1',
  quality_tier: 'quality',
  image_style: 'photorealistic',
  max_images: 2,
  ideas_per_cluster: 3,
  default_word_count: 1000,
  temperature: 0.7,
  max_tokens: 8192,
};

const NO_VALUES = {
  text_model_id: null,
  image_model_id: null,
  quality_tier: null,
  image_style: null,
  max_images: null,
  ideas_per_cluster: null,
  default_word_count: null,
};

describe('AI settings', () => {
  let t: TestApp;
  let db: DataSource;
  let settings: AiSettingsService;
  let models: Record<string, number>;
  let a: SeededTenant;
  let b: SeededTenant;
  let system: SystemAccount;
  const call = systemApi(() => t);

  /** The seeded model rows and the system defaults, as migrations leave them. */
  async function restoreReferenceData(): Promise<void> {
    await db.query('DELETE FROM igny8_ai_settings');
    await db.query("DELETE FROM igny8_ai_models WHERE model_name = 'basic-late'");
    // The default flags are unique per group: clear them all before setting the seeded ones.
    await db.query('UPDATE igny8_ai_models SET is_default = false');
    await db.query(`UPDATE igny8_ai_models SET is_active = model_name IN
      ('gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-5.1', 'gpt-5.2', 'gpt-image-1', 'dall-e-3'),
      is_default = model_name IN ('gpt-4o-mini', 'gpt-image-1')`);
    await db.query(`UPDATE igny8_system_ai_settings SET default_text_model_id = NULL, default_image_model_id = NULL,
      default_quality_tier = 'quality', default_image_style = 'photorealistic', default_max_images = 2,
      default_ideas_per_cluster = 3, default_word_count = 1000`);
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    settings = t.app.get(AiSettingsService);
    models = await modelIds(t);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    system = await seedSystemAccount(t);
  });
  afterAll(() => t.close());
  beforeEach(restoreReferenceData);

  describe('effective resolution', () => {
    it('uses the system defaults when neither the account nor the site has a row', async () => {
      expect(named(await settings.effective(a.accountId, null))).toEqual(SYSTEM_DEFAULTS);
      expect(named(await settings.effective(a.accountId, a.siteIds[0]))).toEqual(SYSTEM_DEFAULTS);
    });

    it('follows changes to the system defaults, including an explicit system model', async () => {
      await db.query(
        `UPDATE igny8_system_ai_settings SET default_max_images = 4, default_word_count = 1500,
           default_text_model_id = $1, default_image_model_id = $2`,
        [models['gpt-4o'], models['dall-e-3']],
      );
      expect(named(await settings.effective(a.accountId, null))).toEqual({
        ...SYSTEM_DEFAULTS,
        text_model: 'gpt-4o',
        image_model: 'dall-e-3',
        max_images: 4,
        default_word_count: 1500,
      });
    });

    it('takes each value from the site row, else the account row, else the system', async () => {
      await settings.update(a.accountId, null, {
        max_images: 5,
        image_style: 'watercolor',
        ideas_per_cluster: 7,
        text_model_id: models['gpt-5.1'],
      });
      await settings.update(a.accountId, a.siteIds[0], { max_images: 6, text_model_id: models['gpt-4.1'] });

      expect(named(await settings.effective(a.accountId, a.siteIds[0]))).toEqual({
        ...SYSTEM_DEFAULTS,
        text_model: 'gpt-4.1',
        max_images: 6,
        image_style: 'watercolor',
        ideas_per_cluster: 7,
      });
      // The other site has no row of its own: the account values apply.
      expect(named(await settings.effective(a.accountId, a.siteIds[1]))).toEqual({
        ...SYSTEM_DEFAULTS,
        text_model: 'gpt-5.1',
        max_images: 5,
        image_style: 'watercolor',
        ideas_per_cluster: 7,
      });
      // Another account is untouched.
      expect(named(await settings.effective(b.accountId, b.siteIds[0]))).toEqual(SYSTEM_DEFAULTS);
    });

    it('lets a null site value inherit and a reset site fall back to the account level', async () => {
      await settings.update(a.accountId, null, { default_word_count: 2000 });
      await settings.update(a.accountId, a.siteIds[0], { default_word_count: 3000 });
      expect((await settings.effective(a.accountId, a.siteIds[0])).default_word_count).toBe(3000);
      await settings.update(a.accountId, a.siteIds[0], { default_word_count: null });
      expect((await settings.effective(a.accountId, a.siteIds[0])).default_word_count).toBe(2000);
      await settings.update(a.accountId, a.siteIds[0], { max_images: 8 });
      await settings.resetSite(a.accountId, a.siteIds[0]);
      expect((await settings.view(a.accountId, a.siteIds[0])).values).toEqual(NO_VALUES);
      expect((await settings.effective(a.accountId, a.siteIds[0])).max_images).toBe(2);
    });

    it('prefers an explicit image model (site → account → system) over the tier default', async () => {
      await settings.update(a.accountId, null, { image_model_id: models['dall-e-3'], quality_tier: 'basic' });
      expect(named(await settings.effective(a.accountId, a.siteIds[0])).image_model).toBe('dall-e-3');

      await db.query("UPDATE igny8_ai_models SET is_active = true WHERE model_name = 'runware:97@1'");
      await settings.update(a.accountId, a.siteIds[0], { image_model_id: models['runware:97@1'] });
      expect(named(await settings.effective(a.accountId, a.siteIds[0])).image_model).toBe('runware:97@1');
      expect(named(await settings.effective(a.accountId, a.siteIds[1])).image_model).toBe('dall-e-3');
    });

    it("uses the effective tier's default image model, else its lowest sort order", async () => {
      await db.query(
        "UPDATE igny8_ai_models SET is_active = true WHERE model_name IN ('runware:97@1', 'google:4@2')",
      );
      await settings.update(a.accountId, null, { quality_tier: 'basic' });
      await settings.update(a.accountId, a.siteIds[0], { quality_tier: 'premium' });
      // Neither tier has a model marked default: the active model of the tier is used.
      expect(named(await settings.effective(a.accountId, null))).toMatchObject({
        quality_tier: 'basic',
        image_model: 'runware:97@1',
      });
      expect(named(await settings.effective(a.accountId, a.siteIds[0]))).toMatchObject({
        quality_tier: 'premium',
        image_model: 'google:4@2',
      });

      // A second basic model: the lowest sort order wins until one is marked default.
      const [{ id }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_ai_models (model_name, display_name, model_type, provider, quality_tier, credits_per_image, sort_order)
         VALUES ('basic-late', 'Basic late', 'image', 'openai', 'basic', 1, 99) RETURNING id`,
      );
      expect((await settings.effective(a.accountId, null)).image_model.model_name).toBe('runware:97@1');
      await db.query('UPDATE igny8_ai_models SET is_default = true WHERE id = $1', [id]);
      expect((await settings.effective(a.accountId, null)).image_model.model_name).toBe('basic-late');
    });

    it('falls back to the default image model of the quality tier when the tier has no active model', async () => {
      // Seeded: the only basic and premium models are inactive.
      await settings.update(a.accountId, null, { quality_tier: 'premium' });
      expect(named(await settings.effective(a.accountId, null))).toMatchObject({
        quality_tier: 'premium',
        image_model: 'gpt-image-1',
      });
      await db.query("UPDATE igny8_system_ai_settings SET default_quality_tier = 'basic'");
      expect(named(await settings.effective(b.accountId, null))).toMatchObject({
        quality_tier: 'basic',
        image_model: 'gpt-image-1',
      });
    });

    it('selects quality_option2 models like quality ones', async () => {
      await db.query(`UPDATE igny8_ai_models SET is_active = (model_name = 'seedream-4.5'), is_default = false
                       WHERE model_type = 'image'`);
      expect((await settings.effective(a.accountId, null)).image_model.model_name).toBe('seedream-4.5');
    });

    it('skips an explicit model that is no longer active', async () => {
      await settings.update(a.accountId, null, {
        text_model_id: models['gpt-4o'],
        image_model_id: models['dall-e-3'],
      });
      await db.query(
        "UPDATE igny8_ai_models SET is_active = false WHERE model_name IN ('gpt-4o', 'dall-e-3')",
      );
      expect(named(await settings.effective(a.accountId, null))).toMatchObject({
        text_model: 'gpt-4o-mini',
        image_model: 'gpt-image-1',
      });
    });

    it('uses the default text model when nothing is explicit, whichever model carries the flag', async () => {
      await db.query(
        "UPDATE igny8_ai_models SET is_default = (model_name = 'gpt-5.2') WHERE model_type = 'text'",
      );
      expect((await settings.effective(a.accountId, null)).text_model.model_name).toBe('gpt-5.2');
    });
  });

  describe('GET, PATCH system/settings/ai/', () => {
    it('shows the account values (null when unset) and the effective values to any user', async () => {
      const response = await call('GET', 'settings/ai/', a.users.viewer.auth);
      expect(response.status).toBe(200);
      expect(data(response)).toEqual({
        account: NO_VALUES,
        effective: {
          text_model_id: models['gpt-4o-mini'],
          text_model: 'gpt-4o-mini',
          image_model_id: models['gpt-image-1'],
          image_model: 'gpt-image-1',
          quality_tier: 'quality',
          image_style: 'photorealistic',
          max_images: 2,
          ideas_per_cluster: 3,
          default_word_count: 1000,
        },
      });
    });

    it('lets admins and owners change the account level; null clears a value', async () => {
      const patched = await call('PATCH', 'settings/ai/', a.users.admin.auth, {
        text_model_id: models['gpt-4o'],
        image_model_id: models['dall-e-3'],
        quality_tier: 'premium',
        image_style: 'watercolor',
        max_images: 8,
        ideas_per_cluster: 10,
        default_word_count: 100,
        account_id: b.accountId,
      });
      expect(patched.status).toBe(200);
      const values = {
        text_model_id: models['gpt-4o'],
        image_model_id: models['dall-e-3'],
        quality_tier: 'premium',
        image_style: 'watercolor',
        max_images: 8,
        ideas_per_cluster: 10,
        default_word_count: 100,
      };
      expect(data(patched)).toEqual({
        account: values,
        effective: { ...values, text_model: 'gpt-4o', image_model: 'dall-e-3' },
      });
      const [row] = await db.query<{ account_id: number; created_by: number | null }[]>(
        'SELECT account_id, created_by FROM igny8_ai_settings WHERE site_id IS NULL AND account_id = $1',
        [a.accountId],
      );
      expect(row).toEqual({ account_id: a.accountId, created_by: a.users.admin.id });

      const cleared = await call('PATCH', 'settings/ai/', a.users.owner.auth, {
        max_images: null,
        image_model_id: null,
        default_word_count: 10000,
      });
      expect(cleared.status).toBe(200);
      expect(data(cleared)).toMatchObject({
        account: { ...values, max_images: null, image_model_id: null, default_word_count: 10000 },
        effective: {
          max_images: 2,
          image_model: 'gpt-image-1',
          quality_tier: 'premium',
          default_word_count: 10000,
        },
      });
      expect(
        (await db.query('SELECT id FROM igny8_ai_settings WHERE account_id = $1', [a.accountId])).length,
      ).toBe(1);

      // Account B never saw any of it.
      expect(data(await call('GET', 'settings/ai/', b.users.admin.auth)).account).toEqual(NO_VALUES);
    });

    it('keeps one account row under concurrent first writes', async () => {
      const responses = await Promise.all(
        [1, 2, 3, 4].map((n) => call('PATCH', 'settings/ai/', a.users.admin.auth, { max_images: n })),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      const rows = await db.query<{ max_images: number }[]>(
        'SELECT max_images FROM igny8_ai_settings WHERE account_id = $1',
        [a.accountId],
      );
      expect(rows).toHaveLength(1);
      expect([1, 2, 3, 4]).toContain(rows[0].max_images);
    });

    it('refuses viewers, editors and API keys for PATCH, and API keys for GET', async () => {
      expectForbidden(await call('PATCH', 'settings/ai/', a.users.viewer.auth, { max_images: 3 }));
      expectForbidden(await call('PATCH', 'settings/ai/', a.users.editor.auth, { max_images: 3 }));
      const keyRead = await call('GET', 'settings/ai/', apiKey(a));
      expect(keyRead.status).toBe(403);
      expect(keyRead.body.code).toBe('api_key_not_allowed');
      expect((await call('GET', 'settings/ai/')).status).toBe(401);
      expect(await db.query('SELECT id FROM igny8_ai_settings')).toEqual([]);
    });

    it('answers 400 on the field for a model of the wrong type, an inactive model or an unknown id', async () => {
      expectFieldErrors(
        await call('PATCH', 'settings/ai/', a.users.admin.auth, {
          text_model_id: models['gpt-image-1'],
          image_model_id: models['gpt-4o'],
        }),
        ['text_model_id', 'image_model_id'],
      );
      const inactive = await call('PATCH', 'settings/ai/', a.users.admin.auth, {
        image_model_id: models['runware:97@1'],
      });
      expectFieldErrors(inactive, ['image_model_id']);
      expect((inactive.body.errors as Record<string, string[]>).image_model_id).toEqual([
        `Model "${models['runware:97@1']}" is not an active image model.`,
      ]);
      const unknown = await call('PATCH', 'settings/ai/', a.users.admin.auth, { text_model_id: 999999 });
      expect((unknown.body.errors as Record<string, string[]>).text_model_id).toEqual([
        'Invalid pk "999999" - object does not exist.',
      ]);
      expect(await db.query('SELECT id FROM igny8_ai_settings')).toEqual([]);
    });

    it.each([
      ['max_images', 0],
      ['max_images', 9],
      ['ideas_per_cluster', 0],
      ['ideas_per_cluster', 11],
      ['default_word_count', 99],
      ['default_word_count', 10001],
      ['default_word_count', 1000.5],
      ['image_style', 'x'.repeat(51)],
      ['image_style', '  '],
      ['quality_tier', 'quality_option2'],
      ['quality_tier', 'ultra'],
      ['text_model_id', 'abc'],
      ['image_model_id', 0],
    ])('answers 400 for %s = %j', async (field, value) => {
      expectFieldErrors(await call('PATCH', 'settings/ai/', a.users.admin.auth, { [field]: value }), [field]);
    });

    it("gives a system-account user its own account's settings", async () => {
      await call('PATCH', 'settings/ai/', a.users.admin.auth, { max_images: 7 });
      const own = await call('GET', 'settings/ai/', system.developer.auth);
      expect(data(own).account).toEqual(NO_VALUES);
      const patched = await call('PATCH', 'settings/ai/', system.developer.auth, { max_images: 3 });
      expect(data(patched).account).toMatchObject({ max_images: 3 });
      expect(data(await call('GET', 'settings/ai/', a.users.viewer.auth)).account).toMatchObject({
        max_images: 7,
      });
    });
  });
});
