import { Module } from '@nestjs/common';
import { CatalogueCsvController } from './catalogue-csv.controller.js';
import { CatalogueCsvService } from './catalogue-csv.service.js';

/** Platform administration: the catalogue CSV helpers (api.md 9.12.1). */
@Module({ controllers: [CatalogueCsvController], providers: [CatalogueCsvService] })
export class AdminModule {}
