import { Module } from '@nestjs/common';
import { AccountPromptsService } from './account-prompts.service.js';
import {
  AuthorProfilesController,
  GlobalAuthorProfilesController,
  GlobalAuthorProfilesService,
  StrategiesController,
} from './author-profiles.controller.js';
import { AuthorProfilesService } from './author-profiles.service.js';
import { StrategiesService } from './strategies.service.js';
import { GlobalIntegrationController, IntegrationProvidersController } from './integrations.controller.js';
import { IntegrationsService } from './integrations.service.js';
import { AiModelsController } from './ai-models.controller.js';
import { AiModelsService } from './ai-models.service.js';
import { AiSettingsController } from './ai-settings.controller.js';
import { AiSettingsService } from './ai-settings.service.js';
import { ModelRegistry } from './model-registry.service.js';
import { PromptService } from './prompt.service.js';
import { PromptsController } from './prompts.controller.js';

/**
 * The AI configuration the engine reads (docs/domain-model.md#ai-configuration) — models, prompts,
 * strategies' prompt overrides, AI settings — and its `system/` endpoints.
 */
@Module({
  controllers: [
    PromptsController,
    AiModelsController,
    AiSettingsController,
    AuthorProfilesController,
    GlobalAuthorProfilesController,
    StrategiesController,
    IntegrationProvidersController,
    GlobalIntegrationController,
  ],
  providers: [
    ModelRegistry,
    AiSettingsService,
    PromptService,
    AccountPromptsService,
    AiModelsService,
    AuthorProfilesService,
    GlobalAuthorProfilesService,
    StrategiesService,
    IntegrationsService,
  ],
  exports: [ModelRegistry, AiSettingsService, PromptService],
})
export class AiConfigModule {}
