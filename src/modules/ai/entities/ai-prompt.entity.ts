import { Check, Column, Entity, Index } from 'typeorm';
import { inList, TenantEntity, TimestampedEntity } from '../../../database/base-entities.js';

export const PROMPT_TYPES = [
  'clustering',
  'ideas',
  'content_generation',
  'image_prompt_extraction',
  'image_prompt_template',
  'negative_prompt',
  'optimization',
  'linking',
] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

/**
 * AIPrompt — `igny8_ai_prompts` (docs/domain-model.md#ai-configuration): an account's own text for one prompt
 * type.
 */
@Entity('igny8_ai_prompts')
@Index('igny8_ai_prompts_account_type_uniq', ['account_id', 'prompt_type'], { unique: true })
@Check('igny8_ai_prompts_prompt_type_check', inList('prompt_type', PROMPT_TYPES))
export class AiPrompt extends TenantEntity {
  @Column({ type: 'varchar', length: 32 })
  prompt_type: PromptType;

  @Column({ type: 'text' })
  prompt_value: string;

  /** Copy of the global prompt when the row was created. */
  @Column({ type: 'text', default: '' })
  default_prompt: string;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}

/**
 * GlobalAIPrompt — `igny8_global_ai_prompts` (docs/domain-model.md#ai-configuration): one row per prompt
 * type.
 */
@Entity('igny8_global_ai_prompts')
@Check('igny8_global_ai_prompts_prompt_type_check', inList('prompt_type', PROMPT_TYPES))
export class GlobalAiPrompt extends TimestampedEntity {
  @Index('igny8_global_ai_prompts_prompt_type_uniq', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  prompt_type: PromptType;

  @Column({ type: 'text' })
  prompt_value: string;

  /** Placeholder names used in the text, e.g. `["[IGNY8_KEYWORDS]"]`. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  variables: string[];

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}
