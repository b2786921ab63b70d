import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { JobHandler } from '../../common/jobs/job-handler.decorator.js';
import { Money } from '../../common/money.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Plan } from '../catalogue/entities/plan.entity.js';
import { AccountsStore } from '../identity/accounts.store.js';
import { Account } from '../identity/entities/account.entity.js';
import { Subscription } from '../identity/entities/subscription.entity.js';
import { Clock } from '../../common/jobs/clock.js';
import { BillingMail, emailDate } from './billing-mail.js';
import { CreditLedger } from './credit-ledger.service.js';
import { Invoice } from './entities/invoice.entity.js';
import { InvoiceIssuer } from './invoice-issuer.js';
import { eachLocked, type LockedRows, type LockedStep } from './locked-steps.js';

const DAY_MS = 86_400_000;
/** A manually paid subscription gets its renewal invoice this many days before its period ends. */
export const RENEWAL_NOTICE_DAYS = 7;
/** Plan credits of an unpaid renewal expire this long after the period end. */
export const CREDIT_EXPIRY_MS = DAY_MS;
/** An account whose renewal is still unpaid this many days after the period end is suspended. */
export const SUSPENSION_DAYS = 7;

/**
 * Subscriptions whose renewals the provider charges (a Stripe or PayPal subscription we are linked
 * to): their payments and failures arrive as webhooks, so the period jobs leave them alone.
 */
const NOT_AUTO_CHARGED = 's.external_subscription_id IS NULL';

type Step = LockedStep<Subscription>;

const SUBSCRIPTIONS: LockedRows<Subscription> = { entity: Subscription, alias: 's', label: 'subscription' };

/**
 * The renewal jobs of the `billing` queue (docs/billing.md#renewals). Each finds its candidates, then
 * handles every subscription in a transaction of its own with the row locked and the condition
 * checked again, and each effect is guarded by the state it produces (an invoice for the period, the
 * subscription's status, a ledger reference), so a job run twice, or a retry, changes nothing more.
 */
@Injectable()
export class BillingRenewals {
  private readonly logger = new Logger(BillingRenewals.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly issuer: InvoiceIssuer,
    private readonly ledger: CreditLedger,
    private readonly accounts: AccountsStore,
    private readonly mail: BillingMail,
    private readonly catalogue: CatalogueService,
  ) {}

  /**
   * Active, manually paid subscriptions ending within 7 days get their renewal invoice and a notice
   * (not those set to cancel at the period end).
   */
  @JobHandler('send_renewal_notices')
  async sendRenewalNotices(): Promise<{ notified: number }> {
    const now = this.clock.now();
    const notified = await this.each(
      `s.status = 'active' AND ${NOT_AUTO_CHARGED} AND NOT s.cancel_at_period_end ` +
        'AND s.current_period_end > :now AND s.current_period_end <= :until',
      { now, until: new Date(now.getTime() + RENEWAL_NOTICE_DAYS * DAY_MS) },
      async (tx, subscription) => {
        const periodEnd = subscription.current_period_end as Date;
        if (await this.renewalInvoice(tx, subscription)) return false;
        const { invoice, plan } = await this.issueRenewal(tx, subscription, now, false);
        await this.mail.send(tx, subscription.account_id, 'renewal_notice', {
          plan_name: plan.name,
          period_end: emailDate(periodEnd),
          invoice_number: invoice.invoice_number,
          total: invoice.total,
          currency: invoice.currency,
        });
        return true;
      },
    );
    return { notified };
  }

  /**
   * Periods that are over (a renewal paid in time has already moved the period on): cancel at period
   * end → subscription `canceled`, account `cancelled`, plan credits 0, its pending renewal invoice
   * void; otherwise the subscription is
   * `past_due` and its renewal invoice is issued if the notice did not already.
   */
  @JobHandler('process_subscription_renewals')
  async processRenewals(): Promise<{ canceled: number; past_due: number }> {
    const now = this.clock.now();
    const result = { canceled: 0, past_due: 0 };
    await this.each(
      `s.status = 'active' AND ${NOT_AUTO_CHARGED} AND s.current_period_end <= :now`,
      { now },
      async (tx, subscription) => {
        const periodEnd = (subscription.current_period_end as Date).toISOString();
        if (subscription.cancel_at_period_end) {
          subscription.status = 'canceled';
          subscription.cancel_at_period_end = false;
          await this.accounts.saveSubscription(tx, subscription);
          await this.accounts.updateAccount(tx, subscription.account_id, { status: 'cancelled' });
          await this.ledger.setPlanPool(
            subscription.account_id,
            0,
            {
              type: 'adjustment',
              referenceId: `cancel:${subscription.id}:${periodEnd}`,
              description: 'Subscription canceled at the end of its period',
            },
            tx,
          );
          // A renewal invoice issued before the owner canceled is no longer owed.
          const sql = tenantSql(tx);
          const i = sql.table(Invoice, 'i');
          await sql.returning`
            UPDATE ${i} SET status = 'void', void_reason = 'Subscription canceled at the end of its period.',
                   updated_at = now()
             WHERE ${i.scope} AND i.account_id = ${subscription.account_id} AND i.status = 'pending'
               AND i.invoice_type = 'subscription' AND i.metadata->>'renewal_for_period_end' = ${periodEnd}
            RETURNING i.id`;
          result.canceled += 1;
          return true;
        }
        if (!(await this.renewalInvoice(tx, subscription))) {
          await this.issueRenewal(tx, subscription, now, true);
        }
        subscription.status = 'past_due';
        await this.accounts.saveSubscription(tx, subscription);
        result.past_due += 1;
        return true;
      },
    );
    return result;
  }

