import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, installAfterCommit } from '../../src/database/after-commit.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { ENTITIES } from '../../src/entities.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

class Rollback extends Error {}

describe('afterCommit', () => {
  let database: TestDatabase;
  let db: DataSource;
  let ran: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(
      dataSourceOptions({ url: database.url, entities: ENTITIES, poolSize: 2 }),
    ).initialize();
    installAfterCommit(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const note = (name: string) => () => {
    ran.push(name);
  };
  const rolledBack = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(Rollback);

  it('runs after the COMMIT, not before, when other connections already see the data', async () => {
    ran = [];
    let seen: Promise<unknown[]> | undefined;
    await db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO igny8_system_settings (key, value) VALUES ('after-commit-probe', '1')`,
      );
      afterCommit(manager, () => {
        ran.push('committed');
        seen = db.query(`SELECT key FROM igny8_system_settings WHERE key = 'after-commit-probe'`);
      });
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['committed']);
    expect(await seen).toEqual([{ key: 'after-commit-probe' }]);
  });

  it('never runs when the transaction rolls back', async () => {
    ran = [];
    await rolledBack(
      db.transaction(async (manager) => {
        afterCommit(manager, note('outer'));
        throw new Rollback();
      }),
    );
    expect(ran).toEqual([]);
    // The next transaction on a fresh runner starts clean.
    await db.transaction(async (manager) => afterCommit(manager, note('next')));
    expect(ran).toEqual(['next']);
  });

  it('drops what a rolled-back savepoint registered, keeps the rest, runs it all at the outer COMMIT', async () => {
    ran = [];
    await db.transaction(async (manager) => {
      afterCommit(manager, note('before'));
      await rolledBack(
        manager.transaction(async (inner) => {
          afterCommit(inner, note('in rolled-back savepoint'));
          await inner.transaction(async (deeper) => afterCommit(deeper, note('released inside it')));
          throw new Rollback();
        }),
      );
      await manager.transaction(async (inner) => {
        afterCommit(inner, note('in released savepoint'));
        await inner.transaction(async (deeper) => afterCommit(deeper, note('two levels down')));
      });
      // A released savepoint does not run anything yet.
      expect(ran).toEqual([]);
      afterCommit(manager, note('after'));
    });
    expect(ran).toEqual(['before', 'in released savepoint', 'two levels down', 'after']);
  });

  it('drops everything, savepoints included, when the outer transaction rolls back', async () => {
    ran = [];
    await rolledBack(
      db.transaction(async (manager) => {
        await manager.transaction(async (inner) => afterCommit(inner, note('released savepoint')));
        afterCommit(manager, note('outer'));
        throw new Rollback();
      }),
    );
    expect(ran).toEqual([]);
  });

  it('runs at once outside a transaction; a failing callback neither throws nor stops the others', async () => {
    ran = [];
    afterCommit(db.manager, note('no transaction'));
    expect(ran).toEqual(['no transaction']);
    await db.transaction(async (manager) => {
      afterCommit(manager, () => {
        throw new Error('boom');
      });
      afterCommit(manager, () => Promise.reject(new Error('async boom')));
      afterCommit(manager, note('still runs'));
    });
    expect(ran).toEqual(['no transaction', 'still runs']);
  });

  it('refuses a data source that does not follow transactions', async () => {
    const plain = await new DataSource(
      dataSourceOptions({ url: database.url, entities: ENTITIES, poolSize: 1 }),
    ).initialize();
    try {
      await expect(plain.transaction(async (manager) => afterCommit(manager, note('never')))).rejects.toThrow(
        /installAfterCommit/,
      );
    } finally {
      await plain.destroy();
    }
  });
});
