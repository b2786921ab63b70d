import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { ReplicationMode } from 'typeorm/driver/types/ReplicationMode.js';
import { AppConfig } from '../../config/app-config.js';
import { TenantContext } from '../context/tenant-context.service.js';

/** The role the row-level security policies bind (created by the RowLevelSecurity migration). */
export const APP_ROLE = 'igny8_app';

interface PooledConnection {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

type Release = (error?: unknown) => void;

/** TypeORM's PostgreSQL driver: every query runner it creates checks out through `obtainMasterConnection`. */
interface PooledDriver {
  obtainMasterConnection(): Promise<[PooledConnection, Release]>;
  createQueryRunner(mode: ReplicationMode): QueryRunner;
}

// Session-level (`false`): the settings must outlive the statement for autocommit queries, and are
// rewritten at every checkout, so a connection never carries the previous holder's account.
const APPLY_SETTINGS = `SELECT set_config('role', '${APP_ROLE}', false),
  set_config('app.account_id', $1, false), set_config('app.bypass_rls', $2, false)`;

const SET_LOCAL_BYPASS = `SELECT set_config('app.bypass_rls', $1, true)`;

/**
 * PostgreSQL row-level security as a backstop under the tenancy layers (`TENANT_RLS`,
 * docs/adr/0009-row-level-security.md). Every connection checked out of the pool is switched to
 * `igny8_app`, which the tenant-table policies bind, with the account of the context's principal.
 * Work without a tenant to confine it to — `runAsSystem`, tenant-bypassing principals, and what
 * runs before authentication (credential lookups, registration, public routes) — sets the bypass.
 */
@Injectable()
export class RowLevelSecurity implements OnModuleInit {
  /** What each pooled connection was last set to, so an unchanged holder costs no round trip. */
  private readonly applied = new WeakMap<PooledConnection, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {}

  onModuleInit(): void {
    if (!this.config.rowLevelSecurity) return;
    const driver = this.dataSource.driver as unknown as PooledDriver;
    this.confineCheckouts(driver);
    this.liftSystemStatements(driver);
  }

  private confineCheckouts(driver: PooledDriver): void {
    const obtain = driver.obtainMasterConnection.bind(driver);
    driver.obtainMasterConnection = async () => {
      const account = this.confinedAccount();
      const [connection, release] = await obtain();
      if (this.applied.get(connection) !== account) {
        try {
          await connection.query(APPLY_SETTINGS, [account, account === '' ? 'on' : 'off']);
        } catch (error) {
          release(error);
          throw error;
        }
        this.applied.set(connection, account);
      }
      return [connection, release];
    };
  }

  private liftSystemStatements(driver: PooledDriver): void {
    const createQueryRunner = driver.createQueryRunner.bind(driver);
    driver.createQueryRunner = (mode) => {
      const runner = createQueryRunner(mode);
      const query = runner.query.bind(runner);
      runner.query = ((...args: Parameters<QueryRunner['query']>) =>
        this.runStatement(runner, () => query(...args))) as QueryRunner['query'];
      return runner;
    };
  }

  /**
   * A transaction keeps the settings of its checkout; a statement of `runAsSystem` inside the
   * transaction of a confined context lifts the policies for itself alone (transaction-local).
   */
  private async runStatement<T>(runner: QueryRunner, run: () => Promise<T>): Promise<T> {
    if (!this.context.isSystem || !runner.isTransactionActive) return run();
    const connection = (await runner.connect()) as PooledConnection;
    if (this.applied.get(connection) === '') return run();
    await connection.query(SET_LOCAL_BYPASS, ['on']);
    // A failing statement aborts the transaction (or rolls back to a savepoint), undoing the lift.
    const result = await run();
    await connection.query(SET_LOCAL_BYPASS, ['off']);
    return result;
  }

  /** The account the context's queries are confined to, as text; empty when they bypass. */
  private confinedAccount(): string {
    const principal = this.context.principal;
    if (!principal || principal.bypassTenant || this.context.isSystem) return '';
    return String(principal.accountId);
  }
}
