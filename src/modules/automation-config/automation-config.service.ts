import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AUTOMATION_SETTING_FIELDS,
  AutomationConfig,
  type AutomationSettingField,
  DefaultAutomationConfig,
} from './entities/automation-config.entity.js';
import { nextRunAt } from './next-run.js';
import { insertOrIgnore } from '../../common/tenancy/tenant-sql.js';

/** The site a config belongs to, with its account's time zone (schedules are local to it). */
export interface ScheduledSite {
  id: number;
  account_id: number;
  timezone: string;
}

/** Changes to a site's config: absent keeps; `test_trigger_at` null clears. */
export type AutomationConfigChanges = Partial<
  Pick<AutomationConfig, AutomationSettingField | 'test_trigger_at'>
>;

/**
 * AutomationConfig (docs/domain-model.md#automation-settings): one per site, copied from
 * DefaultAutomationConfig the first time it is read or written. Every write recomputes `next_run_at`. Callers
 * pass a site they checked is visible.
 */
@Injectable()
export class AutomationConfigService {
  constructor(private readonly dataSource: DataSource) {}

  /** The site's config, created from the defaults on first use. */
  async forSite(
    site: ScheduledSite,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AutomationConfig> {
    const existing = await manager.findOneBy(AutomationConfig, { site_id: site.id });
    if (existing) return existing;
    const settings = settingsOf(await this.defaults(manager));
    // A concurrent first read may have created it: then that row is used.
    await insertOrIgnore(manager, AutomationConfig, {
      ...settings,
      account_id: site.account_id,
      site_id: site.id,
      next_run_at: scheduledStart(settings, site.timezone),
    });
    return manager.findOneByOrFail(AutomationConfig, { site_id: site.id });
  }

  async update(
    site: ScheduledSite,
    changes: AutomationConfigChanges,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AutomationConfig> {
    const config = await this.forSite(site, manager);
    manager.merge(AutomationConfig, config, changes);
    return this.saveScheduled(config, site, manager);
  }

  /** Copies DefaultAutomationConfig again and drops a pending test trigger; the run history stays. */
  async reset(
    site: ScheduledSite,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AutomationConfig> {
    const config = await this.forSite(site, manager);
    Object.assign(config, settingsOf(await this.defaults(manager)), { test_trigger_at: null });
    return this.saveScheduled(config, site, manager);
  }

  /** A run started (any trigger) at `at`: `last_run_at`. */
  async markStarted(
    site: ScheduledSite,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const config = await this.forSite(site, manager);
    await manager.update(AutomationConfig, { id: config.id }, { last_run_at: at });
  }

  /** The scheduler evaluated the config at `now`: `next_run_at` from then on (null while scheduling is off). */
  async markEvaluated(
    config: AutomationConfig,
    timeZone: string,
    now: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Date | null> {
    const next = config.is_enabled
      ? nextRunAt(config.frequency, Number(config.scheduled_time.slice(0, 2)), timeZone, now)
      : null;
    await manager.update(AutomationConfig, { id: config.id }, { next_run_at: next });
    return next;
  }

  /** The developer test trigger fired: it is cleared. */
  async clearTestTrigger(
    config: AutomationConfig,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.update(AutomationConfig, { id: config.id }, { test_trigger_at: null });
  }

  private saveScheduled(
    config: AutomationConfig,
    site: ScheduledSite,
    manager: EntityManager,
  ): Promise<AutomationConfig> {
    config.next_run_at = scheduledStart(config, site.timezone);
    return manager.save(AutomationConfig, config);
  }

  private async defaults(manager: EntityManager): Promise<DefaultAutomationConfig> {
    const defaults = await manager.findOneBy(DefaultAutomationConfig, { id: 1 });
    if (!defaults) {
      throw new Error('The DefaultAutomationConfig row (id = 1) is missing; run the migrations.');
    }
    return defaults;
  }
}

type AutomationSettings = Pick<AutomationConfig, AutomationSettingField>;

function settingsOf(source: AutomationSettings): AutomationSettings {
  const settings = {} as Record<AutomationSettingField, unknown>;
  for (const field of AUTOMATION_SETTING_FIELDS) settings[field] = source[field];
  return settings as AutomationSettings;
}

/** `next_run_at` for these settings from now on: null while scheduling is off. */
function scheduledStart(settings: AutomationSettings, timeZone: string): Date | null {
  if (!settings.is_enabled) return null;
  const hour = Number(settings.scheduled_time.slice(0, 2));
  return nextRunAt(settings.frequency, hour, timeZone, new Date());
}
