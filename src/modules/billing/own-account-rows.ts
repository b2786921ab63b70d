import { Injectable } from '@nestjs/common';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { type ScopedRepository, ScopedRepositories } from '../../common/tenancy/scoped-repository.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { BILLING_TZ } from './account-calendar.js';
import { CreditTransaction } from './entities/credit-transaction.entity.js';
import { CreditUsageLog } from './entities/credit-usage-log.entity.js';

const PLAN_COLUMNS = [
  'id',
  'name',
  'slug',
  'included_credits',
  'max_sites',
  'max_users',
  'max_keywords',
  'max_ahrefs_queries',
] as const satisfies readonly (keyof Plan)[];

/** The caller's account as the credit reports need it, with "today" in its time zone. */
export interface OwnAccount {
  credits: number;
  bonus_credits: number;
  held_credits: number;
  usage_ahrefs_queries: number;
  timezone: string;
  /** `YYYY-MM-DD` in the account time zone. */
  today: string;
  /** The 1st of the current month in the account time zone. */
  month_start: string;
  plan: Pick<Plan, (typeof PLAN_COLUMNS)[number]>;
}

/**
 * Reads of the caller's own account for the credit endpoints. Every query starts from the tenant
 * scope narrowed to the principal's account, so cross-account callers (developers, system-account
 * users) see their own account here like everyone else (these reads take no `account_id`).
 */
@Injectable()
export class OwnAccountRows {
  private readonly ledger: ScopedRepository<CreditTransaction>;
  private readonly usage: ScopedRepository<CreditUsageLog>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly scoped: ScopedRepositories,
  ) {
    this.ledger = scoped.for(CreditTransaction, 't', { account: 't.account_id' });
    this.usage = scoped.for(CreditUsageLog, 'u', { account: 'u.account_id' });
  }

  private get accountId(): number {
    return this.context.requirePrincipal().accountId;
  }

  async account(): Promise<OwnAccount> {
    const row = await tenantQuery(this.dataSource.manager, Account, 'a')
      .innerJoin(Plan, 'p', 'p.id = a.plan_id')
      .select([
        'a.credits AS credits',
        'a.bonus_credits AS bonus_credits',
        'a.held_credits AS held_credits',
        'a.usage_ahrefs_queries AS usage_ahrefs_queries',
        'a.account_timezone AS timezone',
        `to_char(now() AT TIME ZONE a.account_timezone, 'YYYY-MM-DD') AS today`,
        `to_char(date_trunc('month', now() AT TIME ZONE a.account_timezone), 'YYYY-MM-DD') AS month_start`,
        `json_build_object(${PLAN_COLUMNS.map((column) => `'${column}', p.${column}`).join(', ')}) AS plan`,
      ])
      .andWhere('a.id = :own_account_id', { own_account_id: this.accountId })
      .getRawOne<OwnAccount>();
    if (!row) throw new Error(`The account ${this.accountId} of the principal does not exist`);
    return row;
  }

  /** The account's ledger entries (alias `t`), days read in `account`'s time zone. */
  transactions(account: OwnAccount): SelectQueryBuilder<CreditTransaction> {
    return this.inAccount(this.ledger, account);
  }

  /** The account's usage logs (alias `u`), days read in `account`'s time zone. */
  usageLogs(account: OwnAccount): SelectQueryBuilder<CreditUsageLog> {
    return this.inAccount(this.usage, account);
  }

  /** Live rows of another tenant table of the account, e.g. for plan-limit counts. */
  liveRows<T extends ObjectLiteral>(entity: new () => T, alias: string): SelectQueryBuilder<T> {
    return this.scoped
      .for(entity, alias, { account: `${alias}.account_id`, deletedAt: `${alias}.deleted_at` })
      .query({ accountId: this.accountId });
  }

  private inAccount<T extends ObjectLiteral>(
    repository: ScopedRepository<T>,
    account: OwnAccount,
  ): SelectQueryBuilder<T> {
    return repository.query({ accountId: this.accountId }).setParameter(BILLING_TZ, account.timezone);
  }
}
