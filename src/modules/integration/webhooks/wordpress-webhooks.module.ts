import { Module } from '@nestjs/common';
import { IntegrationModule } from '../integration.module.js';
import { SiteKeyIdentityController, WordPressWebhooksController } from './wordpress-webhooks.controller.js';
import { WordPressWebhooksService } from './wordpress-webhooks.service.js';

/**
 * The bridge plugin's side of the integration (docs/wordpress-plugin.md): its status and metadata
 * webhooks. The publishing-records port (`RemotePostRecords`) is bound by the application module.
 */
@Module({
  imports: [IntegrationModule],
  controllers: [WordPressWebhooksController, SiteKeyIdentityController],
  providers: [WordPressWebhooksService],
})
export class WordPressWebhooksModule {}
