import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import cronParser from 'cron-parser';
import { JOB_DEFINITIONS, type JobName } from './job-catalogue.js';
import { JobDriver } from './job-driver.js';

/** Without Redis, fires the catalogue's cron jobs from this process (the worker does it with Bull). */
@Injectable()
export class InlineScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InlineScheduler');
  private readonly timers = new Map<JobName, NodeJS.Timeout>();

  constructor(private readonly driver: JobDriver) {}

  onApplicationBootstrap(): void {
    for (const name of Object.keys(JOB_DEFINITIONS) as JobName[]) {
      if (JOB_DEFINITIONS[name].cron) this.scheduleNext(name);
    }
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private scheduleNext(name: JobName): void {
    const next = cronParser
      .parseExpression(JOB_DEFINITIONS[name].cron as string, { utc: true })
      .next()
      .getTime();
    const timer = setTimeout(
      () => {
        void this.driver
          .add(name, { meta: { accountId: null, requestId: `cron:${name}`, system: true }, payload: {} })
          .catch((err: unknown) => this.logger.error({ err, job: name }, 'Could not enqueue scheduled job'));
        this.scheduleNext(name);
      },
      Math.max(0, next - Date.now()),
    );
    timer.unref();
    this.timers.set(name, timer);
  }
}
