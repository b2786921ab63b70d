import type { AiModel } from '../entities/ai-model.entity.js';
import type { AiPrompt } from '../entities/ai-prompt.entity.js';
import type { AiSettings, SettingsQualityTier, EffectiveAiSettings } from '../entities/ai-settings.entity.js';

/*
 * API objects (docs/api-conventions.md#object-representations): every column under its name, from explicit
 * lists (relations never leak).
 */

export function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = row[key];
  return out;
}

export const AI_MODEL_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'model_name',
  'display_name',
  'model_type',
  'provider',
  'input_cost_per_1m',
  'output_cost_per_1m',
  'context_window',
  'max_output_tokens',
  'cost_per_image',
  'valid_sizes',
  'landscape_size',
  'square_size',
  'quality_tier',
  'supports_json_mode',
  'supports_vision',
  'supports_function_calling',
  'tokens_per_credit',
  'credits_per_image',
  'is_active',
  'is_default',
  'sort_order',
  'updated_by',
] as const satisfies readonly (keyof AiModel)[];

export type AiModelView = Pick<AiModel, (typeof AI_MODEL_FIELDS)[number]>;

export function presentModel(model: AiModel): AiModelView {
  return pick(model, AI_MODEL_FIELDS);
}

export const AI_PROMPT_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'prompt_type',
  'prompt_value',
  'default_prompt',
  'is_active',
] as const satisfies readonly (keyof AiPrompt)[];

export type AiPromptView = Pick<AiPrompt, (typeof AI_PROMPT_FIELDS)[number]>;

export function presentPrompt(prompt: AiPrompt): AiPromptView {
  return pick(prompt, AI_PROMPT_FIELDS);
}

/** The settings an account or a site may override (docs/domain-model.md#ai-configuration); null inherits. */
export const AI_SETTING_FIELDS = [
  'text_model_id',
  'image_model_id',
  'quality_tier',
  'image_style',
  'max_images',
  'ideas_per_cluster',
  'default_word_count',
] as const satisfies readonly (keyof AiSettings)[];

export type AiSettingsValues = Pick<AiSettings, (typeof AI_SETTING_FIELDS)[number]>;

/** A level's own values; a level without a row has every value null. */
export function presentSettingsValues(row: AiSettings | null): AiSettingsValues {
  const values = {} as Record<(typeof AI_SETTING_FIELDS)[number], unknown>;
  for (const key of AI_SETTING_FIELDS) values[key] = row?.[key] ?? null;
  return values as AiSettingsValues;
}

/** Effective settings as the API shows them: model ids and names instead of whole models. */
export interface EffectiveAiSettingsView {
  text_model_id: number;
  text_model: string;
  image_model_id: number;
  image_model: string;
  quality_tier: SettingsQualityTier;
  image_style: string;
  max_images: number;
  ideas_per_cluster: number;
  default_word_count: number;
}

export function presentEffective(settings: EffectiveAiSettings): EffectiveAiSettingsView {
  return {
    text_model_id: settings.text_model.id,
    text_model: settings.text_model.model_name,
    image_model_id: settings.image_model.id,
    image_model: settings.image_model.model_name,
    quality_tier: settings.quality_tier,
    image_style: settings.image_style,
    max_images: settings.max_images,
    ideas_per_cluster: settings.ideas_per_cluster,
    default_word_count: settings.default_word_count,
  };
}
