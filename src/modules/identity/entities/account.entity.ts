import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, type ReferencedRow, SoftEntity } from '../../../database/base-entities.js';
import type { Plan } from '../../catalogue/entities/plan.entity.js';

export const ACCOUNT_STATUSES = ['active', 'suspended', 'trial', 'cancelled', 'pending_payment'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Slugs never handed out by registration or account creation (docs/domain-model.md#accounts). */
export const RESERVED_ACCOUNT_SLUGS = ['aws-admin', 'default-account', 'default'] as const;

/**
 * The slug of the system account created by `create-system-account` (docs/domain-model.md#system-account).
 */
export const SYSTEM_ACCOUNT_SLUG = 'aws-admin';

/** Account — `igny8_accounts`, the tenant; soft-deletable (docs/domain-model.md#accounts). */
@Entity('igny8_accounts')
@Index('igny8_accounts_slug_uniq', ['slug'], { unique: true, where: '"deleted_at" IS NULL' })
@Check('igny8_accounts_status_check', inList('status', ACCOUNT_STATUSES))
@Check('igny8_accounts_credits_check', '"credits" >= 0')
@Check('igny8_accounts_bonus_credits_check', '"bonus_credits" >= 0')
@Check('igny8_accounts_held_credits_check', '"held_credits" >= 0')
@Check('igny8_accounts_usage_ahrefs_queries_check', '"usage_ahrefs_queries" >= 0')
export class Account extends SoftEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Index('igny8_accounts_owner_id_idx')
  @Column({ type: 'bigint', nullable: true })
  owner_id: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id' })
  owner?: ReferencedRow;

  @Index('igny8_accounts_plan_id_idx')
  @Column({ type: 'bigint' })
  plan_id: number;

  @ManyToOne('Plan', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;

  /** Plan pool. */
  @Column({ type: 'integer', default: 0 })
  credits: number;

  /** Purchased pool; never expires. */
  @Column({ type: 'integer', default: 0 })
  bonus_credits: number;

  /** Reserved by queued and running AI tasks (docs/domain-model.md#credits). */
  @Column({ type: 'integer', default: 0 })
  held_credits: number;

  @Index('igny8_accounts_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'trial' })
  status: AccountStatus;

  /** `false` is treated exactly like `suspended`. */
  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  /** System account (docs/domain-model.md#system-account); set only by `create-system-account`. */
  @Column({ type: 'boolean', default: false })
  is_system: boolean;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  account_timezone: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  billing_email: string | null;

  @Column({ type: 'varchar', length: 255, default: '' })
  billing_address_line1: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  billing_address_line2: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  billing_city: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  billing_state: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  billing_postal_code: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2, nullable: true })
  billing_country: string | null;

  @Column({ type: 'varchar', length: 50, default: '' })
  tax_id: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripe_customer_id: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  paypal_customer_id: string | null;

  @Column({ type: 'integer', default: 0 })
  usage_ahrefs_queries: number;

  @Column({ type: 'timestamptz', nullable: true })
  usage_period_start: Date | null;
}
