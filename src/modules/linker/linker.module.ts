import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module.js';
import { ModuleSettingsModule } from '../module-settings/module-settings.module.js';
import { LinkContentFunction } from './link-content.function.js';
import { LinkerController } from './linker.controller.js';

/**
 * The Linker (docs/linker.md): `linker/process/` and `linker/batch_process/`, and the `link_content` AI
 * function it registers with the AI engine. No table of its own; off unless the account's module flag is on.
 */
@Module({
  imports: [AiModule, ModuleSettingsModule],
  controllers: [LinkerController],
  providers: [LinkContentFunction],
})
export class LinkerModule {}
