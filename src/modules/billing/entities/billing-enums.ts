/** How an invoice or a payment is paid (docs/billing.md#tables). */
export const PAYMENT_METHODS = ['stripe', 'paypal', 'bank_transfer', 'local_wallet', 'manual'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The methods a payer settles by hand and a developer approves. */
export const MANUAL_PAYMENT_METHODS = ['bank_transfer', 'local_wallet', 'manual'] as const;
export type ManualPaymentMethod = (typeof MANUAL_PAYMENT_METHODS)[number];

export const INVOICE_TYPES = ['subscription', 'credit_package', 'addon', 'custom'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

export const INVOICE_STATUSES = ['draft', 'pending', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const PAYMENT_STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'refunded',
  'cancelled',
  'pending_approval',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const WEBHOOK_PROVIDERS = ['stripe', 'paypal', 'manual'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];
