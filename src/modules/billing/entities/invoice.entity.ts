import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity, type ReferencedRow } from '../../../database/base-entities.js';
import type { Account } from '../../identity/entities/account.entity.js';
import {
  INVOICE_STATUSES,
  INVOICE_TYPES,
  PAYMENT_METHODS,
  type InvoiceStatus,
  type InvoiceType,
  type PaymentMethod,
} from './billing-enums.js';

/** One line of an invoice; money as decimal strings in the invoice's currency. */
export interface InvoiceLineItem {
  description: string;
  quantity: number;
  unit_price: string;
  amount: string;
  credits: number;
}

/** What an invoice remembers beside its columns. */
export interface InvoiceMetadata {
  checkout_url?: string | null;
  checkout_message?: string;
  expiry_reminder_sent?: boolean;
  /** When the last overdue reminder was sent (ISO time; docs/billing.md#invoice-deadlines). */
  last_reminder_at?: string;
  period_months?: number;
  renewal_for_period_end?: string;
  [key: string]: unknown;
}

/** Invoice — `igny8_invoices` (docs/billing.md#tables): what an account owes for a plan, a credit package or anything else. */
@Entity('igny8_invoices')
@Index('igny8_invoices_account_id_status_idx', ['account_id', 'status'])
@Index('igny8_invoices_status_expires_at_idx', ['status', 'expires_at'])
@Check('igny8_invoices_invoice_type_check', inList('invoice_type', INVOICE_TYPES))
@Check('igny8_invoices_status_check', inList('status', INVOICE_STATUSES))
@Check('igny8_invoices_payment_method_check', inList('payment_method', PAYMENT_METHODS))
@Check('igny8_invoices_amounts_check', '"subtotal" >= 0 AND "tax" >= 0 AND "total" = "subtotal" + "tax"')
export class Invoice extends TimestampedEntity {
  @Index('igny8_invoices_account_id_idx')
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  /** `INV-{account_id}-{YYYYMM}-{seq}`. */
  @Index('igny8_invoices_invoice_number_uniq', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  invoice_number: string;

  @Column({ type: 'varchar', length: 32 })
  invoice_type: InvoiceType;

  @Column({ type: 'varchar', length: 32, default: 'pending' })
  status: InvoiceStatus;

  @Index('igny8_invoices_subscription_id_idx')
  @Column({ type: 'bigint', nullable: true })
  subscription_id: number | null;

  @ManyToOne('Subscription', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'subscription_id' })
  subscription?: ReferencedRow;

  @Index('igny8_invoices_plan_id_idx')
  @Column({ type: 'bigint', nullable: true })
  plan_id: number | null;

  @ManyToOne('Plan', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'plan_id' })
  plan?: ReferencedRow;

  @Index('igny8_invoices_credit_package_id_idx')
  @Column({ type: 'bigint', nullable: true })
  credit_package_id: number | null;

  @ManyToOne('CreditPackage', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'credit_package_id' })
  credit_package?: ReferencedRow;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: () => '0.00' })
  subtotal: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: () => '0.00' })
  tax: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: () => '0.00' })
  total: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  line_items: InvoiceLineItem[];

  @Column({ type: 'varchar', length: 32, nullable: true })
  payment_method: PaymentMethod | null;

  /** Also holds the Checkout Session id. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  stripe_invoice_id: string | null;

  /** Also holds the PayPal order id. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  paypal_invoice_id: string | null;

  @Column({ type: 'date', default: () => 'CURRENT_DATE' })
  invoice_date: string;

  @Column({ type: 'date', nullable: true })
  due_date: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  paid_at: Date | null;

  /** Credit-package invoices only: created + 7 days. */
  @Column({ type: 'timestamptz', nullable: true })
  expires_at: Date | null;

  @Column({ type: 'text', nullable: true })
  void_reason: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: InvoiceMetadata;
}
