import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { readTemplate } from '../../src/database/embedded-template.js';
import { ENTITIES } from '../../src/entities.js';

export function templateName(): string {
  return `igny8_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
}

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
  const dataSource = new DataSource(dataSourceOptions({ url, entities: ENTITIES, poolSize: 1 }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Builds the migrated template database once per test run (global setup). */
export async function prepareTemplate(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  await migrate(withDatabase(serverUrl, name));
}

export async function dropTemplate(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * A database of its own for one test file: a clone of the migrated template on the real server
 * when TEST_DATABASE_URL is set, otherwise a throwaway embedded PostgreSQL started from the
 * migrated data directory (embedded-template.ts) the global setup found.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `igny8_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(serverUrl, (client) =>
      client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`),
    );
    return {
      url: withDatabase(serverUrl, name),
      embedded: false,
      drop: () =>
        admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
          () => undefined,
        ),
    };
  }
  const embedded = await EmbeddedPostgres.start('memory://', () => readTemplate(inject('embeddedTemplate')));
  return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
}
