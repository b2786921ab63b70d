import { Module } from '@nestjs/common';
import { IntegrationsService } from './integrations.service.js';
import { WordPressHttp } from './wordpress/wordpress-http.js';

/**
 * Integrations (docs/wordpress.md): a site's connection to its WordPress (bridge plugin or application
 * password) and the log of every exchange with it.
 */
@Module({
  providers: [IntegrationsService, WordPressHttp],
  exports: [IntegrationsService, WordPressHttp],
})
export class IntegrationModule {}
