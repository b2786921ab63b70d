import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/jobs/clock.js';
import { JobHandler } from '../../common/jobs/job-handler.decorator.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { BillingMail, emailDate, emailTime } from './billing-mail.js';
import { MANUAL_PAYMENT_METHODS } from './entities/billing-enums.js';
import { Invoice } from './entities/invoice.entity.js';
import { Payment } from './entities/payment.entity.js';
import { eachLocked, type LockedRows, type LockedStep } from './locked-steps.js';
import { SUSPENSION_DAYS } from './renewals.jobs.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The owner of a credit-package invoice is reminded once when it expires within this window. */
export const EXPIRY_REMINDER_MS = 24 * HOUR_MS;
/** An overdue subscription invoice is reminded of at most once in this many (UTC calendar) days. */
export const INVOICE_REMINDER_DAYS = 3;
/** `void_reason` of a credit-package invoice that lapsed unpaid. */
export const EXPIRED_VOID_REASON = 'expired';
/** Payments still open on an invoice: waiting for a provider or for a developer's approval. */
const OPEN_PAYMENT_STATUSES = ['pending', 'processing', 'pending_approval'];

const INVOICES: LockedRows<Invoice> = { entity: Invoice, alias: 'i', label: 'invoice' };

const PENDING_PACKAGE = "i.status = 'pending' AND i.invoice_type = 'credit_package'";

/** Midnight UTC of `now`'s day. */
const utcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * The deadlines of unpaid invoices on the `billing` queue (docs/billing.md#invoice-deadlines): credit
 * package invoices are reminded of a day before they expire and voided when they do; overdue
 * subscription invoices are reminded of every few days. Like the renewal jobs, each invoice is handled
 * in a transaction of its own with its row locked and the condition checked again, and each effect is
 * guarded by the state it leaves on the invoice, so a job run twice changes nothing more.
 */
@Injectable()
export class InvoiceDeadlines {
  private readonly logger = new Logger(InvoiceDeadlines.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly mail: BillingMail,
    private readonly catalogue: CatalogueService,
  ) {}

  /** Pending credit-package invoices expiring within 24 hours: `credit_invoice_expiring`, once each. */
  @JobHandler('send_credit_invoice_expiry_reminders')
  async sendExpiryReminders(): Promise<{ reminded: number }> {
    const now = this.clock.now();
    const reminded = await this.each(
      `${PENDING_PACKAGE} AND i.expires_at > :now AND i.expires_at <= :until ` +
        "AND (i.metadata->>'expiry_reminder_sent') IS DISTINCT FROM 'true'",
      { now, until: new Date(now.getTime() + EXPIRY_REMINDER_MS) },
      async (tx, invoice) => {
        await this.mail.send(tx, invoice.account_id, 'credit_invoice_expiring', {
          invoice_number: invoice.invoice_number,
          description: invoice.line_items.map((line) => line.description).join(', '),
          total: invoice.total,
          currency: invoice.currency,
          expires_at: emailTime(invoice.expires_at),
        });
        invoice.metadata = { ...invoice.metadata, expiry_reminder_sent: true };
        await tx.save(invoice);
        return true;
      },
    );
    return { reminded };
  }

  /**
   * Pending credit-package invoices past `expires_at` become `void` (`void_reason = 'expired'`), and
   * their open manual payments `cancelled`. Provider payments are left to their webhooks: a late
   * provider payment still settles the void invoice (docs/billing.md#when-an-invoice-is-paid).
   */
  @JobHandler('void_expired_credit_invoices')
  async voidExpired(): Promise<{ voided: number; payments_cancelled: number }> {
    const now = this.clock.now();
    let cancelled = 0;
    const voided = await this.each(
      `${PENDING_PACKAGE} AND i.expires_at <= :now`,
      { now },
      async (tx, invoice) => {
        invoice.status = 'void';
        invoice.void_reason = EXPIRED_VOID_REASON;
        await tx.save(invoice);
        const sql = tenantSql(tx);
        const p = sql.table(Payment, 'p');
        const rows = await sql.returning`
        UPDATE ${p} SET status = 'cancelled', failure_reason = 'The invoice expired unpaid.',
               processed_at = ${now}, updated_at = now()
         WHERE ${p.scope} AND p.account_id = ${invoice.account_id} AND p.invoice_id = ${invoice.id}
           AND p.status = ANY(${OPEN_PAYMENT_STATUSES}) AND p.payment_method = ANY(${[...MANUAL_PAYMENT_METHODS]})
        RETURNING p.id`;
        cancelled += rows.length;
        return true;
      },
    );
    return { voided, payments_cancelled: cancelled };
  }

  /**
   * Pending subscription invoices past their due date: `renewal_reminder`, at most once every
   * 3 UTC calendar days per invoice (`metadata.last_reminder_at`; the day-after reminder of a renewal
   * counts too).
   */
  @JobHandler('send_invoice_reminders')
  async sendInvoiceReminders(): Promise<{ reminded: number }> {
    const now = this.clock.now();
    const reminded = await this.each(
      "i.status = 'pending' AND i.invoice_type = 'subscription' AND i.due_date < :today " +
        "AND i.metadata->>'renewal_for_period_end' IS NOT NULL " +
        "AND (i.metadata->>'last_reminder_at' IS NULL " +
        "OR CAST(i.metadata->>'last_reminder_at' AS timestamptz) < :remind_before)",
      {
        today: emailDate(now),
        remind_before: new Date(utcDay(now).getTime() - (INVOICE_REMINDER_DAYS - 1) * DAY_MS),
      },
      async (tx, invoice) => {
        const periodEnd = invoice.metadata.renewal_for_period_end;
        await this.mail.send(tx, invoice.account_id, 'renewal_reminder', {
          plan_name:
            invoice.plan_id === null ? '' : (await this.catalogue.planById(tx, invoice.plan_id)).name,
          period_end: emailDate(periodEnd),
          suspension_date: emailDate(
            periodEnd ? new Date(new Date(periodEnd).getTime() + SUSPENSION_DAYS * DAY_MS) : null,
          ),
          invoice_number: invoice.invoice_number,
          total: invoice.total,
          currency: invoice.currency,
          due_date: emailDate(invoice.due_date),
        });
        invoice.metadata = { ...invoice.metadata, last_reminder_at: now.toISOString() };
        await tx.save(invoice);
        return true;
      },
    );
    return { reminded };
  }

  private each(where: string, params: Record<string, unknown>, step: LockedStep<Invoice>): Promise<number> {
    return eachLocked(this.dataSource, this.logger, INVOICES, where, params, step);
  }
}
