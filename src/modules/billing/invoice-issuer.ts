import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, sumMoney } from '../../common/money.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { BillingMail, emailDate } from './billing-mail.js';
import type { InvoiceType, PaymentMethod } from './entities/billing-enums.js';
import { Invoice, type InvoiceLineItem, type InvoiceMetadata } from './entities/invoice.entity.js';

/** A line to bill: the amount is computed (unit price × quantity), never given. */
export interface NewLine {
  description: string;
  quantity?: number;
  /** Decimal string in the invoice currency. */
  unit_price: string;
  credits?: number;
}

export interface NewInvoice {
  accountId: number;
  type: InvoiceType;
  lines: NewLine[];
  currency?: string;
  paymentMethod?: PaymentMethod | null;
  subscriptionId?: number | null;
  planId?: number | null;
  creditPackageId?: number | null;
  metadata?: InvoiceMetadata;
  /** Defaults to `pending`. */
  status?: 'draft' | 'pending';
  /**
   * Emails `invoice_created` to the account after the commit (default true for a pending invoice);
   * false when another email already announces it (a renewal notice) or it is paid at once.
   */
  announce?: boolean;
}

const DAY_MS = 86_400_000;
const DUE_DAYS = 7;
/** A credit package's invoice lapses after this many days unpaid. */
const PACKAGE_INVOICE_DAYS = 7;
/** Serialises numbering per account (first key of the two-key advisory lock). */
const NUMBER_LOCK = 0x1_9_0_1;

/** `INV-{account_id}-{YYYYMM}-` of `date` (UTC). */
export function invoiceNumberPrefix(accountId: number, date: Date): string {
  const month = `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  return `INV-${accountId}-${month}-`;
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Issues invoices (docs/billing.md#invoices): numbered `INV-{account}-{YYYYMM}-{seq}` with a 4-digit
 * per-account, per-month counter from 0001. The number is taken under a transaction-scoped advisory
 * lock of the account, so concurrent invoices of one account get consecutive numbers, never the same.
 * Amounts are summed exactly (Money); tax is 0.
 */
@Injectable()
export class InvoiceIssuer {
  constructor(private readonly mail: BillingMail) {}

  async issue(manager: EntityManager, input: NewInvoice, now = new Date()): Promise<Invoice> {
    const currency = (input.currency ?? 'USD').toUpperCase();
    const lineItems: InvoiceLineItem[] = input.lines.map((line) => {
      const quantity = line.quantity ?? 1;
      const unit = Money.parse(line.unit_price, currency);
      return {
        description: line.description,
        quantity,
        unit_price: unit.toFixed(2),
        amount: unit.times(quantity).toFixed(2),
        credits: line.credits ?? 0,
      };
    });
    const subtotal = sumMoney(
      lineItems.map((line) => Money.parse(line.amount, currency)),
      currency,
    );
    const tax = Money.zero(currency);
    const number = await this.nextNumber(manager, input.accountId, now);
    const invoice = await manager.save(
      manager.create(Invoice, {
        account_id: input.accountId,
        invoice_number: number,
        invoice_type: input.type,
        status: input.status ?? 'pending',
        subscription_id: input.subscriptionId ?? null,
        plan_id: input.planId ?? null,
        credit_package_id: input.creditPackageId ?? null,
        currency,
        subtotal: subtotal.toFixed(2),
        tax: tax.toFixed(2),
        total: subtotal.plus(tax).toFixed(2),
        line_items: lineItems,
        payment_method: input.paymentMethod ?? null,
        invoice_date: isoDate(now),
        due_date: isoDate(new Date(now.getTime() + DUE_DAYS * DAY_MS)),
        expires_at:
          input.type === 'credit_package' ? new Date(now.getTime() + PACKAGE_INVOICE_DAYS * DAY_MS) : null,
        metadata: input.metadata ?? {},
      }),
    );
    if (invoice.status === 'pending' && input.announce !== false) {
      await this.mail.send(manager, invoice.account_id, 'invoice_created', {
        invoice_number: invoice.invoice_number,
        total: invoice.total,
        currency: invoice.currency,
        due_date: emailDate(invoice.due_date),
      });
    }
    return invoice;
  }

  /** The account's next number for the month of `now`; holds the account's numbering lock until commit. */
  private async nextNumber(manager: EntityManager, accountId: number, now: Date): Promise<string> {
    const sql = tenantSql(manager);
    await sql.query`SELECT pg_advisory_xact_lock(${NUMBER_LOCK}::int, ${accountId}::int)`;
    const prefix = invoiceNumberPrefix(accountId, now);
    const i = sql.table(Invoice, 'i');
    const [row] = await sql.query<{ seq: number | null }[]>`
      SELECT max(substring(i.invoice_number FROM ${prefix.length + 1}::int)::int) AS seq
        FROM ${i}
       WHERE ${i.scope} AND i.account_id = ${accountId} AND starts_with(i.invoice_number, ${prefix})`;
    return `${prefix}${String((row?.seq ?? 0) + 1).padStart(4, '0')}`;
  }
}