  /**
   * A day after the period end of an unpaid renewal, the plan credits expire (one ledger entry
   * `expire:<subscription>:<period end>`; bonus credits untouched) and the owner is reminded (noted
   * as the renewal invoice's `metadata.last_reminder_at`).
   */
  @JobHandler('send_day_after_reminders')
  async sendDayAfterReminders(): Promise<{ expired: number }> {
    const now = this.clock.now();
    const expired = await this.each(
      `s.status = 'past_due' AND s.current_period_end <= :cutoff`,
      { cutoff: new Date(now.getTime() - CREDIT_EXPIRY_MS) },
      async (tx, subscription) => {
        const periodEnd = subscription.current_period_end as Date;
        const entry = await this.ledger.setPlanPool(
          subscription.account_id,
          0,
          {
            type: 'adjustment',
            referenceId: `expire:${subscription.id}:${periodEnd.toISOString()}`,
            description: 'Plan credits expired: renewal unpaid',
            metadata: { subscription_id: subscription.id },
          },
          tx,
        );
        if (!entry) return false;
        const plan = await this.catalogue.planById(tx, subscription.plan_id);
        await this.mail.send(tx, subscription.account_id, 'renewal_reminder', {
          plan_name: plan.name,
          period_end: emailDate(periodEnd),
          suspension_date: emailDate(new Date(periodEnd.getTime() + SUSPENSION_DAYS * DAY_MS)),
        });
        // This reminder counts for the overdue-invoice reminders of the renewal invoice too.
        const sql = tenantSql(tx);
        const i = sql.table(Invoice, 'i');
        await sql.query`
          UPDATE ${i} SET metadata = i.metadata || jsonb_build_object('last_reminder_at', ${now.toISOString()}::text),
                 updated_at = now()
           WHERE ${i.scope} AND i.account_id = ${subscription.account_id} AND i.status = 'pending'
             AND i.invoice_type = 'subscription'
             AND i.metadata->>'renewal_for_period_end' = ${periodEnd.toISOString()}`;
        return true;
      },
    );
    return { expired };
  }

  /** Seven days after the period end of an unpaid renewal the account is suspended. */
  @JobHandler('check_expired_renewals')
  async checkExpiredRenewals(): Promise<{ suspended: number }> {
    const now = this.clock.now();
    const suspended = await this.each(
      `s.status = 'past_due' AND s.current_period_end <= :cutoff`,
      { cutoff: new Date(now.getTime() - SUSPENSION_DAYS * DAY_MS) },
      async (tx, subscription) => {
        const account = await tenantQuery(tx, Account, 'a')
          .andWhere('a.id = :account_id', { account_id: subscription.account_id })
          .setLock('pessimistic_write')
          .getOneOrFail();
        if (account.status === 'suspended' || account.status === 'cancelled') return false;
        await this.accounts.updateAccount(tx, account.id, { status: 'suspended' });
        await this.mail.send(tx, account.id, 'account_suspended', {
          period_end: emailDate(subscription.current_period_end),
        });
        return true;
      },
    );
    return { suspended };
  }

  /** Runs `step` for each subscription matching `where`, locked, in a transaction of its own. */
  private each(where: string, params: Record<string, unknown>, step: Step): Promise<number> {
    return eachLocked(this.dataSource, this.logger, SUBSCRIPTIONS, where, params, step);
  }

  /** The subscription's renewal invoice for its current period (pending or paid), if issued. */
  private renewalInvoice(tx: EntityManager, subscription: Subscription): Promise<Invoice | null> {
    return tenantQuery(tx, Invoice, 'i')
      .andWhere(
        "i.account_id = :account_id AND i.invoice_type = 'subscription' AND i.status IN ('pending', 'paid') " +
          "AND i.metadata->>'renewal_for_period_end' = :period_end",
        {
          account_id: subscription.account_id,
          period_end: (subscription.current_period_end as Date).toISOString(),
        },
      )
      .getOne();
  }

  /** The renewal invoice of the subscription's plan for one more month. */
  private async issueRenewal(
    tx: EntityManager,
    subscription: Subscription,
    now: Date,
    announce: boolean,
  ): Promise<{ invoice: Invoice; plan: Plan }> {
    const plan = await this.catalogue.planById(tx, subscription.plan_id);
    const currency = plan.currency || 'USD';
    const invoice = await this.issuer.issue(
      tx,
      {
        accountId: subscription.account_id,
        type: 'subscription',
        currency,
        lines: [
          {
            description: `${plan.name} plan renewal, 1 month`,
            unit_price: Money.parse(plan.price, currency).toFixed(2),
            credits: plan.included_credits,
          },
        ],
        paymentMethod: subscription.payment_provider,
        subscriptionId: subscription.id,
        planId: plan.id,
        metadata: {
          renewal_for_period_end: (subscription.current_period_end as Date).toISOString(),
          period_months: 1,
        },
        announce,
      },
      now,
    );
    return { invoice, plan };
  }
}
