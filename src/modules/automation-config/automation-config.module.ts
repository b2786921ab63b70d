import { Module } from '@nestjs/common';
import { AutomationConfigService } from './automation-config.service.js';

/** Automation (domain.md §4, §15): so far the per-site configuration, read and written through site settings. */
@Module({
  providers: [AutomationConfigService],
  exports: [AutomationConfigService],
})
export class AutomationConfigModule {}
