import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, type SeededUser } from '../support/tenants.js';
import {
  call,
  db,
  expectRevoked,
  identityRows,
  loginAs,
  seedDeveloper,
  tableColumns,
} from '../users/support.js';

const OWN = '/api/v1/auth/account/';
const ACCOUNTS = '/api/v1/auth/accounts/';
const SUBSCRIPTIONS = '/api/v1/auth/subscriptions/';

async function setStatus(t: TestApp, accountId: number, status: string, isActive = true): Promise<void> {
  await db(t).query('UPDATE igny8_accounts SET status = $2, is_active = $3 WHERE id = $1', [
    accountId,
    status,
    isActive,
  ]);
}

async function addSubscription(t: TestApp, accountId: number, status: string): Promise<number> {
  const [row] = await db(t).query<{ id: number }[]>(
    `INSERT INTO igny8_subscriptions (account_id, plan_id, status)
     SELECT id, plan_id, $2 FROM igny8_accounts WHERE id = $1 RETURNING id`,
    [accountId, status],
  );
  return row.id;
}

describe('accounts', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let dev: SeededUser & { accountId: number };

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { plan: 'growth' });
    dev = await seedDeveloper(t);
  });
  afterAll(() => t.close());

  describe('auth/account (own account)', () => {
    it('returns every column with plan {id, name, slug}, total_credits and is_system_account to any role', async () => {
      await db(t).query(
        "UPDATE igny8_accounts SET bonus_credits = 25, stripe_customer_id = 'cus_123' WHERE id = $1",
        [a.accountId],
      );
      for (const role of ['viewer', 'editor', 'admin', 'owner'] as const) {
        const res = await call(t, a.users[role], 'GET', OWN);
        expect(res.statusCode, res.body).toBe(200);
        const account = res.json().data;
        expect(account).toMatchObject({
          id: a.accountId,
          slug: a.slug,
          owner_id: a.users.owner.id,
          credits: 1000,
          bonus_credits: 25,
          held_credits: 0,
          total_credits: 1025,
          is_system: false,
          is_system_account: false,
          stripe_customer_id: 'cus_123',
          account_timezone: 'UTC',
          deleted_at: null,
        });
        expect(account.plan).toEqual({ id: account.plan_id, name: 'Scale', slug: 'scale' });
        expect(Object.keys(account).sort()).toEqual(
          [...(await tableColumns(t, 'igny8_accounts')), 'plan', 'total_credits', 'is_system_account'].sort(),
        );
      }
    });

    it('updates the settings (admin); invalid time zones and fields are 400', async () => {
      const res = await call(t, a.users.admin, 'PATCH', OWN, {
        name: ' Renamed Workspace ',
        account_timezone: 'Europe/Berlin',
        billing_email: 'Billing@Example.com',
        billing_address_line1: '1 Main St',
        billing_city: 'Berlin',
        billing_postal_code: '10115',
        billing_country: 'de',
        tax_id: 'DE123',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({
        name: 'Renamed Workspace',
        account_timezone: 'Europe/Berlin',
        billing_email: 'billing@example.com',
        billing_country: 'DE',
        billing_city: 'Berlin',
        tax_id: 'DE123',
        slug: a.slug,
      });
      const before = await identityRows(t);
      for (const body of [
        { account_timezone: 'Mars/Olympus' },
        { account_timezone: '+05:00' },
        { account_timezone: 42 },
        { billing_email: 'not-an-email' },
        { billing_country: 'DEU' },
        { name: '' },
        { name: '   ' },
      ]) {
        const bad = await call(t, a.users.admin, 'PATCH', OWN, body);
        expect(bad.statusCode, JSON.stringify(body)).toBe(400);
        expect(Object.keys(bad.json().errors)).toEqual(Object.keys(body));
      }
      expect(await identityRows(t)).toEqual(before);
      const alias = await call(t, a.users.admin, 'PATCH', OWN, { account_timezone: 'utc' });
      expect(alias.json().data.account_timezone).toBe('UTC');
    });

    it('strips fields that are not writable: the response and the database stay unchanged', async () => {
      const [before] = await db(t).query<Record<string, unknown>[]>(
        'SELECT * FROM igny8_accounts WHERE id = $1',
        [a.accountId],
      );
      const [internal] = await db(t).query<{ id: number }[]>(
        "SELECT id FROM igny8_plans WHERE slug = 'internal'",
      );
      const res = await call(t, a.users.owner, 'PATCH', OWN, {
        id: b.accountId,
        account_id: b.accountId,
        slug: 'stolen',
        credits: 1_000_000,
        bonus_credits: 1_000_000,
        held_credits: 7,
        is_system: true,
        status: 'active',
        is_active: false,
        owner_id: a.users.viewer.id,
        plan_id: internal.id,
        stripe_customer_id: 'cus_evil',
        usage_ahrefs_queries: 0,
        deleted_at: '2020-01-01T00:00:00Z',
      });
      expect(res.statusCode, res.body).toBe(200);
      const [after] = await db(t).query<Record<string, unknown>[]>(
        'SELECT * FROM igny8_accounts WHERE id = $1',
        [a.accountId],
      );
      expect({ ...after, updated_at: null }).toEqual({ ...before, updated_at: null });
      expect(res.json().data).toMatchObject({
        id: a.accountId,
        credits: before.credits,
        held_credits: 0,
        is_system: false,
        owner_id: a.users.owner.id,
        plan_id: before.plan_id,
      });
    });

    it('needs admin to update and owner to delete', async () => {
      const before = await identityRows(t);
      for (const role of ['viewer', 'editor'] as const) {
        expect((await call(t, a.users[role], 'PATCH', OWN, { name: 'x' })).statusCode).toBe(403);
      }
      for (const role of ['viewer', 'editor', 'admin'] as const) {
        expect((await call(t, a.users[role], 'DELETE', OWN)).statusCode).toBe(403);
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('GET stays reachable whatever the account status; PATCH does not (account gate)', async () => {
      const tenant = await seedTenant(t.app);
      const subscription = await addSubscription(t, tenant.accountId, 'past_due');
      for (const [status, active, code] of [
        ['suspended', true, 'account_inactive'],
        ['cancelled', true, 'account_inactive'],
        ['active', false, 'account_inactive'],
        ['pending_payment', true, 'payment_required'],
      ] as const) {
        await setStatus(t, tenant.accountId, status, active);
        const get = await call(t, tenant.users.viewer, 'GET', OWN);
        expect(get.statusCode, `${status}`).toBe(200);
        expect(get.json().data.status).toBe(status);
        const subs = await call(t, tenant.users.admin, 'GET', SUBSCRIPTIONS);
        expect(subs.statusCode).toBe(200);
        expect(subs.json().results.map((row: { id: number }) => row.id)).toEqual([subscription]);
        const patch = await call(t, tenant.users.admin, 'PATCH', OWN, { name: 'x' });
        expect(patch.json().code).toBe(code);
        expect((await call(t, tenant.users.viewer, 'GET', '/api/v1/account/settings/')).json().code).toBe(
          code,
        );
        expect((await call(t, tenant.users.viewer, 'GET', '/api/v1/auth/users/')).json().code).toBe(code);
      }
    });

    it('the owner deletes the account: users and sites go with it and every session is revoked at once', async () => {
      const tenant = await seedTenant(t.app, { sites: 2 });
      const owner = await loginAs(t, tenant.users.owner);
      const viewer = await loginAs(t, tenant.users.viewer);
      const key = await call(
        t,
        tenant.users.admin,
        'POST',
        `/api/v1/auth/sites/${tenant.siteIds[0]}/regenerate_api_key/`,
      );
      const apiKey = { 'x-igny8-api-key': key.json().data.api_key as string };
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/auth/sites/', headers: apiKey })).statusCode,
      ).toBe(200);
      const others = await identityRows(t);
      const res = await call(t, tenant.users.owner, 'DELETE', OWN);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ data: null, message: 'Deleted.' });
      await expectRevoked(t, tenant.users.owner.id, owner, 'account_deleted');
      await expectRevoked(t, tenant.users.viewer.id, viewer, 'account_deleted');
      expect((await call(t, tenant.users.admin, 'GET', OWN)).statusCode).toBe(401);
      const keyed = await t.request({ method: 'GET', url: '/api/v1/auth/sites/', headers: apiKey });
      expect(keyed.statusCode).toBe(401);
      expect(keyed.json().code).toBe('invalid_api_key');

      const [account] = await db(t).query<
        { deleted_at: Date; deleted_by: number; deleted_cascade_id: string }[]
      >('SELECT deleted_at, deleted_by, deleted_cascade_id FROM igny8_accounts WHERE id = $1', [
        tenant.accountId,
      ]);
      expect(account.deleted_by).toBe(tenant.users.owner.id);
      const children = await db(t).query<{ deleted_cascade_id: string | null }[]>(
        `SELECT deleted_cascade_id FROM igny8_users WHERE account_id = $1
          UNION ALL SELECT deleted_cascade_id FROM igny8_sites WHERE account_id = $1`,
        [tenant.accountId],
      );
      expect(children).toHaveLength(6);
      expect(children.every((row) => row.deleted_cascade_id === account.deleted_cascade_id)).toBe(true);
      // Nothing of any other account changed.
      const strip = (rows: unknown[]) =>
        (rows as Record<string, unknown>[][]).map((table) =>
          table.filter((row) => row.account_id !== tenant.accountId && row.id !== tenant.accountId),
        );
      const rows = await identityRows(t);
      expect(strip(rows)).toEqual(strip(others));
    });

    it('refuses to delete a system account (403 system_account_protected)', async () => {
      const system = await seedTenant(t.app, { isSystem: true, plan: 'internal' });
      const before = await identityRows(t);
      const res = await call(t, system.users.owner, 'DELETE', OWN);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('system_account_protected');
      const developer = await call(t, dev, 'DELETE', OWN);
      expect(developer.json().code).toBe('system_account_protected');
      expect((await call(t, dev, 'DELETE', `${ACCOUNTS}${system.accountId}/`)).json().code).toBe(
        'system_account_protected',
      );
      expect(await identityRows(t)).toEqual(before);
    });
  });

  describe('auth/accounts (developer)', () => {
    it('is for developers only: every other role gets 403, also on foreign and missing ids', async () => {
      const before = await identityRows(t);
      for (const role of ['viewer', 'editor', 'admin', 'owner'] as const) {
        const user = a.users[role];
        for (const [method, url, body] of [
          ['GET', ACCOUNTS, undefined],
          ['POST', ACCOUNTS, { name: 'X', plan_slug: 'starter' }],
          ['GET', `${ACCOUNTS}${a.accountId}/`, undefined],
          ['PATCH', `${ACCOUNTS}${a.accountId}/`, { status: 'active' }],
          ['PUT', `${ACCOUNTS}${b.accountId}/`, { name: 'X' }],
          ['DELETE', `${ACCOUNTS}${b.accountId}/`, undefined],
          ['DELETE', `${ACCOUNTS}999999999/`, undefined],
          ['GET', `${ACCOUNTS}trash/`, undefined],
          ['POST', `${ACCOUNTS}${b.accountId}/restore/`, undefined],
        ] as const) {
          const res = await call(t, user, method, url, body);
          expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
          expect(res.json().code).toBe('permission_denied');
        }
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('lists every account, filters by status and plan_id, searches name and slug', async () => {
      const all = await call(t, dev, 'GET', `${ACCOUNTS}?page_size=100`);
      expect(all.statusCode).toBe(200);
      const listed = all.json().results.map((row: { id: number }) => row.id);
      expect(listed).toEqual(expect.arrayContaining([a.accountId, b.accountId, dev.accountId]));
      const growth = await call(
        t,
        dev,
        'GET',
        `${ACCOUNTS}?plan_id=${(await call(t, b.users.viewer, 'GET', OWN)).json().data.plan_id}&page_size=100`,
      );
      expect(growth.json().results.map((row: { id: number }) => row.id)).toEqual([b.accountId]);
      const search = await call(t, dev, 'GET', `${ACCOUNTS}?search=${b.slug.toUpperCase()}`);
      expect(search.json().results.map((row: { id: number }) => row.id)).toEqual([b.accountId]);
      await setStatus(t, b.accountId, 'suspended');
      const suspended = await call(t, dev, 'GET', `${ACCOUNTS}?status=suspended`);
      expect(suspended.json().results.map((row: { id: number }) => row.id)).toEqual([b.accountId]);
      await setStatus(t, b.accountId, 'active');
      expect((await call(t, dev, 'GET', `${ACCOUNTS}?status=frozen`)).statusCode).toBe(400);
      const narrowed = await call(t, dev, 'GET', `${ACCOUNTS}?account_id=${a.accountId}`);
      expect(narrowed.json().results.map((row: { id: number }) => row.id)).toEqual([a.accountId]);
    });

    it('creates accounts with a slug from the name, never a reserved one', async () => {
      const made: Record<string, unknown>[] = [];
      for (const name of ['Default', 'AWS Admin', 'Default Account', 'Acme Corp', 'Acme  Corp!']) {
        const res = await call(t, dev, 'POST', ACCOUNTS, { name, plan_slug: 'starter' });
        expect(res.statusCode, res.body).toBe(201);
        made.push(res.json().data);
      }
      expect(made.map((row) => row.slug)).toEqual([
        'default-2',
        'aws-admin-2',
        'default-account-2',
        expect.stringMatching(/^acme-corp(-\d+)?$/),
        expect.stringMatching(/^acme-corp-\d+$/),
      ]);
      expect(made[0]).toMatchObject({
        status: 'trial',
        is_system: false,
        credits: 0,
        owner_id: null,
        plan: { slug: 'starter', name: 'Starter' },
      });
      const active = await call(t, dev, 'POST', ACCOUNTS, {
        name: 'Active One',
        plan_slug: 'growth',
        status: 'active',
      });
      expect(active.json().data).toMatchObject({ status: 'active', plan: { slug: 'growth' } });
      const before = await identityRows(t);
      for (const [body, fields] of [
        [{ plan_slug: 'starter' }, ['name']],
        [{ name: 'X' }, ['plan_slug']],
        [{ name: 'X', plan_slug: 'nope' }, ['plan_slug']],
        [{ name: 'X', plan_slug: 'starter', status: 'frozen' }, ['status']],
      ] as const) {
        const res = await call(t, dev, 'POST', ACCOUNTS, body);
        expect(res.statusCode).toBe(400);
        expect(Object.keys(res.json().errors)).toEqual(fields);
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('updates name, status, is_active, plan_id (moving the live subscription) and the time zone; strips the rest', async () => {
      const tenant = await seedTenant(t.app);
      const subscription = await addSubscription(t, tenant.accountId, 'active');
      const [starter] = await db(t).query<{ id: number }[]>(
        "SELECT id FROM igny8_plans WHERE slug = 'starter'",
      );
      const res = await call(t, dev, 'PATCH', `${ACCOUNTS}${tenant.accountId}/`, {
        name: 'Moved',
        status: 'suspended',
        is_active: false,
        plan_id: starter.id,
        account_timezone: 'America/New_York',
        credits: 1,
        bonus_credits: 1,
        held_credits: 1,
        is_system: true,
        owner_id: tenant.users.viewer.id,
        slug: 'moved',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({
        name: 'Moved',
        status: 'suspended',
        is_active: false,
        plan_id: starter.id,
        plan: { id: starter.id, slug: 'starter' },
        account_timezone: 'America/New_York',
        credits: 1000,
        bonus_credits: 0,
        held_credits: 0,
        is_system: false,
        owner_id: tenant.users.owner.id,
        slug: tenant.slug,
      });
      const [sub] = await db(t).query<{ plan_id: number }[]>(
        'SELECT plan_id FROM igny8_subscriptions WHERE id = $1',
        [subscription],
      );
      expect(sub.plan_id).toBe(starter.id);
      const missing = await call(t, dev, 'PATCH', `${ACCOUNTS}${tenant.accountId}/`, { plan_id: 999_999 });
      expect(missing.json().errors).toEqual({ plan_id: ['Invalid pk "999999" - object does not exist.'] });
      const put = await call(t, dev, 'PUT', `${ACCOUNTS}${tenant.accountId}/`, {
        status: 'active',
        is_active: true,
      });
      expect(put.json().data).toMatchObject({ status: 'active', is_active: true, name: 'Moved' });
      const system = await call(t, dev, 'PATCH', `${ACCOUNTS}${dev.accountId}/`, { plan_id: starter.id });
      expect(system.statusCode).toBe(400);
      expect(Object.keys(system.json().errors)).toEqual(['plan_id']);
    });

    it('deletes (revoking sessions), lists the trash and restores the account with its users and sites', async () => {
      const tenant = await seedTenant(t.app, { sites: 1 });
      const session = await loginAs(t, tenant.users.admin);
      await call(t, tenant.users.admin, 'DELETE', `/api/v1/auth/users/${tenant.users.viewer.id}/`);
      const del = await call(t, dev, 'DELETE', `${ACCOUNTS}${tenant.accountId}/`);
      expect(del.statusCode, del.body).toBe(200);
      await expectRevoked(t, tenant.users.admin.id, session, 'account_deleted');
      expect((await call(t, dev, 'GET', `${ACCOUNTS}${tenant.accountId}/`)).statusCode).toBe(404);
      const trash = await call(t, dev, 'GET', `${ACCOUNTS}trash/?page_size=100`);
      expect(trash.json().results.map((row: { id: number }) => row.id)).toContain(tenant.accountId);

      const restore = await call(t, dev, 'POST', `${ACCOUNTS}${tenant.accountId}/restore/`);
      expect(restore.statusCode, restore.body).toBe(200);
      expect(restore.json().data).toMatchObject({ id: tenant.accountId, deleted_at: null });
      const users = await db(t).query<{ id: number; deleted_at: Date | null }[]>(
        'SELECT id, deleted_at FROM igny8_users WHERE account_id = $1 ORDER BY id',
        [tenant.accountId],
      );
      // The viewer was deleted before the account (its own cascade id): it stays in the trash.
      expect(users.filter((user) => user.deleted_at !== null).map((user) => user.id)).toEqual([
        tenant.users.viewer.id,
      ]);
      const [site] = await db(t).query<{ deleted_at: Date | null }[]>(
        'SELECT deleted_at FROM igny8_sites WHERE id = $1',
        [tenant.siteIds[0]],
      );
      expect(site.deleted_at).toBeNull();
      // Restoring a user while its account is in the trash is refused.
      await call(t, dev, 'DELETE', `${ACCOUNTS}${tenant.accountId}/`);
      const orphan = await call(t, dev, 'POST', `/api/v1/auth/users/${tenant.users.viewer.id}/restore/`);
      expect(orphan.statusCode).toBe(409);
      expect(orphan.json().error).toBe('Restore the parent first.');
    });
  });

  describe('auth/subscriptions', () => {
    it('shows admins their own subscriptions with the plan object; developers see all; filters by status', async () => {
      const own = await addSubscription(t, a.accountId, 'active');
      const foreign = await addSubscription(t, b.accountId, 'trialing');
      const list = await call(t, a.users.admin, 'GET', SUBSCRIPTIONS);
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().results.map((row: { id: number }) => row.id)).toEqual([own]);
      const row = list.json().results[0];
      expect(row).toMatchObject({
        account_id: a.accountId,
        status: 'active',
        plan: { slug: 'scale', name: 'Scale', price: '229.00' },
      });
      expect((await call(t, a.users.owner, 'GET', `${SUBSCRIPTIONS}${own}/`)).json().data.id).toBe(own);
      expect((await call(t, a.users.admin, 'GET', `${SUBSCRIPTIONS}${foreign}/`)).statusCode).toBe(404);
      expect((await call(t, a.users.admin, 'GET', `${SUBSCRIPTIONS}?status=trialing`)).json().count).toBe(0);
      for (const role of ['viewer', 'editor'] as const) {
        expect((await call(t, a.users[role], 'GET', SUBSCRIPTIONS)).statusCode).toBe(403);
      }
      const all = await call(t, dev, 'GET', `${SUBSCRIPTIONS}?status=trialing&page_size=100`);
      expect(all.json().results.map((r: { id: number }) => r.id)).toContain(foreign);
      const narrowed = await call(t, dev, 'GET', `${SUBSCRIPTIONS}?account_id=${b.accountId}`);
      expect(narrowed.json().results.map((r: { id: number }) => r.id)).toEqual([foreign]);
      expect((await call(t, a.users.admin, 'POST', SUBSCRIPTIONS, {})).statusCode).toBe(405);
    });
  });
});
