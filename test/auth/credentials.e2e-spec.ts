import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Strategy as CustomStrategy } from 'passport-custom';
import { Strategy as PassportJwtStrategy } from 'passport-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/common/crypto.js';
import { SESSION_ABSOLUTE_MS, SessionStore } from '../../src/common/auth/session-store.js';
import { ApiKeyStrategy } from '../../src/common/auth/strategies/api-key.strategy.js';
import { BasicStrategy } from '../../src/common/auth/strategies/basic.strategy.js';
import { JwtStrategy } from '../../src/common/auth/strategies/jwt.strategy.js';
import { SessionCookieStrategy } from '../../src/common/auth/strategies/session.strategy.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import {
  basic,
  bearer,
  db,
  decodePayload,
  login,
  register,
  type Registered,
  sessionCookie,
  signJwt,
  withCookie,
} from './helpers.js';

const ME = '/api/v1/auth/me/';
const SITES = '/api/v1/auth/sites/';

/**
 * Bad credentials of each kind — malformed, expired, revoked, or of a deleted user (or site) —
 * each answered with its own code by its Passport strategy; and the first credential present
 * decides, without falling through to the next.
 */
describe('bad credentials through the Passport strategies', () => {
  let t: TestApp;
  let tenant: SeededTenant;

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await seedTenant(t.app, { sites: 3 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string>) => t.request({ method: 'GET', url, headers });

  function expectCode(res: LightMyRequestResponse, status: number, code: string): void {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ success: false, code });
  }

  const deleteUser = (id: number) =>
    db(t).query('UPDATE igny8_users SET deleted_at = now() WHERE id = $1', [id]);

  it('has one Passport strategy per credential kind', () => {
    expect(t.app.get(JwtStrategy)).toBeInstanceOf(PassportJwtStrategy);
    for (const type of [ApiKeyStrategy, SessionCookieStrategy, BasicStrategy]) {
      expect(t.app.get(type)).toBeInstanceOf(CustomStrategy);
    }
  });

  describe('site API key', () => {
    it('malformed: 401 invalid_api_key in every header form', async () => {
      const malformed: Record<string, string>[] = [
        { 'x-igny8-api-key': 'igny8_sk_short' },
        { 'x-igny8-api-key': `igny8_sk_${'!'.repeat(40)}` },
        { authorization: 'ApiKey ' },
        { authorization: `ApiKey not-a-key-${'x'.repeat(40)}` },
        { authorization: `Bearer igny8_sk_${'a'.repeat(39)}` },
      ];
      for (const headers of malformed) {
        expectCode(await get(SITES, headers), 401, 'invalid_api_key');
      }
    });

    it('revoked (regenerated): the old key answers 401 invalid_api_key, the new one works', async () => {
      const old = tenant.apiKeys[0];
      expect((await get(SITES, { 'x-igny8-api-key': old })).statusCode).toBe(200);
      const regenerated = await t.request({
        method: 'POST',
        url: `${SITES}${tenant.siteIds[0]}/regenerate_api_key/`,
        headers: tenant.users.admin.auth,
      });
      expect(regenerated.statusCode, regenerated.body).toBe(200);
      expectCode(await get(SITES, { 'x-igny8-api-key': old }), 401, 'invalid_api_key');
      expect((await get(SITES, { 'x-igny8-api-key': regenerated.json().data.api_key })).statusCode).toBe(200);
    });

    it('of a deleted site, or of a site of a deleted account: 401 invalid_api_key', async () => {
      const key = tenant.apiKeys[1];
      await db(t).query('UPDATE igny8_sites SET deleted_at = now() WHERE id = $1', [tenant.siteIds[1]]);
      expectCode(await get(SITES, { authorization: `ApiKey ${key}` }), 401, 'invalid_api_key');

      const other = await seedTenant(t.app);
      expect((await get(SITES, { 'x-igny8-api-key': other.apiKeys[0] })).statusCode).toBe(200);
      await db(t).query('UPDATE igny8_accounts SET deleted_at = now() WHERE id = $1', [other.accountId]);
      expectCode(await get(SITES, { 'x-igny8-api-key': other.apiKeys[0] }), 401, 'invalid_api_key');
    });

    it('of an inactive site: 403 permission_denied', async () => {
      await db(t).query('UPDATE igny8_sites SET is_active = false WHERE id = $1', [tenant.siteIds[2]]);
      const res = await get(SITES, { 'x-igny8-api-key': tenant.apiKeys[2] });
      expectCode(res, 403, 'permission_denied');
      expect(res.json().error).toBe('Site is inactive.');
    });
  });

  describe('JWT access token', () => {
    let user: Registered;

    beforeAll(async () => {
      user = await register(t);
    });

    const signed = (claims: Record<string, unknown>) =>
      signJwt({ alg: 'HS256', typ: 'JWT' }, claims, t.config.auth.jwtSecret);

    it('malformed: 401 token_invalid, never a fall-through', async () => {
      for (const token of ['', 'garbage', 'a.b.c', `${user.tokens.access}x`, user.tokens.refresh]) {
        // A valid cookie beside a bad token does not rescue it: the first credential decides.
        expectCode(await get(ME, { ...bearer(token), ...withCookie(user.cookie) }), 401, 'token_invalid');
      }
    });

    it('expired: 401 token_expired, even with a valid cookie and Basic credentials beside it', async () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = decodePayload(user.tokens.access);
      const expired = signed({ ...payload, iat: now - 1000, exp: now - 1 });
      const res = await get(ME, { ...bearer(expired), ...withCookie(user.cookie) });
      expectCode(res, 401, 'token_expired');
      expect(res.json().error).toBe('Token is expired.');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('revoked by logout-all in the same second as its issue: 401 token_invalid', async () => {
      const { tokens } = await login(t, user.email, user.password);
      expect((await get(ME, bearer(tokens.access))).statusCode).toBe(200);
      const logout = await t.request({
        method: 'POST',
        url: '/api/v1/auth/logout/',
        headers: bearer(tokens.access),
        payload: { all: true },
      });
      expect(logout.statusCode, logout.body).toBe(200);
      // Pin the whole-second revocation time to the second the token was issued in: by `iat`
      // alone the token would still pass; the token version refuses it.
      const { iat } = decodePayload(tokens.access);
      await db(t).query('UPDATE igny8_users SET tokens_valid_after = to_timestamp($1) WHERE id = $2', [
        iat,
        user.userId,
      ]);
      for (const access of [tokens.access, user.tokens.access]) {
        expectCode(await get(ME, bearer(access)), 401, 'token_invalid');
      }
      // A login after the revocation carries the new version and works.
      const again = await login(t, user.email, user.password);
      expect((await get(ME, bearer(again.tokens.access))).statusCode).toBe(200);
    });

    it('of a deleted user: 401 token_invalid', async () => {
      const doomed = await register(t);
      expect((await get(ME, bearer(doomed.tokens.access))).statusCode).toBe(200);
      await deleteUser(doomed.userId);
      expectCode(await get(ME, bearer(doomed.tokens.access)), 401, 'token_invalid');
    });
  });

  describe('session cookie (a bad one counts as absent and is cleared)', () => {
    const expectAbsent = (res: LightMyRequestResponse) => {
      expectCode(res, 401, 'authentication_required');
      expect(sessionCookie(res)?.value).toBe('');
    };

    it('malformed: treated as absent', async () => {
      for (const value of ['x', '%00%ff', 'a'.repeat(4000)]) expectAbsent(await get(ME, withCookie(value)));
    });

    it('expired (idle or absolute lifetime): treated as absent', async () => {
      const user = await register(t);
      const store = t.app.get(SessionStore);
      const now = Date.now();
      const base = { userId: user.userId, familyId: randomUUID(), ip: null, userAgent: 'test' };
      await store.create(sha256Hex('idle-session'), {
        ...base,
        createdAt: now - 3 * 3600_000,
        lastSeenAt: now - 3 * 3600_000,
        expiresAt: now + SESSION_ABSOLUTE_MS,
      });
      await store.create(sha256Hex('old-session'), {
        ...base,
        createdAt: now - SESSION_ABSOLUTE_MS - 1000,
        lastSeenAt: now - 1000,
        expiresAt: now + 50,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expectAbsent(await get(ME, withCookie('idle-session')));
      expectAbsent(await get(ME, withCookie('old-session')));
    });

    it('revoked (logged out): treated as absent', async () => {
      const user = await register(t);
      expect((await get(ME, withCookie(user.cookie))).statusCode).toBe(200);
      const logout = await t.request({
        method: 'POST',
        url: '/api/v1/auth/logout/',
        headers: bearer(user.tokens.access),
        payload: { all: true },
      });
      expect(logout.statusCode).toBe(200);
      expectAbsent(await get(ME, withCookie(user.cookie)));
    });

    it('of a deleted user: treated as absent', async () => {
      const user = await register(t);
      await deleteUser(user.userId);
      expectAbsent(await get(ME, withCookie(user.cookie)));
    });

    it('a dead cookie lets Basic credentials sent with it decide', async () => {
      const user = await register(t);
      const res = await get(ME, { ...withCookie('dead-session'), ...basic(user.email, user.password) });
      expect(res.statusCode, res.body).toBe(200);
      expect(sessionCookie(res)?.value).toBe('');
      expectCode(
        await get(ME, { ...withCookie('dead-session'), ...basic(user.email, 'wrong password') }),
        401,
        'invalid_credentials',
      );
    });
  });

  describe('HTTP Basic', () => {
    it('malformed: 401 invalid_credentials', async () => {
      for (const authorization of [
        'Basic',
        'Basic !!!not-base64!!!',
        `Basic ${Buffer.from('no-colon-at-all').toString('base64')}`,
        `Basic ${Buffer.from(':password-only').toString('base64')}`,
      ]) {
        expectCode(await get(ME, { authorization }), 401, 'invalid_credentials');
      }
    });

    it('accepts a password holding colons (split at the first one only)', async () => {
      const user = await register(t, { password: 'pass:with:colons' });
      expect((await get(ME, basic(user.email, 'pass:with:colons'))).statusCode).toBe(200);
      expectCode(await get(ME, basic(user.email, 'pass')), 401, 'invalid_credentials');
    });

    it('revoked (password changed): the old password answers 401 invalid_credentials', async () => {
      const user = await register(t);
      const change = await t.request({
        method: 'POST',
        url: '/api/v1/auth/password/change/',
        headers: bearer(user.tokens.access),
        payload: { old_password: user.password, new_password: 'a whole new passphrase' },
      });
      expect(change.statusCode, change.body).toBe(200);
      expectCode(await get(ME, basic(user.email, user.password)), 401, 'invalid_credentials');
      expect((await get(ME, basic(user.email, 'a whole new passphrase'))).statusCode).toBe(200);
      // The token pair the change returned carries the new token version.
      expect((await get(ME, bearer(change.json().data.tokens.access))).statusCode).toBe(200);
    });

    it('of a deleted user: 401 invalid_credentials', async () => {
      const user = await register(t);
      expect((await get(ME, basic(user.email, user.password))).statusCode).toBe(200);
      await deleteUser(user.userId);
      expectCode(await get(ME, basic(user.email, user.password)), 401, 'invalid_credentials');
    });
  });
});
