import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { register } from '../auth/helpers.js';
import { api, type Api, type Json } from '../ai/support.js';

const URL = 'system/settings/modules/';

describe('system/settings/modules/', () => {
  let t: TestApp;
  let call: Api;
  let tenant: SeededTenant;
  let other: SeededTenant;

  beforeAll(async () => {
    t = await createTestApp();
    call = api(t);
    tenant = await seedTenant(t.app);
    other = await seedTenant(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows both modules off for an account that never changed them', async () => {
    const reply = await call('GET', URL, tenant.users.viewer.auth);
    expect(reply.status).toBe(200);
    const data = reply.body.data as Json;
    expect(data).toMatchObject({ linker_enabled: false, optimizer_enabled: false });
    expect(typeof data.updated_at).toBe('string');
  });

  it('creates the default flags at signup', async () => {
    const registered = await register(t);
    const rows = await t.app
      .get(DataSource)
      .query<{ linker_enabled: boolean; optimizer_enabled: boolean }[]>(
        'SELECT linker_enabled, optimizer_enabled FROM igny8_module_enable_settings WHERE account_id = $1',
        [registered.accountId],
      );
    expect(rows).toEqual([{ linker_enabled: false, optimizer_enabled: false }]);
  });

  it('lets owners and admins change the flags, per account', async () => {
    const patched = await call('PATCH', URL, tenant.users.admin.auth, { linker_enabled: true });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data).toMatchObject({ linker_enabled: true, optimizer_enabled: false });

    const put = await call('PUT', URL, tenant.users.owner.auth, {
      linker_enabled: false,
      optimizer_enabled: true,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await call('GET', URL, tenant.users.viewer.auth)).body.data).toMatchObject({
      linker_enabled: false,
      optimizer_enabled: true,
    });
    // The other account is untouched.
    expect((await call('GET', URL, other.users.owner.auth)).body.data).toMatchObject({
      linker_enabled: false,
      optimizer_enabled: false,
    });
  });

  it('refuses editors and viewers (403) and leaves the flags as they were', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      const patch = await call('PATCH', URL, other.users[role].auth, { linker_enabled: true });
      expect(patch.status).toBe(403);
      expect(patch.body.code).toBe('permission_denied');
      const put = await call('PUT', URL, other.users[role].auth, {
        linker_enabled: true,
        optimizer_enabled: true,
      });
      expect(put.status).toBe(403);
    }
    expect((await call('GET', URL, other.users.owner.auth)).body.data).toMatchObject({
      linker_enabled: false,
      optimizer_enabled: false,
    });
  });

  it('validates the body: wrong types → 400 on the field, PUT needs both, unknown fields ignored', async () => {
    const wrong = await call('PATCH', URL, other.users.owner.auth, { linker_enabled: 'yes' });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('linker_enabled');

    const partialPut = await call('PUT', URL, other.users.owner.auth, { linker_enabled: true });
    expect(partialPut.status).toBe(400);
    expect(JSON.stringify(partialPut.body)).toContain('optimizer_enabled');

    const unknown = await call('PATCH', URL, other.users.owner.auth, {
      optimizer_enabled: true,
      account_id: tenant.accountId,
      updated_at: '2000-01-01T00:00:00Z',
    });
    expect(unknown.status).toBe(200);
    expect((await call('GET', URL, tenant.users.owner.auth)).body.data).toMatchObject({
      linker_enabled: false,
      optimizer_enabled: true,
    });
    const rows = await t.app
      .get(DataSource)
      .query<{ n: string }[]>(
        'SELECT count(*) AS n FROM igny8_module_enable_settings WHERE account_id = $1',
        [other.accountId],
      );
    expect(Number(rows[0].n)).toBe(1);
  });
});
