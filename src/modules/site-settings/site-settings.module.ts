import { Module } from '@nestjs/common';
import { AiConfigModule } from '../ai/config/ai-config.module.js';
import { AutomationModule } from '../automation/automation.module.js';
import { PublisherModule } from '../publisher/publisher.module.js';
import { SiteSettingsController } from './site-settings.controller.js';
import { SiteSettingsService } from './site-settings.service.js';

/** `system/sites/{id}/settings/`: the per-site settings of the AI, automation and publisher modules. */
@Module({
  imports: [AiConfigModule, AutomationModule, PublisherModule],
  controllers: [SiteSettingsController],
  providers: [SiteSettingsService],
})
export class SiteSettingsModule {}
