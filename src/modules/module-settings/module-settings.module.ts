import { Module } from '@nestjs/common';
import { ModuleEnabledGuard } from './module-enabled.guard.js';
import { ModuleSettingsController } from './module-settings.controller.js';
import { ModuleSettingsService } from './module-settings.service.js';

/**
 * Module flags (docs/module-settings.md): `igny8_module_enable_settings`, `system/settings/modules/`, and
 * the guard (`RequireModule`) the linker and optimizer routes use.
 */
@Module({
  controllers: [ModuleSettingsController],
  providers: [ModuleSettingsService, ModuleEnabledGuard],
  exports: [ModuleSettingsService, ModuleEnabledGuard],
})
export class ModuleSettingsModule {}
