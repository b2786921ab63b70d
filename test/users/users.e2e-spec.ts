import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/common/crypto.js';
import { bearer, nextSecond, outbox, PASSWORD, uniqueEmail } from '../auth/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, type SeededUser } from '../support/tenants.js';
import {
  call,
  db,
  expectRevoked,
  identityRows,
  loginAs,
  refreshWith,
  seedDeveloper,
  tableColumns,
} from './support.js';

const USERS = '/api/v1/auth/users/';

describe('auth/users', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let c: SeededTenant;
  let dev: SeededUser & { accountId: number };

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    c = await seedTenant(t.app, { sites: 1 });
    dev = await seedDeveloper(t);
  });
  afterAll(() => t.close());

  const ids = (res: { json(): { results: { id: number }[] } }) =>
    res
      .json()
      .results.map((row) => row.id)
      .sort();
  const accountUserIds = (tenant: SeededTenant) =>
    Object.values(tenant.users)
      .map((user) => user.id)
      .sort();

  describe('reading', () => {
    it('lists the users of the caller account for every role (users are account-scoped, not site-scoped)', async () => {
      for (const role of ['viewer', 'editor', 'admin', 'owner'] as const) {
        const res = await call(t, a.users[role], 'GET', `${USERS}?page_size=100`);
        expect(res.statusCode, res.body).toBe(200);
        expect(ids(res)).toEqual(accountUserIds(a));
      }
    });

    it('represents every column but password_hash, plus full_name', async () => {
      await db(t).query("UPDATE igny8_users SET first_name = 'Ada', last_name = 'Lovelace' WHERE id = $1", [
        a.users.editor.id,
      ]);
      const res = await call(t, a.users.viewer, 'GET', `${USERS}${a.users.editor.id}/`);
      expect(res.statusCode).toBe(200);
      const user = res.json().data;
      const columns = await tableColumns(t, 'igny8_users');
      expect(Object.keys(user).sort()).toEqual(
        [...columns.filter((column) => column !== 'password_hash'), 'full_name'].sort(),
      );
      expect(user).toMatchObject({
        id: a.users.editor.id,
        account_id: a.accountId,
        full_name: 'Ada Lovelace',
      });
      expect(res.body).not.toContain('password_hash');
      expect(res.body).not.toContain('$argon2');
    });

    it('filters by role and is_active, searches and orders', async () => {
      const editors = await call(t, a.users.admin, 'GET', `${USERS}?role=editor`);
      expect(ids(editors)).toEqual([a.users.editor.id]);
      const inactive = await call(t, a.users.admin, 'GET', `${USERS}?is_active=false`);
      expect(inactive.json().count).toBe(0);
      const search = await call(t, a.users.admin, 'GET', `${USERS}?search=LOVELACE`);
      expect(ids(search)).toEqual([a.users.editor.id]);
      const byEmail = await call(t, a.users.admin, 'GET', `${USERS}?ordering=email`);
      const emails = byEmail.json().results.map((row: { email: string }) => row.email);
      expect(emails).toEqual([...emails].sort());
      expect((await call(t, a.users.admin, 'GET', `${USERS}?role=chief`)).statusCode).toBe(400);
    });

    it('lets a developer see every account and narrow with account_id; account_id is ignored for others', async () => {
      const all = await call(t, dev, 'GET', `${USERS}?page_size=100`);
      expect(all.json().count).toBeGreaterThanOrEqual(13);
      const narrowed = await call(t, dev, 'GET', `${USERS}?account_id=${b.accountId}&page_size=100`);
      expect(ids(narrowed)).toEqual(accountUserIds(b));
      const ignored = await call(t, a.users.admin, 'GET', `${USERS}?account_id=${b.accountId}&page_size=100`);
      expect(ids(ignored)).toEqual(accountUserIds(a));
      expect((await call(t, dev, 'GET', `${USERS}${b.users.viewer.id}/`)).statusCode).toBe(200);
    });
  });

  describe('creating', () => {
    it('creates a user with a password: email lowercased, username from the email, 201', async () => {
      const email = uniqueEmail('New.Person').toUpperCase();
      const res = await call(t, a.users.admin, 'POST', USERS, {
        email: `  ${email} `,
        password: 'a fine password',
        first_name: 'New',
        role: 'viewer',
      });
      expect(res.statusCode, res.body).toBe(201);
      const user = res.json().data;
      expect(user).toMatchObject({
        email: email.toLowerCase(),
        username: email.toLowerCase().split('@')[0],
        role: 'viewer',
        is_active: true,
        account_id: a.accountId,
        full_name: 'New',
      });
      const [row] = await db(t).query<{ password_hash: string }[]>(
        'SELECT password_hash FROM igny8_users WHERE id = $1',
        [user.id],
      );
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await outbox(t, user.email)).toHaveLength(0);
      const login = await t.request({
        method: 'POST',
        url: '/api/v1/auth/login/',
        payload: { email: user.email, password: 'a fine password' },
      });
      expect(login.statusCode).toBe(200);
      await call(t, a.users.admin, 'DELETE', `${USERS}${user.id}/`);
    });

    it('refuses a taken email, a taken username, a weak password and unassignable roles (400 per field)', async () => {
      const before = await identityRows(t);
      const taken = await call(t, a.users.admin, 'POST', USERS, {
        email: b.users.viewer.email.toUpperCase(),
        username: a.users.owner.email.split('@')[0],
        password: '12345678901',
        role: 'editor',
      });
      expect(taken.statusCode).toBe(400);
      expect(taken.json().errors).toEqual({
        email: ['A user with this email already exists.'],
        username: ['A user with that username already exists.'],
        password: ['This password is entirely numeric.'],
      });
      for (const role of ['owner', 'developer', 'system_bot', 'boss', undefined]) {
        const res = await call(t, a.users.admin, 'POST', USERS, { email: uniqueEmail(), role });
        expect(res.statusCode).toBe(400);
        expect(Object.keys(res.json().errors)).toEqual(['role']);
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('appends 2, 3, … to a default username that is taken (usernames are global)', async () => {
      const local = `dup${Date.now()}`;
      for (const username of [local, `${local}2`]) {
        await db(t).query(
          `INSERT INTO igny8_users (account_id, email, username, password_hash, role) VALUES ($1, $2, $3, 'x', 'viewer')`,
          [dev.accountId, uniqueEmail(username), username],
        );
      }
      const res = await call(t, c.users.admin, 'POST', USERS, {
        email: `${local}@elsewhere.test`,
        role: 'viewer',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().data.username).toBe(`${local}3`);
      await call(t, c.users.admin, 'DELETE', `${USERS}${res.json().data.id}/`);
    });

    it('without a password: random password and a team_invite email whose one-hour reset link works', async () => {
      const email = uniqueEmail('invitee');
      const res = await call(t, a.users.admin, 'POST', USERS, { email, role: 'editor', first_name: 'Ivy' });
      expect(res.statusCode, res.body).toBe(201);
      const userId = res.json().data.id;
      const [mail] = await outbox(t, email);
      expect(mail.template_key).toBe('team_invite');
      const token = /reset-password\?token=([\w-]+)/.exec(mail.text)?.[1];
      expect(token).toHaveLength(43);
      const [stored] = await db(t).query<{ token_hash: string; expires_at: Date; created_at: Date }[]>(
        'SELECT token_hash, expires_at, created_at FROM igny8_password_reset_tokens WHERE user_id = $1',
        [userId],
      );
      expect(stored.token_hash).toBe(sha256Hex(token!));
      expect(stored.expires_at.getTime() - stored.created_at.getTime()).toBeGreaterThan(3_590_000);
      expect(stored.expires_at.getTime() - stored.created_at.getTime()).toBeLessThanOrEqual(
        3_600_000 + 5_000,
      );
      const tokenRows = await db(t).query<unknown[]>(
        'SELECT 1 FROM igny8_password_reset_tokens WHERE token_hash = $1',
        [token],
      );
      expect(tokenRows).toHaveLength(0);

      const confirm = await t.request({
        method: 'POST',
        url: '/api/v1/auth/password/reset/confirm/',
        payload: { token, new_password: PASSWORD },
      });
      expect(confirm.statusCode, confirm.body).toBe(200);
      const login = await t.request({
        method: 'POST',
        url: '/api/v1/auth/login/',
        payload: { email, password: PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      await call(t, a.users.admin, 'DELETE', `${USERS}${userId}/`);
    });

    it('grants site_ids to editors and viewers only, and only visible sites of the account', async () => {
      const email = uniqueEmail('granted');
      const res = await call(t, a.users.admin, 'POST', USERS, {
        email,
        password: PASSWORD,
        role: 'viewer',
        site_ids: [a.siteIds[1], a.siteIds[1]],
      });
      expect(res.statusCode, res.body).toBe(201);
      const userId = res.json().data.id;
      const grants = await db(t).query<{ site_id: number; granted_by: number }[]>(
        'SELECT site_id, granted_by FROM igny8_site_user_access WHERE user_id = $1',
        [userId],
      );
      expect(grants).toEqual([{ site_id: a.siteIds[1], granted_by: a.users.admin.id }]);
      await call(t, a.users.admin, 'DELETE', `${USERS}${userId}/`);

      const before = await identityRows(t);
      const admin = await call(t, a.users.admin, 'POST', USERS, {
        email: uniqueEmail(),
        role: 'admin',
        site_ids: [a.siteIds[0]],
      });
      expect(admin.statusCode).toBe(400);
      expect(Object.keys(admin.json().errors)).toEqual(['site_ids']);
      for (const siteId of [b.siteIds[0], 999_999_999]) {
        const foreign = await call(t, a.users.admin, 'POST', USERS, {
          email: uniqueEmail(),
          role: 'editor',
          site_ids: [a.siteIds[0], siteId],
        });
        expect(foreign.statusCode).toBe(400);
        expect(foreign.json().errors).toEqual({
          site_ids: [`Invalid pk "${siteId}" - object does not exist.`],
        });
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('strips fields the caller may not write (account_id, is_superuser, role escalation stays refused)', async () => {
      const email = uniqueEmail('stripped');
      const res = await call(t, a.users.admin, 'POST', USERS, {
        email,
        password: PASSWORD,
        role: 'viewer',
        account_id: b.accountId,
        is_superuser: true,
        credits: 99,
        deleted_at: '2020-01-01T00:00:00Z',
        password_hash: 'x',
        tokens_valid_after: '2020-01-01T00:00:00Z',
      });
      expect(res.statusCode, res.body).toBe(201);
      const [row] = await db(t).query<Record<string, unknown>[]>('SELECT * FROM igny8_users WHERE id = $1', [
        res.json().data.id,
      ]);
      expect(row).toMatchObject({
        account_id: a.accountId,
        is_superuser: false,
        deleted_at: null,
        tokens_valid_after: null,
      });
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      await call(t, a.users.admin, 'DELETE', `${USERS}${row.id as number}/`);
    });
  });

  describe('plan limits', () => {
    it('counts non-deleted users against max_users on create and restore (403 plan_limit_reached)', async () => {
      // scale: max_users = 5; the seeded tenant has 4 users.
      const tenant = await seedTenant(t.app);
      const fifth = await call(t, tenant.users.admin, 'POST', USERS, {
        email: uniqueEmail(),
        role: 'viewer',
      });
      expect(fifth.statusCode, fifth.body).toBe(201);
      const sixth = await call(t, tenant.users.admin, 'POST', USERS, {
        email: uniqueEmail(),
        role: 'viewer',
      });
      expect(sixth.statusCode).toBe(403);
      expect(sixth.json()).toMatchObject({
        code: 'plan_limit_reached',
        details: { limit: 'max_users', current: 5, requested: 1, allowed: 5 },
      });
      const invite = await call(t, tenant.users.admin, 'POST', '/api/v1/account/team/', {
        email: uniqueEmail(),
        role: 'viewer',
      });
      expect(invite.statusCode).toBe(403);
      expect(invite.json().code).toBe('plan_limit_reached');

      // system_bot users do not count.
      await db(t).query(
        `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
         VALUES ($1, $2, $3, 'x', 'system_bot')`,
        [tenant.accountId, uniqueEmail('bot'), `bot-${tenant.slug}`],
      );
      expect(
        (await call(t, tenant.users.admin, 'DELETE', `${USERS}${fifth.json().data.id}/`)).statusCode,
      ).toBe(200);
      const replacement = await call(t, tenant.users.admin, 'POST', USERS, {
        email: uniqueEmail(),
        role: 'editor',
      });
      expect(replacement.statusCode).toBe(201);
      const restore = await call(t, tenant.users.admin, 'POST', `${USERS}${fifth.json().data.id}/restore/`);
      expect(restore.statusCode).toBe(403);
      expect(restore.json().details).toEqual({ limit: 'max_users', current: 5, requested: 1, allowed: 5 });
      const [still] = await db(t).query<{ deleted_at: Date | null }[]>(
        'SELECT deleted_at FROM igny8_users WHERE id = $1',
        [fifth.json().data.id],
      );
      expect(still.deleted_at).not.toBeNull();
    });
  });

  describe('updating', () => {
    let target: { id: number; email: string };

    beforeAll(async () => {
      const res = await call(t, a.users.admin, 'POST', USERS, {
        email: uniqueEmail('target'),
        password: PASSWORD,
        role: 'viewer',
      });
      target = res.json().data;
    });

    it('updates names, username, role and is_active (PATCH and PUT)', async () => {
      const patch = await call(t, a.users.admin, 'PATCH', `${USERS}${target.id}/`, {
        first_name: ' Tess ',
        role: 'editor',
        username: `tess-${target.id}`,
      });
      expect(patch.statusCode, patch.body).toBe(200);
      expect(patch.json().data).toMatchObject({
        first_name: 'Tess',
        role: 'editor',
        username: `tess-${target.id}`,
      });
      const put = await call(t, a.users.owner, 'PUT', `${USERS}${target.id}/`, {
        last_name: 'Target',
        role: 'admin',
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().data).toMatchObject({ full_name: 'Tess Target', role: 'admin' });
      const taken = await call(t, a.users.admin, 'PATCH', `${USERS}${target.id}/`, {
        username: b.users.owner.email.split('@')[0],
      });
      expect(taken.statusCode).toBe(400);
      expect(taken.json().errors).toEqual({ username: ['A user with that username already exists.'] });
      const blank = await call(t, a.users.admin, 'PATCH', `${USERS}${target.id}/`, { username: '' });
      expect(blank.json().errors).toEqual({ username: ['This field may not be blank.'] });
    });

    it('strips unwritable fields: the response and the database stay unchanged', async () => {
      const before = (await db(t).query('SELECT * FROM igny8_users WHERE id = $1', [target.id]))[0];
      const res = await call(t, a.users.admin, 'PATCH', `${USERS}${target.id}/`, {
        account_id: b.accountId,
        email: 'changed@example.com',
        is_superuser: true,
        password_hash: 'x',
        credits: 5,
        bonus_credits: 5,
        held_credits: 5,
        is_system: true,
        status: 'active',
        owner_id: target.id,
        plan_id: 1,
        last_login: '2020-01-01T00:00:00Z',
        id: 1,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({
        id: target.id,
        account_id: a.accountId,
        email: target.email,
        is_superuser: false,
      });
      const after = (await db(t).query('SELECT * FROM igny8_users WHERE id = $1', [target.id]))[0];
      expect({ ...after, updated_at: null }).toEqual({ ...before, updated_at: null });
    });

    it('refuses owner/system_bot for everyone and developer for non-developers (403)', async () => {
      const before = await identityRows(t);
      for (const [actor, role] of [
        [a.users.admin, 'owner'],
        [a.users.owner, 'owner'],
        [dev, 'owner'],
        [a.users.owner, 'system_bot'],
        [dev, 'system_bot'],
        [a.users.owner, 'developer'],
        [a.users.admin, 'developer'],
      ] as const) {
        const res = await call(t, actor, 'PATCH', `${USERS}${target.id}/`, { role });
        expect(res.statusCode, `${actor.role} → ${role}`).toBe(403);
        expect(res.json().code).toBe('permission_denied');
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('lets a developer assign developer', async () => {
      const tenant = await seedTenant(t.app);
      const res = await call(t, dev, 'PATCH', `${USERS}${tenant.users.viewer.id}/`, { role: 'developer' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.role).toBe('developer');
    });

    it('refuses admins modifying the owner, and users changing their own role or deactivating themselves', async () => {
      const before = await identityRows(t);
      const cases: [SeededUser, number, object][] = [
        [a.users.admin, a.users.owner.id, { first_name: 'Nope' }],
        [a.users.admin, a.users.owner.id, { is_active: false }],
        [a.users.admin, a.users.admin.id, { role: 'viewer' }],
        [a.users.admin, a.users.admin.id, { is_active: false }],
        [a.users.owner, a.users.owner.id, { role: 'admin' }],
        [a.users.owner, a.users.owner.id, { is_active: false }],
        [dev, a.users.owner.id, { role: 'admin' }],
      ];
      for (const [actor, id, body] of cases) {
        const res = await call(t, actor, 'PATCH', `${USERS}${id}/`, body);
        expect(res.statusCode, `${actor.role} ${JSON.stringify(body)}`).toBe(403);
      }
      expect(await identityRows(t)).toEqual(before);
      // Own names are fine, and re-sending one's own role is not a change.
      const self = await call(t, a.users.admin, 'PATCH', `${USERS}${a.users.admin.id}/`, {
        first_name: 'Me',
        role: 'admin',
      });
      expect(self.statusCode, self.body).toBe(200);
      const owner = await call(t, a.users.owner, 'PATCH', `${USERS}${a.users.owner.id}/`, {
        last_name: 'Owner',
      });
      expect(owner.statusCode).toBe(200);
    });

    it('deactivating a user revokes its tokens and sessions at once', async () => {
      const tenant = await seedTenant(t.app);
      const session = await loginAs(t, tenant.users.editor);
      const res = await call(t, tenant.users.admin, 'PATCH', `${USERS}${tenant.users.editor.id}/`, {
        is_active: false,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.is_active).toBe(false);
      await expectRevoked(t, tenant.users.editor.id, session, 'admin');
      expect((await call(t, tenant.users.editor, 'GET', USERS)).statusCode).toBe(401);
    });
  });

  describe('deleting and restoring', () => {
    it('refuses deleting yourself or the owner (403), and developers by non-developers', async () => {
      const before = await identityRows(t);
      for (const [actor, id] of [
        [a.users.admin, a.users.admin.id],
        [a.users.owner, a.users.owner.id],
        [a.users.admin, a.users.owner.id],
        [dev, a.users.owner.id],
        [dev, dev.id],
      ] as const) {
        const res = await call(t, actor, 'DELETE', `${USERS}${id}/`);
        expect(res.statusCode, `${actor.role} deletes ${id}`).toBe(403);
      }
      expect(await identityRows(t)).toEqual(before);
    });

    it('soft-deletes, revokes the sessions at once, lists the trash and restores', async () => {
      const tenant = await seedTenant(t.app);
      const victim = tenant.users.viewer;
      const session = await loginAs(t, victim);
      await nextSecond();
      const del = await call(t, tenant.users.admin, 'DELETE', `${USERS}${victim.id}/`);
      expect(del.statusCode, del.body).toBe(200);
      expect(del.json()).toMatchObject({ success: true, data: null, message: 'Deleted.' });
      await expectRevoked(t, victim.id, session, 'user_deleted');
      const [row] = await db(t).query<{ deleted_at: Date; deleted_by: number; deleted_cascade_id: string }[]>(
        'SELECT deleted_at, deleted_by, deleted_cascade_id FROM igny8_users WHERE id = $1',
        [victim.id],
      );
      expect(row.deleted_by).toBe(tenant.users.admin.id);
      expect(row.deleted_cascade_id).toMatch(/^[0-9a-f-]{36}$/);

      expect((await call(t, tenant.users.admin, 'GET', `${USERS}${victim.id}/`)).statusCode).toBe(404);
      const trash = await call(t, tenant.users.admin, 'GET', `${USERS}trash/`);
      expect(trash.json().results.map((user: { id: number }) => user.id)).toEqual([victim.id]);
      expect((await call(t, tenant.users.editor, 'GET', `${USERS}trash/`)).statusCode).toBe(403);

      const restore = await call(t, tenant.users.admin, 'POST', `${USERS}${victim.id}/restore/`);
      expect(restore.statusCode, restore.body).toBe(200);
      expect(restore.json().data).toMatchObject({
        id: victim.id,
        deleted_at: null,
        deleted_by: null,
        deleted_cascade_id: null,
      });
      // The old credentials stay dead after the restore (tokens_valid_after, revoked families).
      expect((await refreshWith(t, session.tokens.refresh)).statusCode).toBe(401);
      const oldAccess = await t.request({
        method: 'GET',
        url: USERS,
        headers: bearer(session.tokens.access),
      });
      expect(oldAccess.statusCode).toBe(401);
      expect((await call(t, tenant.users.admin, 'POST', `${USERS}${victim.id}/restore/`)).statusCode).toBe(
        404,
      );
    });

    it('an email freed by a deleted user can be reused; restoring the old one then clashes (409)', async () => {
      const tenant = await seedTenant(t.app);
      const email = tenant.users.viewer.email;
      await call(t, tenant.users.admin, 'DELETE', `${USERS}${tenant.users.viewer.id}/`);
      const again = await call(t, tenant.users.admin, 'POST', USERS, {
        email,
        role: 'viewer',
        username: `again-${tenant.slug}`,
      });
      expect(again.statusCode, again.body).toBe(201);
      await call(t, tenant.users.admin, 'DELETE', `${USERS}${tenant.users.editor.id}/`);
      const clash = await call(t, tenant.users.admin, 'POST', `${USERS}${tenant.users.viewer.id}/restore/`);
      expect(clash.statusCode).toBe(409);
      expect(clash.json().code).toBe('conflict');
    });
  });

  describe('other accounts', () => {
    it('foreign ids in the path answer 404 exactly like missing ids, and nothing changes', async () => {
      await call(t, b.users.admin, 'DELETE', `${USERS}${b.users.editor.id}/`);
      const before = await identityRows(t);
      for (const id of [b.users.viewer.id, b.users.owner.id, 999_999_999]) {
        for (const [method, url, body] of [
          ['GET', `${USERS}${id}/`, undefined],
          ['PATCH', `${USERS}${id}/`, { first_name: 'X', is_active: false }],
          ['PUT', `${USERS}${id}/`, { first_name: 'X' }],
          ['DELETE', `${USERS}${id}/`, undefined],
          ['DELETE', `/api/v1/account/team/${id}/`, undefined],
        ] as const) {
          const res = await call(t, a.users.admin, method, url, body);
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.json().code).toBe('not_found');
        }
      }
      const restore = await call(t, a.users.admin, 'POST', `${USERS}${b.users.editor.id}/restore/`);
      expect(restore.statusCode).toBe(404);
      const trash = await call(t, a.users.admin, 'GET', `${USERS}trash/?page_size=100`);
      expect(trash.json().results.map((user: { account_id: number }) => user.account_id)).not.toContain(
        b.accountId,
      );
      expect(await identityRows(t)).toEqual(before);
    });

    it('checks the role before visibility: a viewer gets 403 on a foreign or missing id', async () => {
      for (const id of [b.users.viewer.id, 999_999_999]) {
        expect(
          (await call(t, a.users.viewer, 'PATCH', `${USERS}${id}/`, { first_name: 'X' })).statusCode,
        ).toBe(403);
        expect((await call(t, a.users.editor, 'DELETE', `${USERS}${id}/`)).statusCode).toBe(403);
      }
    });
  });
});
