import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApp } from '../../src/bootstrap.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: TestDatabase;
  tmp: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Use REDIS_URL when the environment has it (default), or force the no-Redis fallbacks. */
  redis?: boolean;
  /** Fixture modules (test controllers, handlers) added to the application. */
  modules?: Type<unknown>[];
}

/** The environment every test app starts from; tests override what they exercise. */
export function testEnv(db: TestDatabase, tmp: string, options: TestAppOptions = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    // The embedded server serialises one connection; a pool would interleave statements.
    DATABASE_POOL_SIZE: db.embedded ? '1' : undefined,
    REDIS_URL: options.redis === false ? undefined : process.env.REDIS_URL,
    QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
    LOG_LEVEL: 'silent',
    LOG_DIR: join(tmp, 'logs'),
    MEDIA_DIR: join(tmp, 'media'),
    THROTTLE_ENABLED: 'false',
    // `TENANT_RLS=true npx vitest run …` runs suites with row-level security on.
    TENANT_RLS: process.env.TENANT_RLS,
    // Suites that turn throttling on still register and log in many users from the one injected
    // address; the per-IP limits are exercised with their own rates in test/throttling/per-ip.
    THROTTLE_LOGIN_IP: '1000/min',
    THROTTLE_PASSWORD_RESET_IP: '1000/min',
    THROTTLE_REGISTER_IP: '1000/min',
    ...options.env,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-test-'));
  const config = new AppConfig(testEnv(db, tmp, options));
  const app = await createApp(config, options.modules);
  return {
    app,
    config,
    db,
    tmp,
    request: (opts) => app.inject(opts),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json<T>();
}
