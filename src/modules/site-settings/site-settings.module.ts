import { Module } from '@nestjs/common';
import { AiConfigModule } from '../ai/config/ai-config.module.js';
import { AutomationConfigModule } from '../automation-config/automation-config.module.js';
import { PublishingSettingsModule } from '../publishing-settings/publishing-settings.module.js';
import { SiteSettingsController } from './site-settings.controller.js';
import { SiteSettingsService } from './site-settings.service.js';

/**
 * `system/sites/{id}/settings/`: the per-site settings of the AI, automation and publisher modules; the
 * service also serves `automation/config/` and `automation/update_config/`.
 */
@Module({
  imports: [AiConfigModule, AutomationConfigModule, PublishingSettingsModule],
  controllers: [SiteSettingsController],
  providers: [SiteSettingsService],
  exports: [SiteSettingsService],
})
export class SiteSettingsModule {}
