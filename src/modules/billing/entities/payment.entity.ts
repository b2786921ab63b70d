import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity, type ReferencedRow } from '../../../database/base-entities.js';
import type { Account } from '../../identity/entities/account.entity.js';
import {
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  type PaymentMethod,
  type PaymentStatus,
} from './billing-enums.js';

/** Payment — `igny8_payments` (docs/billing.md#tables): one attempt to pay one invoice. */
@Entity('igny8_payments')
@Index('igny8_payments_account_id_status_idx', ['account_id', 'status'])
@Index('igny8_payments_status_created_at_idx', ['status', 'created_at'])
@Index('igny8_payments_invoice_id_pending_approval_uniq', ['invoice_id'], {
  unique: true,
  where: `"status" = 'pending_approval'`,
})
@Index('igny8_payments_external_payment_id_uniq', ['external_payment_id'], {
  unique: true,
  where: '"external_payment_id" IS NOT NULL',
})
@Check('igny8_payments_payment_method_check', inList('payment_method', PAYMENT_METHODS))
@Check('igny8_payments_status_check', inList('status', PAYMENT_STATUSES))
@Check('igny8_payments_amount_check', '"amount" >= 0')
export class Payment extends TimestampedEntity {
  @Index('igny8_payments_account_id_idx')
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Index('igny8_payments_invoice_id_idx')
  @Column({ type: 'bigint' })
  invoice_id: number;

  @ManyToOne('Invoice', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'invoice_id' })
  invoice?: ReferencedRow;

  @Column({ type: 'numeric', precision: 12, scale: 2 })
  amount: string;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'varchar', length: 32 })
  payment_method: PaymentMethod;

  @Column({ type: 'varchar', length: 32, default: 'pending' })
  status: PaymentStatus;

  /** The reference the payer typed (manual methods). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  transaction_reference: string | null;

  /** Gateway payment or capture id. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  external_payment_id: string | null;

  /** `proof_url`, `submitted_by`, `notes`, `payer_name`, `period_months`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @Index('igny8_payments_approved_by_idx')
  @Column({ type: 'bigint', nullable: true })
  approved_by: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'approved_by' })
  approved_by_user?: ReferencedRow;

  @Column({ type: 'timestamptz', nullable: true })
  approved_at: Date | null;

  @Column({ type: 'text', nullable: true })
  rejected_reason: string | null;

  @Column({ type: 'text', nullable: true })
  failure_reason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  processed_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  refunded_at: Date | null;
}
