import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/common/context/request-context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, type SeededUser } from '../support/tenants.js';
import { call, identityRows, type Method, seedDeveloper } from '../users/support.js';

type Mark = 'viewer' | 'editor' | 'admin' | 'owner' | 'dev';

const RANK: Record<Mark | Exclude<Role, 'system_bot'>, number> = {
  viewer: 1,
  editor: 2,
  admin: 3,
  owner: 4,
  dev: 5,
  developer: 5,
};

interface RouteCase {
  method: Method;
  url: (a: SeededTenant, b: SeededTenant) => string;
  body?: object;
  role: Mark;
  /** Allowed callers would change data: only the refusals are exercised here (the effect has its own tests). */
  destructive?: boolean;
}

const MISSING = 999_999_999;

/**
 * The route × role matrix of the users/accounts endpoints: every role below the route's mark gets
 * 403 `permission_denied` — before visibility, so also for foreign and missing ids — and every role
 * at or above it gets past the role check. Requests are chosen so that allowed callers change
 * nothing (invalid bodies, missing ids), and the database is compared before/after.
 */
const ROUTES: RouteCase[] = [
  { method: 'GET', url: () => '/api/v1/auth/users/', role: 'viewer' },
  { method: 'GET', url: (a) => `/api/v1/auth/users/${a.users.viewer.id}/`, role: 'viewer' },
  { method: 'POST', url: () => '/api/v1/auth/users/', body: {}, role: 'admin' },
  { method: 'PATCH', url: () => `/api/v1/auth/users/${MISSING}/`, body: { first_name: 'x' }, role: 'admin' },
  { method: 'PUT', url: () => `/api/v1/auth/users/${MISSING}/`, body: { first_name: 'x' }, role: 'admin' },
  { method: 'DELETE', url: () => `/api/v1/auth/users/${MISSING}/`, role: 'admin' },
  { method: 'GET', url: () => '/api/v1/auth/users/trash/', role: 'admin' },
  { method: 'POST', url: () => `/api/v1/auth/users/${MISSING}/restore/`, role: 'admin' },
  { method: 'GET', url: () => '/api/v1/auth/site-access/', role: 'admin' },
  { method: 'GET', url: () => `/api/v1/auth/site-access/${MISSING}/`, role: 'admin' },
  { method: 'POST', url: () => '/api/v1/auth/site-access/', body: {}, role: 'admin' },
  { method: 'DELETE', url: () => `/api/v1/auth/site-access/${MISSING}/`, role: 'admin' },
  { method: 'GET', url: () => '/api/v1/auth/account/', role: 'viewer' },
  {
    method: 'PATCH',
    url: () => '/api/v1/auth/account/',
    body: { account_timezone: 'Nowhere/Zone' },
    role: 'admin',
  },
  { method: 'DELETE', url: () => '/api/v1/auth/account/', role: 'owner', destructive: true },
  { method: 'GET', url: () => '/api/v1/auth/accounts/', role: 'dev' },
  { method: 'POST', url: () => '/api/v1/auth/accounts/', body: {}, role: 'dev' },
  { method: 'GET', url: (a) => `/api/v1/auth/accounts/${a.accountId}/`, role: 'dev' },
  { method: 'PATCH', url: () => `/api/v1/auth/accounts/${MISSING}/`, body: { name: 'x' }, role: 'dev' },
  { method: 'PUT', url: () => `/api/v1/auth/accounts/${MISSING}/`, body: { name: 'x' }, role: 'dev' },
  { method: 'DELETE', url: () => `/api/v1/auth/accounts/${MISSING}/`, role: 'dev' },
  { method: 'GET', url: () => '/api/v1/auth/accounts/trash/', role: 'dev' },
  { method: 'POST', url: () => `/api/v1/auth/accounts/${MISSING}/restore/`, role: 'dev' },
  { method: 'GET', url: () => '/api/v1/auth/subscriptions/', role: 'admin' },
  { method: 'GET', url: () => `/api/v1/auth/subscriptions/${MISSING}/`, role: 'admin' },
  { method: 'GET', url: () => '/api/v1/account/settings/', role: 'viewer' },
  {
    method: 'PATCH',
    url: () => '/api/v1/account/settings/',
    body: { account_timezone: 'Nowhere/Zone' },
    role: 'admin',
  },
  { method: 'GET', url: () => '/api/v1/account/team/', role: 'viewer' },
  { method: 'POST', url: () => '/api/v1/account/team/', body: {}, role: 'admin' },
  { method: 'DELETE', url: () => `/api/v1/account/team/${MISSING}/`, role: 'admin' },
  { method: 'GET', url: (_a, b) => `/api/v1/auth/users/${b.users.viewer.id}/`, role: 'viewer' },
];

describe('users/accounts route × role matrix', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let callers: Record<Exclude<Role, 'system_bot'>, SeededUser>;
  let apiKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedTenant(t.app);
    b = await seedTenant(t.app);
    callers = { ...a.users, developer: await seedDeveloper(t) };
    const key = await call(
      t,
      a.users.admin,
      'POST',
      `/api/v1/auth/sites/${a.siteIds[0]}/regenerate_api_key/`,
    );
    expect(key.statusCode, key.body).toBe(200);
    apiKey = key.json().data.api_key as string;
  });
  afterAll(() => t.close());

  it('refuses roles below the mark with 403 and lets the others past the role check; nothing changes', async () => {
    const before = await identityRows(t);
    const failures: string[] = [];
    for (const route of ROUTES) {
      for (const [role, user] of Object.entries(callers) as [Exclude<Role, 'system_bot'>, SeededUser][]) {
        const allowed = RANK[role] >= RANK[route.role];
        if (allowed && route.destructive && role !== 'developer') continue;
        const res = await call(t, user, route.method, route.url(a, b), route.body);
        const denied = res.statusCode === 403 && res.json().code === 'permission_denied';
        if (denied === allowed || res.statusCode >= 500) {
          failures.push(
            `${role} ${route.method} ${route.url(a, b)} → ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await identityRows(t)).toEqual(before);
  });

  it('answers 401 without credentials and 403 api_key_not_allowed to a site API key', async () => {
    for (const route of ROUTES) {
      const anonymous = await call(t, null, route.method, route.url(a, b), route.body);
      expect(anonymous.statusCode, `${route.method} ${route.url(a, b)}`).toBe(401);
      const keyed = await t.request({
        method: route.method,
        url: route.url(a, b),
        headers: { 'x-igny8-api-key': apiKey },
        ...(route.body ? { payload: route.body } : {}),
      });
      expect(keyed.statusCode).toBe(403);
      expect(keyed.json().code).toBe('api_key_not_allowed');
    }
  });
});
