import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Money } from '../../common/money.js';
import { globalQuery, tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { Account } from '../identity/entities/account.entity.js';
import { BillingMail } from './billing-mail.js';
import { type InvoiceView, type PaymentView, presentInvoice, presentPayment } from './billing-presenters.js';
import { isFreePlan, planLine } from './billing-purchases.service.js';
import type { ManualPaymentMethod } from './entities/billing-enums.js';
import { Invoice } from './entities/invoice.entity.js';
import { Payment } from './entities/payment.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { InvoiceIssuer } from './invoice-issuer.js';
import { InvoicePayments } from './invoice-payments.service.js';
import { PaymentMethodCatalog } from './payment-method-catalog.js';

const INVALID_PK = (id: number) => `Invalid pk "${id}" - object does not exist.`;
const UNIQUE_VIOLATION = '23505';

export interface ManualSubmission {
  invoice_id: number;
  payment_method: ManualPaymentMethod;
  transaction_reference: string;
  proof_url?: string | null;
  notes?: string | null;
}

export interface BankTransferConfirmation {
  account_id: number;
  external_payment_id: string;
  amount: string;
  currency?: string;
  payer_name?: string;
  proof_url?: string;
  period_months?: number;
  plan_slug?: string;
}

export interface PaymentWithInvoice {
  payment: PaymentView;
  invoice: InvoiceView;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === UNIQUE_VIOLATION;

/**
 * Payments made by hand (docs/billing.md#manual-payments): the payer submits a reference
 * (`pending_approval`), a developer approves it (the invoice is paid, once) or rejects it; a
 * developer can also record a bank transfer directly. Each step leaves a `manual` WebhookEvent.
 */
@Injectable()
export class ManualPayments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly issuer: InvoiceIssuer,
    private readonly payments: InvoicePayments,
    private readonly catalog: PaymentMethodCatalog,
    private readonly mail: BillingMail,
  ) {}

  async submit(input: ManualSubmission): Promise<PaymentView> {
    const principal = this.context.requirePrincipal();
    try {
      return await this.dataSource.transaction(async (tx) => {
        const invoice = await tenantQuery(tx, Invoice, 'i')
          .andWhere('i.id = :invoice_id AND i.account_id = :own_account', {
            invoice_id: input.invoice_id,
            own_account: principal.accountId,
          })
          .setLock('pessimistic_write')
          .getOne();
        if (!invoice) throw ApiError.field('invoice_id', INVALID_PK(input.invoice_id));
        if (invoice.status === 'paid')
          throw new ApiError('invoice_already_paid', 'This invoice is already paid.');
        if (invoice.status !== 'pending' && invoice.status !== 'draft') {
          throw ApiError.field('invoice_id', `A ${invoice.status} invoice cannot be paid.`);
        }
        const account = await tenantQuery(tx, Account, 'a')
          .andWhere('a.id = :account_id', { account_id: invoice.account_id })
          .getOneOrFail();
        if (!(await this.catalog.find(input.payment_method, account.billing_country, tx))) {
          throw ApiError.field(
            'payment_method',
            `"${input.payment_method}" is not available in ${account.billing_country ?? 'your country'}.`,
          );
        }
        const waiting = await tenantQuery(tx, Payment, 'p')
          .andWhere("p.invoice_id = :invoice_id AND p.status = 'pending_approval'", {
            invoice_id: invoice.id,
          })
          .getExists();
        if (waiting)
          throw new ApiError('conflict', 'A payment for this invoice is already awaiting approval.');
        const payment = await tx.save(
          tx.create(Payment, {
            account_id: invoice.account_id,
            invoice_id: invoice.id,
            amount: invoice.total,
            currency: invoice.currency,
            payment_method: input.payment_method,
            status: 'pending_approval',
            transaction_reference: input.transaction_reference,
            metadata: {
              proof_url: input.proof_url ?? null,
              notes: input.notes ?? '',
              submitted_by: principal.userId,
            },
          }),
        );
        await this.notify(tx, 'payment_submitted', payment, invoice);
        await this.trail(tx, payment, 'submitted', 'payment.submitted');
        return presentPayment(payment);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError('conflict', 'A payment for this invoice is already awaiting approval.');
      }
      throw error;
    }
  }

  /** Developer: the payment succeeds and its invoice is paid; a second approval answers 409. */
  approve(paymentId: number, notes?: string): Promise<PaymentWithInvoice> {
    const approver = this.context.requirePrincipal().userId;
    return this.dataSource.transaction(async (tx) => {
      const payment = await this.lockAwaiting(tx, paymentId);
      if (approver !== null && payment.metadata.submitted_by === approver) {
        throw new ApiError('permission_denied', 'A payment cannot be approved by the user who submitted it.');
      }
      if (notes) payment.metadata = { ...payment.metadata, notes };
      await tx.save(payment);
      const settled = await this.payments.settle(
        payment.invoice_id,
        { method: payment.payment_method, paymentId: payment.id, approvedBy: approver },
        tx,
      );
      if (!settled.applied || !settled.payment) {
        throw new ApiError('invoice_already_paid', 'The invoice of this payment is already paid.');
      }
      await this.trail(tx, settled.payment, 'confirmed', 'payment.confirmed');
      return { payment: presentPayment(settled.payment), invoice: presentInvoice(settled.invoice) };
    });
  }

  /** Developer: the payment fails with the reason; its invoice stays pending. */
  reject(paymentId: number, reason: string): Promise<PaymentView> {
    return this.dataSource.transaction(async (tx) => {
      const payment = await this.lockAwaiting(tx, paymentId);
      payment.status = 'failed';
      payment.rejected_reason = reason;
      payment.processed_at = new Date();
      await tx.save(payment);
      const invoice = await tenantQuery(tx, Invoice, 'i')
        .andWhere('i.id = :invoice_id', { invoice_id: payment.invoice_id })
        .getOneOrFail();
      await this.notify(tx, 'payment_rejected', payment, invoice, { reason });
      await this.trail(tx, payment, 'rejected', 'payment.rejected', { reason });
      return presentPayment(payment);
    });
  }

  /**
   * Developer: a bank transfer received for an account pays its pending subscription invoice for the
   * plan (or a new one for `period_months` months) at once.
   */
  async confirmBankTransfer(input: BankTransferConfirmation): Promise<PaymentWithInvoice> {
    const approver = this.context.requirePrincipal().userId;
    const months = input.period_months ?? 1;
    const currency = (input.currency ?? 'USD').toUpperCase();
    if (!Money.isValid(input.amount, currency) || Money.parse(input.amount, currency).isNegative()) {
      throw ApiError.field('amount', 'A valid non-negative amount is required.');
    }
    try {
      return await this.dataSource.transaction(async (tx) => {
        const duplicate = await tenantQuery(tx, Payment, 'p')
          .andWhere('p.external_payment_id = :external_id', { external_id: input.external_payment_id })
          .getExists();
        if (duplicate) throw new ApiError('conflict', 'This external_payment_id is already recorded.');
        const account = await tenantQuery(tx, Account, 'a')
          .innerJoinAndSelect('a.plan', 'plan')
          .andWhere('a.id = :account_id', { account_id: input.account_id })
          .getOne();
        if (!account) throw ApiError.field('account_id', INVALID_PK(input.account_id));
        const plan = input.plan_slug
          ? await globalQuery(tx, Plan, 'plan')
              .where('plan.slug = :slug AND NOT plan.is_internal', { slug: input.plan_slug })
              .getOne()
          : account.plan;
        if (!plan || isFreePlan(plan)) {
          throw ApiError.field(
            'plan_slug',
            `Select a paid plan; "${input.plan_slug ?? plan?.slug}" is not one.`,
          );
        }
        const invoice = await this.subscriptionInvoice(tx, account.id, plan, months);
        const settled = await this.payments.settle(
          invoice.id,
          {
            method: 'bank_transfer',
            externalPaymentId: input.external_payment_id,
            amount: input.amount,
            currency,
            approvedBy: approver,
            metadata: {
              payer_name: input.payer_name ?? '',
              proof_url: input.proof_url ?? null,
              period_months: months,
            },
          },
          tx,
        );
        if (!settled.payment) throw new ApiError('invoice_already_paid', 'The invoice is already paid.');
        await this.trail(tx, settled.payment, 'confirmed', 'payment.confirmed');
        return { payment: presentPayment(settled.payment), invoice: presentInvoice(settled.invoice) };
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError('conflict', 'This external_payment_id is already recorded.');
      throw error;
    }
  }

  /** The account's pending subscription invoice for `plan` and `months`, or a new one (others voided). */
  private async subscriptionInvoice(
    tx: EntityManager,
    accountId: number,
    plan: Plan,
    months: number,
  ): Promise<Invoice> {
    const pending = await tenantQuery(tx, Invoice, 'i')
      .andWhere("i.account_id = :account_id AND i.invoice_type = 'subscription' AND i.status = 'pending'", {
        account_id: accountId,
      })
      .andWhere('i.plan_id = :plan_id', { plan_id: plan.id })
      .orderBy('i.id', 'DESC')
      .getOne();
    if (pending && (pending.metadata.period_months ?? 1) === months) return pending;
    const sql = tenantSql(tx);
    const i = sql.table(Invoice, 'i');
    await sql.returning`
      UPDATE ${i} SET status = 'void', void_reason = 'Replaced by a confirmed bank transfer.', updated_at = now()
       WHERE ${i.scope} AND i.account_id = ${accountId} AND i.invoice_type = 'subscription'
         AND i.status = 'pending' RETURNING i.id`;
    return this.issuer.issue(tx, {
      accountId,
      type: 'subscription',
      planId: plan.id,
      currency: plan.currency,
      paymentMethod: 'bank_transfer',
      lines: [planLine(plan, months)],
      metadata: { period_months: months },
    });
  }

  private async lockAwaiting(tx: EntityManager, paymentId: number): Promise<Payment> {
    const payment = await tenantQuery(tx, Payment, 'p')
      .andWhere('p.id = :payment_id', { payment_id: paymentId })
      .setLock('pessimistic_write')
      .getOne();
    if (!payment) throw ApiError.notFound();
    if (payment.status !== 'pending_approval') {
      throw new ApiError('invalid_state', `The payment is ${payment.status}, not pending_approval.`);
    }
    return payment;
  }

  /** The payer's email of a step (`payment_submitted`, `payment_rejected`), sent after the commit. */
  private notify(
    tx: EntityManager,
    template: 'payment_submitted' | 'payment_rejected',
    payment: Payment,
    invoice: Invoice,
    extra: Record<string, string> = {},
  ): Promise<void> {
    return this.mail.send(tx, payment.account_id, template, {
      invoice_number: invoice.invoice_number,
      amount: payment.amount,
      currency: payment.currency,
      transaction_reference: payment.transaction_reference ?? '',
      ...extra,
    });
  }

  /** The `manual` WebhookEvent of one step, processed as it is written. */
  private async trail(
    tx: EntityManager,
    payment: Payment,
    action: string,
    eventType: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await tx.save(
      tx.create(WebhookEvent, {
        provider: 'manual',
        event_id: `manual-payment-${payment.id}-${action}`,
        event_type: eventType,
        account_id: payment.account_id,
        payload: {
          payment_id: payment.id,
          invoice_id: payment.invoice_id,
          amount: payment.amount,
          currency: payment.currency,
          payment_method: payment.payment_method,
          actor: this.context.principal?.userId ?? null,
          ...extra,
        },
        processed: true,
        processed_at: new Date(),
        attempts: 1,
      }),
    );
  }
}
