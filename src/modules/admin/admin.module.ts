import { Module } from '@nestjs/common';
import { CatalogueCsvController } from './catalogue-csv.controller.js';
import { CatalogueCsvService } from './catalogue-csv.service.js';

/** Platform administration: the catalogue CSV helpers (docs/api-conventions.md#csv-import-and-export). */
@Module({ controllers: [CatalogueCsvController], providers: [CatalogueCsvService] })
export class AdminModule {}
