import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/modules/ai/config/model-registry.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  apiKey,
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  list,
  modelIds,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from './support.js';

const ACTIVE = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-5.1', 'gpt-5.2', 'gpt-image-1', 'dall-e-3'];
const INACTIVE = ['runware:97@1', 'bria:10@1', 'seedream-4.5', 'google:4@2'];

/** The columns the tests change. */
const RESTORED = [
  'display_name',
  'model_type',
  'quality_tier',
  'input_cost_per_1m',
  'output_cost_per_1m',
  'cost_per_image',
  'valid_sizes',
  'credits_per_image',
  'is_active',
  'is_default',
  'updated_by',
];

const names = (rows: Body[]) => rows.map((row) => row.model_name);

describe('AI models', () => {
  let t: TestApp;
  let db: DataSource;
  let registry: ModelRegistry;
  let models: Record<string, number>;
  let a: SeededTenant;
  let system: SystemAccount;
  let dev: Record<string, string>;
  let seeded: Body[];
  const call = systemApi(() => t);

  /** Which models carry the default flag, by group. */
  async function defaults(): Promise<string[]> {
    const rows = await db.query<{ model_name: string }[]>(
      'SELECT model_name FROM igny8_ai_models WHERE is_default ORDER BY model_type DESC, quality_tier, model_name',
    );
    return rows.map((row) => row.model_name);
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    registry = t.app.get(ModelRegistry);
    a = await seedTenant(t.app, { sites: 1 });
    system = await seedSystemAccount(t);
    dev = system.developer.auth;
    seeded = await db.query('SELECT * FROM igny8_ai_models');
    models = await modelIds(t);
  });
  afterAll(() => t.close());
  /** Puts every seeded model back as it was (tests change flags, tiers and prices). */
  async function restoreModels(): Promise<void> {
    await db.query("DELETE FROM igny8_ai_models WHERE model_name LIKE 'test-%'");
    await db.query('UPDATE igny8_ai_models SET is_default = false');
    for (const row of seeded) {
      const values = RESTORED.map((column) =>
        column === 'valid_sizes' ? JSON.stringify(row[column]) : row[column],
      );
      const assignments = RESTORED.map((column, index) => `${column} = $${index + 2}`).join(', ');
      await db.query(`UPDATE igny8_ai_models SET ${assignments} WHERE id = $1`, [row.id, ...values]);
    }
  }

  beforeEach(restoreModels);

  describe('GET system/ai-models/', () => {
    it('answers an array of the active models, by sort order, to any user and API keys', async () => {
      for (const headers of [a.users.viewer.auth, apiKey(a), system.users.admin.auth]) {
        const response = await call('GET', 'ai-models/', headers);
        expect(response.status).toBe(200);
        expect(response.body.count).toBeUndefined();
        expect(names(list(response))).toEqual(ACTIVE);
      }
      const [mini] = list(await call('GET', 'ai-models/?model_type=text', a.users.viewer.auth));
      expect(mini).toEqual({
        id: models['gpt-4o-mini'],
        created_at: expect.any(String),
        updated_at: expect.any(String),
        model_name: 'gpt-4o-mini',
        display_name: 'GPT-4o mini',
        model_type: 'text',
        provider: 'openai',
        input_cost_per_1m: '0.150000',
        output_cost_per_1m: '0.600000',
        context_window: 128000,
        max_output_tokens: 16384,
        cost_per_image: null,
        valid_sizes: [],
        landscape_size: null,
        square_size: null,
        quality_tier: null,
        supports_json_mode: true,
        supports_vision: false,
        supports_function_calling: false,
        tokens_per_credit: null,
        credits_per_image: null,
        is_active: true,
        is_default: true,
        sort_order: 0,
        updated_by: null,
      });
    });

    it('shows developers the inactive models too', async () => {
      expect(names(list(await call('GET', 'ai-models/', dev)))).toEqual([...ACTIVE, ...INACTIVE]);
      expect(names(list(await call('GET', 'ai-models/?is_active=false', dev)))).toEqual(INACTIVE);
      expect(list(await call('GET', 'ai-models/?is_active=false', a.users.admin.auth))).toEqual([]);
      expect(names(list(await call('GET', 'ai-models/?provider=runware', a.users.owner.auth)))).toEqual([]);
      expect(names(list(await call('GET', 'ai-models/?provider=runware', dev)))).toEqual([
        'runware:97@1',
        'seedream-4.5',
        'google:4@2',
      ]);
    });

    it('filters by model_type, provider, quality_tier and is_active; bad values are 400', async () => {
      const get = async (query: string) =>
        names(list(await call('GET', `ai-models/?${query}`, a.users.viewer.auth)));
      expect(await get('model_type=image')).toEqual(['gpt-image-1', 'dall-e-3']);
      expect(await get('quality_tier=quality&provider=openai')).toEqual(['gpt-image-1', 'dall-e-3']);
      expect(await get('is_active=1&model_type=text&provider=anthropic')).toEqual([]);
      for (const query of ['model_type=video', 'provider=google', 'quality_tier=ultra', 'is_active=maybe']) {
        expectFieldErrors(await call('GET', `ai-models/?${query}`, a.users.viewer.auth), [
          query.split('=')[0],
        ]);
      }
    });

    it('shows an inactive model only to developers', async () => {
      const inactive = models['google:4@2'];
      expectNotFound(await call('GET', `ai-models/${inactive}/`, a.users.owner.auth));
      expectNotFound(await call('GET', `ai-models/${inactive}/`, apiKey(a)));
      expect(data(await call('GET', `ai-models/${inactive}/`, dev))).toMatchObject({
        model_name: 'google:4@2',
      });
      expect(data(await call('GET', `ai-models/${models['dall-e-3']}/`, apiKey(a)))).toMatchObject({
        model_name: 'dall-e-3',
        landscape_size: '1792x1024',
        cost_per_image: '0.0400',
        credits_per_image: 2,
      });
      expectNotFound(await call('GET', 'ai-models/999999/', dev));
      expect((await call('GET', 'ai-models/')).status).toBe(401);
    });
  });

  describe('POST, PATCH system/ai-models/ (developers)', () => {
    const imageModel = {
      model_name: 'test-image',
      display_name: 'Test image',
      model_type: 'image',
      provider: 'openai',
      quality_tier: 'premium',
      credits_per_image: 3,
      cost_per_image: 0.05,
      valid_sizes: ['1024x1024', '1536x1024'],
      landscape_size: '1536x1024',
      square_size: '1024x1024',
    };

    it('refuses everyone but developers, before looking at the body', async () => {
      for (const headers of [
        a.users.owner.auth,
        a.users.admin.auth,
        a.users.viewer.auth,
        system.users.owner.auth,
      ]) {
        expectForbidden(await call('POST', 'ai-models/', headers, imageModel));
        expectForbidden(
          await call('PATCH', `ai-models/${models['gpt-4o']}/`, headers, { display_name: 'x' }),
        );
      }
      expect((await call('POST', 'ai-models/', apiKey(a), imageModel)).body.code).toBe('api_key_not_allowed');
      expect(await db.query("SELECT id FROM igny8_ai_models WHERE model_name = 'test-image'")).toEqual([]);
    });

    it('creates a model (201) with decimals at their scale and updated_by set', async () => {
      const created = await call('POST', 'ai-models/', dev, {
        ...imageModel,
        input_cost_per_1m: '1.5',
        id: 1,
        updated_by: 1,
      });
      expect(created.status).toBe(201);
      expect(data(created)).toMatchObject({
        ...imageModel,
        id: expect.any(Number),
        cost_per_image: '0.0500',
        input_cost_per_1m: '1.500000',
        output_cost_per_1m: null,
        is_active: true,
        is_default: false,
        sort_order: 0,
        supports_vision: false,
        updated_by: system.developer.id,
      });
      expect(data(created).id).not.toBe(1);
      const text = await call('POST', 'ai-models/', dev, {
        model_name: 'test-claude',
        display_name: 'Test Claude',
        model_type: 'text',
        provider: 'anthropic',
        is_active: false,
        input_cost_per_1m: 3,
        output_cost_per_1m: '15.000000',
        tokens_per_credit: 500,
      });
      expect(data(text)).toMatchObject({
        input_cost_per_1m: '3.000000',
        output_cost_per_1m: '15.000000',
        is_active: false,
      });
    });

    it.each<[string, Body, string[]]>([
      [
        'missing required fields',
        { display_name: undefined, model_type: undefined, provider: undefined },
        ['display_name', 'model_type', 'provider'],
      ],
      [
        'unknown enums',
        { model_type: 'video', provider: 'google', quality_tier: 'ultra' },
        ['model_type', 'provider', 'quality_tier'],
      ],
      [
        'a blank or too long name',
        { model_name: ' ', display_name: 'x'.repeat(101) },
        ['model_name', 'display_name'],
      ],
      [
        'malformed sizes',
        { valid_sizes: ['1024'], landscape_size: '1024×768', square_size: 'x1024' },
        ['valid_sizes', 'landscape_size', 'square_size'],
      ],
      ['duplicate sizes', { valid_sizes: ['1024x1024', '1024x1024'] }, ['valid_sizes']],
      [
        'negative costs',
        { cost_per_image: -1, input_cost_per_1m: '-0.5' },
        ['cost_per_image', 'input_cost_per_1m'],
      ],
      [
        'too many decimals or digits',
        { cost_per_image: '0.00001', output_cost_per_1m: '1000000' },
        ['cost_per_image', 'output_cost_per_1m'],
      ],
      [
        'non-numeric costs',
        { cost_per_image: 'cheap', input_cost_per_1m: true },
        ['cost_per_image', 'input_cost_per_1m'],
      ],
      [
        'out-of-range integers',
        { credits_per_image: -1, tokens_per_credit: 0, context_window: 0, sort_order: -1 },
        ['credits_per_image', 'tokens_per_credit', 'context_window', 'sort_order'],
      ],
      ['an active image model without credits per image', { credits_per_image: null }, ['credits_per_image']],
      ['an image model without a tier', { quality_tier: null }, ['quality_tier']],
      ['a text model with a tier', { model_type: 'text', credits_per_image: null }, ['quality_tier']],
      ['sizes outside valid_sizes', { landscape_size: '1792x1024' }, ['landscape_size']],
      ['an inactive default', { is_active: false, is_default: true }, ['is_active']],
      ['a name already used', { model_name: 'gpt-image-1' }, ['model_name']],
    ])('refuses %s (400 on the fields)', async (_case, changes, fields) => {
      expectFieldErrors(await call('POST', 'ai-models/', dev, { ...imageModel, ...changes }), fields);
      expect(await db.query("SELECT id FROM igny8_ai_models WHERE model_name LIKE 'test-%'")).toEqual([]);
    });

    it('accepts an inactive image model without credits per image', async () => {
      const response = await call('POST', 'ai-models/', dev, {
        ...imageModel,
        is_active: false,
        credits_per_image: null,
      });
      expect(response.status).toBe(201);
    });

    it('moves the default text flag in one step and never leaves the text models without a default', async () => {
      const moved = await call('PATCH', `ai-models/${models['gpt-4o']}/`, dev, { is_default: true });
      expect(data(moved)).toMatchObject({ is_default: true, updated_by: system.developer.id });
      expect(await defaults()).toEqual(['gpt-4o', 'gpt-image-1']);

      expectFieldErrors(await call('PATCH', `ai-models/${models['gpt-4o']}/`, dev, { is_default: false }), [
        'is_default',
      ]);
      expectFieldErrors(await call('PATCH', `ai-models/${models['gpt-4o']}/`, dev, { is_active: false }), [
        'is_active',
      ]);
      expectFieldErrors(
        await call('PATCH', `ai-models/${models['gpt-4o']}/`, dev, {
          model_type: 'image',
          quality_tier: 'basic',
          credits_per_image: 1,
        }),
        ['is_default'],
      );
      // A new text model can take the flag too.
      const created = await call('POST', 'ai-models/', dev, {
        model_name: 'test-text',
        display_name: 'Test text',
        model_type: 'text',
        provider: 'openai',
        is_default: true,
      });
      expect(created.status).toBe(201);
      expect(await defaults()).toEqual(['test-text', 'gpt-image-1']);
    });

    it('keeps at most one default image model per tier', async () => {
      await call('PATCH', `ai-models/${models['dall-e-3']}/`, dev, { is_default: true });
      expect(await defaults()).toEqual(['gpt-4o-mini', 'dall-e-3']);
      const premium = await call('POST', 'ai-models/', dev, { ...imageModel, is_default: true });
      expect(premium.status).toBe(201);
      expect(await defaults()).toEqual(['gpt-4o-mini', 'test-image', 'dall-e-3']);
      // Moving a model to another tier takes its default flag along and clears that tier's default.
      await call('PATCH', `ai-models/${models['dall-e-3']}/`, dev, { quality_tier: 'premium' });
      expect(await defaults()).toEqual(['gpt-4o-mini', 'dall-e-3']);
      // An image default can simply be unset.
      await call('PATCH', `ai-models/${models['dall-e-3']}/`, dev, { is_default: false, is_active: false });
      expect(await defaults()).toEqual(['gpt-4o-mini']);
    });

    it('patches any subset; unknown ids are 404', async () => {
      const patched = await call('PATCH', `ai-models/${models['runware:97@1']}/`, dev, {
        is_active: true,
        display_name: 'HiDream',
        cost_per_image: '0.01',
        valid_sizes: [],
      });
      expect(data(patched)).toMatchObject({
        is_active: true,
        display_name: 'HiDream',
        cost_per_image: '0.0100',
        credits_per_image: 1,
      });
      expect(names(list(await call('GET', 'ai-models/?quality_tier=basic', a.users.viewer.auth)))).toEqual([
        'runware:97@1',
      ]);
      expectFieldErrors(
        await call('PATCH', `ai-models/${models['gpt-4o']}/`, dev, { model_name: 'gpt-4o-mini' }),
        ['model_name'],
      );
      expectNotFound(await call('PATCH', 'ai-models/999999/', dev, { display_name: 'x' }));
    });
  });

  describe('ModelRegistry', () => {
    it('finds models by id and name and lists with filters', async () => {
      expect((await registry.getModel(models['gpt-4o']))?.model_name).toBe('gpt-4o');
      expect(await registry.getModel(999999)).toBeNull();
      expect((await registry.getByName('dall-e-3'))?.id).toBe(models['dall-e-3']);
      expect(
        (await registry.listModels({ model_type: 'image', is_active: false })).map((m) => m.model_name),
      ).toEqual(INACTIVE);
    });

    it('names the default text model and the default image model of a tier', async () => {
      expect((await registry.defaultTextModel()).model_name).toBe('gpt-4o-mini');
      expect((await registry.defaultImageModel('quality')).model_name).toBe('gpt-image-1');
      expect((await registry.defaultImageModel('premium')).model_name).toBe('gpt-image-1');
      await db.query("UPDATE igny8_ai_models SET is_active = true WHERE model_name = 'google:4@2'");
      expect((await registry.defaultImageModel('premium')).model_name).toBe('google:4@2');
    });

    it('computes text costs exactly from the prices per 1M tokens, rounding half up', async () => {
      const mini = (await registry.getByName('gpt-4o-mini'))!;
      expect(registry.calculateCostUsd(mini, 1000, 500)).toBe('0.000450');
      expect(registry.calculateCostUsd(mini, 0, 0)).toBe('0.000000');
      const gpt4o = (await registry.getByName('gpt-4o'))!;
      // 1,234,567 × 2.5 + 89,012 × 10 = 3.9765375 USD → 3.976538
      expect(registry.calculateCostUsd(gpt4o, 1_234_567, 89_012)).toBe('3.976538');
      expect(registry.calculateCostUsd(gpt4o, 3, 0)).toBe('0.000008');
      expect(() => registry.calculateCostUsd(gpt4o, -1, 0)).toThrow(RangeError);
      expect(() => registry.calculateCostUsd(gpt4o, 1.5, 0)).toThrow(RangeError);
    });

    it('computes image costs from cost_per_image and follows price changes at once', async () => {
      const image = (await registry.getByName('gpt-image-1'))!;
      expect(registry.calculateCostUsd(image, 0, 0)).toBe('0.040000');
      expect(registry.calculateCostUsd(image, 120, 0, 3)).toBe('0.120000');
      await call('PATCH', `ai-models/${models['gpt-4o-mini']}/`, dev, {
        input_cost_per_1m: 1,
        output_cost_per_1m: '2.123456',
      });
      const changed = (await registry.getModel(models['gpt-4o-mini']))!;
      expect(registry.calculateCostUsd(changed, 1_000_000, 1_000_000)).toBe('3.123456');
      const free = { ...changed, input_cost_per_1m: null, output_cost_per_1m: null };
      expect(registry.calculateCostUsd(free, 1000, 1000)).toBe('0.000000');
    });
  });
});
