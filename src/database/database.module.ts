import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { StartupError } from '../config/startup-error.js';
import { installAfterCommit } from './after-commit.js';
import { type ConnectionSettings, dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { shippedTemplate } from './embedded-template.js';
import { settleMigrations } from './migrations.js';
import { usePooledQueryRunners } from './pooled-query-runner.js';

export class DatabaseEndpoint {
  constructor(
    readonly url: string,
    readonly embedded?: EmbeddedPostgres,
  ) {}
}

const logger = new Logger('Database');

/**
 * Opens the data source, then settles its migrations before anything can query it: the embedded
 * default (`migrationsRun`) applies pending ones; PostgreSQL refuses to start with pending ones.
 */
async function openDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('The data source options are missing');
  const unopened = new DataSource({ ...options, migrationsRun: false });
  usePooledQueryRunners(unopened);
  const dataSource = await unopened.initialize();
  installAfterCommit(dataSource);
  try {
    const applied = await settleMigrations(dataSource, options.migrationsRun === true);
    if (applied.length > 0) logger.log({ migrations: applied }, `Applied ${applied.length} migration(s)`);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** The TypeORM data source over `entities` (the application's list) and the endpoint it connects to. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  static forRoot(entities: ConnectionSettings['entities']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig, DatabaseEndpoint],
          useFactory: (config: AppConfig, endpoint: DatabaseEndpoint) => ({
            ...dataSourceOptions({
              url: endpoint.url,
              entities,
              poolSize: endpoint.embedded ? 1 : config.database.poolSize,
              // Only the embedded default applies migrations at start; elsewhere `npm run migration:run`.
              migrationsRun: endpoint.embedded !== undefined,
            }),
            applicationName: config.env === 'test' ? 'igny8-api-test' : 'igny8-api',
            // A database that answers but is out of step with the code does not get better by waiting.
            toRetry: (error: unknown) => !(error instanceof StartupError),
          }),
          dataSourceFactory: openDataSource,
        }),
      ],
      providers: [
        {
          provide: DatabaseEndpoint,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            if (config.database.url) return new DatabaseEndpoint(config.database.url);
            const embedded = await EmbeddedPostgres.start(config.database.embeddedDir, shippedTemplate);
            logger.log(
              { dir: config.database.embeddedDir, origin: embedded.origin },
              'Embedded PostgreSQL started (no DATABASE_URL set)',
            );
            return new DatabaseEndpoint(embedded.url, embedded);
          },
        },
      ],
      exports: [DatabaseEndpoint],
    };
  }

  constructor(
    @Inject(DatabaseEndpoint) private readonly endpoint: DatabaseEndpoint,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.endpoint.embedded) return;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.endpoint.embedded.stop();
  }
}
