import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import type { ReplicationMode } from 'typeorm/driver/types/ReplicationMode.js';
import type pg from 'pg';

/** Gives a checked-out connection back to the pool; with an error, the pool drops the connection. */
export type Release = (error?: unknown) => void;

/** TypeORM's private `releasePostgresConnection`, which a connection error calls. */
interface ReleasableRunner {
  releasePostgresConnection(error: unknown): Promise<void>;
}

/**
 * Holds a checked-out connection: `onLost` runs if the connection fails while held. The returned
 * callback gives it back once, removing that listener first.
 */
export function holdConnection(
  connection: pg.PoolClient,
  release: Release,
  onLost: (error: unknown) => void,
): Release {
  let released = false;
  connection.on('error', onLost);
  return (error) => {
    if (released) return;
    released = true;
    connection.removeListener('error', onLost);
    release(error);
  };
}

/** The callback that gives a runner's connection back: a failure while held releases the runner. */
function releaseCallback(runner: PostgresQueryRunner, connection: pg.PoolClient, release: Release): Release {
  return holdConnection(connection, release, (error) => {
    void (runner as unknown as ReleasableRunner).releasePostgresConnection(error);
  });
}

/**
 * TypeORM's PostgreSQL query runner, connecting as TypeORM's own does, except that its release
 * callback is built by a function of its own (`releaseCallback`) rather than by the callback that
 * stores it. TypeORM creates those closures in the function that assigns them to the runner, and V8
 * then keeps what they reach (the runner, its results) alive through young-generation collections:
 * every query's runner was promoted to the old generation (docs/performance.md#garbage-collection).
 */
export class PooledQueryRunner extends PostgresQueryRunner {
  override connect(): Promise<pg.PoolClient> {
    if (this.databaseConnection) return Promise.resolve(this.databaseConnection as pg.PoolClient);
    this.databaseConnectionPromise ??= (
      this.mode === 'slave' && this.driver.isReplicated
        ? this.driver.obtainSlaveConnection()
        : this.driver.obtainMasterConnection()
    ).then(([connection, release]) => this.attach(connection as pg.PoolClient, release as Release));
    return this.databaseConnectionPromise;
  }

  private attach(connection: pg.PoolClient, release: Release): pg.PoolClient {
    this.driver.connectedQueryRunners.push(this);
    this.databaseConnection = connection;
    this.releaseCallback = releaseCallback(this, connection, release);
    return connection;
  }
}

/** Makes `dataSource` create `PooledQueryRunner`s (a PostgreSQL data source; before any query runs). */
export function usePooledQueryRunners(dataSource: DataSource): void {
  const driver = dataSource.driver as PostgresDriver;
  driver.createQueryRunner = (mode: ReplicationMode) => new PooledQueryRunner(driver, mode);
}
