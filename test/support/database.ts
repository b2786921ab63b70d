import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';

export const TEMPLATE_DB = 'igny8_test_template';

export interface TestDatabase {
  url: string;
  embedded: boolean;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Builds the migrated template database once per test run (global setup). */
export async function prepareTemplate(serverUrl: string): Promise<void> {
  await admin(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await migrate(withDatabase(serverUrl, TEMPLATE_DB));
}

/**
 * A database of its own for one test file: a clone of the migrated template on the real server
 * when TEST_DATABASE_URL is set, otherwise a throwaway embedded PostgreSQL, migrated.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `igny8_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
    return {
      url: withDatabase(serverUrl, name),
      embedded: false,
      drop: () =>
        admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
          () => undefined,
        ),
    };
  }
  const embedded = await EmbeddedPostgres.start('memory://');
  await migrate(embedded.url);
  return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
}
