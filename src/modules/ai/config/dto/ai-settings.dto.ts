import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Choice, Int, Pk, Text } from '../../../../common/http/fields.js';
import { SETTINGS_QUALITY_TIERS, type SettingsQualityTier } from '../../entities/ai-settings.entity.js';

const IMAGE_STYLE_MAX_LENGTH = 50;

/** One level's own values (account or site); null = inherited. */
export class AiSettingsValuesDto {
  @ApiProperty({ nullable: true, type: Number }) text_model_id: number | null;
  @ApiProperty({ nullable: true, type: Number }) image_model_id: number | null;
  @ApiProperty({ nullable: true, enum: SETTINGS_QUALITY_TIERS }) quality_tier: string | null;
  @ApiProperty({ nullable: true, type: String }) image_style: string | null;
  @ApiProperty({ nullable: true, type: Number }) max_images: number | null;
  @ApiProperty({ nullable: true, type: Number }) ideas_per_cluster: number | null;
  @ApiProperty({ nullable: true, type: Number }) default_word_count: number | null;
}

/** The resolved settings (domain.md 8.9), with the chosen models' names. */
export class EffectiveAiSettingsDto {
  @ApiProperty() text_model_id: number;
  @ApiProperty({ example: 'gpt-4o-mini', description: "The text model's `model_name`." }) text_model: string;
  @ApiProperty() image_model_id: number;
  @ApiProperty({ example: 'gpt-image-1', description: "The image model's `model_name`." })
  image_model: string;
  @ApiProperty({ enum: SETTINGS_QUALITY_TIERS }) quality_tier: string;
  @ApiProperty() image_style: string;
  @ApiProperty() max_images: number;
  @ApiProperty() ideas_per_cluster: number;
  @ApiProperty() default_word_count: number;
}

export class AccountAiSettingsDto {
  @ApiProperty({
    type: AiSettingsValuesDto,
    description: "The account's own values (null = system default).",
  })
  account: AiSettingsValuesDto;
  @ApiProperty({
    type: EffectiveAiSettingsDto,
    description: 'What AI calls of the account use (without site overrides).',
  })
  effective: EffectiveAiSettingsDto;
}

/** Any subset; null clears the value (it inherits again). Ranges of domain.md 8.9. */
export class UpdateAiSettingsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'An active text model.' })
  @Pk({ nullable: true })
  text_model_id?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'An active image model.' })
  @Pk({ nullable: true })
  image_model_id?: number | null;

  @ApiPropertyOptional({ enum: SETTINGS_QUALITY_TIERS, nullable: true })
  @Choice(SETTINGS_QUALITY_TIERS, { nullable: true })
  quality_tier?: SettingsQualityTier | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: IMAGE_STYLE_MAX_LENGTH,
    example: 'photorealistic',
  })
  @Text({ max: IMAGE_STYLE_MAX_LENGTH, blank: false, nullable: true })
  image_style?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 8 })
  @Int({ min: 1, max: 8, nullable: true })
  max_images?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 10 })
  @Int({ min: 1, max: 10, nullable: true })
  ideas_per_cluster?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 100, maximum: 10_000 })
  @Int({ min: 100, max: 10_000, nullable: true })
  default_word_count?: number | null;
}
