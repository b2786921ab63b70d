import { ApiProperty } from '@nestjs/swagger';
import { INT32_MAX } from '../../../../common/csv/rows.js';
import { type ApiExtras, Bool, Choice, field, Int, Text } from '../../../../common/http/fields.js';
import {
  MODEL_PROVIDERS,
  MODEL_QUALITY_TIERS,
  MODEL_TYPES,
  type ModelProvider,
  type ModelQualityTier,
  type ModelType,
} from '../../entities/ai-model.entity.js';

export class AiModelDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ example: 'gpt-4o-mini', description: 'Provider model id; unique.' }) model_name: string;
  @ApiProperty() display_name: string;
  @ApiProperty({ enum: MODEL_TYPES }) model_type: string;
  @ApiProperty({ enum: MODEL_PROVIDERS }) provider: string;
  @ApiProperty({ nullable: true, type: String, example: '0.150000', description: 'USD per 1M input tokens.' })
  input_cost_per_1m: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '0.600000',
    description: 'USD per 1M output tokens.',
  })
  output_cost_per_1m: string | null;
  @ApiProperty({ nullable: true, type: Number }) context_window: number | null;
  @ApiProperty({ nullable: true, type: Number }) max_output_tokens: number | null;
  @ApiProperty({ nullable: true, type: String, example: '0.0400', description: 'USD per image.' })
  cost_per_image: string | null;
  @ApiProperty({ type: [String], example: ['1024x1024'] }) valid_sizes: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Featured images.' }) landscape_size:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'In-article images.' }) square_size:
    string | null;
  @ApiProperty({ nullable: true, enum: MODEL_QUALITY_TIERS, description: 'Image models only.' })
  quality_tier: string | null;
  @ApiProperty() supports_json_mode: boolean;
  @ApiProperty() supports_vision: boolean;
  @ApiProperty() supports_function_calling: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Text models; null → the billing default.' })
  tokens_per_credit: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Image models; required when active.' })
  credits_per_image: number | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty() is_default: boolean;
  @ApiProperty() sort_order: number;
  @ApiProperty({ nullable: true, type: Number, description: 'The developer who last changed the model.' })
  updated_by: number | null;
}

const SIZE = /^[1-9]\d{1,4}x[1-9]\d{1,4}$/;
const SIZE_MESSAGE = 'Enter a size as WIDTHxHEIGHT in pixels, e.g. "1024x1024".';
const MAX_SIZES = 20;

/**
 * A non-negative `numeric(digits, scale)` value, as a JSON number or a decimal string (the API
 * returns decimals as strings, so clients may send them back). Stored at exactly `scale` decimals.
 */
export const Decimal = (
  { digits, scale, nullable = true }: { digits: number; scale: number; nullable?: boolean },
  api: ApiExtras,
) =>
  field(
    'decimal',
    (value) => {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string') return 'A valid number is required.';
      if (/^-\d+(\.\d+)?$/.test(text)) return 'Ensure this value is greater than or equal to 0.';
      const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
      if (!match) return 'A valid number is required.';
      const [, whole, fraction = ''] = match;
      if (fraction.length > scale) return `Ensure that there are no more than ${scale} decimal places.`;
      if (whole.replace(/^0+/, '').length > digits - scale) {
        return `Ensure that there are no more than ${digits - scale} digits before the decimal point.`;
      }
      return null;
    },
    { nullable },
    { type: 'string', nullable },
    api,
  );

const Size = (api: ApiExtras) =>
  field(
    'size',
    (value) => (typeof value === 'string' && SIZE.test(value) ? null : SIZE_MESSAGE),
    { nullable: true },
    { type: 'string', nullable: true },
    api,
  );

const SizeList = (api: ApiExtras) =>
  field(
    'size_list',
    (value) => {
      if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
      if (value.length > MAX_SIZES) return `Ensure this field has no more than ${MAX_SIZES} elements.`;
      if (!(value as unknown[]).every((item) => typeof item === 'string' && SIZE.test(item)))
        return SIZE_MESSAGE;
      return new Set(value).size === value.length ? null : 'Items must be unique.';
    },
    {},
    { type: 'string', isArray: true, maxItems: MAX_SIZES },
    api,
  );

/** The fields of a model both on create and on PATCH (all optional). */
class AiModelFieldsDto {
  @Decimal(
    { digits: 12, scale: 6 },
    { example: '0.150000', description: 'USD per 1M input tokens; ≥ 0, 6 decimals.' },
  )
  input_cost_per_1m?: string | number | null;

  @Decimal(
    { digits: 12, scale: 6 },
    { example: '0.600000', description: 'USD per 1M output tokens; ≥ 0, 6 decimals.' },
  )
  output_cost_per_1m?: string | number | null;

  @Int({ min: 1, max: INT32_MAX, nullable: true }) context_window?: number | null;
  @Int({ min: 1, max: INT32_MAX, nullable: true }) max_output_tokens?: number | null;

  @Decimal({ digits: 10, scale: 4 }, { example: '0.0400', description: 'USD per image; ≥ 0, 4 decimals.' })
  cost_per_image?: string | number | null;

  @SizeList({ example: ['1024x1024', '1536x1024'] }) valid_sizes?: string[];

  @Size({ example: '1536x1024', description: 'One of `valid_sizes` when those are listed.' })
  landscape_size?: string | null;

  @Size({ example: '1024x1024', description: 'One of `valid_sizes` when those are listed.' })
  square_size?: string | null;

  @Choice(
    MODEL_QUALITY_TIERS,
    { nullable: true },
    { description: 'Required for image models; null for text models.' },
  )
  quality_tier?: ModelQualityTier | null;

  @Bool({}, { default: false }) supports_json_mode?: boolean;
  @Bool({}, { default: false }) supports_vision?: boolean;
  @Bool({}, { default: false }) supports_function_calling?: boolean;
  @Int({ min: 1, max: INT32_MAX, nullable: true }) tokens_per_credit?: number | null;

  @Int({ min: 0, max: INT32_MAX, nullable: true }, { description: 'Required for an active image model.' })
  credits_per_image?: number | null;

  @Bool({}, { default: true, description: 'A default model must be active.' }) is_active?: boolean;

  @Bool(
    {},
    {
      default: false,
      description:
        'Makes this the default text model, or the default image model of its tier: the previous default loses the flag. ' +
        'The default text model cannot be unset; make another text model the default instead.',
    },
  )
  is_default?: boolean;

  @Int({ min: 0, max: INT32_MAX }, { default: 0 }) sort_order?: number;
}

export class CreateAiModelDto extends AiModelFieldsDto {
  @Text({ required: true, max: 100, blank: false }, { example: 'gpt-4o-mini' }) model_name: string;
  @Text({ required: true, max: 100, blank: false }, { example: 'GPT-4o mini' }) display_name: string;
  @Choice(MODEL_TYPES, { required: true }) model_type: ModelType;
  @Choice(MODEL_PROVIDERS, { required: true }) provider: ModelProvider;
}

export class UpdateAiModelDto extends AiModelFieldsDto {
  @Text({ max: 100, blank: false }) model_name?: string;
  @Text({ max: 100, blank: false }) display_name?: string;
  @Choice(MODEL_TYPES) model_type?: ModelType;
  @Choice(MODEL_PROVIDERS) provider?: ModelProvider;
}
