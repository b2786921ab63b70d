import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { pick } from '../../common/http/pick.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import { globalQuery, tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import { Subscription } from '../identity/entities/subscription.entity.js';
import {
  CREDIT_PACKAGE_FIELDS,
  type CreditPackageView,
  type InvoiceView,
  type PaymentView,
  presentCreditPackage,
  presentInvoice,
  presentPayment,
} from './billing-presenters.js';
import { presentTransaction, type TransactionView } from './credit-presenters.js';
import { CreditLedger, InsufficientPoolError } from './credit-ledger.service.js';
import { INVOICE_STATUSES, PAYMENT_STATUSES } from './entities/billing-enums.js';
import { type CostUnit, CreditCostConfig } from './entities/credit-cost-config.entity.js';
import { CreditPackage } from './entities/credit-package.entity.js';
import { CreditUsageLog } from './entities/credit-usage-log.entity.js';
import { Invoice } from './entities/invoice.entity.js';
import { Payment } from './entities/payment.entity.js';

export const ADMIN_PAYMENTS_LIST = defineList({
  filters: { account_id: filter.int('p.account_id'), status: filter.enum('p.status', PAYMENT_STATUSES) },
  ordering: { fields: { created_at: 'p.created_at', amount: 'p.amount' }, default: '-created_at' },
});

export const PENDING_PAYMENTS_LIST = defineList({
  filters: { account_id: filter.int('p.account_id') },
  ordering: { fields: { created_at: 'p.created_at' }, default: 'created_at' },
});

export const ADMIN_INVOICES_LIST = defineList({
  filters: { account_id: filter.int('i.account_id'), status: filter.enum('i.status', INVOICE_STATUSES) },
  ordering: { fields: { created_at: 'i.created_at', total: 'i.total' }, default: '-created_at' },
});

export const CREDIT_PACKAGES_LIST = defineList({
  filters: { is_active: filter.boolean('c.is_active') },
  search: ['c.name', 'c.slug'],
  ordering: { fields: { sort_order: 'c.sort_order', created_at: 'c.created_at' }, default: 'sort_order' },
});

/** PostgreSQL: a value does not fit its column (an `integer` pool past 2^31 − 1). */
const NUMERIC_OUT_OF_RANGE = '22003';

const ACCOUNT_STATUSES = ['active', 'trial', 'pending_payment', 'suspended', 'cancelled'] as const;

export interface BillingStats {
  total_revenue: string;
  revenue_this_month: string;
  active_subscriptions: number;
  pending_payments_count: number;
  accounts_by_status: Record<(typeof ACCOUNT_STATUSES)[number], number>;
  credits_consumed_this_month: number;
}

export type PendingPaymentView = PaymentView & { account_name: string; invoice_number: string };

const ADJUSTED_ACCOUNT_FIELDS = [
  'id',
  'name',
  'slug',
  'status',
  'plan_id',
  'credits',
  'bonus_credits',
  'held_credits',
] as const satisfies readonly (keyof Account)[];

export interface CreditCostChange {
  display_name?: string;
  credits_cost?: string;
  unit?: CostUnit;
  min_credits?: number;
  is_active?: boolean;
}

export interface CreditPackageFields {
  name?: string;
  slug?: string;
  credits?: number;
  price?: string;
  currency?: string;
  description?: string;
  stripe_price_id?: string | null;
  is_active?: boolean;
  sort_order?: number;
}

