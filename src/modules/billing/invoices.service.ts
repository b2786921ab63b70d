import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { Account } from '../identity/entities/account.entity.js';
import { type InvoiceView, type PaymentView, presentInvoice, presentPayment } from './billing-presenters.js';
import {
  INVOICE_STATUSES,
  INVOICE_TYPES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
} from './entities/billing-enums.js';
import { Invoice } from './entities/invoice.entity.js';
import { Payment } from './entities/payment.entity.js';

export const INVOICES_LIST = defineList({
  filters: {
    status: filter.enum('i.status', INVOICE_STATUSES),
    invoice_type: filter.enum('i.invoice_type', INVOICE_TYPES),
  },
  ordering: {
    fields: { created_at: 'i.created_at', invoice_date: 'i.invoice_date', total: 'i.total' },
    default: '-created_at',
  },
});

export const PAYMENTS_LIST = defineList({
  filters: {
    status: filter.enum('p.status', PAYMENT_STATUSES),
    payment_method: filter.enum('p.payment_method', PAYMENT_METHODS),
    invoice_id: filter.int('p.invoice_id'),
  },
  ordering: { fields: { created_at: 'p.created_at', amount: 'p.amount' }, default: '-created_at' },
});

/**
 * The caller's own invoices and payments (`billing/invoices/`, `billing/payments/`): always the
 * principal's account, developers included; another account's id is 404 like a missing one.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly lists: ListService,
    private readonly config: AppConfig,
  ) {}

  private get accountId(): number {
    return this.context.requirePrincipal().accountId;
  }

  ownInvoices(): SelectQueryBuilder<Invoice> {
    return tenantQuery(this.dataSource.manager, Invoice, 'i').andWhere('i.account_id = :own_account', {
      own_account: this.accountId,
    });
  }

  ownPayments(): SelectQueryBuilder<Payment> {
    return tenantQuery(this.dataSource.manager, Payment, 'p').andWhere('p.account_id = :own_account', {
      own_account: this.accountId,
    });
  }

  listInvoices(raw: RawQuery, request: FastifyRequest): Promise<Paginated<InvoiceView>> {
    return this.lists.list(this.ownInvoices(), INVOICES_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentInvoice),
    );
  }

  async invoiceRow(id: number): Promise<Invoice> {
    const row = await this.ownInvoices().andWhere('i.id = :invoice_id', { invoice_id: id }).getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async invoice(id: number): Promise<InvoiceView> {
    return presentInvoice(await this.invoiceRow(id));
  }

  listPayments(raw: RawQuery, request: FastifyRequest): Promise<Paginated<PaymentView>> {
    return this.lists.list(this.ownPayments(), PAYMENTS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentPayment),
    );
  }

  async payment(id: number): Promise<PaymentView> {
    const row = await this.ownPayments().andWhere('p.id = :payment_id', { payment_id: id }).getOne();
    if (!row) throw ApiError.notFound();
    return presentPayment(row);
  }

  /** The invoice as a PDF and its file name (`<invoice_number>.pdf`). */
  async pdf(id: number): Promise<{ bytes: Uint8Array; filename: string }> {
    const invoice = await this.invoiceRow(id);
    const account = await tenantQuery(this.dataSource.manager, Account, 'a')
      .andWhere('a.id = :account_id', { account_id: invoice.account_id })
      .getOneOrFail();
    const buyer = [
      account.name,
      account.billing_address_line1,
      account.billing_address_line2,
      [account.billing_postal_code, account.billing_city].filter(Boolean).join(' '),
      account.billing_state,
      account.billing_country ?? '',
      account.tax_id ? `Tax id: ${account.tax_id}` : '',
    ].filter((line) => line && line.trim() !== '');
    const { renderInvoicePdf } = await import('./invoice-pdf.js');
    const bytes = await renderInvoicePdf(invoice, { seller: this.config.invoiceSeller, buyer });
    return { bytes, filename: `${invoice.invoice_number}.pdf` };
  }
}
