import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { Clock } from '../../src/common/jobs/clock.js';
import { AutomationScheduler, type ScheduleOutcome } from '../../src/modules/automation/automation-scheduler.js';
import { setPools } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, configure, drain, seedKeywords } from './support.js';

/** A clock the test sets. */
class TestClock extends Clock {
  at = new Date();
  now(): Date {
    return this.at;
  }
}

describe('automation scheduler (controllable clock, account time zones, DST)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  const clock = new TestClock();
  let scheduler: AutomationScheduler;

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
    scheduler = t.app.get(AutomationScheduler);
    (scheduler as unknown as { clock: Clock }).clock = clock;
  });

  afterAll(() => t.close());

  /** Runs the hourly job at `iso`; returns the outcome for the tenant's first site. */
  async function tick(
    tenant: SeededTenant,
    iso: string,
    job: 'hourly' | 'test' = 'hourly',
  ): Promise<ScheduleOutcome | undefined> {
    clock.at = new Date(iso);
    const outcomes = await t.app
      .get(TenantContext)
      .runAsSystem('test', () =>
        job === 'hourly' ? scheduler.checkScheduled() : scheduler.checkTestTriggers(),
      );
    await drain(t);
    return outcomes.find((o) => o.site_id === tenant.siteIds[0]);
  }

  async function scheduled(timezone: string, settings: Record<string, unknown>): Promise<SeededTenant> {
    const tenant = await seedTenant(t.app);
    await db.query('UPDATE igny8_accounts SET account_timezone = $2 WHERE id = $1', [
      tenant.accountId,
      timezone,
    ]);
    await setPools(t, tenant, 100_000);
    await configure(call, tenant, false, { is_enabled: true, ...settings });
    return tenant;
  }

  const config = async (tenant: SeededTenant) =>
    (
      await db.query<{ next_run_at: Date | null; last_run_at: Date | null; test_trigger_at: Date | null }[]>(
        'SELECT next_run_at, last_run_at, test_trigger_at FROM igny8_automation_configs WHERE site_id = $1',
        [tenant.siteIds[0]],
      )
    )[0];
  const runs = async (tenant: SeededTenant) =>
    db.query<{ trigger_type: string; status: string }[]>(
      'SELECT trigger_type, status FROM igny8_automation_runs WHERE site_id = $1 ORDER BY id',
      [tenant.siteIds[0]],
    );

  it('daily at 02:00 New York: the day the clocks jump over 02:00 has no run; next_run_at follows the offset', async () => {
    const tenant = await scheduled('America/New_York', { frequency: 'daily', scheduled_time: '02:00' });
    // 2026-03-08: 01:59 EST is followed by 03:00 EDT.
    expect(await tick(tenant, '2026-03-08T06:05:00Z')).toMatchObject({ outcome: 'not_due' }); // 01:05 EST
    expect(await tick(tenant, '2026-03-08T07:05:00Z')).toMatchObject({ outcome: 'not_due' }); // 03:05 EDT
    expect((await config(tenant)).next_run_at?.toISOString()).toBe('2026-03-09T06:00:00.000Z'); // 02:00 EDT
    expect(await tick(tenant, '2026-03-09T06:05:00Z')).toMatchObject({ outcome: 'started' });
    expect(await runs(tenant)).toEqual([{ trigger_type: 'scheduled', status: 'completed' }]);
    expect((await config(tenant)).last_run_at?.toISOString()).toBe('2026-03-09T06:05:00.000Z');
    expect((await config(tenant)).next_run_at?.toISOString()).toBe('2026-03-10T06:00:00.000Z');
    expect(await tick(tenant, '2026-03-09T07:05:00Z')).toMatchObject({ outcome: 'not_due' });
    // Before the change the same local hour is 07:00 UTC.
    const winter = await scheduled('America/New_York', { frequency: 'daily', scheduled_time: '02:00' });
    expect(await tick(winter, '2026-03-07T06:05:00Z')).toMatchObject({ outcome: 'not_due' });
    expect(await tick(winter, '2026-03-07T07:05:00Z')).toMatchObject({ outcome: 'started' });
  });

  it('the hour repeated when the clocks go back runs once (the 23-hour rule)', async () => {
    const tenant = await scheduled('America/New_York', { frequency: 'daily', scheduled_time: '01:00' });
    // 2026-11-01: 01:00–01:59 happens at 05:xx UTC (EDT) and again at 06:xx UTC (EST).
    expect(await tick(tenant, '2026-11-01T05:05:00Z')).toMatchObject({ outcome: 'started' });
    expect(await tick(tenant, '2026-11-01T06:05:00Z')).toMatchObject({ outcome: 'recent_run' });
    expect(await runs(tenant)).toHaveLength(1);
    expect((await config(tenant)).next_run_at?.toISOString()).toBe('2026-11-02T06:00:00.000Z');
    // 23 hours later it is due again the next day.
    expect(await tick(tenant, '2026-11-02T06:05:00Z')).toMatchObject({ outcome: 'started' });
  });

  it('weekly runs on Mondays and monthly on the 1st, in the account time zone', async () => {
    const weekly = await scheduled('Asia/Tokyo', { frequency: 'weekly', scheduled_time: '09:00' });
    expect(await tick(weekly, '2026-03-03T00:05:00Z')).toMatchObject({ outcome: 'not_due' }); // Tue 09:05 JST
    expect(await tick(weekly, '2026-03-02T00:05:00Z')).toMatchObject({ outcome: 'started' }); // Mon 09:05 JST
    expect((await config(weekly)).next_run_at?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    const monthly = await scheduled('Asia/Tokyo', { frequency: 'monthly', scheduled_time: '00:00' });
    // 2026-04-01 00:05 JST is still March 31 in UTC.
    expect(await tick(monthly, '2026-04-01T15:05:00Z')).toMatchObject({ outcome: 'not_due' });
    expect(await tick(monthly, '2026-03-31T15:05:00Z')).toMatchObject({ outcome: 'started' });
    expect((await config(monthly)).next_run_at?.toISOString()).toBe('2026-04-30T15:00:00.000Z');
  });

  it('skips (without a run row) a site with an active run or too few credits, and inactive accounts', async () => {
    const busy = await scheduled('UTC', { frequency: 'daily', scheduled_time: '04:00' });
    await db.query(
      `INSERT INTO igny8_automation_runs (account_id, run_id, site_id, trigger_type, status)
       VALUES ($1, 'run_20260101_000000_0000abcd', $2, 'manual', 'paused')`,
      [busy.accountId, busy.siteIds[0]],
    );
    expect(await tick(busy, '2026-05-05T04:05:00Z')).toMatchObject({ outcome: 'active_run' });
    expect(await runs(busy)).toHaveLength(1);

    const poor = await scheduled('UTC', { frequency: 'daily', scheduled_time: '04:00' });
    await seedKeywords(call, poor, t, 2);
    await setPools(t, poor, 0);
    expect(await tick(poor, '2026-05-06T04:05:00Z')).toMatchObject({ outcome: 'insufficient_credits' });
    expect(await runs(poor)).toHaveLength(0);
    expect((await config(poor)).last_run_at).toBeNull();

    const suspended = await scheduled('UTC', { frequency: 'daily', scheduled_time: '04:00' });
    await db.query("UPDATE igny8_accounts SET status = 'suspended' WHERE id = $1", [suspended.accountId]);
    expect(await tick(suspended, '2026-05-07T04:05:00Z')).toBeUndefined();
    expect(await runs(suspended)).toHaveLength(0);
  });

  it('check_test_triggers starts a due trigger without the 23-hour rule and clears it', async () => {
    const tenant = await scheduled('UTC', { frequency: 'daily', scheduled_time: '04:00' });
    await db.query(
      'UPDATE igny8_automation_configs SET last_run_at = $2, test_trigger_at = $3 WHERE site_id = $1',
      [tenant.siteIds[0], '2026-06-01T11:00:00Z', '2026-06-01T12:00:00Z'],
    );
    expect(await tick(tenant, '2026-06-01T11:59:00Z', 'test')).toBeUndefined();
    expect(await tick(tenant, '2026-06-01T12:00:30Z', 'test')).toMatchObject({ outcome: 'started' });
    expect((await config(tenant)).test_trigger_at).toBeNull();
    expect(await runs(tenant)).toEqual([{ trigger_type: 'scheduled', status: 'completed' }]);
  });
});
