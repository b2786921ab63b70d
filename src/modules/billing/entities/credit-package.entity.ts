import { Check, Column, Entity, Index } from 'typeorm';
import { TimestampedEntity } from '../../../database/base-entities.js';

/** CreditPackage — `igny8_credit_packages` (global, docs/billing.md#tables): bonus credits sold as a one-off invoice. */
@Entity('igny8_credit_packages')
@Check('igny8_credit_packages_credits_check', '"credits" > 0')
@Check('igny8_credit_packages_price_check', '"price" >= 0')
export class CreditPackage extends TimestampedEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('igny8_credit_packages_slug_uniq', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'integer' })
  credits: number;

  @Column({ type: 'numeric', precision: 10, scale: 2 })
  price: string;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripe_price_id: string | null;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'integer', default: 0 })
  sort_order: number;
}
