import { Module } from '@nestjs/common';
import {
  IndustriesController,
  KeywordLibraryController,
  PlansController,
  SeedKeywordsController,
} from './catalogue.controller.js';
import { CatalogueService } from './catalogue.service.js';
import { CatalogueCsvService } from './csv/catalogue-csv.service.js';
import { KeywordLibraryService } from './keyword-library.service.js';

/** Global reference data: public plans and industries, and the keyword library. */
@Module({
  controllers: [PlansController, IndustriesController, KeywordLibraryController, SeedKeywordsController],
  providers: [CatalogueService, KeywordLibraryService, CatalogueCsvService],
  exports: [CatalogueService, KeywordLibraryService, CatalogueCsvService],
})
export class CatalogueModule {}
