import 'reflect-metadata';
import type { LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryRequestMetricsStore,
  RedisRequestMetricsStore,
  type RequestMetrics,
  RequestMetricsStore,
} from '../../src/common/metrics/request-metrics.store.js';
import { METRICS_TTL_MS, ResourceTracking } from '../../src/common/metrics/resource-tracking.service.js';
import { giveSiteApiKey, insertDeveloper } from '../admin/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { MetricsFixtureModule, retained } from './metrics.fixture.js';

const TRACK = { 'x-debug-resource-tracking': '1' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('resource tracking (system/request-metrics/)', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let foreign: SeededTenant;
  let dev: { authorization: string };
  let tracking: ResourceTracking;

  const trackingId = (res: LightMyRequestResponse) =>
    res.headers['x-resource-tracking-id'] as string | undefined;
  const metrics = (id: string, headers: Record<string, string>) =>
    t.request({ method: 'GET', url: `/api/v1/system/request-metrics/${id}/`, headers });
  const tracked = async (options: {
    method?: 'GET' | 'POST';
    url: string;
    headers: Record<string, string>;
  }) => {
    const res = await t.request({
      method: options.method ?? 'GET',
      url: options.url,
      headers: { ...options.headers, ...TRACK },
    });
    const id = trackingId(res);
    expect(id).toMatch(UUID);
    return { res, id: id! };
  };
  const read = async (id: string, headers = tenant.users.admin.auth): Promise<RequestMetrics> => {
    const res = await metrics(id, headers);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: RequestMetrics }>().data;
  };

  beforeAll(async () => {
    t = await createTestApp({ modules: [MetricsFixtureModule] });
    tenant = await seedTenant(t.app);
    foreign = await seedTenant(t.app);
    dev = (await insertDeveloper(t.app, foreign.accountId)).auth;
    tracking = t.app.get(ResourceTracking);
  });

  afterAll(async () => {
    retained.length = 0;
    await t?.close();
  });

  it(`keeps records in ${process.env.REDIS_URL ? 'Redis' : 'process memory'} for 10 minutes`, () => {
    expect(t.app.get(RequestMetricsStore)).toBeInstanceOf(
      process.env.REDIS_URL ? RedisRequestMetricsStore : MemoryRequestMetricsStore,
    );
    expect(tracking.ttlMs).toBe(METRICS_TTL_MS);
    expect(METRICS_TTL_MS).toBe(600_000);
  });

  it('records the metrics of a tracked request, readable by an admin of the account', async () => {
    const { res, id } = await tracked({
      url: '/api/v1/metrics-fixture/queries?n=3&ms=20',
      headers: tenant.users.admin.auth,
    });
    expect(res.statusCode).toBe(200);
    const data = await read(id);
    expect(data).toEqual({
      tracking_id: id,
      request_id: res.headers['x-request-id'],
      method: 'GET',
      path: '/api/v1/metrics-fixture/queries',
      status: 200,
      duration_ms: expect.any(Number),
      cpu_user_ms: expect.any(Number),
      cpu_system_ms: expect.any(Number),
      memory_delta_bytes: expect.any(Number),
      db_query_count: 3,
      db_time_ms: expect.any(Number),
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(data.db_time_ms).toBeGreaterThanOrEqual(55);
    expect(data.duration_ms).toBeGreaterThanOrEqual(data.db_time_ms);
    expect(data.cpu_user_ms).toBeGreaterThanOrEqual(0);
    expect(data.cpu_system_ms).toBeGreaterThanOrEqual(0);
    // The owner (admin level) of the same account and developers may read it too.
    expect((await read(id, tenant.users.owner.auth)).tracking_id).toBe(id);
    expect((await read(id, dev)).tracking_id).toBe(id);
  });

  it('measures CPU time, heap growth and the final status (201, errors too)', async () => {
    const { res, id } = await tracked({
      method: 'POST',
      url: '/api/v1/metrics-fixture/work?ms=80&mb=24',
      headers: tenant.users.owner.auth,
    });
    expect(res.statusCode).toBe(201);
    const data = await read(id);
    expect(data).toMatchObject({ method: 'POST', status: 201, db_query_count: 0, db_time_ms: 0 });
    expect(data.cpu_user_ms + data.cpu_system_ms).toBeGreaterThanOrEqual(60);
    expect(data.duration_ms).toBeGreaterThanOrEqual(75);
    expect(data.memory_delta_bytes).toBeGreaterThan(12 * 1024 * 1024);
    retained.length = 0;

    const failed = await tracked({
      url: '/api/v1/metrics-fixture/conflict',
      headers: tenant.users.admin.auth,
    });
    expect(failed.res.statusCode).toBe(409);
    expect(failed.res.json()).toMatchObject({ code: 'conflict' });
    expect(await read(failed.id)).toMatchObject({ status: 409, path: '/api/v1/metrics-fixture/conflict' });
  });

  it('counts only the queries of the tracked request, not those of concurrent requests', async () => {
    const [trackedResult] = await Promise.all([
      tracked({ url: '/api/v1/metrics-fixture/queries?n=2&ms=30', headers: tenant.users.admin.auth }),
      ...Array.from({ length: 4 }, () =>
        t.request({
          method: 'GET',
          url: '/api/v1/metrics-fixture/queries?n=5&ms=5',
          headers: tenant.users.admin.auth,
        }),
      ),
      t.request({
        method: 'GET',
        url: '/api/v1/metrics-fixture/queries?n=4&ms=5',
        headers: { ...dev, ...TRACK },
      }),
    ]);
    expect((await read(trackedResult.id)).db_query_count).toBe(2);
  });

  it('counts and times the statements sent without a query runner (runStatement) too', async () => {
    const { res, id } = await tracked({
      url: '/api/v1/metrics-fixture/queries?n=3&ms=20&direct=1',
      headers: tenant.users.admin.auth,
    });
    expect(res.statusCode).toBe(200);
    const data = await read(id);
    expect(data.db_query_count).toBe(3);
    expect(data.db_time_ms).toBeGreaterThanOrEqual(55);
  });

  it('tracks developers, whose records any developer reads but other accounts do not', async () => {
    const { id } = await tracked({ url: '/api/v1/metrics-fixture/queries?n=1', headers: dev });
    expect((await read(id, dev)).db_query_count).toBe(1);
    expect((await metrics(id, tenant.users.admin.auth)).statusCode).toBe(404);
  });

  it('answers 404 for another account, unknown or malformed ids', async () => {
    const { id } = await tracked({
      url: '/api/v1/metrics-fixture/queries?n=1',
      headers: tenant.users.admin.auth,
    });
    const other = await metrics(id, foreign.users.admin.auth);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ success: false, code: 'not_found' });
    expect((await metrics(id, foreign.users.owner.auth)).statusCode).toBe(404);
    expect((await metrics(randomUUID(), tenant.users.admin.auth)).statusCode).toBe(404);
    expect((await metrics('not-a-uuid', tenant.users.admin.auth)).statusCode).toBe(404);
  });

  it('is admin-only to read: editors and viewers get 403', async () => {
    const { id } = await tracked({
      url: '/api/v1/metrics-fixture/queries?n=1',
      headers: tenant.users.admin.auth,
    });
    for (const role of ['editor', 'viewer'] as const) {
      const res = await metrics(id, tenant.users[role].auth);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'permission_denied' });
    }
    expect((await metrics(id, {})).statusCode).toBe(401);
  });

  it('ignores the header for viewers, editors, API keys and anonymous callers, and without the value 1', async () => {
    const key = await giveSiteApiKey(t.app, tenant.siteIds[0]);
    const cases: [string, Record<string, string>][] = [
      ['/api/v1/metrics-fixture/queries', { ...tenant.users.viewer.auth, ...TRACK }],
      ['/api/v1/metrics-fixture/queries', { ...tenant.users.editor.auth, ...TRACK }],
      ['/api/v1/metrics-fixture/queries', { 'x-igny8-api-key': key, ...TRACK }],
      ['/api/v1/metrics-fixture/public', TRACK],
      ['/api/ping/', TRACK],
      ['/api/v1/metrics-fixture/queries', { ...tenant.users.admin.auth, 'x-debug-resource-tracking': '0' }],
      ['/api/v1/metrics-fixture/queries', tenant.users.admin.auth],
    ];
    for (const [url, headers] of cases) {
      const res = await t.request({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(200);
      expect(trackingId(res), JSON.stringify(headers)).toBeUndefined();
    }
  });

  it('forgets a record once it expires or is deleted', async () => {
    tracking.ttlMs = 300;
    try {
      const { id } = await tracked({
        url: '/api/v1/metrics-fixture/queries?n=1',
        headers: tenant.users.admin.auth,
      });
      expect((await metrics(id, tenant.users.admin.auth)).statusCode).toBe(200);
      await sleep(450);
      expect((await metrics(id, tenant.users.admin.auth)).statusCode).toBe(404);
    } finally {
      tracking.ttlMs = METRICS_TTL_MS;
    }
    const { id } = await tracked({
      url: '/api/v1/metrics-fixture/queries?n=1',
      headers: tenant.users.admin.auth,
    });
    expect((await metrics(id, dev)).statusCode).toBe(200);
    await t.app.get(RequestMetricsStore).delete(id);
    expect((await metrics(id, dev)).statusCode).toBe(404);
  });
});
