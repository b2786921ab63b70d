// `npm run migration:run`: applies the pending migrations to the database of DATABASE_URL, or to
// the embedded one (EMBEDDED_DB_DIR) when it is unset, then exits. Refuses a database that holds
// migrations this code does not know.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { exitOnStartupError } from '../config/startup-error.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { shippedTemplate } from './embedded-template.js';
import { describeDatabase, settleMigrations } from './migrations.js';

async function migrate(): Promise<void> {
  const config = AppConfig.fromProcess();
  const embedded = config.database.url
    ? undefined
    : await EmbeddedPostgres.start(config.database.embeddedDir, shippedTemplate);
  try {
    const url = config.database.url ?? (embedded as EmbeddedPostgres).url;
    const dataSource = await new DataSource(
      dataSourceOptions({ url, entities: [], poolSize: 1 }),
    ).initialize();
    try {
      const applied = await settleMigrations(dataSource, true);
      process.stdout.write(
        applied.length > 0
          ? `${describeDatabase(url)}: applied ${applied.length} migration(s): ${applied.join(', ')}\n`
          : `${describeDatabase(url)}: no pending migration.\n`,
      );
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await embedded?.stop();
  }
}

await migrate().catch(exitOnStartupError);
