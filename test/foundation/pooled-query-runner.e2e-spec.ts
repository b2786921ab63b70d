import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PooledQueryRunner } from '../../src/database/pooled-query-runner.js';
import { createTestApp, type TestApp } from '../support/app.js';

type HeldRunner = PooledQueryRunner & { databaseConnection: pg.PoolClient | undefined; isReleased: boolean };

describe('PooledQueryRunner (the data source’s query runners)', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let pool: pg.Pool;
  let driver: PostgresDriver;

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    dataSource = t.app.get(DataSource);
    driver = dataSource.driver as PostgresDriver;
    pool = driver.master as pg.Pool;
  });
  afterAll(() => t?.close());

  it('is what the application’s data source creates, for queries and entity managers alike', async () => {
    const runner = dataSource.createQueryRunner();
    expect(runner).toBeInstanceOf(PooledQueryRunner);
    expect(runner).toBeInstanceOf(PostgresQueryRunner);
    await runner.release();
    expect(await dataSource.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
    const counted = await dataSource.manager.transaction((tx) => {
      expect(tx.queryRunner).toBeInstanceOf(PooledQueryRunner);
      return tx.query('SELECT count(*)::int AS n FROM igny8_plans');
    });
    expect(counted[0].n).toBeGreaterThan(0);
  });

  it('holds one connection from first query to release, then gives it back without its listener', async () => {
    const runner = dataSource.createQueryRunner() as HeldRunner;
    const [first, again] = await Promise.all([runner.connect(), runner.connect()]);
    expect(again).toBe(first);
    expect(driver.connectedQueryRunners).toContain(runner);
    const whileHeld = first.listeners('error');
    expect(whileHeld).toHaveLength(1);
    await runner.query('SELECT 1');
    expect(runner.databaseConnection).toBe(first);
    const idleBefore = pool.idleCount;
    await runner.release();
    expect(runner.isReleased).toBe(true);
    expect(driver.connectedQueryRunners).not.toContain(runner);
    expect(first.listeners('error')).not.toContain(whileHeld[0]);
    expect(pool.idleCount).toBe(idleBefore + 1);
  });

  it('is released, and its connection dropped from the pool, when the connection fails while held', async () => {
    const runner = dataSource.createQueryRunner() as HeldRunner;
    const connection = await runner.connect();
    const total = pool.totalCount;
    connection.emit('error', new Error('connection lost'));
    await expect.poll(() => runner.isReleased).toBe(true);
    expect(driver.connectedQueryRunners).not.toContain(runner);
    expect(pool.totalCount).toBe(total - 1);
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
