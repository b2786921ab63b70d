import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, PASSWORD, uniqueEmail } from '../auth/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, type SeededUser } from '../support/tenants.js';
import { call, db, expectRevoked, identityRows, loginAs, seedDeveloper } from '../users/support.js';

const SETTINGS = '/api/v1/account/settings/';
const TEAM = '/api/v1/account/team/';

describe('account/settings and account/team', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let dev: SeededUser & { accountId: number };

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedTenant(t.app);
    b = await seedTenant(t.app);
    dev = await seedDeveloper(t);
  });
  afterAll(() => t.close());

  it('settings: GET is the same Account as auth/account/, PATCH (admin) updates it', async () => {
    const settings = await call(t, a.users.viewer, 'GET', SETTINGS);
    const account = await call(t, a.users.viewer, 'GET', '/api/v1/auth/account/');
    expect(settings.statusCode).toBe(200);
    expect(settings.json().data).toEqual(account.json().data);
    const patch = await call(t, a.users.admin, 'PATCH', SETTINGS, {
      account_timezone: 'Asia/Tokyo',
      tax_id: 'JP-1',
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().data).toMatchObject({ account_timezone: 'Asia/Tokyo', tax_id: 'JP-1' });
    const bad = await call(t, a.users.admin, 'PATCH', SETTINGS, { account_timezone: 'Asia/Nowhere' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().errors)).toEqual(['account_timezone']);
    expect((await call(t, a.users.editor, 'PATCH', SETTINGS, { tax_id: 'x' })).statusCode).toBe(403);
  });

  it('settings: unwritable fields are stripped (response and database unchanged)', async () => {
    const [before] = await db(t).query<Record<string, unknown>[]>(
      'SELECT * FROM igny8_accounts WHERE id = $1',
      [a.accountId],
    );
    const res = await call(t, a.users.admin, 'PATCH', SETTINGS, {
      credits: 5,
      bonus_credits: 5,
      held_credits: 5,
      is_system: true,
      status: 'cancelled',
      owner_id: a.users.admin.id,
      plan_id: 1,
      account_id: b.accountId,
    });
    expect(res.statusCode).toBe(200);
    const [after] = await db(t).query<Record<string, unknown>[]>(
      'SELECT * FROM igny8_accounts WHERE id = $1',
      [a.accountId],
    );
    expect({ ...after, updated_at: null }).toEqual({ ...before, updated_at: null });
    expect(res.json().data).toMatchObject({ credits: 1000, status: 'active', owner_id: a.users.owner.id });
  });

  it('team: paginated users of the caller account with the users filters; developers see their own unless narrowed', async () => {
    const res = await call(t, a.users.viewer, 'GET', TEAM);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: true, count: 4, next: null, previous: null });
    expect(
      res
        .json()
        .results.map((user: { id: number }) => user.id)
        .sort(),
    ).toEqual(
      Object.values(a.users)
        .map((user) => user.id)
        .sort(),
    );
    const admins = await call(t, a.users.viewer, 'GET', `${TEAM}?role=admin&is_active=true`);
    expect(admins.json().results.map((user: { id: number }) => user.id)).toEqual([a.users.admin.id]);
    const search = await call(
      t,
      a.users.viewer,
      'GET',
      `${TEAM}?search=${encodeURIComponent(a.users.editor.email)}`,
    );
    expect(search.json().count).toBe(1);
    const ignored = await call(t, a.users.admin, 'GET', `${TEAM}?account_id=${b.accountId}`);
    expect(
      ignored.json().results.every((user: { account_id: number }) => user.account_id === a.accountId),
    ).toBe(true);

    const own = await call(t, dev, 'GET', `${TEAM}?page_size=100`);
    expect(
      own.json().results.every((user: { account_id: number }) => user.account_id === dev.accountId),
    ).toBe(true);
    const narrowed = await call(t, dev, 'GET', `${TEAM}?account_id=${b.accountId}`);
    expect(narrowed.json().count).toBe(4);
    expect(
      narrowed.json().results.every((user: { account_id: number }) => user.account_id === b.accountId),
    ).toBe(true);
  });

  it('team: POST invites (random password, team_invite email); a password in the body is ignored', async () => {
    const email = uniqueEmail('Team.Mate');
    const res = await call(t, a.users.admin, 'POST', TEAM, {
      email,
      first_name: 'Team',
      last_name: 'Mate',
      role: 'editor',
      password: PASSWORD,
      is_superuser: true,
      account_id: b.accountId,
      site_ids: [b.siteIds[0]],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({
      email: email.toLowerCase(),
      full_name: 'Team Mate',
      role: 'editor',
      account_id: a.accountId,
      is_superuser: false,
    });
    const [mail] = await outbox(t, email.toLowerCase());
    expect(mail.template_key).toBe('team_invite');
    expect(mail.text).toContain('/reset-password?token=');
    expect(mail.text).toContain(a.users.admin.email);
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email, password: PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    const grants = await db(t).query<unknown[]>('SELECT 1 FROM igny8_site_user_access WHERE user_id = $1', [
      res.json().data.id,
    ]);
    expect(grants).toHaveLength(0);

    const before = await identityRows(t);
    for (const body of [
      { email, role: 'viewer' },
      { email: uniqueEmail(), role: 'owner' },
      { role: 'viewer' },
    ]) {
      const bad = await call(t, a.users.admin, 'POST', TEAM, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }
    for (const role of ['viewer', 'editor'] as const) {
      expect(
        (await call(t, a.users[role], 'POST', TEAM, { email: uniqueEmail(), role: 'viewer' })).statusCode,
      ).toBe(403);
    }
    expect(await identityRows(t)).toEqual(before);
  });

  it('team: DELETE follows the user-delete rules and revokes the sessions at once', async () => {
    const before = await identityRows(t);
    for (const [actor, id, status] of [
      [a.users.admin, a.users.admin.id, 403],
      [a.users.admin, a.users.owner.id, 403],
      [a.users.editor, a.users.viewer.id, 403],
      [a.users.admin, b.users.viewer.id, 404],
      [a.users.admin, 999_999_999, 404],
    ] as const) {
      expect((await call(t, actor, 'DELETE', `${TEAM}${id}/`)).statusCode).toBe(status);
    }
    expect((await call(t, a.users.admin, 'DELETE', `${TEAM}abc/`)).statusCode).toBe(404);
    expect(await identityRows(t)).toEqual(before);

    const session = await loginAs(t, a.users.viewer);
    const res = await call(t, a.users.admin, 'DELETE', `${TEAM}${a.users.viewer.id}/`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ data: null, message: 'Deleted.' });
    await expectRevoked(t, a.users.viewer.id, session, 'user_deleted');
    const trash = await call(t, a.users.admin, 'GET', '/api/v1/auth/users/trash/');
    expect(trash.json().results.map((user: { id: number }) => user.id)).toEqual([a.users.viewer.id]);
  });
});
