// The migrated data directory a new embedded database starts from instead of initdb and every
// migration (src/database/embedded-template.ts): `npm start` on a fresh clone uses the one the
// build ships (startup.e2e-spec.ts); here, how it is found and what a start from it leaves.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import {
  cachedTemplate,
  readTemplate,
  shippedTemplate,
  templateFileName,
} from '../../src/database/embedded-template.js';
import { readMigrationState, settleMigrations } from '../../src/database/migrations.js';

async function withDataSource<T>(url: string, use: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await new DataSource(dataSourceOptions({ url, entities: [], poolSize: 1 })).initialize();
  try {
    return await use(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('the migrated embedded data directory', () => {
  let template: string;
  let tmp: string;

  beforeAll(async () => {
    template = await cachedTemplate();
    tmp = mkdtempSync(join(tmpdir(), 'igny8-template-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is found beside the code only under the key of these migrations', async () => {
    const dir = join(tmp, 'shipped');
    mkdirSync(dir);
    copyFileSync(template, join(dir, templateFileName('0123456789abcdef')));
    expect(await shippedTemplate(dir)).toBeUndefined();
    copyFileSync(template, join(dir, templateFileName()));
    expect(await shippedTemplate(dir)).toBeInstanceOf(Uint8Array);
  });

  it('starts a new data directory with every migration applied; a directory holding a database keeps it', async () => {
    const dataDir = join(tmp, 'pglite');
    const fresh = await EmbeddedPostgres.start(dataDir, () => readTemplate(template));
    try {
      expect(fresh.origin).toBe('template');
      const state = await withDataSource(fresh.url, readMigrationState);
      expect(state.known.length).toBeGreaterThan(0);
      expect(state.pending).toEqual([]);
      expect(state.unknown).toEqual([]);
      await withDataSource(fresh.url, (dataSource) =>
        dataSource.query(`CREATE TABLE kept_between_starts (id int)`),
      );
    } finally {
      await fresh.stop();
    }

    let templateAsked = false;
    const again = await EmbeddedPostgres.start(dataDir, () => {
      templateAsked = true;
      return readTemplate(template);
    });
    try {
      expect(again.origin).toBe('existing');
      expect(templateAsked).toBe(false);
      const [{ present }] = await withDataSource(again.url, (dataSource) =>
        dataSource.query<{ present: boolean }[]>(
          `SELECT to_regclass('kept_between_starts') IS NOT NULL AS present`,
        ),
      );
      expect(present).toBe(true);
    } finally {
      await again.stop();
    }
  });

  it('a template behind the code gets the missing migrations applied when they are settled', async () => {
    const older = await EmbeddedPostgres.start('memory://', () => readTemplate(template));
    let behind: Uint8Array;
    let last: string;
    try {
      last = await withDataSource(older.url, async (dataSource) => {
        await dataSource.undoLastMigration({ transaction: 'each' });
        return dataSource.migrations.at(-1)?.name as string;
      });
      behind = await older.dump();
    } finally {
      await older.stop();
    }

    const embedded = await EmbeddedPostgres.start('memory://', () => Promise.resolve(behind));
    try {
      expect(embedded.origin).toBe('template');
      const applied = await withDataSource(embedded.url, (dataSource) => settleMigrations(dataSource, true));
      expect(applied).toEqual([last]);
    } finally {
      await embedded.stop();
    }
  });
});
