import type { HTTPMethods } from 'fastify';
import { DataSource } from 'typeorm';
import { expect, vi } from 'vitest';
import type { TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

export type Headers = Record<string, string>;
export type Body = Record<string, unknown>;

export interface ApiResponse {
  status: number;
  body: Body;
  text: string;
  headers: Record<string, unknown>;
}

/** `call(method, 'keywords/1/', headers, body)` against `/api/v1/planner/…`. */
export function plannerApi(t: () => TestApp) {
  return async (
    method: HTTPMethods,
    url: string,
    headers: Headers = {},
    payload?: unknown,
  ): Promise<ApiResponse> => {
    const response = await t().request({
      method,
      url: url.startsWith('/') ? url : `/api/v1/planner/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Body }),
    });
    const json = (response.headers['content-type'] ?? '').toString().includes('application/json');
    return {
      status: response.statusCode,
      body: json ? response.json<Body>() : {},
      text: response.body,
      headers: response.headers,
    };
  };
}

export const data = (response: { body: Body }) => response.body.data as Body;
export const results = (response: { body: Body }) => response.body.results as Body[];
export const ids = (response: { body: Body }) => results(response).map((row) => row.id as number);
export const fieldErrors = (response: { body: Body }) => Object.keys(response.body.errors ?? {});

/** A tenant with one site (technology industry, sectors Software Development and Cloud Computing). */
export interface PlannerTenant extends SeededTenant {
  site: number;
  /** `[software development, cloud computing]` sectors of `site`. */
  sectors: [number, number];
  /** Seed keyword ids by text (the reference data of the technology industry). */
  seeds: Record<string, number>;
}

export async function plannerTenant(
  t: TestApp,
  options: Parameters<typeof seedTenant>[1] = {},
): Promise<PlannerTenant> {
  const tenant = await seedTenant(t.app, { sectorsPerSite: 2, ...options });
  return {
    ...tenant,
    site: tenant.siteIds[0],
    sectors: [tenant.sectorIds[0][0], tenant.sectorIds[0][1]],
    seeds: await seedIds(t),
  };
}

/** Seed keyword ids by text (every seed of the database). */
export async function seedIds(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.app
    .get(DataSource)
    .query<{ id: number; keyword: string }[]>('SELECT id, keyword FROM igny8_seed_keywords ORDER BY id');
  return Object.fromEntries(rows.map((row) => [row.keyword, row.id]));
}

/** Adds a seed to a technology sector template (by slug); returns its id. */
export async function addSeed(
  t: TestApp,
  sectorSlug: string,
  keyword: string,
  values: { volume?: number; difficulty?: number; intent?: string; country?: string; active?: boolean } = {},
): Promise<number> {
  const [{ id }] = await t.app.get(DataSource).query<{ id: number }[]>(
    `INSERT INTO igny8_seed_keywords (industry_id, sector_id, keyword, volume, difficulty, intent, country, is_active)
     SELECT s.industry_id, s.id, $2, $3, $4, $5, $6, $7 FROM igny8_industry_sectors s
       JOIN igny8_industries i ON i.id = s.industry_id AND i.slug = 'technology' WHERE s.slug = $1 RETURNING id`,
    [
      sectorSlug,
      keyword,
      values.volume ?? 100,
      values.difficulty ?? 10,
      values.intent ?? 'informational',
      values.country ?? 'US',
      values.active ?? true,
    ],
  );
  return id;
}

/** The SQL queries a request runs (counted like test/foundation/list.e2e-spec.ts does). */
async function queriesDuring(t: TestApp, run: () => Promise<{ status: number }>): Promise<number> {
  const spy = vi.spyOn(t.app.get(DataSource).logger, 'logQuery');
  try {
    const response = await run();
    expect(response.status).toBe(200);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/** A list answers a page of 1 and a page of 100 with the same, small number of queries. */
export async function expectConstantQueries(
  t: TestApp,
  list: (pageSize: number) => Promise<{ status: number }>,
): Promise<void> {
  const small = await queriesDuring(t, () => list(1));
  expect(await queriesDuring(t, () => list(100))).toBe(small);
  expect(small).toBeLessThanOrEqual(8);
}

/** A cluster's maintained columns, read from the table. */
export async function aggregates(t: TestApp, clusterId: number) {
  const [row] = await t.app
    .get(DataSource)
    .query<{ keywords_count: number; volume: number; mapped_pages: number }[]>(
      'SELECT keywords_count, volume, mapped_pages FROM igny8_clusters WHERE id = $1',
      [clusterId],
    );
  return row;
}

/** A multipart body with a CSV `file` and form fields. */
export function multipart(
  fields: Record<string, string | number>,
  csv?: string | Buffer,
  filename = 'keywords.csv',
) {
  const boundary = `----planner${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (csv !== undefined) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.isBuffer(csv) ? csv : Buffer.from(csv),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A plan allowing `maxKeywords` keywords (for a tenant made with `plannerTenant(t, {plan})`); returns its slug. */
export async function keywordLimitedPlan(t: TestApp, maxKeywords: number): Promise<string> {
  const slug = `tiny-${Math.random().toString(16).slice(2, 10)}`;
  await t.app
    .get(DataSource)
    .query('INSERT INTO igny8_plans (name, slug, max_keywords) VALUES ($1, $1, $2)', [slug, maxKeywords]);
  return slug;
}

/** Every planner row (and writer tasks), for "nothing changed" comparisons. */
export async function plannerSnapshot(t: TestApp): Promise<Record<string, unknown[]>> {
  const db = t.app.get(DataSource);
  const result: Record<string, unknown[]> = {};
  for (const table of ['igny8_keywords', 'igny8_clusters', 'igny8_content_ideas', 'igny8_tasks']) {
    result[table] = await db.query(`SELECT * FROM ${table} ORDER BY id`);
  }
  result.links = await db.query(
    'SELECT * FROM igny8_content_ideas_keyword_objects ORDER BY content_idea_id, keyword_id',
  );
  return result;
}
