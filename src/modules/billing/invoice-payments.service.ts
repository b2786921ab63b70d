import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { Money } from '../../common/money.js';
import { globalQuery, tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { AccountCredits } from '../identity/account-credits.js';
import { AccountsStore } from '../identity/accounts.store.js';
import { type PaymentProvider, Subscription } from '../identity/entities/subscription.entity.js';
import { BillingMail } from './billing-mail.js';
import { CreditLedger } from './credit-ledger.service.js';
import type { PaymentMethod } from './entities/billing-enums.js';
import { CreditPackage } from './entities/credit-package.entity.js';
import { Invoice } from './entities/invoice.entity.js';
import { Payment } from './entities/payment.entity.js';

/** How an invoice was paid. */
export interface SettleInput {
  method: PaymentMethod;
  /** A payment row already recorded for the invoice (a manual payment being approved). */
  paymentId?: number;
  /** The provider's payment or capture id: one payment per id, whatever the number of deliveries. */
  externalPaymentId?: string | null;
  /** Defaults to the invoice total. */
  amount?: string;
  currency?: string;
  approvedBy?: number | null;
  metadata?: Record<string, unknown>;
}

export interface Settlement {
  invoice: Invoice;
  payment: Payment | null;
  /** False when the invoice was already paid: nothing changed. */
  applied: boolean;
}

export interface RefundInput {
  paymentId?: number;
  externalPaymentId?: string;
  /** The provider's refund or event id: the ledger entry's reference. */
  referenceId: string;
  reason?: string;
}

export interface Refund {
  payment: Payment;
  /** False when the payment was already refunded. */
  applied: boolean;
  /** Credits taken back (≥ 0). */
  credits: number;
}

const DEFAULT_PERIOD_MONTHS = 1;

/** `date` plus whole calendar months (UTC), clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}

const providerOf = (method: PaymentMethod): PaymentProvider =>
  method === 'local_wallet' ? 'manual' : method;

const lineCredits = (invoice: Invoice) =>
  invoice.line_items.reduce((sum, line) => sum + (line.credits ?? 0), 0);

/**
 * What paying an invoice does (docs/billing.md#when-an-invoice-is-paid), in one transaction and once
 * per invoice: the invoice row is locked first, and an invoice already `paid` makes every later
 * settle a no-op (`applied: false`); the ledger entries are keyed by the invoice number as well. The
 * gateways' webhooks, manual approvals and bank-transfer confirmations all end here.
 */
@Injectable()
export class InvoicePayments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: CreditLedger,
    private readonly accounts: AccountsStore,
    private readonly pools: AccountCredits,
    private readonly mail: BillingMail,
    private readonly catalogue: CatalogueService,
  ) {}

  /** Pays `invoiceId` with the payment described; inside `manager`'s transaction or a new one. */
  async settle(
    invoiceId: number,
    input: SettleInput,
    manager?: EntityManager,
    now = new Date(),
  ): Promise<Settlement> {
    if (!manager) return this.dataSource.transaction((tx) => this.settle(invoiceId, input, tx, now));
    const invoice = await tenantQuery(manager, Invoice, 'i')
      .andWhere('i.id = :invoice_id', { invoice_id: invoiceId })
      .setLock('pessimistic_write')
      .getOne();
    if (!invoice) throw ApiError.notFound('Invoice not found.');
    if (input.externalPaymentId) {
      const known = await tenantQuery(manager, Payment, 'p')
        .andWhere('p.external_payment_id = :external_id', { external_id: input.externalPaymentId })
        .getOne();
      if (known && known.status !== 'pending' && known.status !== 'processing') {
        return { invoice, payment: known, applied: false };
      }
    }
    if (invoice.status === 'paid') return { invoice, payment: null, applied: false };

    const payment = await this.succeededPayment(manager, invoice, input, now);
    if (invoice.invoice_type === 'subscription')
      await this.startPaidPeriod(manager, invoice, input.method, now);
    if (invoice.invoice_type === 'credit_package') await this.addPackageCredits(manager, invoice);
    invoice.status = 'paid';
    invoice.paid_at = now;
    invoice.payment_method = input.method;
    await manager.save(invoice);
    await this.mail.send(manager, invoice.account_id, 'payment_approved', {
      invoice_number: invoice.invoice_number,
      amount: payment.amount,
      currency: payment.currency,
    });
    return { invoice, payment, applied: true };
  }

  /**
   * Refunds a succeeded payment: the payment becomes `refunded`, and the credits its invoice added
   * are taken back from the pool they went to (not below zero), with one ledger entry `refund`.
   */
  async refund(input: RefundInput, manager?: EntityManager, now = new Date()): Promise<Refund> {
    if (!manager) return this.dataSource.transaction((tx) => this.refund(input, tx, now));
    const query = tenantQuery(manager, Payment, 'p').setLock('pessimistic_write');
    if (input.paymentId) query.andWhere('p.id = :payment_id', { payment_id: input.paymentId });
    else
      query.andWhere('p.external_payment_id = :external_id', { external_id: input.externalPaymentId ?? '' });
    const payment = await query.getOne();
    if (!payment) throw ApiError.notFound('Payment not found.');
    if (payment.status === 'refunded') return { payment, applied: false, credits: 0 };
    if (payment.status !== 'succeeded') {
      throw new ApiError('invalid_state', `A ${payment.status} payment cannot be refunded.`);
    }
    payment.status = 'refunded';
    payment.refunded_at = now;
    if (input.reason) payment.metadata = { ...payment.metadata, refund_reason: input.reason };
    await manager.save(payment);

    const invoice = await manager.findOneByOrFail(Invoice, { id: payment.invoice_id });
    const pools = await this.pools.lockPools(manager, payment.account_id);
    const planPool = invoice.invoice_type === 'subscription';
    const credits = Math.min(lineCredits(invoice), planPool ? pools.credits : pools.bonus_credits);
    if (credits > 0) {
      await this.ledger.record(
        {
          accountId: payment.account_id,
          type: 'refund',
          ...(planPool ? { planAmount: -credits } : { bonusAmount: -credits }),
          referenceId: input.referenceId,
          description: `Refund of ${invoice.invoice_number}`,
          metadata: { invoice_id: invoice.id, payment_id: payment.id },
        },
        manager,
      );
    }
    return { payment, applied: true, credits };
  }

  private async succeededPayment(
    manager: EntityManager,
    invoice: Invoice,
    input: SettleInput,
    now: Date,
  ): Promise<Payment> {
    const existing = input.paymentId
      ? await tenantQuery(manager, Payment, 'p')
          .andWhere('p.id = :payment_id AND p.invoice_id = :invoice_id', {
            payment_id: input.paymentId,
            invoice_id: invoice.id,
          })
          .getOne()
      : input.externalPaymentId
        ? await tenantQuery(manager, Payment, 'p')
            .andWhere('p.external_payment_id = :external_id', { external_id: input.externalPaymentId })
            .getOne()
        : null;
    const currency = (input.currency ?? invoice.currency).toUpperCase();
    const payment =
      existing ??
      manager.create(Payment, {
        account_id: invoice.account_id,
        invoice_id: invoice.id,
        amount: Money.parse(input.amount ?? invoice.total, currency).toFixed(2),
        currency,
        payment_method: input.method,
        external_payment_id: input.externalPaymentId ?? null,
        metadata: input.metadata ?? {},
      });
    payment.status = 'succeeded';
    payment.processed_at = now;
    if (input.approvedBy !== undefined) {
      payment.approved_by = input.approvedBy;
      payment.approved_at = now;
    }
    if (existing && input.metadata) payment.metadata = { ...existing.metadata, ...input.metadata };
    return manager.save(payment);
  }

  /** Subscription invoice: the plan's period starts (or follows the current one), credits reset. */
  private async startPaidPeriod(
    manager: EntityManager,
    invoice: Invoice,
    method: PaymentMethod,
    now: Date,
  ): Promise<void> {
    let subscription = await tenantQuery(manager, Subscription, 's')
      .andWhere("s.account_id = :account_id AND s.status <> 'canceled'", { account_id: invoice.account_id })
      .setLock('pessimistic_write')
      .getOne();
    const planId = invoice.plan_id ?? subscription?.plan_id;
    if (!planId) throw new Error(`Invoice ${invoice.invoice_number} names no plan`);
    const plan = await this.catalogue.planById(manager, planId);

    const renewalOf = invoice.metadata.renewal_for_period_end;
    const currentEnd = subscription?.current_period_end ?? null;
    const start =
      renewalOf && currentEnd && currentEnd.getTime() > now.getTime() && subscription?.status === 'active'
        ? currentEnd
        : now;
    const months = Number.isInteger(invoice.metadata.period_months)
      ? Number(invoice.metadata.period_months)
      : DEFAULT_PERIOD_MONTHS;
    const fields = {
      plan_id: plan.id,
      status: 'active' as const,
      current_period_start: start,
      current_period_end: addMonths(start, months),
      cancel_at_period_end: false,
      payment_provider: providerOf(method),
    };
    if (subscription) {
      Object.assign(subscription, fields);
      subscription = await this.accounts.saveSubscription(manager, subscription);
    } else {
      subscription = await this.accounts.createSubscription(manager, {
        ...fields,
        account_id: invoice.account_id,
      });
    }
    invoice.subscription_id = subscription.id;
    await this.accounts.updateAccount(manager, invoice.account_id, {
      plan_id: plan.id,
      status: 'active',
      usage_ahrefs_queries: 0,
    });
    await this.ledger.setPlanPool(
      invoice.account_id,
      plan.included_credits,
      {
        type: 'subscription',
        referenceId: invoice.invoice_number,
        description: `${plan.name} plan credits`,
        metadata: { invoice_id: invoice.id, plan_slug: plan.slug },
      },
      manager,
    );
  }

  /** Credit-package invoice: the package's credits join the bonus pool. */
  private async addPackageCredits(manager: EntityManager, invoice: Invoice): Promise<void> {
    const creditPackage = invoice.credit_package_id
      ? await globalQuery(manager, CreditPackage, 'c')
          .where('c.id = :package_id', { package_id: invoice.credit_package_id })
          .getOne()
      : null;
    const credits = creditPackage?.credits ?? lineCredits(invoice);
    if (credits <= 0) return;
    await this.ledger.record(
      {
        accountId: invoice.account_id,
        type: 'purchase',
        bonusAmount: credits,
        referenceId: invoice.invoice_number,
        description: `${creditPackage?.name ?? 'Credit package'} purchase`,
        metadata: { invoice_id: invoice.id, credit_package_id: invoice.credit_package_id },
      },
      manager,
    );
  }
}
