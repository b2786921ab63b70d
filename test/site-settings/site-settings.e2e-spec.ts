import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AutomationFrequency, nextRunAt } from '../../src/modules/automation-config/next-run.js';
import { PublishingSettingsService } from '../../src/modules/publishing-settings/publishing-settings.service.js';
import {
  apiKey,
  type ApiResponse,
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  type Headers,
  modelIds,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from '../ai-config/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, snapshot, type SeededTenant } from '../support/tenants.js';

const SETTINGS_TABLES = ['igny8_ai_settings', 'igny8_automation_configs', 'igny8_publishing_settings'];

const NO_AI_VALUES = {
  text_model_id: null,
  image_model_id: null,
  quality_tier: null,
  image_style: null,
  max_images: null,
  ideas_per_cluster: null,
  default_word_count: null,
};

const AUTOMATION_DEFAULTS = {
  is_enabled: false,
  frequency: 'daily',
  scheduled_time: '02:00',
  stage_1_batch_size: 20,
  stage_2_batch_size: 1,
  stage_3_batch_size: 20,
  stage_4_batch_size: 1,
  stage_5_batch_size: 1,
  stage_6_batch_size: 1,
  within_stage_delay: 3,
  between_stage_delay: 5,
  last_run_at: null,
  next_run_at: null,
  test_trigger_at: null,
};

const PUBLISHING_DEFAULTS = {
  auto_approval_enabled: false,
  auto_publish_enabled: false,
  daily_publish_limit: 3,
  weekly_publish_limit: 15,
  monthly_publish_limit: 50,
  publish_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  publish_time_slots: ['09:00', '14:00', '18:00'],
  default_post_status: 'publish',
};

/** The columns every row object carries (docs/api-conventions.md#object-representations). */
function rowOf(accountId: number, siteId: number) {
  return {
    id: expect.any(Number),
    created_at: expect.any(String),
    updated_at: expect.any(String),
    account_id: accountId,
    created_by: expect.toBeOneOf([expect.any(Number), null]),
    site_id: siteId,
  };
}

/** Local weekday, day of month, hour and minute of `iso` in `timeZone`. */
function localParts(iso: string, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    weekday: part('weekday'),
    day: Number(part('day')),
    hour: Number(part('hour')),
    minute: Number(part('minute')),
  };
}

