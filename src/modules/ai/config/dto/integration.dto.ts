import { ApiProperty } from '@nestjs/swagger';
import { Bool, Choice, field, HttpUrl, Int, Text } from '../../../../common/http/fields.js';
import { Decimal } from './ai-model.dto.js';

const SECRET_MAX = 2_000;

/** A secret to store (encrypted); null or `""` clears it. Never returned. */
const Secret = () =>
  Text(
    { max: SECRET_MAX, nullable: true },
    { description: 'Write-only; stored encrypted. null or "" clears it.' },
  );

const JsonObject = () =>
  field(
    'json_object',
    (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? null : 'Must be a JSON object.',
    {},
    { type: 'object', additionalProperties: true },
  );

export class UpdateIntegrationProviderDto {
  @Text({ max: 100, blank: false }) display_name?: string;
  @Secret() api_key?: string | null;
  @Secret() api_secret?: string | null;
  @Secret() webhook_secret?: string | null;
  @HttpUrl({ max: 500, nullable: true }) api_endpoint?: string | null;
  @JsonObject() config?: Record<string, unknown>;
  @Bool() is_active?: boolean;
  @Bool() is_sandbox?: boolean;
}

export class IntegrationProviderDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() provider_id: string;
  @ApiProperty() display_name: string;
  @ApiProperty({ enum: ['ai', 'payment', 'email', 'storage'] }) provider_type: string;
  @ApiProperty({ type: String, nullable: true }) api_endpoint: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) config: Record<string, unknown>;
  @ApiProperty() is_active: boolean;
  @ApiProperty() is_sandbox: boolean;
  @ApiProperty() api_key_configured: boolean;
  @ApiProperty() api_secret_configured: boolean;
  @ApiProperty() webhook_secret_configured: boolean;
}

export class UpdateGlobalIntegrationDto {
  @Secret() openai_api_key?: string | null;
  @Text({ max: 100, blank: false }) openai_model?: string;
  @Decimal({ digits: 3, scale: 2, nullable: false }, { description: '0.00–2.00' })
  openai_temperature?: string | number;
  @Int({ min: 1, max: 1_000_000 }) openai_max_tokens?: number;
  @Secret() dalle_api_key?: string | null;
  @Text({ max: 100, blank: false }) dalle_model?: string;
  @Text({ max: 20, blank: false }) dalle_size?: string;
  @Secret() runware_api_key?: string | null;
  @Secret() anthropic_api_key?: string | null;
  @Secret() bria_api_key?: string | null;
  @Choice(['openai', 'anthropic']) default_text_provider?: string;
  @Text({ max: 100, blank: false }) default_text_model?: string;
  @Choice(['openai', 'runware', 'bria']) default_image_service?: string;
  @Choice(['standard', 'hd']) image_quality?: string;
  @Text({ max: 50, blank: false }) image_style?: string;
  @Int({ min: 1, max: 8 }) max_in_article_images?: number;
}

export class GlobalIntegrationDto {
  @ApiProperty() openai_model: string;
  @ApiProperty({ example: '0.70' }) openai_temperature: string;
  @ApiProperty() openai_max_tokens: number;
  @ApiProperty() dalle_model: string;
  @ApiProperty() dalle_size: string;
  @ApiProperty({ enum: ['openai', 'anthropic'] }) default_text_provider: string;
  @ApiProperty() default_text_model: string;
  @ApiProperty({ enum: ['openai', 'runware', 'bria'] }) default_image_service: string;
  @ApiProperty({ enum: ['standard', 'hd'] }) image_quality: string;
  @ApiProperty() image_style: string;
  @ApiProperty() max_in_article_images: number;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() openai_api_key_configured: boolean;
  @ApiProperty() dalle_api_key_configured: boolean;
  @ApiProperty() runware_api_key_configured: boolean;
  @ApiProperty() anthropic_api_key_configured: boolean;
  @ApiProperty() bria_api_key_configured: boolean;
}
