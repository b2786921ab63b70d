import { Logger } from '@nestjs/common';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
} from 'typeorm';

/** Work that must wait for the data it announces to be committed (an email, a message to another system). */
export type CommitCallback = () => void | Promise<void>;

interface Pending {
  /** The transaction level that registered it: 1 for the transaction itself, 2+ for savepoints inside. */
  level: number;
  callback: CommitCallback;
}

interface RunnerState {
  depth: number;
  pending: Pending[];
}

const logger = new Logger('AfterCommit');

/**
 * Follows each query runner's transaction depth (a nested `manager.transaction` is a savepoint) and
 * keeps the callbacks registered inside: a savepoint rolled back drops those registered in it, a
 * savepoint released hands them to the level around it, the outermost COMMIT runs them and a
 * ROLLBACK drops them.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  private readonly runners = new WeakMap<QueryRunner, RunnerState>();

  state(runner: QueryRunner): RunnerState | undefined {
    return this.runners.get(runner);
  }

  afterTransactionStart({ queryRunner }: TransactionStartEvent): void {
    const state = this.runners.get(queryRunner) ?? { depth: 0, pending: [] };
    state.depth += 1;
    this.runners.set(queryRunner, state);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    const state = this.leave(queryRunner);
    if (!state) return;
    if (state.depth > 0) {
      for (const entry of state.pending) entry.level = Math.min(entry.level, state.depth);
      return;
    }
    const callbacks = state.pending.map((entry) => entry.callback);
    state.pending = [];
    for (const callback of callbacks) run(callback);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    const state = this.leave(queryRunner);
    if (state) state.pending = state.pending.filter((entry) => entry.level <= state.depth);
  }

  private leave(runner: QueryRunner): RunnerState | undefined {
    const state = this.runners.get(runner);
    if (state) state.depth = Math.max(0, state.depth - 1);
    return state;
  }
}

const subscriber = new AfterCommitSubscriber();

/** Runs a callback without letting it fail or delay the commit that released it. */
function run(callback: CommitCallback): void {
  const report = (error: unknown) =>
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'After-commit work failed');
  try {
    const result = callback();
    if (result instanceof Promise) result.catch(report);
  } catch (error) {
    report(error);
  }
}

/** Lets `afterCommit` follow the data source's transactions; called once when it opens. */
export function installAfterCommit(dataSource: DataSource): void {
  if (!dataSource.subscribers.includes(subscriber)) dataSource.subscribers.push(subscriber);
}

/**
 * Runs `callback` once the transaction `manager` belongs to commits, and never if it (or the savepoint
 * that registered it) rolls back. Outside a transaction it runs at once. The callback must not throw
 * into the caller: errors are logged; a returned promise is not awaited.
 */
export function afterCommit(manager: EntityManager, callback: CommitCallback): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    run(callback);
    return;
  }
  const state = subscriber.state(runner);
  if (!state || state.depth === 0) {
    throw new Error('afterCommit: the data source does not follow transactions (installAfterCommit)');
  }
  state.pending.push({ level: state.depth, callback });
}
