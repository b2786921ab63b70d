import { Module } from '@nestjs/common';
import { IntegrationModule } from '../integration/integration.module.js';
import { PublishingSettingsModule } from '../publishing-settings/publishing-settings.module.js';
import { WriterModule } from '../writer/writer.module.js';
import {
  ContentPublishingController,
  DeploymentsController,
  PublisherController,
  PublishingRecordsController,
  RecordsAliasController,
} from './publisher.controller.js';
import { PublisherService } from './publisher.service.js';
import { DeploymentsResource, PublishingRecordsResource } from './records.resource.js';
import { WordPressAdapter } from './wordpress-adapter.js';
import { PublishingJobs } from './publishing.jobs.js';

/**
 * The publisher (docs/publishing.md): publishing content to WordPress, its records and deployments,
 * the writer's publishing actions and the publishing scheduler. Content state changes go through the
 * writer's functions.
 */
@Module({
  imports: [WriterModule, IntegrationModule, PublishingSettingsModule],
  controllers: [
    PublisherController,
    PublishingRecordsController,
    RecordsAliasController,
    DeploymentsController,
    ContentPublishingController,
  ],
  providers: [
    PublisherService,
    WordPressAdapter,
    PublishingRecordsResource,
    DeploymentsResource,
    PublishingJobs,
  ],
  exports: [PublisherService],
})
export class PublisherModule {}