describe('system/sites/{id}/settings/', () => {
  let t: TestApp;
  let db: DataSource;
  let models: Record<string, number>;
  let a: SeededTenant;
  let b: SeededTenant;
  let system: SystemAccount;
  const call = systemApi(() => t);

  const settingsOf = (siteId: number) => `sites/${siteId}/settings/`;
  const resetOf = (siteId: number) => `sites/${siteId}/settings/reset/`;
  const getSettings = (siteId: number, headers: Headers) => call('GET', settingsOf(siteId), headers);
  const patch = (siteId: number, headers: Headers, body: unknown) =>
    call('PATCH', settingsOf(siteId), headers, body);
  const reset = (siteId: number, headers: Headers, body: unknown = {}) =>
    call('POST', resetOf(siteId), headers, body);
  const settingsRows = () => snapshot(t.app, SETTINGS_TABLES);
  const columnsOf = async (table: string) =>
    (
      await db.query<{ column_name: string }[]>(
        'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
        [table],
      )
    )
      .map((row) => row.column_name)
      .sort();

  /** PATCHes `automation` and asserts `next_run_at` is what the schedule gives around the request. */
  async function expectScheduled(
    frequency: AutomationFrequency,
    hour: number,
    timeZone: string,
  ): Promise<string> {
    const before = new Date();
    const response = await patch(a.siteIds[0], a.users.editor.auth, {
      automation: { is_enabled: true, frequency, scheduled_time: `${String(hour).padStart(2, '0')}:45` },
    });
    const after = new Date();
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const nextRun = (data(response).automation as Body).next_run_at as string;
    expect([before, after].map((now) => nextRunAt(frequency, hour, timeZone, now).toISOString())).toContain(
      nextRun,
    );
    return nextRun;
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    models = await modelIds(t);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    system = await seedSystemAccount(t);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    for (const table of SETTINGS_TABLES) await db.query(`DELETE FROM ${table}`);
    await db.query(`UPDATE igny8_default_automation_config SET is_enabled = false, frequency = 'daily',
      scheduled_time = '02:00', stage_1_batch_size = 20, stage_2_batch_size = 1, stage_3_batch_size = 20,
      stage_4_batch_size = 1, stage_5_batch_size = 1, stage_6_batch_size = 1, within_stage_delay = 3,
      between_stage_delay = 5`);
    await db.query("UPDATE igny8_accounts SET account_timezone = 'UTC'");
  });

  describe('GET', () => {
    it('creates the automation config and publishing settings with the defaults on first read', async () => {
      expect(await settingsRows()).toEqual(Object.fromEntries(SETTINGS_TABLES.map((table) => [table, []])));
      const response = await getSettings(a.siteIds[0], a.users.viewer.auth);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response)).toEqual({
        site_id: a.siteIds[0],
        ai: {
          site: NO_AI_VALUES,
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
        },
        automation: { ...rowOf(a.accountId, a.siteIds[0]), ...AUTOMATION_DEFAULTS },
        publishing: { ...rowOf(a.accountId, a.siteIds[0]), ...PUBLISHING_DEFAULTS },
      });
      const automation = data(response).automation as Body;
      expect(automation.created_by).toBe(a.users.viewer.id);
      // Every column, nothing else (docs/api-conventions.md#object-representations).
      expect(Object.keys(automation).sort()).toEqual(await columnsOf('igny8_automation_configs'));
      expect(Object.keys(data(response).publishing as Body).sort()).toEqual(
        await columnsOf('igny8_publishing_settings'),
      );
      expect(automation.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      // Reading again reuses the rows; no AI row is created by reading.
      const again = await getSettings(a.siteIds[0], a.users.viewer.auth);
      expect(data(again)).toEqual(data(response));
      const rows = await settingsRows();
      expect(rows.igny8_ai_settings).toEqual([]);
      expect(rows.igny8_automation_configs).toHaveLength(1);
      expect(rows.igny8_publishing_settings).toHaveLength(1);
    });

    it('keeps one row per site under concurrent first reads', async () => {
      const responses = await Promise.all(
        [1, 2, 3, 4].map(() => getSettings(a.siteIds[0], a.users.admin.auth)),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(responses.map((response) => (data(response).automation as Body).id)).size).toBe(1);
      const rows = await settingsRows();
      expect(rows.igny8_automation_configs).toHaveLength(1);
      expect(rows.igny8_publishing_settings).toHaveLength(1);
    });

    it('copies DefaultAutomationConfig into a new config and schedules it when enabled', async () => {
      await db.query(`UPDATE igny8_default_automation_config SET is_enabled = true, frequency = 'weekly',
        scheduled_time = '06:00', stage_2_batch_size = 7, between_stage_delay = 60`);
      await db.query("UPDATE igny8_accounts SET account_timezone = 'Asia/Tokyo' WHERE id = $1", [
        a.accountId,
      ]);
      const before = new Date();
      const automation = data(await getSettings(a.siteIds[0], a.users.viewer.auth)).automation as Body;
      const after = new Date();
      expect(automation).toMatchObject({
        ...AUTOMATION_DEFAULTS,
        is_enabled: true,
        frequency: 'weekly',
        scheduled_time: '06:00',
        stage_2_batch_size: 7,
        between_stage_delay: 60,
        next_run_at: expect.any(String),
      });
      expect([before, after].map((now) => nextRunAt('weekly', 6, 'Asia/Tokyo', now).toISOString())).toContain(
        automation.next_run_at,
      );
      expect(localParts(automation.next_run_at as string, 'Asia/Tokyo')).toMatchObject({
        weekday: 'Mon',
        hour: 6,
        minute: 0,
      });
    });
  });

  describe('PATCH', () => {
    it("changes the site's own AI values; they override the account level in `effective`", async () => {
      await call('PATCH', 'settings/ai/', a.users.admin.auth, { max_images: 3, image_style: 'watercolor' });
      const response = await patch(a.siteIds[0], a.users.editor.auth, {
        ai: { max_images: 5, text_model_id: models['gpt-4o'] },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response).ai).toEqual({
        site: { ...NO_AI_VALUES, max_images: 5, text_model_id: models['gpt-4o'] },
        effective: expect.objectContaining({
          max_images: 5,
          image_style: 'watercolor',
          text_model: 'gpt-4o',
          text_model_id: models['gpt-4o'],
        }),
      });
      // The other site and the account level keep the account values.
      const other = data(await getSettings(a.siteIds[1], a.users.admin.auth)).ai as Body;
      expect(other).toEqual({
        site: NO_AI_VALUES,
        effective: expect.objectContaining({ max_images: 3, text_model: 'gpt-4o-mini' }),
      });
      expect(data(await call('GET', 'settings/ai/', a.users.admin.auth)).account).toMatchObject({
        max_images: 3,
      });

      // null clears the site value: the account value applies again.
      const cleared = await patch(a.siteIds[0], a.users.editor.auth, { ai: { max_images: null } });
      expect((data(cleared).ai as Body).effective).toMatchObject({ max_images: 3, text_model: 'gpt-4o' });
      const [row] = await db.query<Body[]>(
        'SELECT account_id, created_by FROM igny8_ai_settings WHERE site_id = $1',
        [a.siteIds[0]],
      );
      expect(row).toEqual({ account_id: a.accountId, created_by: a.users.editor.id });
    });

    it('changes the automation config, recomputing next_run_at in the account time zone', async () => {
      const response = await patch(a.siteIds[0], a.users.editor.auth, {
        automation: {
          is_enabled: false,
          frequency: 'monthly',
          scheduled_time: '23:59',
          stage_1_batch_size: 100,
          stage_2_batch_size: 20,
          stage_3_batch_size: 1,
          stage_4_batch_size: 10,
          stage_5_batch_size: 10,
          stage_6_batch_size: 20,
          within_stage_delay: 0,
          between_stage_delay: 600,
        },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response).automation).toEqual({
        ...rowOf(a.accountId, a.siteIds[0]),
        ...AUTOMATION_DEFAULTS,
        frequency: 'monthly',
        scheduled_time: '23:59',
        stage_1_batch_size: 100,
        stage_2_batch_size: 20,
        stage_3_batch_size: 1,
        stage_4_batch_size: 10,
        stage_5_batch_size: 10,
        stage_6_batch_size: 20,
        within_stage_delay: 0,
        between_stage_delay: 600,
      });

      await db.query("UPDATE igny8_accounts SET account_timezone = 'America/New_York' WHERE id = $1", [
        a.accountId,
      ]);
      const daily = await expectScheduled('daily', 14, 'America/New_York');
      expect(localParts(daily, 'America/New_York')).toMatchObject({ hour: 14, minute: 0 });
      const weekly = await expectScheduled('weekly', 2, 'America/New_York');
      expect(localParts(weekly, 'America/New_York')).toMatchObject({ weekday: 'Mon', hour: 2, minute: 0 });
      const monthly = await expectScheduled('monthly', 0, 'America/New_York');
      expect(localParts(monthly, 'America/New_York')).toMatchObject({ day: 1, hour: 0, minute: 0 });

      // A change of another field recomputes it too; disabling clears it.
      await db.query("UPDATE igny8_accounts SET account_timezone = 'Asia/Kolkata' WHERE id = $1", [
        a.accountId,
      ]);
      const before = new Date();
      const touched = await patch(a.siteIds[0], a.users.editor.auth, {
        automation: { stage_1_batch_size: 5 },
      });
      const after = new Date();
      expect(
        [before, after].map((now) => nextRunAt('monthly', 0, 'Asia/Kolkata', now).toISOString()),
      ).toContain((data(touched).automation as Body).next_run_at);
      const disabled = await patch(a.siteIds[0], a.users.editor.auth, { automation: { is_enabled: false } });
      expect(data(disabled).automation).toMatchObject({
        is_enabled: false,
        next_run_at: null,
        frequency: 'monthly',
      });
      const [stored] = await db.query<{ next_run_at: Date | null; scheduled_time: string }[]>(
        'SELECT next_run_at, scheduled_time FROM igny8_automation_configs WHERE site_id = $1',
        [a.siteIds[0]],
      );
      expect(stored).toEqual({ next_run_at: null, scheduled_time: '00:45:00' });
    });

    it('changes the publishing settings, keeping days in week order and slots ascending', async () => {
      const response = await patch(a.siteIds[0], a.users.editor.auth, {
        publishing: {
          auto_approval_enabled: true,
          auto_publish_enabled: true,
          daily_publish_limit: 0,
          weekly_publish_limit: 500,
          monthly_publish_limit: 2000,
          publish_days: ['sun', 'mon', 'wed'],
          publish_time_slots: ['18:00', '07:30', '00:00'],
          default_post_status: 'draft',
        },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response).publishing).toEqual({
        ...rowOf(a.accountId, a.siteIds[0]),
        auto_approval_enabled: true,
        auto_publish_enabled: true,
        daily_publish_limit: 0,
        weekly_publish_limit: 500,
        monthly_publish_limit: 2000,
        publish_days: ['mon', 'wed', 'sun'],
        publish_time_slots: ['00:00', '07:30', '18:00'],
        default_post_status: 'draft',
      });
      const partial = await patch(a.siteIds[0], a.users.editor.auth, {
        publishing: { publish_days: ['sat'] },
      });
      expect(data(partial).publishing).toMatchObject({ publish_days: ['sat'], daily_publish_limit: 0 });
    });

    it('applies the three sections of one request together', async () => {
      const response = await patch(a.siteIds[0], a.users.admin.auth, {
        ai: { ideas_per_cluster: 9 },
        automation: { stage_4_batch_size: 4 },
        publishing: { default_post_status: 'draft' },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response)).toMatchObject({
        site_id: a.siteIds[0],
        ai: { site: { ideas_per_cluster: 9 }, effective: { ideas_per_cluster: 9 } },
        automation: { stage_4_batch_size: 4, stage_1_batch_size: 20 },
        publishing: { default_post_status: 'draft', daily_publish_limit: 3 },
      });
      expect(data(await getSettings(a.siteIds[0], a.users.viewer.auth))).toEqual(data(response));
    });

    it('answers an empty body with the current settings', async () => {
      const response = await patch(a.siteIds[0], a.users.editor.auth, {});
      expect(response.status).toBe(200);
      expect(data(response).automation).toMatchObject(AUTOMATION_DEFAULTS);
    });

    it('strips unknown and read-only fields', async () => {
      const response = await patch(a.siteIds[0], a.users.editor.auth, {
        site_id: b.siteIds[0],
        account_id: b.accountId,
        colour: 'blue',
        ai: { account_id: b.accountId, site_id: b.siteIds[0], temperature: 2, max_images: 4 },
        automation: {
          id: 999_999,
          account_id: b.accountId,
          site_id: b.siteIds[0],
          last_run_at: '2020-01-01T00:00:00Z',
          next_run_at: '2020-01-01T00:00:00Z',
          created_at: '2020-01-01T00:00:00Z',
          bogus: true,
          stage_3_batch_size: 30,
        },
        publishing: { id: 999_999, account_id: b.accountId, site_id: b.siteIds[0], daily_publish_limit: 9 },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const body = data(response);
      expect(body.site_id).toBe(a.siteIds[0]);
      expect((body.ai as Body).site).toEqual({ ...NO_AI_VALUES, max_images: 4 });
      expect(body.automation).toEqual({
        ...rowOf(a.accountId, a.siteIds[0]),
        ...AUTOMATION_DEFAULTS,
        stage_3_batch_size: 30,
      });
      expect((body.automation as Body).id).not.toBe(999_999);
      expect(body.publishing).toMatchObject({
        account_id: a.accountId,
        site_id: a.siteIds[0],
        daily_publish_limit: 9,
      });
      expect((body.automation as Body).created_at).not.toMatch(/^2020/);
      const foreign = await db.query(
        'SELECT id FROM igny8_automation_configs WHERE account_id = $1 UNION ALL SELECT id FROM igny8_ai_settings WHERE account_id = $1',
        [b.accountId],
      );
      expect(foreign).toEqual([]);
    });

    describe('validation: 400 on the field, nothing written', () => {
      it.each([
        ['ai', 'max_images', 0],
        ['ai', 'max_images', 9],
        ['ai', 'ideas_per_cluster', 11],
        ['ai', 'default_word_count', 99],
        ['ai', 'quality_tier', 'ultra'],
        ['ai', 'image_style', ' '],
        ['ai', 'text_model_id', 'abc'],
        ['automation', 'is_enabled', 'yes'],
        ['automation', 'is_enabled', null],
        ['automation', 'frequency', 'hourly'],
        ['automation', 'scheduled_time', '24:00'],
        ['automation', 'scheduled_time', '2:00'],
        ['automation', 'scheduled_time', '02:00:00'],
        ['automation', 'stage_1_batch_size', 0],
        ['automation', 'stage_1_batch_size', 101],
        ['automation', 'stage_2_batch_size', 21],
        ['automation', 'stage_3_batch_size', 101],
        ['automation', 'stage_4_batch_size', 11],
        ['automation', 'stage_5_batch_size', 0],
        ['automation', 'stage_6_batch_size', 21],
        ['automation', 'stage_6_batch_size', 2.5],
        ['automation', 'within_stage_delay', -1],
        ['automation', 'within_stage_delay', 301],
        ['automation', 'between_stage_delay', 601],
        ['automation', 'between_stage_delay', '5'],
        ['publishing', 'auto_approval_enabled', 1],
        ['publishing', 'auto_publish_enabled', null],
        ['publishing', 'daily_publish_limit', -1],
        ['publishing', 'daily_publish_limit', 101],
        ['publishing', 'weekly_publish_limit', 501],
        ['publishing', 'monthly_publish_limit', 2001],
        ['publishing', 'publish_days', []],
        ['publishing', 'publish_days', ['mon', 'mon']],
        ['publishing', 'publish_days', ['monday']],
        ['publishing', 'publish_days', 'mon'],
        ['publishing', 'publish_time_slots', []],
        ['publishing', 'publish_time_slots', ['09:00', '09:00']],
        ['publishing', 'publish_time_slots', ['9:00']],
        [
          'publishing',
          'publish_time_slots',
          Array.from({ length: 25 }, (_, i) => `${String(i % 24).padStart(2, '0')}:${i < 24 ? '00' : '30'}`),
        ],
        ['publishing', 'default_post_status', 'private'],
      ])('%s.%s = %j', async (section, field, value) => {
        await getSettings(a.siteIds[0], a.users.editor.auth);
        const before = await settingsRows();
        expectFieldErrors(await patch(a.siteIds[0], a.users.editor.auth, { [section]: { [field]: value } }), [
          `${section}.${field}`,
        ]);
        expect(await settingsRows()).toEqual(before);
      });

      it('refuses a whole request when one field of one section is wrong', async () => {
        const response = await patch(a.siteIds[0], a.users.editor.auth, {
          ai: { max_images: 4 },
          automation: { is_enabled: true, stage_1_batch_size: 0, frequency: 'yearly' },
          publishing: { daily_publish_limit: 5, publish_days: ['xyz'] },
        });
        expectFieldErrors(response, [
          'automation.stage_1_batch_size',
          'automation.frequency',
          'publishing.publish_days',
        ]);
        expect(await settingsRows()).toEqual(Object.fromEntries(SETTINGS_TABLES.map((table) => [table, []])));
      });

      it('changes no section when an AI model is refused', async () => {
        await getSettings(a.siteIds[0], a.users.editor.auth);
        const before = await settingsRows();
        const response = await patch(a.siteIds[0], a.users.editor.auth, {
          ai: { max_images: 4, text_model_id: models['gpt-image-1'] },
          automation: { is_enabled: true },
          publishing: { auto_approval_enabled: true },
        });
        expectFieldErrors(response, ['ai.text_model_id']);
        expect((response.body.errors as Record<string, string[]>)['ai.text_model_id']).toEqual([
          `Model "${models['gpt-image-1']}" is not an active text model.`,
        ]);
        expect(await settingsRows()).toEqual(before);
      });

      it.each([
        ['ai', null],
        ['automation', 'daily'],
        ['publishing', []],
        ['publishing', [{ daily_publish_limit: 1 }]],
        ['automation', 5],
      ])('refuses %s = %j (a section is an object)', async (section, value) => {
        const response = await patch(a.siteIds[0], a.users.editor.auth, { [section]: value });
        expect(response.status).toBe(400);
        expect((response.body.errors as Record<string, string[]>)[section]).toEqual([
          'Invalid data. Expected a dictionary.',
        ]);
        expect(await settingsRows()).toEqual(Object.fromEntries(SETTINGS_TABLES.map((table) => [table, []])));
      });
    });

    describe('test_trigger_at (developers only)', () => {
      it('is ignored for other callers', async () => {
        for (const user of [a.users.editor, a.users.owner]) {
          const response = await patch(a.siteIds[0], user.auth, {
            automation: { test_trigger_at: '2030-01-01T10:00:00+02:00', stage_5_batch_size: 2 },
          });
          expect(response.status).toBe(200);
          expect(data(response).automation).toMatchObject({ test_trigger_at: null, stage_5_batch_size: 2 });
        }
      });

      it('is set and cleared by a developer, on any account', async () => {
        const set = await patch(a.siteIds[0], system.developer.auth, {
          automation: { test_trigger_at: '2030-01-01T10:00:00+02:00' },
        });
        expect(set.status, JSON.stringify(set.body)).toBe(200);
        expect(data(set).automation).toMatchObject({
          account_id: a.accountId,
          test_trigger_at: '2030-01-01T08:00:00.000Z',
        });
        // An editor sending back what it read changes nothing.
        const echoed = await patch(a.siteIds[0], a.users.editor.auth, {
          automation: { test_trigger_at: null },
        });
        expect(data(echoed).automation).toMatchObject({ test_trigger_at: '2030-01-01T08:00:00.000Z' });
        const cleared = await patch(a.siteIds[0], system.developer.auth, {
          automation: { test_trigger_at: null },
        });
        expect(data(cleared).automation).toMatchObject({ test_trigger_at: null });
      });

      it.each(['2030-02-30T10:00:00Z', '2030-01-01T10:00:00', '2030-01-01', 'soon', 1_900_000_000])(
        'refuses %j',
        async (value) => {
          expectFieldErrors(
            await patch(a.siteIds[0], system.developer.auth, { automation: { test_trigger_at: value } }),
            ['automation.test_trigger_at'],
          );
        },
      );
    });
  });

  describe('POST reset/', () => {
    async function customise(): Promise<void> {
      const response = await patch(a.siteIds[0], system.developer.auth, {
        ai: { max_images: 7, quality_tier: 'premium' },
        automation: { is_enabled: true, stage_1_batch_size: 50, test_trigger_at: '2030-01-01T00:00:00Z' },
        publishing: { auto_approval_enabled: true, publish_days: ['sun'] },
      });
      expect(response.status).toBe(200);
      await db.query(
        "UPDATE igny8_automation_configs SET last_run_at = '2026-01-01T00:00:00Z' WHERE site_id = $1",
        [a.siteIds[0]],
      );
    }

    it('resets every section by default: overrides removed, defaults copied', async () => {
      await customise();
      await db.query(
        'UPDATE igny8_default_automation_config SET stage_2_batch_size = 6, within_stage_delay = 30',
      );
      const response = await reset(a.siteIds[0], a.users.editor.auth);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(data(response)).toEqual({
        site_id: a.siteIds[0],
        ai: {
          site: NO_AI_VALUES,
          effective: expect.objectContaining({ max_images: 2, quality_tier: 'quality' }),
        },
        automation: {
          ...rowOf(a.accountId, a.siteIds[0]),
          ...AUTOMATION_DEFAULTS,
          stage_2_batch_size: 6,
          within_stage_delay: 30,
          last_run_at: '2026-01-01T00:00:00.000Z',
        },
        publishing: { ...rowOf(a.accountId, a.siteIds[0]), ...PUBLISHING_DEFAULTS },
      });
      expect(await db.query('SELECT id FROM igny8_ai_settings WHERE site_id = $1', [a.siteIds[0]])).toEqual(
        [],
      );
    });

    it('resets only the named sections', async () => {
      await customise();
      const response = await reset(a.siteIds[0], a.users.editor.auth, { sections: ['publishing'] });
      expect(response.status).toBe(200);
      expect(data(response)).toMatchObject({
        ai: { site: { max_images: 7 } },
        automation: { is_enabled: true, stage_1_batch_size: 50, next_run_at: expect.any(String) },
        publishing: PUBLISHING_DEFAULTS,
      });

      const both = await reset(a.siteIds[0], a.users.editor.auth, { sections: ['ai', 'automation'] });
      expect(data(both)).toMatchObject({
        ai: { site: NO_AI_VALUES },
        automation: { ...AUTOMATION_DEFAULTS, last_run_at: '2026-01-01T00:00:00.000Z' },
      });
    });

    it('keeps the account-level AI values', async () => {
      await call('PATCH', 'settings/ai/', a.users.admin.auth, { max_images: 3 });
      await patch(a.siteIds[0], a.users.editor.auth, { ai: { max_images: 5 } });
      const response = await reset(a.siteIds[0], a.users.editor.auth, { sections: ['ai'] });
      expect((data(response).ai as Body).effective).toMatchObject({ max_images: 3 });
      expect(data(await call('GET', 'settings/ai/', a.users.admin.auth)).account).toMatchObject({
        max_images: 3,
      });
    });

    it.each([[['ai', 'billing']], [[]], ['ai'], [[1]]])(
      'refuses sections = %j and changes nothing',
      async (sections) => {
        await customise();
        const before = await settingsRows();
        expectFieldErrors(await reset(a.siteIds[0], a.users.editor.auth, { sections }), ['sections']);
        expect(await settingsRows()).toEqual(before);
      },
    );
  });

  describe('access', () => {
    it('lets viewers read and refuses them writes', async () => {
      expect((await getSettings(a.siteIds[0], a.users.viewer.auth)).status).toBe(200);
      expectForbidden(
        await patch(a.siteIds[0], a.users.viewer.auth, { publishing: { daily_publish_limit: 1 } }),
      );
      expectForbidden(await reset(a.siteIds[0], a.users.viewer.auth));
      expect((await getSettings(a.siteIds[0], {})).status).toBe(401);
    });

    it("lets a site API key read its own site's settings only, and never write", async () => {
      const own = await getSettings(a.siteIds[0], apiKey(a, 0));
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      expect(data(own).automation).toMatchObject({ site_id: a.siteIds[0], created_by: null });
      expectNotFound(await getSettings(a.siteIds[1], apiKey(a, 0)));
      expectNotFound(await getSettings(b.siteIds[0], apiKey(a, 0)));
      for (const response of [
        await patch(a.siteIds[0], apiKey(a, 0), { publishing: { daily_publish_limit: 1 } }),
        await reset(a.siteIds[0], apiKey(a, 0)),
      ]) {
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('api_key_not_allowed');
      }
    });

    it("answers 404 for another account's site, changing nothing", async () => {
      const before = await settingsRows();
      const attempts: ApiResponse[] = [
        await getSettings(b.siteIds[0], a.users.owner.auth),
        await patch(b.siteIds[0], a.users.owner.auth, {
          ai: { max_images: 4 },
          publishing: { daily_publish_limit: 1 },
        }),
        await reset(b.siteIds[0], a.users.owner.auth),
      ];
      attempts.forEach(expectNotFound);
      expect(await settingsRows()).toEqual(before);
    });

    it('answers 404 to editors and viewers for a site not granted to them; admins see every site', async () => {
      expectNotFound(await getSettings(a.siteIds[1], a.users.viewer.auth));
      expectNotFound(await getSettings(a.siteIds[1], a.users.editor.auth));
      expectNotFound(await patch(a.siteIds[1], a.users.editor.auth, { automation: { is_enabled: true } }));
      expectNotFound(await reset(a.siteIds[1], a.users.editor.auth));
      expect(await settingsRows()).toEqual(Object.fromEntries(SETTINGS_TABLES.map((table) => [table, []])));
      expect((await getSettings(a.siteIds[1], a.users.admin.auth)).status).toBe(200);
    });

    it('answers 404 for an unknown, non-numeric or deleted site', async () => {
      expectNotFound(await getSettings(999_999, a.users.owner.auth));
      expectNotFound(await call('GET', 'sites/abc/settings/', a.users.owner.auth));
      const c = await seedTenant(t.app, { sites: 1 });
      await db.query('UPDATE igny8_sites SET deleted_at = now() WHERE id = $1', [c.siteIds[0]]);
      expectNotFound(await getSettings(c.siteIds[0], c.users.owner.auth));
      expectNotFound(await patch(c.siteIds[0], c.users.owner.auth, { ai: { max_images: 2 } }));
    });

    it('removes the rows with their site', async () => {
      const c = await seedTenant(t.app, { sites: 1 });
      await patch(c.siteIds[0], c.users.owner.auth, { ai: { max_images: 2 } });
      await db.query('DELETE FROM igny8_sites WHERE id = $1', [c.siteIds[0]]);
      expect(await settingsRows()).toEqual(Object.fromEntries(SETTINGS_TABLES.map((table) => [table, []])));
    });
  });

  describe('PublishingSettingsService.autoApprovalEnabled', () => {
    it("reads the site's flag without creating its row (default off)", async () => {
      const service = t.app.get(PublishingSettingsService);
      expect(await service.autoApprovalEnabled(a.siteIds[0])).toBe(false);
      expect((await settingsRows()).igny8_publishing_settings).toEqual([]);
      await patch(a.siteIds[0], a.users.editor.auth, { publishing: { auto_approval_enabled: true } });
      expect(await service.autoApprovalEnabled(a.siteIds[0])).toBe(true);
      expect(await service.autoApprovalEnabled(a.siteIds[1])).toBe(false);
    });
  });
});
