import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  basic,
  bearer,
  db,
  decodePayload,
  login,
  register,
  type Registered,
  sessionCookie,
  uniqueEmail,
  withCookie,
} from './helpers.js';

const ORIGIN = 'https://app.example.com';
const ME = '/api/v1/auth/me/';
const GROUPS = '/api/v1/auth/groups/';

describe('login, cookie sessions, logout and the account gate', () => {
  let t: TestApp;
  let owner: Registered;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: ORIGIN } });
    owner = await register(t, { first_name: 'Ada', last_name: 'Lovelace' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('login returns the user with its account and a token pair, and sets a fresh session cookie', async () => {
    const before = Date.now();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email: owner.email.toUpperCase(), password: owner.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { user, tokens } = res.json().data;
    expect(user).toMatchObject({
      id: owner.userId,
      email: owner.email,
      role: 'owner',
      full_name: 'Ada Lovelace',
    });
    expect(user).not.toHaveProperty('password_hash');
    expect(user.account).toMatchObject({
      id: owner.accountId,
      status: 'trial',
      plan: { slug: 'free-trial', name: 'Free Trial' },
      total_credits: 2000,
      is_system_account: false,
    });
    expect(new Date(user.last_login).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(tokens).sort()).toEqual([
      'access',
      'access_expires_at',
      'refresh',
      'refresh_expires_at',
    ]);
    expect(new Date(tokens.access_expires_at).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);

    const cookie = sessionCookie(res)!;
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Lax/i);
    expect(cookie.raw).toMatch(/Path=\//);
    expect(cookie.raw).not.toMatch(/Secure/i); // only in production
    expect(cookie.value.length).toBeGreaterThanOrEqual(40);
    // A new session id at every login.
    const again = await login(t, owner.email);
    expect(again.cookie).not.toBe(cookie.value);
    expect(again.cookie).not.toBe(owner.cookie);

    const me = await t.request({ method: 'GET', url: ME, headers: withCookie(cookie.value) });
    expect(me.statusCode).toBe(200);
    expect(me.json().data.id).toBe(owner.userId);
    // The session and the refresh token share the login's family.
    const [session] = await db(t).query(
      'SELECT family_id, user_id FROM igny8_sessions WHERE user_id = $1 ORDER BY id DESC LIMIT 1',
      [owner.userId],
    );
    if (!t.config.redis.url) expect(session.family_id).toBe(decodePayload(again.tokens.refresh).fam);
  });

  it('answers unknown email, wrong password, inactive user and system_bot identically', async () => {
    const inactive = await register(t);
    await db(t).query('UPDATE igny8_users SET is_active = false WHERE id = $1', [inactive.userId]);
    const bot = await register(t);
    await db(t).query(`UPDATE igny8_users SET role = 'system_bot' WHERE id = $1`, [bot.userId]);
    const attempts = [
      { email: uniqueEmail('nobody'), password: owner.password },
      { email: owner.email, password: 'wrong password!' },
      { email: inactive.email, password: inactive.password },
      { email: bot.email, password: bot.password },
    ];
    const answers = [];
    for (const payload of attempts) {
      const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/', payload });
      expect(res.statusCode).toBe(401);
      expect(sessionCookie(res)).toBeUndefined();
      const { request_id: _ignored, ...body } = res.json();
      answers.push(body);
    }
    expect(answers[0]).toEqual({
      success: false,
      error: 'Invalid email or password.',
      code: 'invalid_credentials',
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('validates the login body', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email: owner.email },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual({ password: ['This field is required.'] });
  });

  it('refuses unsafe methods on a session cookie without an allowed Origin or Referer (CSRF)', async () => {
    const { cookie } = await login(t, owner.email);
    const patch = (headers: Record<string, string>) =>
      t.request({
        method: 'PATCH',
        url: ME,
        headers: { ...withCookie(cookie), ...headers },
        payload: { first_name: 'Ada' },
      });
    const refused: Record<string, string>[] = [
      {},
      { origin: 'https://evil.example.org' },
      { referer: 'https://evil.example.org/page' },
      { origin: 'null' },
    ];
    for (const headers of refused) {
      const res = await patch(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ code: 'csrf_failed', error: 'CSRF check failed.' });
    }
    expect((await patch({ origin: ORIGIN })).statusCode).toBe(200);
    expect((await patch({ referer: `${ORIGIN}/settings/profile` })).statusCode).toBe(200);
    // Safe methods need no Origin; bearer tokens are not subject to the check.
    expect((await t.request({ method: 'GET', url: ME, headers: withCookie(cookie) })).statusCode).toBe(200);
    const viaBearer = await t.request({
      method: 'PATCH',
      url: ME,
      headers: bearer(owner.tokens.access),
      payload: { last_name: 'L' },
    });
    expect(viaBearer.statusCode).toBe(200);
    await t.request({
      method: 'PATCH',
      url: ME,
      headers: bearer(owner.tokens.access),
      payload: { last_name: 'Lovelace' },
    });
  });

  it('logout destroys the cookie session, revokes its family and clears the cookie', async () => {
    const session = await login(t, owner.email);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      headers: { ...withCookie(session.cookie), origin: ORIGIN },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ success: true, data: null, message: 'Logged out.' });
    const cleared = sessionCookie(res)!;
    expect(cleared.value).toBe('');
    expect(cleared.raw).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    // The destroyed session is treated as absent: 401 "no credentials", and the cookie is cleared again.
    const after = await t.request({ method: 'GET', url: ME, headers: withCookie(session.cookie) });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('authentication_required');
    expect(sessionCookie(after)?.value).toBe('');
    const refresh = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/refresh/',
      payload: { refresh: session.tokens.refresh },
    });
    expect(refresh.statusCode).toBe(401);
    // Other logins are untouched.
    expect(
      (await t.request({ method: 'GET', url: ME, headers: bearer(owner.tokens.access) })).statusCode,
    ).toBe(200);
  });

  it('logout with a refresh token revokes that family only; with all=true every session', async () => {
    const user = await register(t);
    const a = await login(t, user.email);
    const b = await login(t, user.email);
    const byRefresh = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      headers: bearer(a.tokens.access),
      payload: { refresh: a.tokens.refresh },
    });
    expect(byRefresh.statusCode).toBe(200);
    const refresh = (token: string) =>
      t.request({ method: 'POST', url: '/api/v1/auth/token/refresh/', payload: { refresh: token } });
    expect((await refresh(a.tokens.refresh)).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: ME, headers: withCookie(a.cookie) })).statusCode).toBe(401);
    expect((await refresh(b.tokens.refresh)).statusCode).toBe(200);

    // A foreign refresh token is ignored (it belongs to someone else).
    await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      headers: bearer(user.tokens.access),
      payload: { refresh: owner.tokens.refresh },
    });
    const ownerRow = await db(t).query('SELECT revoked_at FROM igny8_refresh_tokens WHERE jti = $1', [
      decodePayload(owner.tokens.refresh).jti,
    ]);
    expect(ownerRow[0].revoked_at).toBeNull();

    const all = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      headers: bearer(user.tokens.access),
      payload: { all: true },
    });
    expect(all.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: ME, headers: withCookie(b.cookie) })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: ME, headers: withCookie(user.cookie) })).statusCode).toBe(
      401,
    );
    const live = await db(t).query(
      'SELECT count(*)::int AS n FROM igny8_refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [user.userId],
    );
    expect(live[0].n).toBe(0);
  });

  it('an unknown or forged session cookie is treated as absent', async () => {
    const res = await t.request({ method: 'GET', url: ME, headers: withCookie('forged-session-id') });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('authentication_required');
    expect(sessionCookie(res)?.value).toBe('');
    // On a public route it is simply ignored.
    const relogin = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      headers: withCookie('forged'),
      payload: { email: owner.email, password: owner.password },
    });
    expect(relogin.statusCode).toBe(200);
  });

  it('accepts HTTP Basic when enabled and refuses a wrong password', async () => {
    const ok = await t.request({ method: 'GET', url: ME, headers: basic(owner.email, owner.password) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.id).toBe(owner.userId);
    const bad = await t.request({ method: 'GET', url: ME, headers: basic(owner.email, 'nope nope nope') });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('invalid_credentials');
  });

  it('GET/PATCH me: writable fields only, unique username', async () => {
    const other = await register(t);
    const taken = await t.request({
      method: 'PATCH',
      url: ME,
      headers: bearer(owner.tokens.access),
      payload: { username: other.body.data.user.username },
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors).toEqual({ username: ['A user with that username already exists.'] });
    for (const [username, message] of [
      ['', 'This field may not be blank.'],
      ['has spaces', 'Enter a valid username: letters, digits and @/./+/-/_ only.'],
    ]) {
      const bad = await t.request({
        method: 'PATCH',
        url: ME,
        headers: bearer(owner.tokens.access),
        payload: { username },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual({ username: [message] });
    }

    const res = await t.request({
      method: 'PATCH',
      url: ME,
      headers: bearer(owner.tokens.access),
      payload: {
        first_name: 'Augusta',
        username: 'augusta.ada',
        role: 'developer',
        email: 'stolen@example.com',
        account_id: other.accountId,
        is_superuser: true,
        is_active: false,
        password_hash: 'x',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      first_name: 'Augusta',
      username: 'augusta.ada',
      role: 'owner',
      email: owner.email,
      account_id: owner.accountId,
      is_superuser: false,
      is_active: true,
      full_name: 'Augusta Lovelace',
    });
    const [row] = await db(t).query(
      'SELECT role, email, account_id, is_superuser FROM igny8_users WHERE id = $1',
      [owner.userId],
    );
    expect(row).toEqual({
      role: 'owner',
      email: owner.email,
      account_id: owner.accountId,
      is_superuser: false,
    });
  });

  it('lists the six roles', async () => {
    const res = await t.request({ method: 'GET', url: GROUPS, headers: bearer(owner.tokens.access) });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      { value: 'developer', label: 'Developer', rank: 5, assignable: false },
      { value: 'owner', label: 'Owner', rank: 4, assignable: false },
      { value: 'admin', label: 'Admin', rank: 3, assignable: true },
      { value: 'editor', label: 'Editor', rank: 2, assignable: true },
      { value: 'viewer', label: 'Viewer', rank: 1, assignable: true },
      { value: 'system_bot', label: 'System Bot', rank: 0, assignable: false },
    ]);
    expect((await t.request({ method: 'GET', url: GROUPS })).statusCode).toBe(401);
  });

  describe('account status gate', () => {
    const setStatus = (accountId: number, status: string, isActive = true) =>
      db(t).query('UPDATE igny8_accounts SET status = $2, is_active = $3 WHERE id = $1', [
        accountId,
        status,
        isActive,
      ]);

    it('pending_payment: 402 on gated routes; me, logout, password change stay reachable; login allowed', async () => {
      const paid = await register(t, {
        plan_slug: 'starter',
        payment_method: 'stripe',
        billing_country: 'US',
      });
      const headers = bearer(paid.tokens.access);
      const groups = await t.request({ method: 'GET', url: GROUPS, headers });
      expect(groups.statusCode).toBe(402);
      expect(groups.json()).toMatchObject({
        code: 'payment_required',
        error: 'Payment is required to activate this account.',
      });
      expect((await t.request({ method: 'GET', url: ME, headers })).statusCode).toBe(200);
      expect(
        (await t.request({ method: 'PATCH', url: ME, headers, payload: { first_name: 'P' } })).statusCode,
      ).toBe(200);
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/v1/auth/token/refresh/',
            payload: { refresh: paid.tokens.refresh },
          })
        ).statusCode,
      ).toBe(200);
      const relog = await login(t, paid.email);
      expect(
        (await t.request({ method: 'GET', url: GROUPS, headers: withCookie(relog.cookie) })).statusCode,
      ).toBe(402);
      const change = await t.request({
        method: 'POST',
        url: '/api/v1/auth/password/change/',
        headers,
        payload: { old_password: paid.password, new_password: 'pending but changing' },
      });
      expect(change.statusCode, change.body).toBe(200);
      const logout = await t.request({
        method: 'POST',
        url: '/api/v1/auth/logout/',
        headers: bearer(change.json().data.tokens.access),
      });
      expect(logout.statusCode).toBe(200);
    });

    it('suspended, inactive and cancelled accounts: 403 account_inactive; me still works', async () => {
      const user = await register(t);
      const headers = bearer(user.tokens.access);
      for (const [status, active, message] of [
        ['suspended', true, 'This account is suspended.'],
        ['active', false, 'This account is suspended.'],
        ['cancelled', true, 'This account is cancelled.'],
      ] as const) {
        await setStatus(user.accountId, status, active);
        const res = await t.request({ method: 'GET', url: GROUPS, headers });
        expect(res.statusCode, status).toBe(403);
        expect(res.json()).toMatchObject({ code: 'account_inactive', error: message });
        expect((await t.request({ method: 'GET', url: ME, headers })).statusCode).toBe(200);
        expect(
          (await t.request({ method: 'GET', url: GROUPS, headers: basic(user.email, user.password) }))
            .statusCode,
        ).toBe(403);
      }
      await setStatus(user.accountId, 'active');
      expect((await t.request({ method: 'GET', url: GROUPS, headers })).statusCode).toBe(200);
    });

    it('a plan that is no longer active: 402 with the plan message', async () => {
      const user = await register(t);
      const [{ id: planId }] = await db(t).query(
        `INSERT INTO igny8_plans (name, slug, price, included_credits, is_active) VALUES ('Retired', $1, 0, 0, false) RETURNING id`,
        [`retired-${user.accountId}`],
      );
      await db(t).query('UPDATE igny8_accounts SET plan_id = $2 WHERE id = $1', [user.accountId, planId]);
      const res = await t.request({ method: 'GET', url: GROUPS, headers: bearer(user.tokens.access) });
      expect(res.statusCode).toBe(402);
      expect(res.json().error).toBe('Your plan is no longer available. Choose a plan to continue.');
    });
  });
});
