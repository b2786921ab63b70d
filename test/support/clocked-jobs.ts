import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { Clock } from '../../src/common/jobs/clock.js';
import type { JobName } from '../../src/common/jobs/job-catalogue.js';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { InlineScheduler } from '../../src/common/jobs/inline-scheduler.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import { createTestApp, type TestApp } from './app.js';

export interface ClockedJobsApp {
  t: TestApp;
  db: DataSource;
  /** Runs a job through the queue (inline driver), checks it completed and answers its result. */
  run: (name: JobName) => Promise<Record<string, number>>;
}

/**
 * A test app (inline jobs, no Redis) whose scheduled jobs run when the test says, not on the wall
 * clock, and read the time from `now` (the jobs Clock, src/common/jobs/clock.ts).
 */
export async function createClockedJobsApp(now: () => Date): Promise<ClockedJobsApp> {
  const t = await createTestApp({ redis: false });
  t.app.get(InlineScheduler).onApplicationShutdown();
  t.app.get(Clock).now = now;
  return {
    t,
    db: t.app.get(DataSource),
    run: async (name) => {
      await t.app.get(JobsService).enqueue(name, {});
      const [outcome] = await t.app.get(InlineJobDriver).drain();
      expect(outcome.state).toBe('completed');
      return outcome.result as Record<string, number>;
    },
  };
}
