import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export class DatabaseEndpoint {
  constructor(
    readonly url: string,
    readonly embedded?: EmbeddedPostgres,
  ) {}
}

const logger = new Logger('Database');

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, DatabaseEndpoint],
      useFactory: (config: AppConfig, endpoint: DatabaseEndpoint) => ({
        ...dataSourceOptions({
          url: endpoint.url,
          poolSize: endpoint.embedded ? 1 : config.database.poolSize,
          // Migrations run by themselves only in the embedded default; elsewhere `npm run migration:run`.
          migrationsRun: endpoint.embedded !== undefined,
        }),
        applicationName: config.env === 'test' ? 'igny8-api-test' : 'igny8-api',
      }),
    }),
  ],
  providers: [
    {
      provide: DatabaseEndpoint,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        if (config.database.url) return new DatabaseEndpoint(config.database.url);
        const embedded = await EmbeddedPostgres.start(config.database.embeddedDir);
        logger.log({ dir: config.database.embeddedDir }, 'Embedded PostgreSQL started (no DATABASE_URL set)');
        return new DatabaseEndpoint(embedded.url, embedded);
      },
    },
  ],
  exports: [DatabaseEndpoint],
})
export class DatabaseModule implements OnApplicationShutdown {
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
