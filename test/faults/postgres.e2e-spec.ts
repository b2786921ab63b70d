import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/bootstrap.js';
import { AppConfig } from '../../src/config/app-config.js';
import { testEnv } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { eventually, within } from './support.js';

const ANSWER_BOUND_MS = 15_000;

describe('PostgreSQL lost while the API runs (through a TCP proxy)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestFastifyApplication;
  let tenant: SeededTenant;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await TcpProxy.start(db.url);
    const tmp = mkdtempSync(join(tmpdir(), 'igny8-test-'));
    const env = testEnv(db, tmp, { env: {} });
    app = await createApp(new AppConfig({ ...env, DATABASE_URL: proxy.via(db.url) }));
    tenant = await seedTenant(app);
  });

  afterAll(async () => {
    await proxy.restore();
    await app.close();
    await proxy.close();
    await db.drop();
  });

  const keywords = async () => {
    const response = await within(
      ANSWER_BOUND_MS,
      'GET planner/keywords/',
      app.inject({ method: 'GET', url: '/api/v1/planner/keywords/', headers: tenant.users.editor.auth }),
    );
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  const expectUnavailable = (reply: { status: number; body: Record<string, unknown> }) => {
    expect([500, 503], JSON.stringify(reply.body)).toContain(reply.status);
    expect(reply.body).toMatchObject({
      success: false,
      code: expect.any(String),
      request_id: expect.any(String),
    });
  };

  const recovered = () =>
    eventually('the API to reach PostgreSQL again', async () => (await keywords()).status === 200, 30_000);

  it('answers 503 with the envelope while the database is gone, and recovers without a restart', async () => {
    expect((await keywords()).status).toBe(200);
    proxy.cut();
    expectUnavailable(await keywords());
    await proxy.restore();
    await recovered();
  });

  it('answers a request whose query was under way when the connection dropped', async () => {
    proxy.stall();
    const pending = keywords();
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.cut();
    expectUnavailable(await pending);
    await proxy.restore();
    await recovered();
  });
});
