import { Module, type OnModuleInit } from '@nestjs/common';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { ContentService } from './content.service.js';
import { WRITER_CASCADES } from './entities/cascades.js';
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
export class WriterModule implements OnModuleInit {
  constructor(private readonly softDeletes: SoftDeleteService) {}

  /** Site/sector → writer rows and content → images (docs/domain-model.md#soft-delete-and-cascades). */
  onModuleInit(): void {
    for (const { parent, table, column } of WRITER_CASCADES) {
      this.softDeletes.registerCascade(parent, { table, column });
    }
  }
}
