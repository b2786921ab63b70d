import { Injectable } from '@nestjs/common';
import type { DeepPartial, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from './entities/account.entity.js';
import { Subscription } from './entities/subscription.entity.js';
import { User } from './entities/user.entity.js';
import { TokensStore } from './tokens.store.js';

export interface NewAccountWithOwner {
  account: DeepPartial<Account>;
  /** The owner; its `account_id` is the new account's. */
  owner: Omit<DeepPartial<User>, 'account_id'>;
  /** The account's first subscription; its `account_id` is the new account's. */
  subscription: Omit<DeepPartial<Subscription>, 'account_id'>;
}

export interface AccountWithOwner {
  account: Account;
  /** The owner. */
  user: User;
  subscription: Subscription;
}

/**
 * The writes of accounts (not their credit pools: AccountCredits) and subscriptions. Every method runs
 * in the caller's `manager` (its transaction): inserts are stamped and checked by the tenant
 * subscriber, raw statements go through `tenantSql`.
 */
@Injectable()
export class AccountsStore {
  constructor(
    private readonly context: TenantContext,
    private readonly softDeletes: SoftDeleteService,
    private readonly tokens: TokensStore,
  ) {}

  /** A new account without users (developer `auth/accounts/`). */
  create(manager: EntityManager, fields: DeepPartial<Account>): Promise<Account> {
    return manager.save(manager.create(Account, fields));
  }

  /** Sign-up: the account, its owner (`owner_id`) and its first subscription. */
  async createWithOwner(manager: EntityManager, fields: NewAccountWithOwner): Promise<AccountWithOwner> {
    const account = await this.create(manager, fields.account);
    const user = await manager.save(manager.create(User, { ...fields.owner, account_id: account.id }));
    await manager.update(Account, account.id, { owner_id: user.id });
    account.owner_id = user.id;
    const subscription = await manager.save(
      manager.create(Subscription, { ...fields.subscription, account_id: account.id }),
    );
    return { account, user, subscription };
  }

  /** Saves the changed columns of a loaded account. */
  save(manager: EntityManager, account: Account): Promise<Account> {
    return manager.save(Account, account);
  }

  /** Billing's changes of an account: status, plan, the Ahrefs usage counter (a paid invoice, a suspension). */
  async updateAccount(
    manager: EntityManager,
    accountId: number,
    fields: QueryDeepPartialEntity<Pick<Account, 'status' | 'plan_id' | 'usage_ahrefs_queries'>>,
  ): Promise<void> {
    await manager.update(Account, accountId, fields);
  }

  /** Inserts a subscription (an account whose earlier one was canceled pays for a plan again). */
  createSubscription(manager: EntityManager, fields: DeepPartial<Subscription>): Promise<Subscription> {
    return manager.save(manager.create(Subscription, fields));
  }

  /** Saves the changed columns of a loaded subscription (billing: payments, cancel, resume, renewals). */
  saveSubscription(manager: EntityManager, subscription: Subscription): Promise<Subscription> {
    return manager.save(Subscription, subscription);
  }

  /** The account's live (not canceled) subscriptions follow a plan change. */
  async moveSubscriptionsToPlan(manager: EntityManager, accountId: number, planId: number): Promise<void> {
    const sql = tenantSql(manager);
    const s = sql.table(Subscription, 's');
    await sql.query`
      UPDATE ${s} SET plan_id = ${planId}, updated_at = now()
       WHERE ${s.scope} AND s.account_id = ${accountId} AND s.status <> 'canceled'`;
  }

  /**
   * Soft-deletes the account with its users and sites (src/soft-delete-rules.ts) and revokes the tokens
   * of its users in the same transaction. Returns those users: the caller destroys their cookie
   * sessions once it committed (SessionRevoker).
   */
  async softDelete(manager: EntityManager, accountId: number): Promise<number[]> {
    await this.softDeletes.softDelete(manager, Account, [accountId], this.context.principal?.userId ?? null);
    const sql = tenantSql(manager);
    const u = sql.table(User, 'u');
    const rows = await sql.query<
      { id: number }[]
    >`SELECT u.id FROM ${u} WHERE ${u.scope} AND u.account_id = ${accountId}`;
    const userIds = rows.map((row) => Number(row.id));
    await this.tokens.revokeUserTokens(manager, userIds, 'account_deleted');
    return userIds;
  }
}
