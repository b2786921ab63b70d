import type { HTTPMethods } from 'fastify';
import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { TokenService } from '../../src/common/auth/token.service.js';
import type { TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

export type Headers = Record<string, string>;
export type Body = Record<string, unknown>;

export interface ApiResponse {
  status: number;
  body: Body;
}

/** `call(method, 'prompts/1/', headers, body)` against `/api/v1/system/…`. */
export function systemApi(t: () => TestApp) {
  return async (method: HTTPMethods, url: string, headers: Headers = {}, payload?: unknown) => {
    const response = await t().request({
      method,
      url: `/api/v1/system/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Body }),
    });
    return { status: response.statusCode, body: response.json<Body>() } satisfies ApiResponse;
  };
}

export const data = (response: ApiResponse) => response.body.data as Body;
export const list = (response: ApiResponse) => response.body.data as Body[];
export const results = (response: ApiResponse) => response.body.results as Body[];

/** Asserts a 400 `validation_error` whose `errors` name exactly `fields`. */
export function expectFieldErrors(response: ApiResponse, fields: string[]): void {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body.code).toBe('validation_error');
  expect(Object.keys(response.body.errors as Body).sort()).toEqual([...fields].sort());
}

/** Asserts a 403 `permission_denied` (role too low). */
export function expectForbidden(response: ApiResponse): void {
  expect(response.status, JSON.stringify(response.body)).toBe(403);
  expect(response.body.code).toBe('permission_denied');
}

export function expectNotFound(response: ApiResponse): void {
  expect(response.status, JSON.stringify(response.body)).toBe(404);
  expect(response.body.code).toBe('not_found');
}

export interface SystemAccount extends SeededTenant {
  /** A `developer` user of the system account. */
  developer: { id: number; auth: Headers };
}

/** The system account (`is_system`, internal plan): its admin bypasses tenancy but is no developer. */
export async function seedSystemAccount(t: TestApp): Promise<SystemAccount> {
  const system = await seedTenant(t.app, { sites: 0, isSystem: true, plan: 'internal' });
  const [{ id }] = await t.app.get(DataSource).query<{ id: number }[]>(
    `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
       VALUES ($1, $2, $3, 'x', 'developer') RETURNING id`,
    [system.accountId, `dev-${system.slug}@example.com`, `dev-${system.slug}`],
  );
  const token = t.app
    .get(TokenService)
    .issueAccess({ id, account_id: system.accountId, role: 'developer' }).token;
  return { ...system, developer: { id, auth: { authorization: `Bearer ${token}` } } };
}

/** Model ids by `model_name` (the seeded reference data). */
export async function modelIds(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.app
    .get(DataSource)
    .query<{ id: number; model_name: string }[]>('SELECT id, model_name FROM igny8_ai_models');
  return Object.fromEntries(rows.map((row) => [row.model_name, row.id]));
}

export const apiKey = (tenant: SeededTenant, site = 0): Headers => ({
  'x-igny8-api-key': tenant.apiKeys[site],
});
