import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity, inList } from '../../../database/base-entities.js';
import type { Account } from '../../identity/entities/account.entity.js';

export const CREDIT_TRANSACTION_TYPES = [
  'purchase',
  'subscription',
  'refund',
  'deduction',
  'adjustment',
] as const;
export type CreditTransactionType = (typeof CREDIT_TRANSACTION_TYPES)[number];

/**
 * CreditTransaction — `igny8_credit_transactions`, the immutable credit ledger
 * (docs/domain-model.md#credits): rows are never updated or deleted; corrections are new rows. Every change
 * to either pool of an account writes exactly one row (docs/domain-model.md#credits). The
 * `(account_id, created_at DESC)` index is created by the migration (TypeORM cannot declare a descending
 * index) and left alone by the schema diff.
 */
@Entity('igny8_credit_transactions')
@Index('igny8_credit_transactions_account_id_created_at_idx', { synchronize: false })
@Index('igny8_credit_transactions_account_id_reference_id_uniq', ['account_id', 'reference_id'], {
  unique: true,
  where: '"reference_id" IS NOT NULL',
})
@Check(
  'igny8_credit_transactions_transaction_type_check',
  inList('transaction_type', CREDIT_TRANSACTION_TYPES),
)
@Check('igny8_credit_transactions_amount_split_check', '"plan_amount" + "bonus_amount" = "amount"')
@Check(
  'igny8_credit_transactions_balances_check',
  '"plan_balance_after" >= 0 AND "bonus_balance_after" >= 0 AND "balance_after" = "plan_balance_after" + "bonus_balance_after"',
)
export class CreditTransaction extends CreatedEntity {
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Column({ type: 'varchar', length: 32 })
  transaction_type: CreditTransactionType;

  /** Signed total: positive = credit, negative = debit. */
  @Column({ type: 'integer' })
  amount: number;

  /** Signed part applied to the plan pool. */
  @Column({ type: 'integer', default: 0 })
  plan_amount: number;

  /** Signed part applied to the bonus pool; `plan_amount + bonus_amount = amount`. */
  @Column({ type: 'integer', default: 0 })
  bonus_amount: number;

  /** `credits + bonus_credits` after the entry. */
  @Column({ type: 'integer' })
  balance_after: number;

  @Column({ type: 'integer' })
  plan_balance_after: number;

  @Column({ type: 'integer' })
  bonus_balance_after: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  description: string;

  /** Invoice number, payment/event id, `signup:<account_id>`, `ai:<task_id>:<item_type>:<item_id>`, … */
  @Column({ type: 'varchar', length: 255, nullable: true })
  reference_id: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;
}
