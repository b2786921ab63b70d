import { Check, Column, Entity, Index } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';

export const BILLING_CYCLES = ['monthly', 'annual'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

/**
 * Plan — `igny8_plans` (global, docs/domain-model.md#plans-subscriptions-and-limits); seeded by the
 * reference-data migration.
 */
@Entity('igny8_plans')
@Check('igny8_plans_billing_cycle_check', inList('billing_cycle', BILLING_CYCLES))
@Check('igny8_plans_price_check', '"price" >= 0')
@Check('igny8_plans_included_credits_check', '"included_credits" >= 0')
@Check('igny8_plans_max_sites_check', '"max_sites" >= 1')
@Check('igny8_plans_max_users_check', '"max_users" >= 1')
@Check('igny8_plans_max_keywords_check', '"max_keywords" >= 0')
@Check('igny8_plans_max_ahrefs_queries_check', '"max_ahrefs_queries" >= 0')
export class Plan extends TimestampedEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('igny8_plans_slug_uniq', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  slug: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** numeric(10,2), a string such as "89.00". */
  @Column({ type: 'numeric', precision: 10, scale: 2, default: () => '0.00' })
  price: string;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'varchar', length: 32, default: 'monthly' })
  billing_cycle: BillingCycle;

  @Column({ type: 'integer', default: 0 })
  included_credits: number;

  /** NULL = unlimited. */
  @Column({ type: 'integer', nullable: true })
  max_sites: number | null;

  @Column({ type: 'integer', nullable: true })
  max_users: number | null;

  @Column({ type: 'integer', nullable: true })
  max_keywords: number | null;

  @Column({ type: 'integer', nullable: true, default: 50 })
  max_ahrefs_queries: number | null;

  @Column({ type: 'boolean', default: true })
  allow_credit_topup: boolean;

  /** numeric(10,4), informational. */
  @Column({ type: 'numeric', precision: 10, scale: 4, nullable: true })
  extra_credit_price: string | null;

  @Column({ type: 'integer', nullable: true })
  auto_topup_threshold: number | null;

  @Column({ type: 'integer', nullable: true })
  auto_topup_amount: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripe_product_id: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripe_price_id: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  paypal_plan_id: string | null;

  /** Feature flags `{name: bool}`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  features: Record<string, boolean>;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'boolean', default: false })
  is_internal: boolean;

  @Column({ type: 'integer', default: 0 })
  sort_order: number;
}
