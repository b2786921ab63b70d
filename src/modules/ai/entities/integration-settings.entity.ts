import { Check, Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';

/**
 * GlobalIntegrationSettings — `igny8_global_integration_settings` (docs/domain-model.md#ai-configuration),
 * the singleton `id = 1`. API keys are stored encrypted (src/common/crypto.ts).
 */
@Entity('igny8_global_integration_settings')
@Check('igny8_global_integration_settings_singleton_check', '"id" = 1')
@Check(
  'igny8_global_integration_settings_text_provider_check',
  inList('default_text_provider', ['openai', 'anthropic']),
)
@Check(
  'igny8_global_integration_settings_image_service_check',
  inList('default_image_service', ['openai', 'runware', 'bria']),
)
@Check('igny8_global_integration_settings_image_quality_check', inList('image_quality', ['standard', 'hd']))
@Check('igny8_global_integration_settings_max_images_check', '"max_in_article_images" BETWEEN 1 AND 8')
export class GlobalIntegrationSettings {
  @PrimaryColumn({ type: 'bigint', default: 1 })
  id: number;

  @Column({ type: 'text', nullable: true })
  openai_api_key: string | null;

  @Column({ type: 'varchar', length: 100, default: 'gpt-4o-mini' })
  openai_model: string;

  @Column({ type: 'numeric', precision: 3, scale: 2, default: () => '0.70' })
  openai_temperature: string;

  @Column({ type: 'integer', default: 8192 })
  openai_max_tokens: number;

  @Column({ type: 'text', nullable: true })
  dalle_api_key: string | null;

  @Column({ type: 'varchar', length: 100, default: 'dall-e-3' })
  dalle_model: string;

  @Column({ type: 'varchar', length: 20, default: '1024x1024' })
  dalle_size: string;

  @Column({ type: 'text', nullable: true })
  runware_api_key: string | null;

  @Column({ type: 'text', nullable: true })
  anthropic_api_key: string | null;

  @Column({ type: 'text', nullable: true })
  bria_api_key: string | null;

  @Column({ type: 'varchar', length: 16, default: 'openai' })
  default_text_provider: string;

  @Column({ type: 'varchar', length: 100, default: 'gpt-4o-mini' })
  default_text_model: string;

  @Column({ type: 'varchar', length: 16, default: 'openai' })
  default_image_service: string;

  @Column({ type: 'varchar', length: 16, default: 'standard' })
  image_quality: string;

  @Column({ type: 'varchar', length: 50, default: 'photorealistic' })
  image_style: string;

  @Column({ type: 'integer', default: 2 })
  max_in_article_images: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

export const INTEGRATION_PROVIDER_TYPES = ['ai', 'payment', 'email', 'storage'] as const;
export type IntegrationProviderType = (typeof INTEGRATION_PROVIDER_TYPES)[number];

/**
 * IntegrationProvider — `igny8_integration_providers` (docs/domain-model.md#ai-configuration): global
 * provider credentials (encrypted).
 */
@Entity('igny8_integration_providers')
@Check('igny8_integration_providers_provider_type_check', inList('provider_type', INTEGRATION_PROVIDER_TYPES))
export class IntegrationProvider extends TimestampedEntity {
  @Index('igny8_integration_providers_provider_id_uniq', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  provider_id: string;

  @Column({ type: 'varchar', length: 100 })
  display_name: string;

  @Column({ type: 'varchar', length: 16 })
  provider_type: IntegrationProviderType;

  @Column({ type: 'text', nullable: true })
  api_key: string | null;

  @Column({ type: 'text', nullable: true })
  api_secret: string | null;

  @Column({ type: 'text', nullable: true })
  webhook_secret: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  api_endpoint: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  config: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'boolean', default: false })
  is_sandbox: boolean;
}
