import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallbackQueryClient } from '../../src/database/callback-query-client.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const SQL = `SELECT n AS id, now() AS at, 'row ' || n AS label, NULL::int AS nothing
  FROM generate_series(1, $1::int) AS n ORDER BY n`;

describe('CallbackQueryClient (the pool client)', () => {
  let database: TestDatabase;
  let db: DataSource;
  let pool: pg.Pool;
  let client: pg.PoolClient;
  let plain: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(
      dataSourceOptions({ url: database.url, entities: [], poolSize: 2 }),
    ).initialize();
    pool = (db.driver as unknown as { master: pg.Pool }).master;
    client = await pool.connect();
    plain = new pg.Client({ connectionString: database.url });
    await plain.connect();
  });
  afterAll(async () => {
    client?.release();
    await plain?.end();
    await db?.destroy();
    await database?.drop();
  });

  it('is the client TypeORM’s pool hands out', () => {
    expect(client).toBeInstanceOf(CallbackQueryClient);
    expect(client).toBeInstanceOf(pg.Client);
  });

  it('runs a promise-style query through pg’s callback form', async () => {
    const parent = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await client.query(SQL, [1]);
      expect(parent).toHaveBeenCalledTimes(1);
      expect(parent.mock.calls[0]).toEqual([SQL, [1], expect.any(Function)]);
    } finally {
      parent.mockRestore();
    }
  });

  it('answers a promise-style query with the result pg’s own client gives', async () => {
    const ours = await client.query(SQL, [3]);
    const theirs = await plain.query(SQL, [3]);
    expect(ours.command).toBe('SELECT');
    expect(ours.rowCount).toBe(3);
    expect(ours.fields.map((field) => field.name)).toEqual(['id', 'at', 'label', 'nothing']);
    expect(ours.rows.map(({ id, label, nothing }) => ({ id, label, nothing }))).toEqual(
      theirs.rows.map(({ id, label, nothing }) => ({ id, label, nothing })),
    );
    expect(ours.rows[0].at).toBeInstanceOf(Date);
  });

  it('rejects a failing statement with pg’s error, and the connection stays usable', async () => {
    const failed = await client.query('SELECT * FROM no_such_table', []).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(pg.DatabaseError);
    expect((failed as pg.DatabaseError).code).toBe('42P01');
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('keeps pg’s callback form and its submittables as they are', async () => {
    const viaCallback = await new Promise<pg.QueryResult>((resolve, reject) =>
      client.query(SQL, [2], (error, result) => (error ? reject(error) : resolve(result))),
    );
    expect(viaCallback.rowCount).toBe(2);

    const submitted = new pg.Query(SQL, [4]);
    const done = new Promise<number>((resolve, reject) => {
      submitted.on('end', (result: pg.QueryResult) => resolve(result.rowCount ?? -1));
      submitted.on('error', reject);
    });
    expect(client.query(submitted)).toBe(submitted);
    expect(await done).toBe(4);
  });

  it('serves TypeORM’s queries', async () => {
    expect(await db.query(SQL, [2])).toHaveLength(2);
  });
});
