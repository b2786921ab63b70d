import { Module } from '@nestjs/common';
import { AutomationConfigService } from './automation-config.service.js';

/**
 * Automation (docs/domain-model.md#automation-settings): so far the per-site configuration, read and written
 * through site settings.
 */
@Module({
  providers: [AutomationConfigService],
  exports: [AutomationConfigService],
})
export class AutomationConfigModule {}
