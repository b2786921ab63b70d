import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import {
  bearer,
  createParallelSafeApp,
  db,
  decodePayload,
  forge,
  login,
  nextSecond,
  register,
  type Registered,
  signJwt,
  uniqueEmail,
} from './helpers.js';

const ME = '/api/v1/auth/me/';
const REFRESH = '/api/v1/auth/token/refresh/';

describe('JWT access and refresh tokens', () => {
  let t: TestApp;
  let owner: Registered;

  beforeAll(async () => {
    t = await createParallelSafeApp();
    owner = await register(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const me = (headers: Record<string, string>, url = ME) => t.request({ method: 'GET', url, headers });

  /** Claims like the server's, signed with the server secret unless told otherwise. */
  function claims(overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return {
      typ: 'access',
      user_id: owner.userId,
      account_id: owner.accountId,
      role: 'owner',
      sub: String(owner.userId),
      iss: t.config.auth.jwtIssuer,
      aud: t.config.auth.jwtAudience,
      jti: '0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e',
      iat: now,
      exp: now + 600,
      ...overrides,
    };
  }

  function expectInvalid(res: Awaited<ReturnType<typeof me>>, code = 'token_invalid') {
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ success: false, code });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  }

  it('accepts a valid access token and its claims', async () => {
    const res = await me(bearer(owner.tokens.access));
    expect(res.statusCode, res.body).toBe(200);
    const payload = decodePayload(owner.tokens.access);
    expect(payload).toMatchObject({
      typ: 'access',
      iss: 'igny8-api',
      aud: 'igny8-api',
      sub: String(owner.userId),
      user_id: owner.userId,
      account_id: owner.accountId,
      role: 'owner',
    });
    expect(payload.exp - payload.iat).toBe(15 * 60);
    expect(typeof payload.jti).toBe('string');
    const refresh = decodePayload(owner.tokens.refresh);
    expect(refresh).toMatchObject({
      typ: 'refresh',
      sub: String(owner.userId),
      iss: 'igny8-api',
      aud: 'igny8-api',
    });
    expect(refresh.exp - refresh.iat).toBe(7 * 24 * 3600);
    expect(typeof refresh.fam).toBe('string');
    // A hand-made token with the same claims and the server secret is accepted: the forgeries below
    // fail for the one thing each changes.
    expect(
      (await me(bearer(signJwt({ alg: 'HS256', typ: 'JWT' }, claims(), t.config.auth.jwtSecret)))).statusCode,
    ).toBe(200);
  });

  it('refuses alg "none"', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      expectInvalid(
        await me(bearer(forge(owner.tokens.access, { header: { alg, typ: 'JWT' }, signature: '' }))),
      );
    }
  });

  it('refuses other algorithms (HS512, RS256-looking header over an HMAC signature)', async () => {
    const secret = t.config.auth.jwtSecret;
    expectInvalid(await me(bearer(signJwt({ alg: 'HS512', typ: 'JWT' }, claims(), secret, 'sha512'))));
    expectInvalid(await me(bearer(signJwt({ alg: 'RS256', typ: 'JWT' }, claims(), secret))));
    expectInvalid(await me(bearer(signJwt({ alg: 'ES256', typ: 'JWT' }, claims(), secret))));
  });

  it('refuses a tampered payload and a wrong secret', async () => {
    expectInvalid(
      await me(bearer(forge(owner.tokens.access, { payload: (p) => ({ ...p, role: 'developer' }) }))),
    );
    expectInvalid(
      await me(bearer(forge(owner.tokens.access, { payload: (p) => ({ ...p, exp: p.exp + 3600 }) }))),
    );
    expectInvalid(
      await me(
        bearer(signJwt({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789abcdef0123')),
      ),
    );
    expectInvalid(await me(bearer('not.a.jwt')));
    expectInvalid(await me(bearer('garbage')));
  });

  it('answers token_expired for an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      { alg: 'HS256', typ: 'JWT' },
      claims({ iat: now - 1000, exp: now - 10 }),
      t.config.auth.jwtSecret,
    );
    const res = await me(bearer(expired));
    expectInvalid(res, 'token_expired');
    expect(res.json().error).toBe('Token is expired.');
  });

  it('refuses a wrong issuer, audience or token type', async () => {
    const secret = t.config.auth.jwtSecret;
    const header = { alg: 'HS256', typ: 'JWT' };
    expectInvalid(await me(bearer(signJwt(header, claims({ iss: 'someone-else' }), secret))));
    expectInvalid(await me(bearer(signJwt(header, claims({ aud: 'another-api' }), secret))));
    expectInvalid(await me(bearer(signJwt(header, claims({ iss: undefined }), secret))));
    expectInvalid(await me(bearer(signJwt(header, claims({ typ: undefined }), secret))));
    expectInvalid(await me(bearer(signJwt(header, claims({ sub: '999999' }), secret))));
  });

  it('never accepts a refresh token as an access token', async () => {
    const res = await me(bearer(owner.tokens.refresh));
    expectInvalid(res);
    expect(res.json().error).toBe('Given token not valid for any token type.');
  });

  it('ignores tokens in the query string', async () => {
    for (const name of ['token', 'access', 'access_token', 'jwt', 'auth']) {
      const res = await me({}, `${ME}?${name}=${encodeURIComponent(owner.tokens.access)}`);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('authentication_required');
    }
  });

  it('refuses an access token of a deactivated user', async () => {
    const other = await register(t);
    await db(t).query('UPDATE igny8_users SET is_active = false WHERE id = $1', [other.userId]);
    expectInvalid(await me(bearer(other.tokens.access)));
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
    const user = await register(t);
    const first = await t.request({
      method: 'POST',
      url: REFRESH,
      payload: { refresh: user.tokens.refresh },
    });
    expect(first.statusCode, first.body).toBe(200);
    const pair = first.json().data;
    expect(Object.keys(pair).sort()).toEqual([
      'access',
      'access_expires_at',
      'refresh',
      'refresh_expires_at',
    ]);
    expect(decodePayload(pair.refresh).fam).toBe(decodePayload(user.tokens.refresh).fam);
    expect((await me(bearer(pair.access))).statusCode).toBe(200);

    const second = await t.request({ method: 'POST', url: REFRESH, payload: { refresh: pair.refresh } });
    expect(second.statusCode).toBe(200);
    const latest = second.json().data;

    // The first refresh token was rotated: presenting it again is a reuse.
    const reuse = await t.request({
      method: 'POST',
      url: REFRESH,
      payload: { refresh: user.tokens.refresh },
    });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('token_reused');

    // The whole family is revoked, including the newest token, and the login's cookie session.
    const after = await t.request({ method: 'POST', url: REFRESH, payload: { refresh: latest.refresh } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('token_invalid');
    const rows = await db(t).query(
      'SELECT revoked_at, revoked_reason FROM igny8_refresh_tokens WHERE family_id = $1',
      [decodePayload(user.tokens.refresh).fam],
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.revoked_reason).toBe('reuse_detected');
    const cookieMe = await t.request({
      method: 'GET',
      url: ME,
      headers: { cookie: `igny8_session=${user.cookie}` },
    });
    expect(cookieMe.statusCode).toBe(401);

    // Other logins of the same user are untouched.
    const other = await login(t, user.email, user.password);
    expect(
      (await t.request({ method: 'POST', url: REFRESH, payload: { refresh: other.tokens.refresh } }))
        .statusCode,
    ).toBe(200);
  });

  it('lets at most one of several parallel refreshes with the same token succeed', async () => {
    const user = await register(t);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.request({ method: 'POST', url: REFRESH, payload: { refresh: user.tokens.refresh } }),
      ),
    );
    const ok = results.filter((res) => res.statusCode === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    for (const res of results.filter((r) => r.statusCode !== 200)) {
      expect(res.statusCode).toBe(401);
      expect(['token_reused', 'token_invalid']).toContain(res.json().code);
    }
    const used = await db(t).query(
      'SELECT count(*)::int AS n FROM igny8_refresh_tokens WHERE jti = $1 AND used_at IS NOT NULL',
      [decodePayload(user.tokens.refresh).jti],
    );
    expect(used[0].n).toBe(1);
    const children = await db(t).query(
      'SELECT count(*)::int AS n FROM igny8_refresh_tokens WHERE family_id = $1',
      [decodePayload(user.tokens.refresh).fam],
    );
    expect(children[0].n).toBe(1 + ok.length);
  });

  it('refuses forged, expired and foreign refresh tokens', async () => {
    const secret = t.config.auth.jwtSecret;
    const now = Math.floor(Date.now() / 1000);
    const base = decodePayload(owner.tokens.refresh);
    const post = (refresh: string) => t.request({ method: 'POST', url: REFRESH, payload: { refresh } });
    const header = { alg: 'HS256', typ: 'JWT' };
    expect((await post(owner.tokens.access)).json().code).toBe('token_invalid');
    expect(
      (await post(forge(owner.tokens.refresh, { header: { alg: 'none' }, signature: '' }))).json().code,
    ).toBe('token_invalid');
    expect((await post(signJwt(header, { ...base, exp: now - 5, iat: now - 100 }, secret))).json().code).toBe(
      'token_expired',
    );
    expect((await post(signJwt(header, { ...base, aud: 'elsewhere' }, secret))).json().code).toBe(
      'token_invalid',
    );
    // Well signed but never issued (no row): invalid.
    expect(
      (await post(signJwt(header, { ...base, jti: '11111111-2222-4333-8444-555555555555' }, secret))).json()
        .code,
    ).toBe('token_invalid');
    const missing = await t.request({ method: 'POST', url: REFRESH, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.refresh).toEqual(['This field is required.']);
  });

  it('password change revokes every earlier token and session', async () => {
    const user = await register(t);
    const second = await login(t, user.email, user.password);
    await nextSecond();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/change/',
      headers: bearer(user.tokens.access),
      payload: { old_password: user.password, new_password: 'a brand new passphrase' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { tokens } = res.json().data;
    expect(Object.keys(res.json().data)).toEqual(['tokens']);

    for (const access of [user.tokens.access, second.tokens.access])
      expect((await me(bearer(access))).statusCode).toBe(401);
    for (const refresh of [user.tokens.refresh, second.tokens.refresh]) {
      expect((await t.request({ method: 'POST', url: REFRESH, payload: { refresh } })).statusCode).toBe(401);
    }
    for (const cookie of [user.cookie, second.cookie]) {
      expect((await me({ cookie: `igny8_session=${cookie}` })).statusCode).toBe(401);
    }
    expect((await me(bearer(tokens.access))).statusCode).toBe(200);
    expect(
      (await t.request({ method: 'POST', url: REFRESH, payload: { refresh: tokens.refresh } })).statusCode,
    ).toBe(200);
    // The new password works, the old one does not.
    await login(t, user.email, 'a brand new passphrase');
    const old = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email: user.email, password: user.password },
    });
    expect(old.statusCode).toBe(401);
    const [{ revoked_reason }] = await db(t).query(
      'SELECT DISTINCT revoked_reason FROM igny8_refresh_tokens WHERE jti = $1',
      [decodePayload(second.tokens.refresh).jti],
    );
    expect(revoked_reason).toBe('password_change');
  });

  it('password change checks the current password and the new one', async () => {
    const user = await register(t, { email: uniqueEmail('pwchange') });
    const change = (payload: object) =>
      t.request({
        method: 'POST',
        url: '/api/v1/auth/password/change/',
        headers: bearer(user.tokens.access),
        payload,
      });
    const wrong = await change({ old_password: 'not it at all', new_password: 'another good one' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({
      code: 'validation_error',
      errors: { old_password: ['Current password is incorrect.'] },
    });
    const weak = await change({ old_password: user.password, new_password: '12345678901' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors.new_password).toBeDefined();
    // Nothing was revoked by the failed attempts.
    expect((await me(bearer(user.tokens.access))).statusCode).toBe(200);
  });
});
