import pg from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { holdConnection, type Release } from './pooled-query-runner.js';

/**
 * Told of each statement `runStatement` sends, as TypeORM's subscribers are told of a query runner's
 * (`beforeQuery`/`afterQuery`). `key` is the connection: it runs its statements in order.
 */
export interface StatementObserver {
  statementStarted(key: object): void;
  statementFinished(key: object): void;
}

/**
 * Whether the connection is still usable after `error`: a statement PostgreSQL refused leaves it so,
 * unless the server is ending the session (FATAL, PANIC: terminated backend, shutdown).
 */
function keepsConnection(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}

const observers = new WeakMap<DataSource, StatementObserver[]>();

/** Registers `observer` for the statements `runStatement` sends through `dataSource`. */
export function observeStatements(dataSource: DataSource, observer: StatementObserver): void {
  const list = observers.get(dataSource) ?? [];
  if (!list.includes(observer)) list.push(observer);
  observers.set(dataSource, list);
}

/**
 * Sends one statement outside any transaction, on a connection checked out for it alone,
 * and answers its rows: what `dataSource.query` does, without building a TypeORM query runner, its
 * event broadcasts and its result wrapper for the statement (docs/performance.md#statements). The
 * checkout is the driver's, so whatever it does to a connection (row-level security settings) still
 * applies; errors are TypeORM's `QueryFailedError`, as from a query runner. A connection that fails
 * while it is held is released with its error, which makes the pool discard it.
 */
export async function runStatement<R>(
  dataSource: DataSource,
  sql: string,
  parameters: readonly unknown[],
): Promise<R[]> {
  const result = await send<R & pg.QueryResultRow>(dataSource, {
    text: sql,
    values: parameters as unknown[],
  });
  return result.rows;
}

/** `runStatement`, answering the column names and each row as an array of values, in column order. */
export async function runStatementColumns(
  dataSource: DataSource,
  sql: string,
  parameters: readonly unknown[],
): Promise<{ columns: string[]; rows: unknown[][] }> {
  const result = await send<unknown[]>(dataSource, {
    text: sql,
    values: parameters as unknown[],
    rowMode: 'array',
  });
  return { columns: result.fields.map((field) => field.name), rows: result.rows };
}

async function send<R extends pg.QueryResultRow>(
  dataSource: DataSource,
  statement: pg.QueryConfig | pg.QueryArrayConfig,
): Promise<pg.QueryResult<R>> {
  // The driver's checkout, as its query runners': row-level security sets the connection up there.
  const [connection, release] = (await (dataSource.driver as PostgresDriver).obtainMasterConnection()) as [
    pg.PoolClient,
    Release,
  ];
  const giveBack: Release = holdConnection(connection, release, (error) => giveBack(error));
  const watching = observers.get(dataSource);
  if (watching) for (const observer of watching) observer.statementStarted(connection);
  let failure: unknown;
  try {
    return await connection.query<R>(statement as pg.QueryConfig);
  } catch (error) {
    if (!keepsConnection(error)) failure = error;
    throw new QueryFailedError(statement.text, statement.values, error as Error);
  } finally {
    if (watching) for (const observer of watching) observer.statementFinished(connection);
    giveBack(failure);
  }
}
