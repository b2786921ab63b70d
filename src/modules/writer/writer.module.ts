import { Module } from '@nestjs/common';
import { PublishingSettingsModule } from '../publishing-settings/publishing-settings.module.js';
import { ContentService } from './content.service.js';
import { ImagesService } from './images.service.js';
import { TasksService } from './tasks.service.js';
import { TaxonomiesService } from './taxonomies.service.js';
import {
  ContentActionsController,
  ContentController,
  ImageActionsController,
  ImagesController,
  TaskActionsController,
  TasksController,
  TaxonomiesController,
} from './writer.controller.js';
import { WriterRefs } from './writer-scope.js';

/**
 * The writer (docs/domain-model.md#writer): tasks, content, taxonomy terms and images. The AI actions
 * live in the AI module, publishing in a later one.
 */
@Module({
  imports: [PublishingSettingsModule],
  controllers: [
    TaskActionsController,
    TasksController,
    ContentActionsController,
    ContentController,
    ImageActionsController,
    ImagesController,
    TaxonomiesController,
  ],
  providers: [WriterRefs, TasksService, ContentService, ImagesService, TaxonomiesService],
  exports: [TasksService, ContentService, ImagesService, TaxonomiesService],
})
export class WriterModule {}
