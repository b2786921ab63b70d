import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database/data-source-options.js';
import { ENTITIES } from './entities.js';

/** Data source for the TypeORM CLI (`npm run migration:*`). Needs DATABASE_URL. */
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL must be set for migration commands.\n');
  process.exit(1);
}

export default new DataSource(dataSourceOptions({ url, entities: ENTITIES, poolSize: 2 }));
