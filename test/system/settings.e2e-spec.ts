import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from '../ai-config/support.js';

describe('key/value settings', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let system: SystemAccount;
  const call = systemApi(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 1 });
    b = await seedTenant(t.app, { sites: 1 });
    system = await seedSystemAccount(t);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await db.query('DELETE FROM igny8_user_settings');
    await db.query('DELETE FROM igny8_account_settings');
    await db.query('DELETE FROM igny8_system_settings');
  });

  it('resolves the effective value user → account → system and reports the source', async () => {
    const key = 'editor.theme';
    expectNotFound(await call('GET', `settings/effective/${key}/`, a.users.viewer.auth));

    const sys = await call('PUT', `settings/system/${key}/`, system.developer.auth, {
      value: { mode: 'light' },
      description: 'Default theme',
    });
    expect(sys.status, JSON.stringify(sys.body)).toBe(200);
    expect(data(sys)).toMatchObject({ key, value: { mode: 'light' }, description: 'Default theme' });
    expect(data(await call('GET', `settings/effective/${key}/`, a.users.viewer.auth))).toEqual({
      key,
      value: { mode: 'light' },
      source: 'system',
    });

    expect(
      (await call('PUT', `settings/account/${key}/`, a.users.admin.auth, { value: 'dark' })).status,
    ).toBe(200);
    expect(data(await call('GET', `settings/effective/${key}/`, a.users.viewer.auth))).toEqual({
      key,
      value: 'dark',
      source: 'account',
    });
    // Another account still sees the system value.
    expect(data(await call('GET', `settings/effective/${key}/`, b.users.viewer.auth))).toMatchObject({
      value: { mode: 'light' },
      source: 'system',
    });

    await call('PUT', `settings/user/${key}/`, a.users.viewer.auth, { value: ['contrast'] });
    expect(data(await call('GET', `settings/effective/${key}/`, a.users.viewer.auth))).toEqual({
      key,
      value: ['contrast'],
      source: 'user',
    });
    // The user setting is the viewer's own: the editor of the same account gets the account value.
    expect(data(await call('GET', `settings/effective/${key}/`, a.users.editor.auth))).toMatchObject({
      source: 'account',
    });

    expect((await call('DELETE', `settings/user/${key}/`, a.users.viewer.auth)).status).toBe(200);
    expect(data(await call('GET', `settings/effective/${key}/`, a.users.viewer.auth))).toMatchObject({
      source: 'account',
    });
  });

  it('replaces a value on a second PUT and lists settings by key', async () => {
    await call('PUT', 'settings/account/b.key/', a.users.owner.auth, { value: 1 });
    await call('PUT', 'settings/account/a.key/', a.users.owner.auth, { value: 2 });
    const again = await call('PUT', 'settings/account/a.key/', a.users.owner.auth, { value: 3 });
    expect(data(again)).toMatchObject({ key: 'a.key', value: 3 });
    const rows = list(await call('GET', 'settings/account/', a.users.viewer.auth));
    expect(rows.map((row: Body) => [row.key, row.value])).toEqual([
      ['a.key', 3],
      ['b.key', 1],
    ]);
    expect(rows[0]).toHaveProperty('updated_at');
    // Account B sees none of them, by list or by key.
    expect(list(await call('GET', 'settings/account/', b.users.owner.auth))).toEqual([]);
    expectNotFound(await call('GET', 'settings/account/a.key/', b.users.owner.auth));
    expectNotFound(await call('DELETE', 'settings/account/a.key/', b.users.owner.auth));
  });

  it('refuses values over the size limit and malformed keys', async () => {
    const huge = 'x'.repeat(70_000);
    expectFieldErrors(await call('PUT', 'settings/user/big/', a.users.viewer.auth, { value: huge }), [
      'value',
    ]);
    expectFieldErrors(await call('PUT', 'settings/account/big/', a.users.admin.auth, { value: { huge } }), [
      'value',
    ]);
    expectFieldErrors(await call('PUT', 'settings/system/big/', system.developer.auth, { value: [huge] }), [
      'value',
    ]);
    expectFieldErrors(await call('PUT', 'settings/user/big/', a.users.viewer.auth, {}), ['value']);
    expectFieldErrors(await call('PUT', 'settings/user/Bad%20Key/', a.users.viewer.auth, { value: 1 }), [
      'key',
    ]);
    expectNotFound(await call('GET', 'settings/user/Bad%20Key/', a.users.viewer.auth));
    const [{ count }] = await db.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM igny8_user_settings',
    );
    expect(count).toBe(0);
  });

  it('keeps system writes for developers and account writes for admins', async () => {
    expectForbidden(await call('PUT', 'settings/system/x/', a.users.owner.auth, { value: 1 }));
    expectForbidden(await call('DELETE', 'settings/system/x/', a.users.owner.auth));
    // A system-account admin bypasses tenancy but is no developer.
    expectForbidden(await call('PUT', 'settings/system/x/', system.users.admin.auth, { value: 1 }));
    expectForbidden(await call('PUT', 'settings/account/x/', a.users.editor.auth, { value: 1 }));
    expect((await call('GET', 'settings/system/', a.users.viewer.auth)).status).toBe(200);
    expect((await call('GET', 'settings/system/', apiKey(a))).status).toBe(403);

    expectFieldErrors(await call('PUT', 'settings/system/x/', system.developer.auth, { value: null }), [
      'value',
    ]);
    await call('PUT', 'settings/system/x/', system.developer.auth, { value: false });
    expect(data(await call('GET', 'settings/system/x/', a.users.viewer.auth))).toMatchObject({
      key: 'x',
      value: false,
      description: '',
    });
    expect((await call('DELETE', 'settings/system/x/', system.developer.auth)).status).toBe(200);
    expectNotFound(await call('GET', 'settings/system/x/', a.users.viewer.auth));
  });
});
