import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { AiSettingsService } from '../ai/config/ai-settings.service.js';
import {
  type AiSettingsValues,
  type EffectiveAiSettingsView,
  presentEffective,
} from '../ai/config/presenters.js';
import { Account } from '../identity/entities/account.entity.js';
import {
  type AutomationConfigChanges,
  AutomationConfigService,
  type ScheduledSite,
} from '../automation-config/automation-config.service.js';
import type { UpdateAutomationConfigDto } from '../automation-config/dto/automation-config.dto.js';
import { type AutomationConfigView, presentAutomationConfig } from '../automation-config/presenters.js';
import { type PublishingSettingsView, presentPublishingSettings } from '../publishing-settings/presenters.js';
import { PublishingSettingsService } from '../publishing-settings/publishing-settings.service.js';
import { sitesIn } from '../sites/site-scope.js';
import {
  SITE_SETTINGS_SECTIONS,
  type SiteSettingsSection,
  type UpdateSiteSettingsDto,
} from './dto/site-settings.dto.js';

export interface SiteSettingsView {
  site_id: number;
  ai: { site: AiSettingsValues; effective: EffectiveAiSettingsView };
  automation: AutomationConfigView;
  publishing: PublishingSettingsView;
}

/**
 * `system/sites/{id}/settings/`: a site's AI overrides, automation config and
 * publishing settings, read, changed and reset together. The site must be visible to the caller
 * (else 404); writes lock its row, so concurrent changes to one site apply one after the other, and
 * run in one transaction: any error leaves every section unchanged.
 */
@Injectable()
export class SiteSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly aiSettings: AiSettingsService,
    private readonly automation: AutomationConfigService,
    private readonly publishing: PublishingSettingsService,
  ) {}

  get(siteId: number): Promise<SiteSettingsView> {
    return this.dataSource.transaction(async (manager) =>
      this.view(await this.visibleSite(manager, siteId, false), manager),
    );
  }

  update(siteId: number, body: UpdateSiteSettingsDto): Promise<SiteSettingsView> {
    return this.dataSource.transaction(async (manager) => {
      const site = await this.visibleSite(manager, siteId, true);
      const { ai, automation, publishing } = body;
      if (ai) {
        await keyedBySection('ai', () => this.aiSettings.update(site.account_id, site.id, ai, manager));
      }
      if (automation) await this.automation.update(site, this.automationChanges(automation), manager);
      if (publishing) await this.publishing.update(site, publishing, manager);
      return this.view(site, manager);
    });
  }

  /** The site's AutomationConfig alone (`automation/config/`), created from the defaults on first use. */
  automationConfig(siteId: number): Promise<AutomationConfigView> {
    return this.dataSource.transaction(async (manager) =>
      presentAutomationConfig(
        await this.automation.forSite(await this.visibleSite(manager, siteId, false), manager),
      ),
    );
  }

  /** `automation/update_config/`: the same write as the settings' `automation` section, on its own. */
  updateAutomationConfig(siteId: number, body: UpdateAutomationConfigDto): Promise<AutomationConfigView> {
    return this.dataSource.transaction(async (manager) => {
      const site = await this.visibleSite(manager, siteId, true);
      return presentAutomationConfig(
        await this.automation.update(site, this.automationChanges(body), manager),
      );
    });
  }

  /** AI: the site overrides are removed; automation: DefaultAutomationConfig is copied; publishing: defaults. */
  reset(
    siteId: number,
    sections: readonly SiteSettingsSection[] = SITE_SETTINGS_SECTIONS,
  ): Promise<SiteSettingsView> {
    return this.dataSource.transaction(async (manager) => {
      const site = await this.visibleSite(manager, siteId, true);
      if (sections.includes('ai')) await this.aiSettings.resetSite(site.account_id, site.id, manager);
      if (sections.includes('automation')) await this.automation.reset(site, manager);
      if (sections.includes('publishing')) await this.publishing.reset(site, manager);
      return this.view(site, manager);
    });
  }

  private async view(site: ScheduledSite, manager: EntityManager): Promise<SiteSettingsView> {
    const ai = await this.aiSettings.view(site.account_id, site.id, manager);
    return {
      site_id: site.id,
      ai: { site: ai.values, effective: presentEffective(ai.effective) },
      automation: presentAutomationConfig(await this.automation.forSite(site, manager)),
      publishing: presentPublishingSettings(await this.publishing.forSite(site, manager)),
    };
  }

  /** `test_trigger_at` is accepted from developers only; for anyone else it is a read-only field, ignored. */
  private automationChanges({
    test_trigger_at,
    ...settings
  }: UpdateAutomationConfigDto): AutomationConfigChanges {
    if (test_trigger_at === undefined || this.context.requirePrincipal().role !== 'developer')
      return settings;
    return { ...settings, test_trigger_at: test_trigger_at === null ? null : new Date(test_trigger_at) };
  }

  /** The site if the caller can see it (its account, its granted sites, its API key's site), else 404. */
  private async visibleSite(manager: EntityManager, siteId: number, lock: boolean): Promise<ScheduledSite> {
    const query = sitesIn(manager)
      .innerJoin(Account, 'a', 'a.id = s.account_id')
      .select('s.id', 'id')
      .addSelect('s.account_id', 'account_id')
      .addSelect('a.account_timezone', 'timezone')
      .andWhere('s.id = :settings_site_id', { settings_site_id: siteId });
    if (lock) query.setLock('pessimistic_write', undefined, ['s']);
    const site = await query.getRawOne<ScheduledSite>();
    if (!site) throw ApiError.notFound();
    return site;
  }
}

/** Runs a section's write, reporting its field errors as `<section>.<field>` like the body validation. */
async function keyedBySection<T>(section: SiteSettingsSection, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const errors = error instanceof ApiError ? error.extra.errors : undefined;
    if (!errors) throw error;
    throw ApiError.validation(
      Object.fromEntries(
        Object.entries(errors).map(([field, messages]) => [`${section}.${field}`, messages]),
      ),
    );
  }
}
