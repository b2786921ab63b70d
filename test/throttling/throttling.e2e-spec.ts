import 'reflect-metadata';
import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../../src/common/auth/password-hasher.js';
import { THROTTLE_SCOPES, type ThrottleScope } from '../../src/config/config.schema.js';
import { executions, ThrottleFixtureModule } from '../fixtures/throttle/throttle.fixture.js';
import { giveSiteApiKey, insertDeveloper } from '../admin/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

/** A different small rate per scope (2, 3 or 4 a minute), so each route shows it uses its own. */
const LIMITS = Object.fromEntries(THROTTLE_SCOPES.map((scope, i) => [scope, 2 + (i % 3)])) as Record<
  ThrottleScope,
  number
>;
const TRUSTED_PROXY = '10.9.9.9';

function throttleHeaders(res: LightMyRequestResponse) {
  return {
    limit: res.headers['x-throttle-limit'],
    remaining: res.headers['x-throttle-remaining'],
    reset: res.headers['x-throttle-reset'],
  };
}

function expectNoThrottleHeaders(res: LightMyRequestResponse): void {
  expect(throttleHeaders(res)).toEqual({ limit: undefined, remaining: undefined, reset: undefined });
  expect(res.headers['retry-after']).toBeUndefined();
}

/**
 * The headers of a counted response, and the 429 envelope once over the limit
 * (docs/api-conventions.md#throttling).
 */
function expectCounted(res: LightMyRequestResponse, scope: ThrottleScope, limit: number, nth: number): void {
  const now = Date.now() / 1000;
  const headers = throttleHeaders(res);
  expect(headers.limit).toBe(String(limit));
  expect(headers.remaining).toBe(String(Math.max(0, limit - nth)));
  expect(Number(headers.reset)).toBeGreaterThanOrEqual(Math.floor(now));
  expect(Number(headers.reset)).toBeLessThanOrEqual(Math.ceil(now) + 60);
  if (nth <= limit) {
    expect(res.statusCode, `${scope} request ${nth}`).not.toBe(429);
    return;
  }
  expect(res.statusCode, `${scope} request ${nth}`).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.json()).toEqual({
    success: false,
    error: `Request was throttled. Expected available in ${retryAfter} seconds.`,
    code: 'throttled',
    details: { scope, limit, retry_after: retryAfter },
    request_id: res.headers['x-request-id'],
  });
}

