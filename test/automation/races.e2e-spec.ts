import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/common/jobs/job-catalogue.js';
import { AutomationLock } from '../../src/modules/automation/automation-lock.js';
import { setPools } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant } from '../support/tenants.js';
import { api, type Api, configure, count, type Json, runRow, seedKeywords } from './support.js';

/**
 * The races and bad input on PostgreSQL + Redis (the Redis lock, the advisory lock and the partial
 * unique index together): concurrent starts give one run; the steering actions answer 409 `invalid_state`
 * outside their states; a foreign run is 404 for every action.
 */
describe.runIf(process.env.REDIS_URL && process.env.TEST_DATABASE_URL)(
  'automation races and bad input (PostgreSQL + Redis)',
  () => {
    let t: TestApp;
    let call: Api;

    beforeAll(async () => {
      t = await createTestApp({ env: { AI_PROVIDER: 'offline' } });
      call = api(t);
    });

    afterAll(async () => {
      for (const name of QUEUE_NAMES) await t.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      await t.close();
    });

    it(
      'five concurrent run_now: one 202 holding the Redis lock, four 409; cancel frees it; ended runs refuse steering',
      { timeout: 120_000 },
      async () => {
        const tenant = await seedTenant(t.app);
        const site = tenant.siteIds[0];
        await setPools(t, tenant, 100_000);
        await configure(call, tenant);
        await seedKeywords(call, tenant, t, 1);
        const replies = await Promise.all(
          Array.from({ length: 5 }, () =>
            call('POST', `automation/run_now/?site_id=${site}`, tenant.users.editor.auth),
          ),
        );
        expect(replies.map((r) => r.status).sort()).toEqual([202, 409, 409, 409, 409]);
        for (const reply of replies.filter((r) => r.status === 409)) {
          expect(reply.body.code).toBe('automation_already_running');
        }
        const runId = (replies.find((r) => r.status === 202)?.body.data as Json).run_id as string;
        expect(
          await count(t, 'SELECT count(*)::int AS n FROM igny8_automation_runs WHERE site_id = $1', [site]),
        ).toBe(1);
        const lock = t.app.get(AutomationLock);
        expect(await lock.holder(site)).toBe(runId);

        const cancelled = await call('POST', `automation/cancel/?run_id=${runId}`, tenant.users.editor.auth);
        expect(cancelled.status).toBe(200);
        expect(await lock.holder(site)).toBeNull();
        expect((await runRow(t, runId)).status).toBe('cancelled');

        // An ended run cannot be paused, resumed or cancelled.
        for (const action of ['pause', 'resume', 'cancel']) {
          const reply = await call('POST', `automation/${action}/?run_id=${runId}`, tenant.users.editor.auth);
          expect(reply.status, action).toBe(409);
          expect(reply.body.code, action).toBe('invalid_state');
        }

        // A foreign run is 404 for every action, before its state is looked at.
        const other = await seedTenant(t.app);
        for (const action of ['pause', 'resume', 'cancel']) {
          const reply = await call('POST', `automation/${action}/?run_id=${runId}`, other.users.owner.auth);
          expect(reply.status, action).toBe(404);
        }
        // The lock is free for the next run.
        const again = await call('POST', `automation/run_now/?site_id=${site}`, tenant.users.editor.auth);
        expect(again.status, JSON.stringify(again.body)).toBe(202);
        const next = (again.body.data as Json).run_id as string;
        expect(await lock.holder(site)).toBe(next);
        expect(
          (await call('POST', `automation/cancel/?run_id=${next}`, tenant.users.editor.auth)).status,
        ).toBe(200);
      },
    );
  },
);
