import pg from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';

type Release = (error?: unknown) => void;

/** TypeORM's PostgreSQL driver: every checkout, ours included, goes through `obtainMasterConnection`. */
interface PooledDriver {
  obtainMasterConnection(): Promise<[pg.PoolClient, Release]>;
}

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
  const [connection, release] = await (dataSource.driver as unknown as PooledDriver).obtainMasterConnection();
  let released = false;
  const settle = (error?: unknown) => {
    if (released) return;
    released = true;
    connection.removeListener('error', settle);
    release(error);
  };
  connection.on('error', settle);
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
    settle(failure);
  }
}