describe('throttling', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let dev: { authorization: string };

  /** A fresh user of the tenant's account, so each test starts with untouched counters. */
  const newUser = async (): Promise<{ authorization: string }> => {
    const other = await seedTenant(t.app);
    return other.users.editor.auth;
  };

  const get = (url: string, headers: Record<string, string> = {}, remoteAddress?: string) =>
    t.request({ method: 'GET', url, headers, remoteAddress });
  const login = (email: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email, password: 'wrong-password' },
      headers,
      remoteAddress,
    });

  beforeAll(async () => {
    t = await createTestApp({
      modules: [ThrottleFixtureModule],
      env: {
        THROTTLE_ENABLED: 'true',
        TRUSTED_PROXIES: TRUSTED_PROXY,
        ...Object.fromEntries(
          THROTTLE_SCOPES.map((scope) => [`THROTTLE_${scope.toUpperCase()}`, `${LIMITS[scope]}/min`]),
        ),
      },
    });
    tenant = await seedTenant(t.app, { sites: 2 });
    dev = (await insertDeveloper(t.app, tenant.accountId)).auth;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('applies every scope at its configured rate, with the headers and the 429 envelope', async () => {
    const auth = await newUser();
    for (const scope of THROTTLE_SCOPES) {
      const limit = LIMITS[scope];
      for (let nth = 1; nth <= limit + 1; nth++) {
        const res = await get(`/api/v1/throttle-fixture/scopes/${scope}/`, auth);
        expectCounted(res, scope, limit, nth);
        if (nth <= limit) expect(res.json()).toMatchObject({ success: true, data: { scope } });
      }
    }
  });

  it('uses `default` for authenticated routes that name no scope', async () => {
    const auth = await newUser();
    for (let nth = 1; nth <= LIMITS.default + 1; nth++) {
      expectCounted(await get('/api/v1/throttle-fixture/default', auth), 'default', LIMITS.default, nth);
    }
  });

  it('throttles real routes: auth/me/ under `auth`', async () => {
    const auth = await newUser();
    for (let nth = 1; nth <= LIMITS.auth + 1; nth++) {
      const res = await get('/api/v1/auth/me/', auth);
      expectCounted(res, 'auth', LIMITS.auth, nth);
      if (nth <= LIMITS.auth) expect(res.statusCode).toBe(200);
    }
  });

  it('does not execute a refused request', async () => {
    const auth = await newUser();
    const before = executions.counted;
    const statuses: number[] = [];
    for (let nth = 1; nth <= LIMITS.writer + 2; nth++) {
      statuses.push(
        (await t.request({ method: 'POST', url: '/api/v1/throttle-fixture/counted', headers: auth }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([...Array<number>(LIMITS.writer).fill(200), 429, 429]);
    expect(executions.counted - before).toBe(LIMITS.writer);
  });

  it('keys users by user id: each user has its own counter', async () => {
    const [first, second] = [await newUser(), await newUser()];
    const url = '/api/v1/throttle-fixture/scopes/planner';
    for (let nth = 1; nth <= LIMITS.planner; nth++) expect((await get(url, first)).statusCode).toBe(200);
    expect((await get(url, first)).statusCode).toBe(429);
    const other = await get(url, second);
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-throttle-remaining']).toBe(String(LIMITS.planner - 1));
  });

  it('keys API-key requests by site, apart from the users of the account', async () => {
    const [keyA, keyB] = [
      await giveSiteApiKey(t.app, tenant.siteIds[0]),
      await giveSiteApiKey(t.app, tenant.siteIds[1]),
    ];
    const url = '/api/v1/throttle-fixture/scopes/writer';
    for (let nth = 1; nth <= LIMITS.writer + 1; nth++) {
      expectCounted(await get(url, { 'x-igny8-api-key': keyA }), 'writer', LIMITS.writer, nth);
    }
    // The same site through another header form shares the counter; another site does not.
    expect((await get(url, { authorization: `Bearer ${keyA}` })).statusCode).toBe(429);
    expect((await get(url, { 'x-igny8-api-key': keyB })).headers['x-throttle-remaining']).toBe(
      String(LIMITS.writer - 1),
    );
    expect((await get(url, tenant.users.admin.auth)).statusCode).toBe(200);
  });

  it('keys anonymous auth_strict requests by client IP and lowercased email', async () => {
    const email = `Somebody-${randomBytes(3).toString('hex')}@Example.com`;
    const ip = '192.0.2.10';
    for (let nth = 1; nth <= LIMITS.auth_strict + 1; nth++) {
      const res = await login(nth % 2 ? email : email.toLowerCase(), ip);
      expectCounted(res, 'auth_strict', LIMITS.auth_strict, nth);
      if (nth <= LIMITS.auth_strict) expect(res.json()).toMatchObject({ code: 'invalid_credentials' });
    }
    // Another email from the same IP, and the same email from another IP, count separately.
    const otherEmail = await login(`other-${email}`, ip);
    expect(otherEmail.statusCode).toBe(401);
    expect(otherEmail.headers['x-throttle-remaining']).toBe(String(LIMITS.auth_strict - 1));
    expect((await login(email, '192.0.2.11')).statusCode).toBe(401);
  });

  it('honours X-Forwarded-For only from a trusted proxy', async () => {
    const email = `xff-${randomBytes(3).toString('hex')}@example.com`;
    const client = { 'x-forwarded-for': '203.0.113.5' };
    for (let nth = 1; nth <= LIMITS.auth_strict; nth++) {
      expect((await login(email, TRUSTED_PROXY, client)).statusCode).toBe(401);
    }
    expect((await login(email, TRUSTED_PROXY, client)).statusCode).toBe(429);
    // Sent directly by the client itself (no proxy): the same IP, the same counter.
    expect((await login(email, '203.0.113.5')).statusCode).toBe(429);
    // An untrusted peer claiming that address is counted under its own address.
    const spoofed = await login(email, '198.51.100.7', client);
    expect(spoofed.statusCode).toBe(401);
    expect(spoofed.headers['x-throttle-remaining']).toBe(String(LIMITS.auth_strict - 1));
    // Another client behind the trusted proxy has its own counter.
    expect((await login(email, TRUSTED_PROXY, { 'x-forwarded-for': '203.0.113.6' })).statusCode).toBe(401);
  });

  it('counts failed HTTP Basic attempts against auth_strict per IP and email, successes by route scope', async () => {
    const user = (await seedTenant(t.app)).users.editor;
    await t.app
      .get(DataSource)
      .query('UPDATE igny8_users SET password_hash = $1 WHERE id = $2', [
        await t.app.get(PasswordHasher).hash('correct horse'),
        user.id,
      ]);
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`${user.email}:${password}`).toString('base64')}`,
    });
    const url = '/api/v1/throttle-fixture/scopes/planner';
    const ok = await get(url, basic('correct horse'), '192.0.2.60');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-throttle-limit']).toBe(String(LIMITS.planner));

    for (let nth = 1; nth <= LIMITS.auth_strict; nth++) {
      expect((await get(url, basic('wrong'), '192.0.2.60')).statusCode).toBe(401);
    }
    const blocked = await get(url, basic('correct horse'), '192.0.2.60');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({
      code: 'throttled',
      details: { scope: 'auth_strict', limit: LIMITS.auth_strict },
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(blocked.headers['x-throttle-remaining']).toBe('0');
    // The same credentials from another address are not blocked.
    expect((await get(url, basic('correct horse'), '192.0.2.61')).statusCode).toBe(200);
  });

  it('keys anonymous requests without an email by IP alone', async () => {
    const ip = '192.0.2.50';
    const reset = (nth: number) =>
      t
        .request({ method: 'POST', url: '/api/v1/auth/password/reset/', payload: {}, remoteAddress: ip })
        .then((res) => {
          expect(res.headers['x-throttle-remaining'], `request ${nth}`).toBe(
            String(Math.max(0, LIMITS.auth_strict - nth)),
          );
          return res;
        });
    for (let nth = 1; nth <= LIMITS.auth_strict; nth++) expect((await reset(nth)).statusCode).not.toBe(429);
    expect((await reset(LIMITS.auth_strict + 1)).statusCode).toBe(429);
  });

  it('throttles the other users of a system account like everyone', async () => {
    const system = await seedTenant(t.app, { isSystem: true });
    const url = '/api/v1/throttle-fixture/scopes/system';
    for (let nth = 1; nth <= LIMITS.system + 1; nth++) {
      expectCounted(await get(url, system.users.admin.auth), 'system', LIMITS.system, nth);
    }
  });

  it('exempts developers: never throttled, no headers', async () => {
    for (let nth = 1; nth <= LIMITS.system_admin + 3; nth++) {
      const res = await get('/api/v1/throttle-fixture/scopes/system_admin', dev);
      expect(res.statusCode).toBe(200);
      expectNoThrottleHeaders(res);
    }
    const me = await get('/api/v1/auth/me/', dev);
    expect(me.statusCode).toBe(200);
    expectNoThrottleHeaders(me);
  });

  it('leaves unthrottled routes without headers: ping, health, plans, public routes without a scope', async () => {
    for (const url of [
      '/api/ping/',
      '/health/live',
      '/api/v1/auth/plans/',
      '/api/v1/throttle-fixture/public',
    ]) {
      for (let nth = 1; nth <= 6; nth++) {
        const res = await get(url, {}, '192.0.2.99');
        expect(res.statusCode, url).toBe(200);
        expectNoThrottleHeaders(res);
      }
    }
  });
});
