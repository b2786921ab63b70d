import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import {
  IndustriesController,
  KeywordLibraryController,
  PlansController,
  SeedKeywordsController,
} from './catalogue.controller.js';
import { CatalogueService } from './catalogue.service.js';
import { KeywordLibraryService } from './keyword-library.service.js';

/** Global reference data: public plans and industries, and the keyword library. */
@Module({
  imports: [SitesModule],
  controllers: [PlansController, IndustriesController, KeywordLibraryController, SeedKeywordsController],
  providers: [CatalogueService, KeywordLibraryService],
  exports: [CatalogueService, KeywordLibraryService],
})
export class CatalogueModule {}
