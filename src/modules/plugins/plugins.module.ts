import { Module } from '@nestjs/common';
import { PluginsController } from './plugins.controller.js';
import { PluginsService } from './plugins.service.js';

/** Plugin distribution (docs/wordpress-plugin.md): the bridge plugin's releases, downloads and installations. */
@Module({
  controllers: [PluginsController],
  providers: [PluginsService],
  exports: [PluginsService],
})
export class PluginsModule {}
