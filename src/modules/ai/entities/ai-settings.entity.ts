import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';
import type { AiModel } from './ai-model.entity.js';

export const SETTINGS_QUALITY_TIERS = ['basic', 'quality', 'premium'] as const;
export type SettingsQualityTier = (typeof SETTINGS_QUALITY_TIERS)[number];

/**
 * SystemAISettings — `igny8_system_ai_settings` (docs/domain-model.md#ai-configuration), the singleton
 * `id = 1`: the defaults.
 */
@Entity('igny8_system_ai_settings')
@Check('igny8_system_ai_settings_singleton_check', '"id" = 1')
@Check('igny8_system_ai_settings_quality_tier_check', inList('default_quality_tier', SETTINGS_QUALITY_TIERS))
@Check('igny8_system_ai_settings_max_images_check', '"default_max_images" BETWEEN 1 AND 8')
@Check('igny8_system_ai_settings_ideas_check', '"default_ideas_per_cluster" BETWEEN 1 AND 10')
@Check('igny8_system_ai_settings_word_count_check', '"default_word_count" BETWEEN 100 AND 10000')
export class SystemAiSettings {
  @PrimaryColumn({ type: 'bigint', default: 1 })
  id: number;

  @Column({ type: 'bigint', nullable: true })
  default_text_model_id: number | null;

  @ManyToOne('AiModel', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'default_text_model_id' })
  default_text_model?: Relation<AiModel>;

  @Column({ type: 'bigint', nullable: true })
  default_image_model_id: number | null;

  @ManyToOne('AiModel', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'default_image_model_id' })
  default_image_model?: Relation<AiModel>;

  @Column({ type: 'varchar', length: 32, default: 'quality' })
  default_quality_tier: SettingsQualityTier;

  @Column({ type: 'varchar', length: 50, default: 'photorealistic' })
  default_image_style: string;

  @Column({ type: 'integer', default: 2 })
  default_max_images: number;

  @Column({ type: 'integer', default: 3 })
  default_ideas_per_cluster: number;

  @Column({ type: 'integer', default: 1000 })
  default_word_count: number;

  @Column({ type: 'numeric', precision: 3, scale: 2, default: () => '0.70' })
  temperature: string;

  @Column({ type: 'integer', default: 8192 })
  max_tokens: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

/**
 * AISettings — `igny8_ai_settings` (docs/domain-model.md#ai-configuration): account-level (`site_id` NULL)
 * and site-level overrides; NULL columns inherit (site → account → system).
 */
@Entity('igny8_ai_settings')
@Index('igny8_ai_settings_account_uniq', ['account_id'], { unique: true, where: '"site_id" IS NULL' })
@Index('igny8_ai_settings_account_site_uniq', ['account_id', 'site_id'], {
  unique: true,
  where: '"site_id" IS NOT NULL',
})
@Check('igny8_ai_settings_quality_tier_check', inList('quality_tier', SETTINGS_QUALITY_TIERS))
@Check('igny8_ai_settings_max_images_check', '"max_images" BETWEEN 1 AND 8')
@Check('igny8_ai_settings_ideas_check', '"ideas_per_cluster" BETWEEN 1 AND 10')
@Check('igny8_ai_settings_word_count_check', '"default_word_count" BETWEEN 100 AND 10000')
export class AiSettings extends TenantEntity {
  @Index('igny8_ai_settings_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_ai_settings_text_model_id_idx')
  @Column({ type: 'bigint', nullable: true })
  text_model_id: number | null;

  @ManyToOne('AiModel', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'text_model_id' })
  text_model?: Relation<AiModel>;

  @Index('igny8_ai_settings_image_model_id_idx')
  @Column({ type: 'bigint', nullable: true })
  image_model_id: number | null;

  @ManyToOne('AiModel', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'image_model_id' })
  image_model?: Relation<AiModel>;

  @Column({ type: 'varchar', length: 32, nullable: true })
  quality_tier: SettingsQualityTier | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  image_style: string | null;

  @Column({ type: 'integer', nullable: true })
  max_images: number | null;

  @Column({ type: 'integer', nullable: true })
  ideas_per_cluster: number | null;

  @Column({ type: 'integer', nullable: true })
  default_word_count: number | null;
}

/** The settings an AI call runs with (docs/domain-model.md#ai-configuration). */
export interface EffectiveAiSettings {
  text_model: AiModel;
  image_model: AiModel;
  quality_tier: SettingsQualityTier;
  image_style: string;
  max_images: number;
  ideas_per_cluster: number;
  default_word_count: number;
  temperature: number;
  max_tokens: number;
}
