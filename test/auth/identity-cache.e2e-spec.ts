import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { IdentityCache } from '../../src/common/auth/identity-cache.js';
import { IdentityLookup } from '../../src/common/auth/identity-lookup.js';
import { AppConfig, ConfigError } from '../../src/config/app-config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, createParallelSafeApp, db, register, type Registered } from './helpers.js';

const ME = '/api/v1/auth/me/';
const TEAM = '/api/v1/account/team/';

/** Polls until `check` holds (the listener connects in the background); the test's timeout bounds it. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}

describe('IDENTITY_CACHE_MS', () => {
  const base = { JWT_SECRET: 'x'.repeat(40) };

  it('is off by default under NODE_ENV=test, 1000 ms elsewhere, and at most 2000', () => {
    expect(new AppConfig({ ...base, NODE_ENV: 'test' }).auth.identityCacheMs).toBe(0);
    expect(new AppConfig({ ...base, NODE_ENV: 'development' }).auth.identityCacheMs).toBe(1000);
    expect(new AppConfig({ ...base, NODE_ENV: 'test', IDENTITY_CACHE_MS: '1500' }).auth.identityCacheMs).toBe(
      1500,
    );
    expect(() => new AppConfig({ ...base, IDENTITY_CACHE_MS: '2001' })).toThrow(ConfigError);
    expect(() => new AppConfig({ ...base, IDENTITY_CACHE_MS: '-1' })).toThrow(ConfigError);
  });
});

describe('identity cache off (the NODE_ENV=test default)', () => {
  let t: TestApp;
  let owner: Registered;
  let lookups: MockInstance;

  beforeAll(async () => {
    t = await createParallelSafeApp();
    owner = await register(t);
    lookups = vi.spyOn(t.app.get(IdentityLookup), 'userById');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads the user from the database on every request', async () => {
    for (let i = 0; i < 3; i += 1) {
      const res = await t.request({ method: 'GET', url: ME, headers: bearer(owner.tokens.access) });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(lookups).toHaveBeenCalledTimes(3);
    expect(t.app.get(IdentityCache).active).toBe(false);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('identity cache on PostgreSQL (LISTEN/NOTIFY)', () => {
  let t: TestApp;
  let cache: IdentityCache;
  let lookups: MockInstance;

  beforeAll(async () => {
    t = await createTestApp({ env: { IDENTITY_CACHE_MS: '2000' } });
    cache = t.app.get(IdentityCache);
    // A stopped clock: cached rows never expire here, so only a notification can drop them.
    cache.now = () => 0;
    lookups = vi.spyOn(t.app.get(IdentityLookup), 'userById');
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    lookups.mockClear();
  });

  const me = (user: Registered) => t.request({ method: 'GET', url: ME, headers: bearer(user.tokens.access) });

  /** A registered user whose identity is cached (the listener is up and a request has read it). */
  async function cachedUser(): Promise<Registered> {
    const user = await register(t);
    expect((await me(user)).statusCode).toBe(200);
    await until(() => cache.active);
    expect((await me(user)).statusCode).toBe(200);
    lookups.mockClear();
    expect((await me(user)).statusCode).toBe(200);
    expect(lookups).not.toHaveBeenCalled();
    return user;
  }

  it('answers repeated requests of a user from memory', async () => {
    const user = await cachedUser();
    for (let i = 0; i < 3; i += 1) expect((await me(user)).statusCode).toBe(200);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('refuses the tokens of a user who logged out everywhere, at once', async () => {
    const user = await cachedUser();
    const out = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout/',
      headers: bearer(user.tokens.access),
      payload: { all: true },
    });
    expect(out.statusCode, out.body).toBe(200);
    await cache.sync();
    const res = await me(user);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ code: 'token_invalid' });
    expect(lookups).toHaveBeenCalledWith(user.userId);
  });

  it('refuses a deleted or deactivated user, changed by another connection', async () => {
    const deleted = await cachedUser();
    const inactive = await cachedUser();
    await db(t).query('UPDATE igny8_users SET deleted_at = now() WHERE id = $1', [deleted.userId]);
    await db(t).query('UPDATE igny8_users SET is_active = false WHERE id = $1', [inactive.userId]);
    await cache.sync();
    expect((await me(deleted)).statusCode).toBe(401);
    expect((await me(inactive)).statusCode).toBe(401);
  });

  it('applies a changed role to the next request', async () => {
    const user = await cachedUser();
    const invite = () =>
      t.request({ method: 'POST', url: TEAM, headers: bearer(user.tokens.access), payload: {} });
    // An owner reaches validation; a viewer is stopped by the role check.
    expect((await invite()).statusCode).toBe(400);
    await db(t).query(`UPDATE igny8_users SET role = 'viewer' WHERE id = $1`, [user.userId]);
    await cache.sync();
    const res = await invite();
    expect(res.statusCode, res.body).toBe(403);
  });

  it('drops the users of an account whose state changed', async () => {
    const user = await cachedUser();
    await db(t).query(`UPDATE igny8_accounts SET deleted_at = now() WHERE id = $1`, [user.accountId]);
    await cache.sync();
    expect((await me(user)).statusCode).toBe(401);
  });

  it('keeps a user cached when an unrelated column or another user changes', async () => {
    const user = await cachedUser();
    const other = await register(t);
    await db(t).query(`UPDATE igny8_users SET first_name = 'Changed' WHERE id = $1`, [user.userId]);
    await db(t).query(`UPDATE igny8_users SET role = 'viewer' WHERE id = $1`, [other.userId]);
    await cache.sync();
    expect((await me(user)).statusCode).toBe(200);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('reads the database while its listener is gone, and caches again once it is back', async () => {
    const user = await cachedUser();
    await db(t).query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'igny8-api-identity-listener' AND datname = current_database()`,
    );
    await until(() => !cache.active);
    lookups.mockClear();
    expect((await me(user)).statusCode).toBe(200);
    expect((await me(user)).statusCode).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(2);
    await until(() => cache.active);
    await db(t).query(`UPDATE igny8_users SET is_active = false WHERE id = $1`, [user.userId]);
    await cache.sync();
    expect((await me(user)).statusCode).toBe(401);
  });
});
