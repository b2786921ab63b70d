import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Clock } from '../../common/jobs/clock.js';
import { JobHandler } from '../../common/jobs/job-handler.decorator.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { AutomationConfigService } from '../automation-config/automation-config.service.js';
import { AutomationConfig } from '../automation-config/entities/automation-config.entity.js';
import { localTime } from '../automation-config/next-run.js';
import { Account } from '../identity/entities/account.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import { AutomationRunsService } from './automation-runs.service.js';

const MIN_GAP_MS = 23 * 3_600_000;
const MONDAY = 1;

export interface ScheduleOutcome {
  site_id: number;
  outcome: 'started' | 'not_due' | 'recent_run' | 'active_run' | 'insufficient_credits' | 'refused';
  run_id?: string;
}

interface DueConfig {
  config: AutomationConfig;
  timezone: string;
  user_id: number | null;
}

/**
 * The automation scheduler (docs/automation.md#scheduler): hourly (`check_scheduled_automations`, minute 5
 * UTC) every enabled config of a live, active site of an `active`/`trial` account is looked at in its
 * account's time zone — daily at the hour of `scheduled_time`, weekly on Mondays, monthly on the 1st —
 * skipped when it last ran less than 23 hours ago, when the site has an active run, or when the credit
 * check fails; `next_run_at` is recomputed after every evaluation. `check_test_triggers` (every minute)
 * starts a run for every due developer test trigger without the 23-hour rule, then clears it.
 */
@Injectable()
export class AutomationScheduler {
  private readonly logger = new Logger('AutomationScheduler');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly configs: AutomationConfigService,
    private readonly runs: AutomationRunsService,
    private readonly clock: Clock,
  ) {}

  @JobHandler('check_scheduled_automations')
  checkScheduled(): Promise<ScheduleOutcome[]> {
    return this.evaluate(this.clock.now());
  }

  @JobHandler('check_test_triggers')
  async checkTestTriggers(): Promise<ScheduleOutcome[]> {
    const now = this.clock.now();
    const due = await this.candidates((q) =>
      q.andWhere('c.test_trigger_at IS NOT NULL AND c.test_trigger_at <= :now', { now }),
    );
    const outcomes: ScheduleOutcome[] = [];
    for (const entry of due) {
      outcomes.push(await this.asTenant(entry, () => this.tryStart(entry, now)));
      await this.configs.clearTestTrigger(entry.config);
    }
    return outcomes;
  }

  /** One hourly evaluation at `now` (every enabled config). */
  async evaluate(now: Date): Promise<ScheduleOutcome[]> {
    const outcomes: ScheduleOutcome[] = [];
    for (const entry of await this.candidates((q) => q.andWhere('c.is_enabled'))) {
      const { config, timezone } = entry;
      let outcome: ScheduleOutcome;
      if (!isDue(config, timezone, now)) outcome = { site_id: Number(config.site_id), outcome: 'not_due' };
      else if (config.last_run_at && now.getTime() - config.last_run_at.getTime() < MIN_GAP_MS) {
        outcome = { site_id: Number(config.site_id), outcome: 'recent_run' };
      } else outcome = await this.asTenant(entry, () => this.tryStart(entry, now));
      if (outcome.outcome !== 'started' && outcome.outcome !== 'not_due') {
        this.logger.log(
          { site_id: outcome.site_id, reason: outcome.outcome },
          'Scheduled automation skipped',
        );
      }
      await this.configs.markEvaluated(config, timezone, now);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async tryStart(entry: DueConfig, now: Date): Promise<ScheduleOutcome> {
    const siteId = Number(entry.config.site_id);
    try {
      const { run_id } = await this.runs.start(siteId, 'scheduled', now);
      return { site_id: siteId, outcome: 'started', run_id };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const outcome =
        error.code === 'automation_already_running'
          ? 'active_run'
          : error.code === 'insufficient_credits'
            ? 'insufficient_credits'
            : 'refused';
      return { site_id: siteId, outcome };
    }
  }

  /** Runs `fn` as the config's account (a system-bot principal), so the run starts like a request would. */
  private asTenant<T>(entry: DueConfig, fn: () => Promise<T>): Promise<T> {
    return this.context.runFresh(`cron:automation:${entry.config.site_id}`, () => {
      this.context.setPrincipal({
        accountId: Number(entry.config.account_id),
        userId: entry.user_id,
        siteId: Number(entry.config.site_id),
        role: 'system_bot',
        bypassTenant: false,
        via: 'job',
      });
      return fn();
    });
  }

  private async candidates(
    where: (q: ReturnType<typeof tenantQuery<AutomationConfig>>) => unknown,
  ): Promise<DueConfig[]> {
    const query = tenantQuery(this.dataSource.manager, AutomationConfig, 'c')
      .innerJoin(Site, 's', 's.id = c.site_id AND s.deleted_at IS NULL AND s.is_active')
      .innerJoin(
        Account,
        'a',
        "a.id = c.account_id AND a.status IN ('active', 'trial') AND a.deleted_at IS NULL",
      )
      .addSelect('a.account_timezone', 'timezone')
      .addSelect('a.owner_id', 'owner_id')
      .orderBy('c.id');
    where(query);
    const { entities, raw } = await query.getRawAndEntities<{ timezone: string; owner_id: number | null }>();
    return entities.map((config, index) => ({
      config,
      timezone: raw[index].timezone,
      user_id: raw[index].owner_id === null ? null : Number(raw[index].owner_id),
    }));
  }
}

/** Whether the config's local hour (and day, weekly/monthly) is now. */
export function isDue(
  config: Pick<AutomationConfig, 'frequency' | 'scheduled_time'>,
  timeZone: string,
  now: Date,
): boolean {
  const local = localTime(now.getTime(), timeZone);
  if (local.hour !== Number(config.scheduled_time.slice(0, 2))) return false;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day));
  if (config.frequency === 'weekly') return day.getUTCDay() === MONDAY;
  if (config.frequency === 'monthly') return local.day === 1;
  return true;
}
