import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import type { Account } from './account.entity.js';
import type { Plan } from '../../catalogue/entities/plan.entity.js';

export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'pending_payment',
  'active',
  'past_due',
  'canceled',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const PAYMENT_PROVIDERS = ['stripe', 'paypal', 'bank_transfer', 'manual'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Subscription — `igny8_subscriptions`; at most one non-canceled row per account
 * (docs/domain-model.md#plans-subscriptions-and-limits).
 */
@Entity('igny8_subscriptions')
@Index('igny8_subscriptions_account_id_live_uniq', ['account_id'], {
  unique: true,
  where: `"status" <> 'canceled'`,
})
@Index('igny8_subscriptions_external_id_uniq', ['payment_provider', 'external_subscription_id'], {
  unique: true,
  where: '"external_subscription_id" IS NOT NULL',
})
@Check('igny8_subscriptions_status_check', inList('status', SUBSCRIPTION_STATUSES))
@Check('igny8_subscriptions_payment_provider_check', inList('payment_provider', PAYMENT_PROVIDERS))
export class Subscription extends TimestampedEntity {
  @Index('igny8_subscriptions_account_id_idx')
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Index('igny8_subscriptions_plan_id_idx')
  @Column({ type: 'bigint' })
  plan_id: number;

  @ManyToOne('Plan', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;

  @Column({ type: 'varchar', length: 32, default: 'pending_payment' })
  status: SubscriptionStatus;

  @Column({ type: 'timestamptz', nullable: true })
  current_period_start: Date | null;

  /** NULL for free-plan trials. */
  @Column({ type: 'timestamptz', nullable: true })
  current_period_end: Date | null;

  @Column({ type: 'boolean', default: false })
  cancel_at_period_end: boolean;

  @Column({ type: 'varchar', length: 32, nullable: true })
  payment_provider: PaymentProvider | null;

  /** Gateway subscription id. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  external_subscription_id: string | null;
}
