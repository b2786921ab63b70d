import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret } from '../../src/common/crypto.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  list,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from '../ai-config/support.js';

const SECRET = 'sk-live-very-secret-value-123';

describe('integration providers and global integration settings', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let system: SystemAccount;
  const call = systemApi(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app);
    system = await seedSystemAccount(t);
  });
  afterAll(() => t.close());

  const key = () => t.app.get(AppConfig).encryptionKey;

  it('stores provider secrets encrypted, answers flags only, and clears them', async () => {
    const providers = list(await call('GET', 'integration-providers/', system.developer.auth));
    const stripe = providers.find((row: Body) => row.provider_id === 'stripe') as Body;
    expect(stripe).toMatchObject({ api_key_configured: false, api_secret_configured: false });
    expect(stripe).not.toHaveProperty('api_key');

    const patched = await call(
      'PATCH',
      `integration-providers/${stripe.id as number}/`,
      system.developer.auth,
      {
        api_key: SECRET,
        webhook_secret: 'whsec_abc',
        api_endpoint: 'https://api.stripe.example/v1',
        is_sandbox: true,
        provider_id: 'renamed',
      },
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(JSON.stringify(patched.body)).not.toContain(SECRET);
    expect(data(patched)).toMatchObject({
      provider_id: 'stripe',
      api_key_configured: true,
      api_secret_configured: false,
      webhook_secret_configured: true,
      is_sandbox: true,
    });
    const [row] = await db.query<{ api_key: string }[]>(
      'SELECT api_key FROM igny8_integration_providers WHERE id = $1',
      [stripe.id],
    );
    expect(row.api_key.startsWith('v1:')).toBe(true);
    expect(decryptSecret(row.api_key, key())).toBe(SECRET);
    const read = await call('GET', `integration-providers/${stripe.id as number}/`, system.developer.auth);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);

    await call('PATCH', `integration-providers/${stripe.id as number}/`, system.developer.auth, {
      api_key: null,
    });
    expect(
      data(await call('GET', `integration-providers/${stripe.id as number}/`, system.developer.auth)),
    ).toMatchObject({
      api_key_configured: false,
      webhook_secret_configured: true,
    });
    expectFieldErrors(
      await call('PATCH', `integration-providers/${stripe.id as number}/`, system.developer.auth, {
        api_endpoint: 'not a url',
        config: [],
      }),
      ['api_endpoint', 'config'],
    );
    expectNotFound(await call('GET', 'integration-providers/999999999/', system.developer.auth));
  });

  it('keeps every route for developers', async () => {
    for (const auth of [a.users.owner.auth, system.users.admin.auth]) {
      expectForbidden(await call('GET', 'integration-providers/', auth));
      expectForbidden(await call('PATCH', 'integration-providers/1/', auth, { api_key: SECRET }));
      expectForbidden(await call('GET', 'settings/global-integration/', auth));
      expectForbidden(await call('PATCH', 'settings/global-integration/', auth, { openai_api_key: SECRET }));
    }
  });

  it('writes global keys encrypted; the AI key precedence still reads them', async () => {
    const patched = await call('PATCH', 'settings/global-integration/', system.developer.auth, {
      openai_api_key: SECRET,
      openai_temperature: '0.5',
      max_in_article_images: 4,
      image_quality: 'hd',
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(JSON.stringify(patched.body)).not.toContain(SECRET);
    expect(data(patched)).toMatchObject({
      openai_api_key_configured: true,
      dalle_api_key_configured: false,
      openai_temperature: '0.50',
      max_in_article_images: 4,
      image_quality: 'hd',
    });
    expect(data(patched)).not.toHaveProperty('openai_api_key');
    const [row] = await db.query<{ openai_api_key: string }[]>(
      'SELECT openai_api_key FROM igny8_global_integration_settings WHERE id = 1',
    );
    expect(decryptSecret(row.openai_api_key, key())).toBe(SECRET);
    expectFieldErrors(
      await call('PATCH', 'settings/global-integration/', system.developer.auth, {
        max_in_article_images: 9,
        image_quality: 'ultra',
        openai_temperature: 'warm',
      }),
      ['max_in_article_images', 'image_quality', 'openai_temperature'],
    );
    expectFieldErrors(
      await call('PATCH', 'settings/global-integration/', system.developer.auth, { openai_temperature: 2.5 }),
      ['openai_temperature'],
    );
    await call('PATCH', 'settings/global-integration/', system.developer.auth, { openai_api_key: '' });
    expect(data(await call('GET', 'settings/global-integration/', system.developer.auth))).toMatchObject({
      openai_api_key_configured: false,
    });
  });
});
