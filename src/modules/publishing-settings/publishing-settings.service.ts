import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  PUBLISH_DAYS,
  PUBLISHING_DEFAULTS,
  PublishingSettings,
} from './entities/publishing-settings.entity.js';
import { insertOrIgnore } from '../../common/tenancy/tenant-sql.js';

/** The site a settings row belongs to. */
export interface PublishingSite {
  id: number;
  account_id: number;
}

/** Changes to a site's settings: absent keeps. */
export type PublishingSettingsChanges = Partial<
  Pick<
    PublishingSettings,
    | 'auto_approval_enabled'
    | 'auto_publish_enabled'
    | 'daily_publish_limit'
    | 'weekly_publish_limit'
    | 'monthly_publish_limit'
    | 'publish_days'
    | 'publish_time_slots'
    | 'default_post_status'
  >
>;

/**
 * PublishingSettings (docs/domain-model.md#publishing-settings): one per site, created with the defaults the
 * first time it is read or written. Callers pass a site they checked is visible.
 */
@Injectable()
export class PublishingSettingsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Whether content of the site entering `review` moves on to `approved`
   * (docs/domain-model.md#publishing-settings). Reads without creating the row: a site without one has the
   * default (off).
   */
  async autoApprovalEnabled(
    siteId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const row = await manager.findOne(PublishingSettings, {
      select: { id: true, auto_approval_enabled: true },
      where: { site_id: siteId },
    });
    return row?.auto_approval_enabled ?? PUBLISHING_DEFAULTS.auto_approval_enabled;
  }

  /** The site's settings, created with the defaults on first use. */
  async forSite(
    site: PublishingSite,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PublishingSettings> {
    const existing = await manager.findOneBy(PublishingSettings, { site_id: site.id });
    if (existing) return existing;
    // A concurrent first read may have created it: then that row is used.
    await insertOrIgnore(manager, PublishingSettings, { account_id: site.account_id, site_id: site.id });
    return manager.findOneByOrFail(PublishingSettings, { site_id: site.id });
  }

  /** Applies `changes`; days are kept in week order and time slots ascending. */
  async update(
    site: PublishingSite,
    changes: PublishingSettingsChanges,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PublishingSettings> {
    const settings = await this.forSite(site, manager);
    const { publish_days, publish_time_slots, ...rest } = changes;
    manager.merge(PublishingSettings, settings, rest);
    if (publish_days) settings.publish_days = PUBLISH_DAYS.filter((day) => publish_days.includes(day));
    if (publish_time_slots) settings.publish_time_slots = [...publish_time_slots].sort();
    return manager.save(PublishingSettings, settings);
  }

  async reset(
    site: PublishingSite,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PublishingSettings> {
    const settings = await this.forSite(site, manager);
    Object.assign(settings, {
      ...PUBLISHING_DEFAULTS,
      publish_days: [...PUBLISHING_DEFAULTS.publish_days],
      publish_time_slots: [...PUBLISHING_DEFAULTS.publish_time_slots],
    });
    return manager.save(PublishingSettings, settings);
  }
}
