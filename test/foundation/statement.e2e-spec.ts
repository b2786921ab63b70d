import type { Socket } from 'node:net';
import pg from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeStatements, runStatement } from '../../src/database/statement.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('runStatement (one statement on a pooled connection)', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let pool: pg.Pool;

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    dataSource = t.app.get(DataSource);
    pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
  });
  afterAll(() => t?.close());

  it('answers the rows, with the values bound as parameters', async () => {
    const rows = await runStatement<{ answer: number; text: string }>(
      dataSource,
      'SELECT $1::int + 1 AS answer, $2::text AS text',
      [41, "it's"],
    );
    expect(rows).toEqual([{ answer: 42, text: "it's" }]);
  });

  it('gives its connection back to the pool, without the listener it held it with', async () => {
    const connection = await pool.connect();
    const listeners = connection.listeners('error').length;
    connection.release();
    const idle = pool.idleCount;
    await runStatement(dataSource, 'SELECT 1', []);
    expect(pool.idleCount).toBe(idle);
    const again = await pool.connect();
    try {
      expect(again.listeners('error')).toHaveLength(listeners);
    } finally {
      again.release();
    }
  });

  it('rejects a statement PostgreSQL refuses with a QueryFailedError, and keeps the connection', async () => {
    const total = pool.totalCount;
    const failure = await runStatement(dataSource, 'SELECT * FROM no_such_table WHERE id = $1', [7]).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure).toMatchObject({ query: expect.stringContaining('no_such_table'), parameters: [7] });
    expect((failure as QueryFailedError).driverError).toBeInstanceOf(pg.DatabaseError);
    expect(((failure as QueryFailedError).driverError as pg.DatabaseError).code).toBe('42P01');
    expect(pool.totalCount).toBe(total);
    expect(await runStatement(dataSource, 'SELECT 2 AS two', [])).toEqual([{ two: 2 }]);
  });

  it('drops a connection that fails while held, and the next statement gets another', async () => {
    let held: pg.PoolClient | undefined;
    observeStatements(dataSource, {
      statementStarted: (key) => (held ??= key as pg.PoolClient),
      statementFinished: () => undefined,
    });
    const total = pool.totalCount;
    const sleeping = runStatement(dataSource, 'SELECT pg_sleep(0.5)', []).catch((error: unknown) => error);
    await expect.poll(() => held).toBeDefined();
    (held as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    const failure = await sleeping;
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).not.toBeInstanceOf(pg.DatabaseError);
    await expect.poll(() => pool.totalCount).toBe(total - 1);
    expect(await runStatement(dataSource, 'SELECT 3 AS three', [])).toEqual([{ three: 3 }]);
  });

  // The embedded server has one session and no other backends to end it.
  it.runIf(process.env.TEST_DATABASE_URL)(
    'drops a connection whose session the server ended (FATAL), and the next statement gets another',
    async () => {
      const failure = await runStatement(
        dataSource,
        'SELECT pg_terminate_backend(pg_backend_pid())',
        [],
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect((failure as QueryFailedError).driverError).toMatchObject({ severity: 'FATAL', code: '57P01' });
      expect(await runStatement(dataSource, 'SELECT 4 AS four', [])).toEqual([{ four: 4 }]);
    },
  );

  it('announces each statement to the observers, keyed by its connection, also when it fails', async () => {
    const seen: string[] = [];
    const keys: object[] = [];
    observeStatements(dataSource, {
      statementStarted: (key) => {
        seen.push('started');
        keys.push(key);
      },
      statementFinished: (key) => {
        seen.push('finished');
        keys.push(key);
      },
    });
    await runStatement(dataSource, 'SELECT 1', []);
    await runStatement(dataSource, 'SELECT nothing_here', []).catch(() => undefined);
    expect(seen.slice(-4)).toEqual(['started', 'finished', 'started', 'finished']);
    const [start, finish] = keys.slice(-2);
    expect(start).toBe(finish);
    expect(start).toBeInstanceOf(pg.Client);
  });
});
