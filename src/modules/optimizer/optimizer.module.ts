import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module.js';
import { ModuleSettingsModule } from '../module-settings/module-settings.module.js';
import { OptimizeContentFunction } from './optimize-content.function.js';
import { OptimizerController } from './optimizer.controller.js';
import { OptimizerService } from './optimizer.service.js';

/**
 * The Optimizer (docs/optimizer.md): `igny8_optimization_tasks`, `optimizer/analyze/` (local analysis) and
 * `optimizer/jobs/` (the `optimize_content` AI function, registered with the AI engine). Off unless the
 * account's module flag is on.
 */
@Module({
  imports: [AiModule, ModuleSettingsModule],
  controllers: [OptimizerController],
  providers: [OptimizerService, OptimizeContentFunction],
})
export class OptimizerModule {}
