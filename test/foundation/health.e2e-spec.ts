import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../src/common/redis/redis.module.js';
import { HealthService, READY_CHECK_TIMEOUT_MS } from '../../src/modules/health/health.service.js';
import { createTestApp, type TestApp } from '../support/app.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('health endpoints', () => {
  let t: TestApp;
  let noRedis: TestApp;

  beforeAll(async () => {
    // One after the other: two embedded databases booting at once in one process starve each other.
    t = await createTestApp();
    noRedis = await createTestApp({ redis: false });
  });
  let databaseDropped = false;
  afterAll(async () => {
    // The last test drops noRedis's database itself: then only its app is left to close.
    await Promise.all([t?.close(), databaseDropped ? noRedis?.app.close() : noRedis?.close()]);
  });

  it('answers /health/live while the process runs', async () => {
    const res = await t.request({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, status: 'ok', request_id: res.headers['x-request-id'] });
    expect(res.headers['x-request-id']).toMatch(UUID_V7);
  });

  it('reports Redis as disabled, and is ready, when no Redis is configured', async () => {
    const res = await noRedis.request({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      status: 'ok',
      checks: { database: 'ok', redis: 'disabled' },
      request_id: res.headers['x-request-id'],
    });
  });

  it(`checks Redis when REDIS_URL is set (here: ${process.env.REDIS_URL ? 'set' : 'not set'})`, async () => {
    const res = await t.request({ method: 'GET', url: '/health/ready/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      success: true,
      status: 'ok',
      checks: { database: 'ok', redis: process.env.REDIS_URL ? 'ok' : 'disabled' },
    });
  });

  it('answers 503 in the error envelope once the database is gone', async () => {
    await noRedis.db.drop();
    databaseDropped = true;
    const started = Date.now();
    const res = await noRedis.request({
      method: 'GET',
      url: '/health/ready',
      headers: { 'x-request-id': 'ready-1' },
    });
    expect(Date.now() - started).toBeLessThan(READY_CHECK_TIMEOUT_MS + 1500);
    expect(res.statusCode).toBe(503);
    expect(res.headers['x-request-id']).toBe('ready-1');
    expect(res.json()).toEqual({
      success: false,
      status: 'error',
      error: 'Service not ready.',
      code: 'service_unavailable',
      checks: { database: 'error', redis: 'disabled' },
      request_id: 'ready-1',
    });
    // Liveness does not depend on the database.
    expect((await noRedis.request({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

describe('HealthService timeouts', () => {
  const never = () => new Promise<never>(() => undefined);
  const dataSource = (query: () => Promise<unknown>) => ({ query }) as unknown as DataSource;
  const redis = (ping: () => Promise<unknown>) => new RedisConnection({ ping } as never);

  it('fails a check that hangs after 2 s, without waiting for it', async () => {
    const health = new HealthService(dataSource(never), redis(never));
    const started = Date.now();
    expect(await health.checks()).toEqual({ database: 'error', redis: 'error' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(READY_CHECK_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(READY_CHECK_TIMEOUT_MS + 1000);
  });

  it('reports each check on its own', async () => {
    const failing = () => Promise.reject(new Error('connection refused'));
    expect(
      await new HealthService(
        dataSource(async () => [1]),
        redis(failing),
      ).checks(),
    ).toEqual({
      database: 'ok',
      redis: 'error',
    });
    expect(
      await new HealthService(
        dataSource(failing),
        redis(async () => 'PONG'),
      ).checks(),
    ).toEqual({
      database: 'error',
      redis: 'ok',
    });
    expect(
      await new HealthService(
        dataSource(async () => [1]),
        new RedisConnection(null),
      ).checks(),
    ).toEqual({
      database: 'ok',
      redis: 'disabled',
    });
  });
});