/** Developer billing administration (`admin/billing/`, alias `billing/admin/`): every account. */
@Injectable()
export class BillingAdmin {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly lists: ListService,
    private readonly ledger: CreditLedger,
  ) {}

  async stats(): Promise<BillingStats> {
    const sql = tenantSql(this.dataSource.manager);
    const p = sql.table(Payment, 'p');
    const s = sql.table(Subscription, 's');
    const a = sql.table(Account, 'a');
    const u = sql.table(CreditUsageLog, 'u');
    const [money] = await sql.query<{ total: string; month: string; pending: number }[]>`
      SELECT COALESCE(sum(p.amount) FILTER (WHERE p.status = 'succeeded'), 0)::numeric(14, 2)::text AS total,
             COALESCE(sum(p.amount) FILTER (WHERE p.status = 'succeeded'
               AND COALESCE(p.processed_at, p.created_at) >= date_trunc('month', now())), 0)::numeric(14, 2)::text AS month,
             count(*) FILTER (WHERE p.status = 'pending_approval')::int AS pending
        FROM ${p} WHERE ${p.scope}`;
    const [subscriptions] = await sql.query<{ active: number }[]>`
      SELECT count(*)::int AS active FROM ${s} WHERE ${s.scope} AND s.status = 'active'`;
    const statuses = await sql.query<{ status: string; count: number }[]>`
      SELECT a.status, count(*)::int AS count FROM ${a}
       WHERE ${a.scope} AND a.deleted_at IS NULL GROUP BY a.status`;
    const [usage] = await sql.query<{ credits: number }[]>`
      SELECT COALESCE(sum(u.credits_used), 0)::int AS credits FROM ${u}
       WHERE ${u.scope} AND u.created_at >= date_trunc('month', now())`;
    const byStatus = Object.fromEntries(
      ACCOUNT_STATUSES.map((status) => [status, 0]),
    ) as BillingStats['accounts_by_status'];
    for (const row of statuses) {
      if ((ACCOUNT_STATUSES as readonly string[]).includes(row.status)) {
        byStatus[row.status as keyof typeof byStatus] = row.count;
      }
    }
    return {
      total_revenue: money.total,
      revenue_this_month: money.month,
      active_subscriptions: subscriptions.active,
      pending_payments_count: money.pending,
      accounts_by_status: byStatus,
      credits_consumed_this_month: usage.credits,
    };
  }

  private payments(): SelectQueryBuilder<Payment> {
    return tenantQuery(this.dataSource.manager, Payment, 'p');
  }

  pendingPayments(raw: RawQuery, request: FastifyRequest): Promise<Paginated<PendingPaymentView>> {
    const qb = this.payments().andWhere("p.status = 'pending_approval'");
    return this.lists.list(qb, PENDING_PAYMENTS_LIST, raw, request, async (page) => {
      const rows = await page.getMany();
      if (rows.length === 0) return [];
      const names = await tenantQuery(this.dataSource.manager, Account, 'a')
        .andWhere('a.id IN (:...account_ids)', { account_ids: rows.map((row) => row.account_id) })
        .getMany();
      const invoices = await tenantQuery(this.dataSource.manager, Invoice, 'i')
        .andWhere('i.id IN (:...invoice_ids)', { invoice_ids: rows.map((row) => row.invoice_id) })
        .getMany();
      const accountName = new Map(names.map((row) => [Number(row.id), row.name]));
      const number = new Map(invoices.map((row) => [Number(row.id), row.invoice_number]));
      return rows.map((row) => ({
        ...presentPayment(row),
        account_name: accountName.get(Number(row.account_id)) ?? '',
        invoice_number: number.get(Number(row.invoice_id)) ?? '',
      }));
    });
  }

  listPayments(raw: RawQuery, request: FastifyRequest): Promise<Paginated<PaymentView>> {
    return this.lists.list(this.payments(), ADMIN_PAYMENTS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentPayment),
    );
  }

  listInvoices(raw: RawQuery, request: FastifyRequest): Promise<Paginated<InvoiceView>> {
    const qb = tenantQuery(this.dataSource.manager, Invoice, 'i');
    return this.lists.list(qb, ADMIN_INVOICES_LIST, raw, request, async (page) =>
      (await page.getMany()).map(presentInvoice),
    );
  }

  /** A developer's signed change of one pool, with its reason in the ledger; a pool never goes below 0. */
  async adjustCredits(
    accountId: number,
    change: { amount: number; pool: 'plan' | 'bonus'; reason: string },
  ): Promise<{
    account: Pick<Account, (typeof ADJUSTED_ACCOUNT_FIELDS)[number]>;
    transaction: TransactionView;
  }> {
    return this.dataSource.transaction(async (tx) => {
      const exists = await tenantQuery(tx, Account, 'a')
        .andWhere('a.id = :account_id', { account_id: accountId })
        .getExists();
      if (!exists) throw ApiError.notFound();
      let entry;
      try {
        entry = await this.ledger.record(
          {
            accountId,
            type: 'adjustment',
            ...(change.pool === 'plan' ? { planAmount: change.amount } : { bonusAmount: change.amount }),
            referenceId: `adjustment:${randomUUID()}`,
            description: change.reason,
            metadata: {
              reason: change.reason,
              pool: change.pool,
              by: this.context.principal?.userId ?? null,
            },
          },
          tx,
        );
      } catch (error) {
        if ((error as { code?: string }).code === NUMERIC_OUT_OF_RANGE) {
          throw ApiError.field('amount', 'The pool cannot hold that many credits.');
        }
        if (error instanceof InsufficientPoolError) {
          throw ApiError.field(
            'amount',
            `The ${change.pool} pool has ${error.balance} credits; it cannot go below 0.`,
          );
        }
        throw error;
      }
      if (!entry) throw new Error('A fresh adjustment reference was already recorded');
      const account = await tenantQuery(tx, Account, 'a')
        .andWhere('a.id = :account_id', { account_id: accountId })
        .getOneOrFail();
      return { account: pick(account, ADJUSTED_ACCOUNT_FIELDS), transaction: presentTransaction(entry) };
    });
  }

  creditCosts(): Promise<CreditCostConfig[]> {
    return globalQuery(this.dataSource.manager, CreditCostConfig, 'c').orderBy('c.id', 'ASC').getMany();
  }

  async creditCost(id: number): Promise<CreditCostConfig> {
    const row = await globalQuery(this.dataSource.manager, CreditCostConfig, 'c')
      .where('c.id = :id', { id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async updateCreditCost(id: number, change: CreditCostChange): Promise<CreditCostConfig> {
    const row = await this.creditCost(id);
    for (const key of ['display_name', 'credits_cost', 'unit', 'min_credits', 'is_active'] as const) {
      if (change[key] !== undefined) Object.assign(row, { [key]: change[key] });
    }
    await this.dataSource.manager.save(row);
    return this.creditCost(id);
  }

  listPackages(raw: RawQuery, request: FastifyRequest): Promise<Paginated<CreditPackageView>> {
    const qb = globalQuery(this.dataSource.manager, CreditPackage, 'c');
    return this.lists.list(qb, CREDIT_PACKAGES_LIST, raw, request, async (page) =>
      (await page.getMany()).map(presentCreditPackage),
    );
  }

  private async packageRow(id: number): Promise<CreditPackage> {
    const row = await globalQuery(this.dataSource.manager, CreditPackage, 'c')
      .where('c.id = :id', { id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async getPackage(id: number): Promise<CreditPackageView> {
    return presentCreditPackage(await this.packageRow(id));
  }

  async createPackage(fields: CreditPackageFields): Promise<CreditPackageView> {
    return this.savePackage(this.dataSource.manager.create(CreditPackage, {}), fields);
  }

  async updatePackage(id: number, fields: CreditPackageFields): Promise<CreditPackageView> {
    return this.savePackage(await this.packageRow(id), fields);
  }

  async removePackage(id: number): Promise<void> {
    await this.dataSource.manager.remove(await this.packageRow(id));
  }

  private async savePackage(row: CreditPackage, fields: CreditPackageFields): Promise<CreditPackageView> {
    const slug = fields.slug ?? row.slug;
    if (slug !== undefined) {
      const taken = await globalQuery(this.dataSource.manager, CreditPackage, 'c')
        .where('c.slug = :slug', { slug })
        .andWhere(row.id ? 'c.id <> :id' : 'TRUE', { id: row.id })
        .getExists();
      if (taken) throw ApiError.field('slug', 'A credit package with this slug already exists.');
    }
    const keys = CREDIT_PACKAGE_FIELDS.filter(
      (key): key is keyof CreditPackageFields & keyof CreditPackage => key in fields,
    );
    for (const key of keys) {
      if (fields[key] !== undefined) Object.assign(row, { [key]: fields[key] });
    }
    if (fields.currency) row.currency = fields.currency.toUpperCase();
    const saved = await this.dataSource.manager.save(row);
    return this.getPackage(saved.id);
  }
}
