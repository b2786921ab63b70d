import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { PasswordHasher } from '../../src/common/auth/password-hasher.js';
import { SessionStore } from '../../src/common/auth/session-store.js';
import { TokenService } from '../../src/common/auth/token.service.js';
import { sha256Hex } from '../../src/common/crypto.js';
import { login, PASSWORD, type TokenPair } from '../auth/helpers.js';
import type { TestApp } from '../support/app.js';
import { seedTenant, type SeededUser } from '../support/tenants.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request as `user` (a seeded user, or null for none). */
export function call(
  t: TestApp,
  user: Pick<SeededUser, 'auth'> | null,
  method: Method,
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return t.request({ method, url, headers: user?.auth ?? {}, ...(payload ? { payload } : {}) });
}

export function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

/** A developer: a user with role `developer` in a system account (`is_system`, internal plan). */
export async function seedDeveloper(t: TestApp): Promise<SeededUser & { accountId: number }> {
  const system = await seedTenant(t.app, { isSystem: true, plan: 'internal' });
  const email = `dev-${system.slug}@example.com`;
  const [{ id }] = await db(t).query<{ id: number }[]>(
    `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
     VALUES ($1, $2, $3, 'x', 'developer') RETURNING id`,
    [system.accountId, email, `dev-${system.slug}`],
  );
  const token = t.app
    .get(TokenService)
    .issueAccess({ id, account_id: system.accountId, role: 'developer' }).token;
  return {
    id,
    email,
    role: 'developer',
    token,
    auth: { authorization: `Bearer ${token}` },
    accountId: system.accountId,
  };
}

/** Gives the user a real password and logs in through the API: token pair and session cookie. */
export async function loginAs(
  t: TestApp,
  user: Pick<SeededUser, 'id' | 'email'>,
): Promise<{ tokens: TokenPair; cookie: string }> {
  const hash = await t.app.get(PasswordHasher).hash(PASSWORD);
  await db(t).query('UPDATE igny8_users SET password_hash = $1 WHERE id = $2', [hash, user.id]);
  const { tokens, cookie } = await login(t, user.email);
  return { tokens, cookie };
}

/** `POST auth/token/refresh/` with this refresh token. */
export function refreshWith(t: TestApp, refresh: string): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: '/api/v1/auth/token/refresh/', payload: { refresh } });
}

/**
 * Asserts that everything a login gave the user is dead: the access token, the refresh token and the
 * session cookie answer 401, and the database shows the families revoked with `reason`.
 */
export async function expectRevoked(
  t: TestApp,
  userId: number,
  session: { tokens: TokenPair; cookie: string },
  reason: string,
): Promise<void> {
  const me = await t.request({
    method: 'GET',
    url: '/api/v1/auth/me/',
    headers: { authorization: `Bearer ${session.tokens.access}` },
  });
  expect(me.statusCode).toBe(401);
  expect((await refreshWith(t, session.tokens.refresh)).statusCode).toBe(401);
  const cookie = await t.request({
    method: 'GET',
    url: '/api/v1/auth/me/',
    headers: { cookie: `igny8_session=${session.cookie}` },
  });
  expect(cookie.statusCode).toBe(401);
  const tokens = await db(t).query<{ revoked_at: Date | null; revoked_reason: string | null }[]>(
    'SELECT revoked_at, revoked_reason FROM igny8_refresh_tokens WHERE user_id = $1',
    [userId],
  );
  expect(tokens.length).toBeGreaterThan(0);
  expect(tokens.every((row) => row.revoked_at !== null && row.revoked_reason === reason)).toBe(true);
  expect(await t.app.get(SessionStore).find(sha256Hex(session.cookie))).toBeNull();
  const [user] = await db(t).query<{ tokens_valid_after: Date | null }[]>(
    'SELECT tokens_valid_after FROM igny8_users WHERE id = $1',
    [userId],
  );
  expect(user.tokens_valid_after).not.toBeNull();
  expect(user.tokens_valid_after!.getMilliseconds()).toBe(0);
}

/** Rows of identity tables, for "nothing changed" comparisons. */
export async function identityRows(t: TestApp): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const table of [
    'igny8_accounts',
    'igny8_users',
    'igny8_site_user_access',
    'igny8_sites',
    'igny8_subscriptions',
  ]) {
    out.push(await db(t).query(`SELECT * FROM ${table} ORDER BY id`));
  }
  return out;
}

/** The column names of a table (representations carry every column). */
export async function tableColumns(t: TestApp, table: string): Promise<string[]> {
  const rows = await db(t).query<{ column_name: string }[]>(
    'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
    [table],
  );
  return rows.map((row) => row.column_name);
}
