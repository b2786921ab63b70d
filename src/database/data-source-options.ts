import { join } from 'node:path';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { CallbackQueryClient } from './callback-query-client.js';

// Ids and counts are bigint in PostgreSQL; they stay well below 2^53, so they are plain numbers in JS/JSON.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * Migrations live in the top-level `migrations/` folder: compiled to `dist/migrations` for the
 * built app, loaded from source (erasable TypeScript only) when running from `src`.
 */
export const MIGRATION_GLOB = import.meta.filename.endsWith('.js')
  ? join(import.meta.dirname, '..', 'migrations', '*.js')
  : join(import.meta.dirname, '..', '..', 'migrations', '*.ts');

export interface ConnectionSettings {
  url: string;
  /** The application's entity list (`src/entities.ts`); migrations alone need none. */
  entities: NonNullable<DataSourceOptions['entities']>;
  poolSize: number;
  migrationsRun?: boolean;
}

export function dataSourceOptions({
  url,
  entities,
  poolSize,
  migrationsRun = false,
}: ConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    // The pg module whose int8 parser is set above: TypeORM would otherwise load pg by itself, which
    // in the bundled build (scripts/bundle.mjs) is another copy of it.
    driver: pg,
    url,
    entities,
    migrations: [MIGRATION_GLOB],
    migrationsTableName: 'igny8_migrations',
    migrationsRun,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Every where clause is bracketed, so a scope can never be widened by a caller's `OR`.
    isolateWhereStatements: true,
    logging: false,
    poolSize,
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, Client: CallbackQueryClient },
  };
}
