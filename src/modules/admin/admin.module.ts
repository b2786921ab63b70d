import { Module } from '@nestjs/common';
import { CatalogueCsvController } from './catalogue-csv.controller.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';

/** Platform administration: the catalogue CSV routes (docs/api-conventions.md#csv-import-and-export); the catalogue reads and writes the rows. */
@Module({ imports: [CatalogueModule], controllers: [CatalogueCsvController] })
export class AdminModule {}
