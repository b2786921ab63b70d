import { pick } from '../../common/http/pick.js';
import type { AccountPaymentMethod } from './entities/account-payment-method.entity.js';
import type { CreditPackage } from './entities/credit-package.entity.js';
import type { Invoice } from './entities/invoice.entity.js';
import type { PaymentMethodConfig } from './entities/payment-method-config.entity.js';
import type { Payment } from './entities/payment.entity.js';

/*
 * The billing objects (docs/api-conventions.md#object-representations): every column under its name,
 * money as the decimal strings PostgreSQL gives for `numeric`.
 */

export const INVOICE_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'invoice_number',
  'invoice_type',
  'status',
  'subscription_id',
  'plan_id',
  'credit_package_id',
  'currency',
  'subtotal',
  'tax',
  'total',
  'line_items',
  'payment_method',
  'stripe_invoice_id',
  'paypal_invoice_id',
  'invoice_date',
  'due_date',
  'paid_at',
  'expires_at',
  'void_reason',
  'metadata',
] as const satisfies readonly (keyof Invoice)[];

export const PAYMENT_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'invoice_id',
  'amount',
  'currency',
  'payment_method',
  'status',
  'transaction_reference',
  'external_payment_id',
  'metadata',
  'approved_by',
  'approved_at',
  'rejected_reason',
  'failure_reason',
  'processed_at',
  'refunded_at',
] as const satisfies readonly (keyof Payment)[];

export const CREDIT_PACKAGE_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'name',
  'slug',
  'credits',
  'price',
  'currency',
  'description',
  'stripe_price_id',
  'is_active',
  'sort_order',
] as const satisfies readonly (keyof CreditPackage)[];

export const PAYMENT_METHOD_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'type',
  'display_name',
  'is_default',
  'is_enabled',
  'is_verified',
  'country_code',
  'instructions',
  'metadata',
] as const satisfies readonly (keyof AccountPaymentMethod)[];

export type InvoiceView = Pick<Invoice, (typeof INVOICE_FIELDS)[number]>;
export type PaymentView = Pick<Payment, (typeof PAYMENT_FIELDS)[number]>;
export type CreditPackageView = Pick<CreditPackage, (typeof CREDIT_PACKAGE_FIELDS)[number]>;
export type PaymentMethodView = Pick<AccountPaymentMethod, (typeof PAYMENT_METHOD_FIELDS)[number]>;

/** A method offered in a country: what the payer sees before choosing it. */
export interface AvailableMethodView {
  payment_method: PaymentMethodConfig['payment_method'];
  display_name: string;
  instructions: string;
  details: Record<string, unknown>;
}

export const presentInvoice = (row: Invoice): InvoiceView => pick(row, INVOICE_FIELDS);
export const presentPayment = (row: Payment): PaymentView => pick(row, PAYMENT_FIELDS);
export const presentCreditPackage = (row: CreditPackage): CreditPackageView =>
  pick(row, CREDIT_PACKAGE_FIELDS);
export const presentPaymentMethod = (row: AccountPaymentMethod): PaymentMethodView =>
  pick(row, PAYMENT_METHOD_FIELDS);
export const presentAvailableMethod = (row: PaymentMethodConfig): AvailableMethodView => ({
  payment_method: row.payment_method,
  display_name: row.display_name,
  instructions: row.instructions,
  details: row.details,
});
