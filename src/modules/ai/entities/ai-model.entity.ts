import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import type { User } from '../../identity/entities/user.entity.js';

export const MODEL_TYPES = ['text', 'image'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const MODEL_PROVIDERS = ['openai', 'anthropic', 'runware', 'bria'] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

export const MODEL_QUALITY_TIERS = ['basic', 'quality', 'quality_option2', 'premium'] as const;
export type ModelQualityTier = (typeof MODEL_QUALITY_TIERS)[number];

/**
 * AIModelConfig — `igny8_ai_models` (docs/domain-model.md#ai-configuration), global: the models the engine
 * may call.
 */
@Entity('igny8_ai_models')
@Index('igny8_ai_models_default_text_uniq', ['model_type'], {
  unique: true,
  where: `"is_default" AND "model_type" = 'text'`,
})
@Index('igny8_ai_models_default_image_tier_uniq', ['quality_tier'], {
  unique: true,
  where: `"is_default" AND "model_type" = 'image'`,
})
@Check('igny8_ai_models_model_type_check', inList('model_type', MODEL_TYPES))
@Check('igny8_ai_models_provider_check', inList('provider', MODEL_PROVIDERS))
@Check('igny8_ai_models_quality_tier_check', inList('quality_tier', MODEL_QUALITY_TIERS))
@Check('igny8_ai_models_tokens_per_credit_check', '"tokens_per_credit" > 0')
@Check('igny8_ai_models_credits_per_image_check', '"credits_per_image" >= 0')
export class AiModel extends TimestampedEntity {
  @Index('igny8_ai_models_model_name_uniq', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  model_name: string;

  @Column({ type: 'varchar', length: 100 })
  display_name: string;

  @Column({ type: 'varchar', length: 16 })
  model_type: ModelType;

  @Column({ type: 'varchar', length: 32 })
  provider: ModelProvider;

  @Column({ type: 'numeric', precision: 12, scale: 6, nullable: true })
  input_cost_per_1m: string | null;

  @Column({ type: 'numeric', precision: 12, scale: 6, nullable: true })
  output_cost_per_1m: string | null;

  @Column({ type: 'integer', nullable: true })
  context_window: number | null;

  @Column({ type: 'integer', nullable: true })
  max_output_tokens: number | null;

  @Column({ type: 'numeric', precision: 10, scale: 4, nullable: true })
  cost_per_image: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  valid_sizes: string[];

  @Column({ type: 'varchar', length: 20, nullable: true })
  landscape_size: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  square_size: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  quality_tier: ModelQualityTier | null;

  @Column({ type: 'boolean', default: false })
  supports_json_mode: boolean;

  @Column({ type: 'boolean', default: false })
  supports_vision: boolean;

  @Column({ type: 'boolean', default: false })
  supports_function_calling: boolean;

  @Column({ type: 'integer', nullable: true })
  tokens_per_credit: number | null;

  @Column({ type: 'integer', nullable: true })
  credits_per_image: number | null;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'boolean', default: false })
  is_default: boolean;

  @Column({ type: 'integer', default: 0 })
  sort_order: number;

  @Index('igny8_ai_models_updated_by_idx')
  @Column({ type: 'bigint', nullable: true })
  updated_by: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by' })
  updated_by_user?: Relation<User>;
}
