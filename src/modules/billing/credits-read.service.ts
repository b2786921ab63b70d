import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import { Site } from '../identity/entities/site.entity.js';
import { User } from '../identity/entities/user.entity.js';
import { Keyword } from '../planner/entities/keyword.entity.js';
import { dayRangeFilters, withinDays } from './account-calendar.js';
import {
  presentTransaction,
  presentUsageLog,
  type TransactionView,
  type UsageLogView,
} from './credit-presenters.js';
import { CREDIT_TRANSACTION_TYPES } from './entities/credit-transaction.entity.js';
import { OPERATION_TYPES } from './entities/credit-usage-log.entity.js';
import { type OwnAccount, OwnAccountRows } from './own-account-rows.js';

export const TRANSACTIONS_LIST = defineList({
  filters: {
    transaction_type: filter.enum('t.transaction_type', CREDIT_TRANSACTION_TYPES),
    ...dayRangeFilters('t.created_at'),
  },
  ordering: { fields: { created_at: 't.created_at', amount: 't.amount' }, default: '-created_at' },
});

export const USAGE_LIST = defineList({
  filters: {
    operation_type: filter.enum('u.operation_type', OPERATION_TYPES),
    site_id: filter.relation('u.site_id'),
    model_used: filter.string('u.model_used'),
    ...dayRangeFilters('u.created_at'),
  },
  ordering: {
    fields: { created_at: 'u.created_at', credits_used: 'u.credits_used' },
    default: '-created_at',
  },
});

export interface Balance {
  credits: number;
  plan_credits: number;
  bonus_credits: number;
  held_credits: number;
  plan_credits_per_month: number;
  credits_used_this_month: number;
  credits_remaining: number;
}

export interface LimitUsage {
  used: number;
  /** null = unlimited. */
  limit: number | null;
}

export interface Limits {
  plan: { id: number; name: string; slug: string };
  limits: Record<'sites' | 'users' | 'keywords' | 'ahrefs_queries', LimitUsage>;
}

/** The caller's credit balance, ledger, usage log and plan limits. */
@Injectable()
export class CreditsReadService {
  constructor(
    private readonly own: OwnAccountRows,
    private readonly lists: ListService,
  ) {}

  /** Both pools, the holds, and the usage since the 1st of the month in the account time zone. */
  async balance(): Promise<Balance> {
    const account = await this.own.account();
    const total = account.credits + account.bonus_credits;
    return {
      credits: total,
      plan_credits: account.credits,
      bonus_credits: account.bonus_credits,
      held_credits: account.held_credits,
      plan_credits_per_month: account.plan.included_credits,
      credits_used_this_month: await this.creditsUsed(account, account.month_start, account.today),
      credits_remaining: total,
    };
  }

  async transactions(raw: RawQuery, request: FastifyRequest): Promise<Paginated<TransactionView>> {
    const account = await this.own.account();
    return this.lists.list(this.own.transactions(account), TRANSACTIONS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentTransaction),
    );
  }

  /** One ledger entry of the account; another account's id is 404 like a missing one. */
  async transaction(id: number): Promise<TransactionView> {
    const row = await this.own
      .transactions(await this.own.account())
      .andWhere('t.id = :transaction_id', { transaction_id: id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return presentTransaction(row);
  }

  async usage(raw: RawQuery, request: FastifyRequest): Promise<Paginated<UsageLogView>> {
    const account = await this.own.account();
    return this.lists.list(this.own.usageLogs(account), USAGE_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentUsageLog),
    );
  }

  /**
   * The plan and how much of each limit the account uses
   * (docs/domain-model.md#plans-subscriptions-and-limits).
   */
  async limits(): Promise<Limits> {
    const account = await this.own.account();
    const { plan } = account;
    const sites = await this.own.liveRows(Site, 's').getCount();
    const users = await this.own.liveRows(User, 'usr').andWhere("usr.role <> 'system_bot'").getCount();
    const keywords = await this.own.liveRows(Keyword, 'k').getCount();
    return {
      plan: { id: plan.id, name: plan.name, slug: plan.slug },
      limits: {
        sites: { used: sites, limit: plan.max_sites },
        users: { used: users, limit: plan.max_users },
        keywords: { used: keywords, limit: plan.max_keywords },
        ahrefs_queries: { used: account.usage_ahrefs_queries, limit: plan.max_ahrefs_queries },
      },
    };
  }

  /** Credits of the usage logs on the local days `from` to `to` (inclusive). */
  private async creditsUsed(account: OwnAccount, from: string, to: string): Promise<number> {
    const row = await this.own
      .usageLogs(account)
      .select('COALESCE(SUM(u.credits_used), 0)', 'credits')
      .andWhere(withinDays('u.created_at', ':used_from', ':used_to'), { used_from: from, used_to: to })
      .getRawOne<{ credits: number }>();
    return Number(row?.credits ?? 0);
  }
}
