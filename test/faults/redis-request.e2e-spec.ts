import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { addKeywords, api, type Api, credits, type Json, setPools } from '../ai/support.js';
import { register, withCookie } from '../auth/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { eventually, within } from './support.js';

/** A request that needs Redis must answer (503) well before this, never wait for Redis. */
const ANSWER_BOUND_MS = 5000;

describe.runIf(process.env.REDIS_URL)('Redis lost while the API runs (through a TCP proxy)', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let call: Api;
  let tenant: SeededTenant;
  let keywordIds: number[];
  let cookie: string;

  beforeAll(async () => {
    proxy = await TcpProxy.start(process.env.REDIS_URL as string);
    t = await createTestApp({ env: { REDIS_URL: proxy.via(process.env.REDIS_URL as string) } });
    call = api(t);
    tenant = await seedTenant(t.app);
    await setPools(t, tenant, 100, 0);
    keywordIds = await addKeywords(call, tenant, t);
    cookie = (await register(t)).cookie;
  });

  afterAll(async () => {
    await proxy.restore();
    await backUp();
    for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
    await t.close();
    await proxy.close();
  });

  const me = () =>
    within(
      ANSWER_BOUND_MS,
      'GET auth/me/ with a session cookie',
      call('GET', 'auth/me/', withCookie(cookie)),
    );
  const cluster = () =>
    within(
      ANSWER_BOUND_MS,
      'an AI action',
      call('POST', 'planner/keywords/auto_cluster/', tenant.users.editor.auth, {
        ids: keywordIds.slice(0, 5),
      }),
    );
  const backUp = () => eventually('Redis to be reachable again', async () => (await me()).status === 200);

  const expectUnavailable = (reply: { status: number; body: Json }) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(503);
    expect(reply.body).toMatchObject({ success: false, code: 'service_unavailable' });
    expect(reply.body.request_id).toEqual(expect.any(String));
  };

  const tasks = () =>
    t.app
      .get(DataSource)
      .query<{ status: string; held_credits: number; error_code: string | null }[]>(
        'SELECT status, held_credits, error_code FROM igny8_ai_task_logs WHERE account_id = $1 ORDER BY id',
        [tenant.accountId],
      );

  it.each(['cut', 'stall'] as const)(
    'session cookie requests answer 503 while Redis is gone (%s), and work again once it is back',
    async (fault) => {
      expect((await me()).status).toBe(200);
      proxy[fault]();
      expectUnavailable(await me());
      expectUnavailable(await me());
      await proxy.restore();
      await backUp();
    },
  );

  it.each(['cut', 'stall'] as const)(
    'an AI action answers 503 when its job cannot be queued (%s): no hold, no queued task',
    async (fault) => {
      const before = (await tasks()).length;
      proxy[fault]();
      expectUnavailable(await cluster());
      const after = await tasks();
      expect(after).toHaveLength(before + 1);
      expect(after.at(-1)).toMatchObject({ status: 'failed', held_credits: 0, error_code: 'queue_error' });
      expect(after.filter((task) => task.status === 'queued' || task.status === 'running')).toEqual([]);
      expect(await credits(t, tenant)).toMatchObject({ credits: 100, held_credits: 0 });
      await proxy.restore();
      await backUp();
    },
  );

  it('queues AI actions again once Redis is back', async () => {
    const reply = await cluster();
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const taskId = (reply.body.data as Json).task_id as string;
    const job = await t.app.get<Queue>(getQueueToken('ai')).getJob(taskId);
    expect(job?.data).toMatchObject({ meta: { taskId }, payload: { task_id: taskId } });
  });
});
