import { Module } from '@nestjs/common';
import { PublishingSettingsService } from './publishing-settings.service.js';

/**
 * Publishing (docs/domain-model.md#publishing-settings): so far the per-site settings, read by the AI engine
 * for auto-approval.
 */
@Module({
  providers: [PublishingSettingsService],
  exports: [PublishingSettingsService],
})
export class PublishingSettingsModule {}
