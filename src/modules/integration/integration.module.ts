import { Module } from '@nestjs/common';
import {
  IntegrationActionsController,
  IntegrationsController,
  SyncEventsController,
} from './integration.controller.js';
import { IntegrationsResource } from './integrations.resource.js';
import { IntegrationsService } from './integrations.service.js';
import { SyncEventsResource } from './sync-events.resource.js';
import { WordPressConnection } from './wordpress/wordpress-connection.js';
import { WordPressHttp } from './wordpress/wordpress-http.js';
import { WordPressSites } from './wordpress/wordpress-site.js';

/**
 * Integrations (docs/publishing.md): a site's connection to its WordPress (bridge plugin or application
 * password), the HTTP client every WordPress call goes through, and the log of every exchange.
 */
@Module({
  controllers: [IntegrationActionsController, IntegrationsController, SyncEventsController],
  providers: [
    IntegrationsService,
    IntegrationsResource,
    SyncEventsResource,
    WordPressHttp,
    WordPressSites,
    WordPressConnection,
  ],
  exports: [IntegrationsService, IntegrationsResource, WordPressHttp, WordPressSites, WordPressConnection],
})
export class IntegrationModule {}
