import { Module } from '@nestjs/common';
import { IdentityModule } from '../../identity/identity.module.js';
import { IntegrationModule } from '../integration.module.js';
import { SiteKeyIdentityController, WordPressWebhooksController } from './wordpress-webhooks.controller.js';
import { WordPressWebhooksService } from './wordpress-webhooks.service.js';
import { HandshakeController } from './handshake.controller.js';
import { HandshakeService } from './handshake.service.js';

/**
 * The bridge plugin's side of the integration (docs/wordpress-plugin.md): its handshake, its status
 * and metadata webhooks and the key's identity. The publishing-records port (`RemotePostRecords`) is bound by the application module.
 */
@Module({
  imports: [IdentityModule, IntegrationModule],
  controllers: [HandshakeController, WordPressWebhooksController, SiteKeyIdentityController],
  providers: [WordPressWebhooksService, HandshakeService],
})
export class WordPressWebhooksModule {}
