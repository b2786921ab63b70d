import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import { Money } from '../../../common/money.js';
import { globalQuery, tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import { Plan } from '../../catalogue/entities/plan.entity.js';
import { AccountsStore } from '../../identity/accounts.store.js';
import { type PaymentProvider, Subscription } from '../../identity/entities/subscription.entity.js';
import { CreditLedger } from '../credit-ledger.service.js';
import { Invoice } from '../entities/invoice.entity.js';
import { Payment } from '../entities/payment.entity.js';
import { InvoiceIssuer } from '../invoice-issuer.js';
import { InvoicePayments } from '../invoice-payments.service.js';
import type { EventOutcome } from './webhook-inbox.js';

/** A provider payment: which gateway, its id, and what it says was paid. */
export interface ProviderPayment {
  method: 'stripe' | 'paypal';
  externalPaymentId: string;
  /** Decimal string; the invoice total when absent. */
  amount?: string;
  currency?: string;
  metadata?: Record<string, unknown>;
}

/** A positive integer id from provider metadata (`"42"`), or null. */
export function idFrom(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^[1-9]\d{0,17}$/.test(text) ? Number(text) : null;
}

/** A whole amount of minor units as the decimal string of `currency` ("8900" USD → "89.00"). */
export function fromMinor(minor: unknown, currency: unknown): { amount?: string; currency?: string } {
  if (typeof minor !== 'number' || !Number.isInteger(minor) || typeof currency !== 'string') return {};
  const code = currency.toUpperCase();
  return { amount: Money.ofMinor(BigInt(minor), code).toString(), currency: code };
}

/**
 * What provider events do to invoices and subscriptions (docs/billing.md#webhooks), always inside the
 * webhook's transaction: paying an invoice goes through `InvoicePayments.settle` (once per invoice),
 * a renewal charged by the provider gets its invoice on the fly, and subscription changes go through
 * identity's store.
 */
@Injectable()
export class ProviderEffects {
  constructor(
    private readonly payments: InvoicePayments,
    private readonly issuer: InvoiceIssuer,
    private readonly accounts: AccountsStore,
    private readonly ledger: CreditLedger,
  ) {}

  /** Pays our invoice `invoiceId` (from the provider's metadata); an unknown one is noted, not retried. */
  async payInvoice(
    tx: EntityManager,
    now: Date,
    invoiceId: unknown,
    pay: ProviderPayment,
  ): Promise<EventOutcome> {
    const id = idFrom(invoiceId);
    const invoice = id ? await this.invoice(tx, id) : null;
    if (!invoice) return { outcome: 'no matching invoice' };
    const settled = await this.payments.settle(
      invoice.id,
      {
        method: pay.method,
        externalPaymentId: pay.externalPaymentId,
        amount: pay.amount,
        currency: pay.currency,
        metadata: pay.metadata,
      },
      tx,
      now,
    );
    return {
      accountId: invoice.account_id,
      outcome: settled.applied ? 'invoice paid' : 'invoice already paid',
    };
  }

  /**
   * A renewal the provider charged: pays the account's pending renewal invoice, or one created now for
   * the subscription's plan, unless this provider payment was already recorded.
   */
  async renew(
    tx: EntityManager,
    now: Date,
    subscription: Subscription,
    pay: ProviderPayment,
  ): Promise<EventOutcome> {
    const accountId = subscription.account_id;
    const known = await tenantQuery(tx, Payment, 'p')
      .andWhere('p.external_payment_id = :external_id', { external_id: pay.externalPaymentId })
      .getOne();
    if (known) return { accountId, outcome: 'renewal already paid' };
    let invoice = await tenantQuery(tx, Invoice, 'i')
      .andWhere(
        "i.account_id = :account_id AND i.invoice_type = 'subscription' AND i.status = 'pending' " +
          "AND i.metadata->>'renewal_for_period_end' IS NOT NULL",
        { account_id: accountId },
      )
      .orderBy('i.id', 'DESC')
      .getOne();
    if (!invoice) {
      const plan = await globalQuery(tx, Plan, 'plan')
        .where('plan.id = :plan_id', { plan_id: subscription.plan_id })
        .getOneOrFail();
      const currency = pay.currency ?? 'USD';
      invoice = await this.issuer.issue(
        tx,
        {
          accountId,
          type: 'subscription',
          currency,
          lines: [
            {
              description: `${plan.name} plan renewal`,
              unit_price: pay.amount ?? Money.parse(plan.price, currency).toString(),
              credits: plan.included_credits,
            },
          ],
          paymentMethod: pay.method,
          subscriptionId: subscription.id,
          planId: subscription.plan_id,
          metadata: {
            renewal_for_period_end: (subscription.current_period_end ?? now).toISOString(),
            period_months: 1,
          },
          // Paid in the same transaction: the payment email is the only one.
          announce: false,
        },
        now,
      );
    }
    const outcome = await this.payInvoice(tx, now, invoice.id, pay);
    return { ...outcome, outcome: `renewal: ${outcome.outcome}` };
  }

  /** Our subscription behind a provider subscription id, else the account's live one. */
  async subscription(
    tx: EntityManager,
    provider: PaymentProvider,
    externalId: string | null,
    accountId: number | null,
  ): Promise<Subscription | null> {
    if (externalId) {
      const linked = await tenantQuery(tx, Subscription, 's')
        .andWhere('s.payment_provider = :provider AND s.external_subscription_id = :external_id', {
          provider,
          external_id: externalId,
        })
        .setLock('pessimistic_write')
        .getOne();
      if (linked) return linked;
    }
    if (!accountId) return null;
    return tenantQuery(tx, Subscription, 's')
      .andWhere("s.account_id = :account_id AND s.status <> 'canceled'", { account_id: accountId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Remembers the provider's subscription id on ours (the first time only). */
  async link(tx: EntityManager, subscription: Subscription | null, externalId: string | null): Promise<void> {
    if (!subscription || !externalId || subscription.external_subscription_id === externalId) return;
    if (subscription.external_subscription_id) return;
    subscription.external_subscription_id = externalId;
    await this.accounts.saveSubscription(tx, subscription);
  }

  /** A failed renewal charge: an active subscription becomes `past_due`. */
  async pastDue(tx: EntityManager, subscription: Subscription | null): Promise<EventOutcome> {
    if (!subscription) return { outcome: 'no matching subscription' };
    if (subscription.status !== 'active') {
      return {
        accountId: subscription.account_id,
        outcome: `subscription ${subscription.status}, unchanged`,
      };
    }
    subscription.status = 'past_due';
    await this.accounts.saveSubscription(tx, subscription);
    return { accountId: subscription.account_id, outcome: 'subscription past_due' };
  }

  /** The provider's cancel-at-period-end flag, mirrored. */
  async cancelAtPeriodEnd(tx: EntityManager, subscription: Subscription, flag: boolean): Promise<void> {
    if (subscription.cancel_at_period_end === flag || subscription.status === 'canceled') return;
    subscription.cancel_at_period_end = flag;
    await this.accounts.saveSubscription(tx, subscription);
  }

  /**
   * The provider ended the subscription: it is canceled, the account `cancelled`, and the plan credits
   * go to 0 (one ledger entry keyed by the event); bonus credits stay.
   */
  async canceled(
    tx: EntityManager,
    subscription: Subscription | null,
    referenceId: string,
  ): Promise<EventOutcome> {
    if (!subscription) return { outcome: 'no matching subscription' };
    const accountId = subscription.account_id;
    if (subscription.status === 'canceled') return { accountId, outcome: 'subscription already canceled' };
    subscription.status = 'canceled';
    subscription.cancel_at_period_end = false;
    await this.accounts.saveSubscription(tx, subscription);
    await this.accounts.updateAccount(tx, accountId, { status: 'cancelled' });
    await this.ledger.setPlanPool(
      accountId,
      0,
      { type: 'adjustment', referenceId, description: 'Subscription canceled at the payment provider' },
      tx,
    );
    return { accountId, outcome: 'subscription canceled' };
  }

  /** Refunds our payment `paymentId` (the ledger entry is keyed by `referenceId`). */
  async refund(
    tx: EntityManager,
    now: Date,
    paymentId: number | null,
    referenceId: string,
  ): Promise<EventOutcome> {
    if (!paymentId) return { outcome: 'no matching payment' };
    try {
      const refund = await this.payments.refund({ paymentId, referenceId }, tx, now);
      return {
        accountId: refund.payment.account_id,
        outcome: refund.applied ? `payment refunded (${refund.credits} credits)` : 'payment already refunded',
      };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_state') return { outcome: error.message };
      throw error;
    }
  }

  /** Our payment with this provider id, or whose metadata names it under `key`. */
  async paymentByExternal(tx: EntityManager, ids: (string | null)[], key?: string): Promise<Payment | null> {
    for (const id of ids) {
      if (!id) continue;
      const payment = await tenantQuery(tx, Payment, 'p')
        .andWhere('p.external_payment_id = :external_id', { external_id: id })
        .getOne();
      if (payment) return payment;
      if (key) {
        const named = await tenantQuery(tx, Payment, 'p')
          .andWhere('p.metadata->>:key = :external_id', { key, external_id: id })
          .getOne();
        if (named) return named;
      }
    }
    return null;
  }

  /** The account of our invoice `invoiceId`, or null. */
  async accountOfInvoice(tx: EntityManager, invoiceId: number | null): Promise<number | null> {
    return invoiceId ? ((await this.invoice(tx, invoiceId))?.account_id ?? null) : null;
  }

  private invoice(tx: EntityManager, id: number): Promise<Invoice | null> {
    return tenantQuery(tx, Invoice, 'i').andWhere('i.id = :invoice_id', { invoice_id: id }).getOne();
  }
}
