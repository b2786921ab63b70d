import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPools } from '../ai/support.js';
import { eventually } from '../faults/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant } from '../support/tenants.js';
import { api, configure, type Json, runNow, runRow, seedKeywords } from './support.js';

/**
 * The embedded default (no Redis) runs automation in the API process. Closing the application while a
 * run waits between its stages must not wait out the delay (up to 10 minutes per stage): the run stops
 * where it is and stays `running`, for the next start to continue it (docs/automation.md#durability).
 */
describe('closing the API while an automation run waits (inline driver)', () => {
  let t: TestApp;
  let closed = false;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
  });
  afterAll(async () => {
    if (!closed) await t?.app.close();
    await t?.db.drop();
  });

  it('ends the wait at once and leaves the run running at its next stage', async () => {
    const call = api(t);
    const tenant = await seedTenant(t.app);
    await setPools(t, tenant, 100_000);
    await configure(call, tenant, false, { between_stage_delay: 600 });
    await seedKeywords(call, tenant, t, 2);
    const { run_id } = await runNow(call, tenant);
    await eventually(
      'stage 1 to end and the wait before stage 2 to begin',
      async () => {
        const run = await runRow(t, run_id);
        return run.current_stage === 2 && (run.stage_1_result as Json | null)?.status === 'completed';
      },
      60_000,
    );

    await t.app.close();
    closed = true;

    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    try {
      const { rows } = await client.query<Json>(
        'SELECT status, current_stage, stage_2_result, error_message FROM igny8_automation_runs WHERE run_id = $1',
        [run_id],
      );
      expect(rows[0]).toEqual({
        status: 'running',
        current_stage: 2,
        stage_2_result: null,
        error_message: null,
      });
    } finally {
      await client.end();
    }
  });
});
