import { Check, Column, Entity, Index } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import { PAYMENT_METHODS, type PaymentMethod } from './billing-enums.js';

/**
 * AccountPaymentMethod — `igny8_account_payment_methods` (docs/billing.md#tables): a method an account
 * keeps on file; at most one default per account. Only non-sensitive details (brand, last4, PayPal email).
 */
@Entity('igny8_account_payment_methods')
@Index('igny8_account_payment_methods_default_uniq', ['account_id'], {
  unique: true,
  where: '"is_default"',
})
@Check('igny8_account_payment_methods_type_check', inList('type', PAYMENT_METHODS))
export class AccountPaymentMethod extends TenantEntity {
  @Column({ type: 'varchar', length: 32 })
  type: PaymentMethod;

  @Column({ type: 'varchar', length: 100 })
  display_name: string;

  @Column({ type: 'boolean', default: false })
  is_default: boolean;

  @Column({ type: 'boolean', default: true })
  is_enabled: boolean;

  @Column({ type: 'boolean', default: false })
  is_verified: boolean;

  @Column({ type: 'char', length: 2, nullable: true })
  country_code: string | null;

  @Column({ type: 'text', default: '' })
  instructions: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;
}
