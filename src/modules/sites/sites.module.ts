import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { SectorsController, SiteActionsController, SitesController } from './sites.controller.js';
import { SectorsService } from './sectors.service.js';
import { SitesService } from './sites.service.js';

/** Sites and their sectors: scoped CRUD, trash, API keys, sector selection, public lookup. */
@Module({
  imports: [IdentityModule],
  controllers: [SiteActionsController, SitesController, SectorsController],
  providers: [SitesService, SectorsService],
  exports: [SitesService, SectorsService],
})
export class SitesModule {}
