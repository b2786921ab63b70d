import { Module } from '@nestjs/common';
import { SectorsController, SiteActionsController, SitesController } from './sites.controller.js';
import { SectorsService } from './sectors.service.js';
import { SitesService } from './sites.service.js';

/** Sites and their sectors: scoped CRUD, trash, API keys, sector selection, public lookup. */
@Module({
  controllers: [SiteActionsController, SitesController, SectorsController],
  providers: [SitesService, SectorsService],
  exports: [SitesService, SectorsService],
})
export class SitesModule {}
