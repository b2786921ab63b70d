import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity, inList } from '../../../database/base-entities.js';
import type { Account } from '../../identity/entities/account.entity.js';
import type { Site } from '../../identity/entities/site.entity.js';
import type { User } from '../../identity/entities/user.entity.js';
import type { CreditTransaction } from './credit-transaction.entity.js';

export const OPERATION_TYPES = [
  'clustering',
  'idea_generation',
  'content_generation',
  'image_prompt_extraction',
  'image_generation',
  'linking',
  'optimization',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export const RELATED_OBJECT_TYPES = ['keyword', 'cluster', 'idea', 'task', 'content', 'image'] as const;
export type RelatedObjectType = (typeof RELATED_OBJECT_TYPES)[number];

/**
 * CreditUsageLog — `igny8_credit_usage_logs` (docs/domain-model.md#credits): one row per charged (or, for
 * internal-plan accounts, computed) AI operation. Immutable. The `(account_id, created_at DESC)`
 * index is created by the migration.
 */
@Entity('igny8_credit_usage_logs')
@Index('igny8_credit_usage_logs_account_created_idx', { synchronize: false })
@Index('igny8_credit_usage_logs_account_operation_idx', ['account_id', 'operation_type'])
@Index('igny8_credit_usage_logs_task_item_idx', ['task_id', 'related_object_type', 'related_object_id'])
@Check('igny8_credit_usage_logs_operation_type_check', inList('operation_type', OPERATION_TYPES))
@Check(
  'igny8_credit_usage_logs_related_object_type_check',
  inList('related_object_type', RELATED_OBJECT_TYPES),
)
@Check('igny8_credit_usage_logs_credits_used_check', '"credits_used" >= 0')
export class CreditUsageLog extends CreatedEntity {
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Index('igny8_credit_usage_logs_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_credit_usage_logs_user_id_idx')
  @Column({ type: 'bigint', nullable: true })
  user_id: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 32 })
  operation_type: OperationType;

  @Column({ type: 'integer' })
  credits_used: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, default: () => '0.000000' })
  cost_usd: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  model_used: string;

  @Column({ type: 'integer', default: 0 })
  tokens_input: number;

  @Column({ type: 'integer', default: 0 })
  tokens_output: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  related_object_type: RelatedObjectType | null;

  @Column({ type: 'bigint', nullable: true })
  related_object_id: number | null;

  @Column({ type: 'uuid', nullable: true })
  task_id: string | null;

  @Index('igny8_credit_usage_logs_transaction_id_idx')
  @Column({ type: 'bigint', nullable: true })
  transaction_id: number | null;

  @ManyToOne('CreditTransaction', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'transaction_id' })
  transaction?: Relation<CreditTransaction>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;
}
