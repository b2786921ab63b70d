import { Check, Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import { OPERATION_TYPES, type OperationType } from './credit-usage-log.entity.js';

export const COST_UNITS = ['per_request', 'per_100_words', 'per_200_words', 'per_item', 'per_image'] as const;
export type CostUnit = (typeof COST_UNITS)[number];

/**
 * CreditCostConfig — `igny8_credit_cost_configs` (docs/domain-model.md#credits), global: estimates and
 * minimums per operation.
 */
@Entity('igny8_credit_cost_configs')
@Check('igny8_credit_cost_configs_operation_type_check', inList('operation_type', OPERATION_TYPES))
@Check('igny8_credit_cost_configs_unit_check', inList('unit', COST_UNITS))
@Check('igny8_credit_cost_configs_credits_cost_check', '"credits_cost" >= 0')
@Check('igny8_credit_cost_configs_min_credits_check', '"min_credits" >= 0')
export class CreditCostConfig extends TimestampedEntity {
  @Index('igny8_credit_cost_configs_operation_type_uniq', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  operation_type: OperationType;

  @Column({ type: 'varchar', length: 100 })
  display_name: string;

  /** Estimate per unit, may be fractional (`"0.25"`). */
  @Column({ type: 'numeric', precision: 10, scale: 2, default: () => '0.00' })
  credits_cost: string;

  @Column({ type: 'varchar', length: 16 })
  unit: CostUnit;

  @Column({ type: 'integer', default: 0 })
  min_credits: number;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}

/**
 * BillingConfiguration — `igny8_billing_configuration` (docs/domain-model.md#credits), the singleton
 * `id = 1`.
 */
@Entity('igny8_billing_configuration')
@Check('igny8_billing_configuration_singleton_check', '"id" = 1')
@Check('igny8_billing_configuration_rounding_mode_check', inList('rounding_mode', ['up']))
@Check('igny8_billing_configuration_tokens_per_credit_check', '"default_tokens_per_credit" > 0')
export class BillingConfiguration {
  @PrimaryColumn({ type: 'bigint', default: 1 })
  id: number;

  @Column({ type: 'integer', default: 1000 })
  default_tokens_per_credit: number;

  @Column({ type: 'numeric', precision: 10, scale: 4, default: () => '0.1000' })
  default_credit_price_usd: string;

  @Column({ type: 'varchar', length: 8, default: 'up' })
  rounding_mode: 'up';

  @Column({ type: 'integer', default: 100 })
  low_credit_threshold: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}
