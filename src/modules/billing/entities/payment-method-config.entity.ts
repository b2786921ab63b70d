import { Check, Column, Entity, Index } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import { PAYMENT_METHODS, type PaymentMethod } from './billing-enums.js';

/**
 * PaymentMethodConfig — `igny8_payment_method_configs` (global, docs/billing.md#payment-methods-by-country):
 * which method is offered in which country (`'*'` = every country), with the instructions and bank
 * details shown for manual methods.
 */
@Entity('igny8_payment_method_configs')
@Index('igny8_payment_method_configs_country_method_uniq', ['country_code', 'payment_method'], {
  unique: true,
})
@Check('igny8_payment_method_configs_payment_method_check', inList('payment_method', PAYMENT_METHODS))
export class PaymentMethodConfig extends TimestampedEntity {
  /** ISO 3166-1 alpha-2, or `'*'`. */
  @Column({ type: 'varchar', length: 2 })
  country_code: string;

  @Column({ type: 'varchar', length: 32 })
  payment_method: PaymentMethod;

  @Column({ type: 'boolean', default: true })
  is_enabled: boolean;

  @Column({ type: 'varchar', length: 100 })
  display_name: string;

  @Column({ type: 'text', default: '' })
  instructions: string;

  /** Bank name, account title, account number, IBAN, SWIFT for bank transfers. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  sort_order: number;
}
