import { Module } from '@nestjs/common';
import { AiActionsController } from './ai-actions.controller.js';
import { AiActionsService } from './ai-actions.service.js';
import { PublishingSettingsModule } from '../publishing-settings/publishing-settings.module.js';
import { AiConfigModule } from './config/ai-config.module.js';
import { AiEngine } from './engine/ai-engine.js';
import { AiFunctionRegistry } from './engine/ai-function.registry.js';
import { AiFunctionKit } from './engine/kit.js';
import { BatchTasks } from './engine/batch-tasks.js';
import { AutoClusterFunction } from './functions/auto-cluster.function.js';
import { GenerateContentFunction } from './functions/generate-content.function.js';
import { GenerateIdeasFunction } from './functions/generate-ideas.function.js';
import { GenerateImagePromptsFunction } from './functions/generate-image-prompts.function.js';
import { GenerateImagesFunction } from './functions/generate-images.function.js';
import { OfflineProvider } from './providers/offline/offline.provider.js';
import { ProviderRouter } from './providers/provider-router.js';
import { SystemTasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

/**
 * The AI engine (docs/domain-model.md#ai-engine): the AI actions of the planner and the writer, the
 * registered functions, the provider routing (openai or offline), the `ai_task` job and `system/tasks/`.
 */
@Module({
  imports: [AiConfigModule, PublishingSettingsModule],
  controllers: [AiActionsController, SystemTasksController],
  providers: [
    OfflineProvider,
    ProviderRouter,
    AiFunctionKit,
    AutoClusterFunction,
    GenerateIdeasFunction,
    GenerateContentFunction,
    GenerateImagePromptsFunction,
    GenerateImagesFunction,
    AiFunctionRegistry,
    AiEngine,
    AiActionsService,
    TasksService,
    BatchTasks,
  ],
  exports: [AiEngine, BatchTasks, AiActionsService, AiFunctionRegistry, AiFunctionKit],
})
export class AiModule {}
