import { Module } from '@nestjs/common';
import { PublishingSettingsService } from './publishing-settings.service.js';

/** Publishing (domain.md §5, §16): so far the per-site settings, read by the AI engine for auto-approval. */
@Module({
  providers: [PublishingSettingsService],
  exports: [PublishingSettingsService],
})
export class PublishingSettingsModule {}
