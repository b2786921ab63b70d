import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStorageToken } from '@nestjs/throttler';
import {
  MemoryThrottlerStorage,
  RedisThrottlerStorage,
} from '../../src/common/throttling/throttler-storage.js';
import { createTestApp, type TestApp } from '../support/app.js';

/**
 * Two instances of the API with the same QUEUE_PREFIX: with Redis (REDIS_URL set) they share the
 * throttle counters, so a limit holds across instances; without Redis each process counts alone
 * (README.md#embedded-default-versus-postgresql-and-redis).
 */
describe('throttle storage across instances', () => {
  const redis = process.env.REDIS_URL !== undefined;
  const env = {
    THROTTLE_ENABLED: 'true',
    THROTTLE_AUTH_STRICT: '3/min',
    QUEUE_PREFIX: `tshared${randomBytes(4).toString('hex')}`,
  };
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    // One after the other: two embedded databases starting at once in one process time out.
    first = await createTestApp({ env });
    second = await createTestApp({ env });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const login = (app: TestApp, email: string) =>
    app.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email, password: 'not-the-password' },
      remoteAddress: '192.0.2.77',
    });

  it(`uses the ${redis ? 'Redis' : 'in-memory'} store`, () => {
    for (const app of [first, second]) {
      expect(app.app.get(getStorageToken())).toBeInstanceOf(
        redis ? RedisThrottlerStorage : MemoryThrottlerStorage,
      );
    }
  });

  it(redis ? 'continues the count on the other instance' : 'counts per process', async () => {
    const email = `shared-${randomBytes(3).toString('hex')}@example.com`;
    const remaining: string[] = [];
    const statuses: number[] = [];
    for (const app of [first, second, first, second]) {
      const res = await login(app, email);
      statuses.push(res.statusCode);
      remaining.push(String(res.headers['x-throttle-remaining']));
    }
    if (redis) {
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(remaining).toEqual(['2', '1', '0', '0']);
    } else {
      expect(statuses).toEqual([401, 401, 401, 401]);
      expect(remaining).toEqual(['2', '2', '1', '1']);
    }
  });
});
