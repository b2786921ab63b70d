import { ApiProperty } from '@nestjs/swagger';
import { Bool, field, Pk, Text } from '../../../../common/http/fields.js';
import { PROMPT_TYPES } from '../../entities/ai-prompt.entity.js';
import { PROMPT_MAX_LENGTH } from './prompt.dto.js';

/** Largest `settings` object accepted, in bytes of its JSON text. */
export const STRATEGY_SETTINGS_MAX_BYTES = 65_536;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{prompt_type: text}`: keys are prompt types, values texts of at most the prompt length. */
const PromptOverrides = () =>
  field(
    'prompt_overrides',
    (value) => {
      if (!isObject(value)) return 'Must be an object of prompt texts by prompt type.';
      for (const [key, text] of Object.entries(value)) {
        if (!(PROMPT_TYPES as readonly string[]).includes(key)) return `"${key}" is not a valid prompt type.`;
        if (typeof text !== 'string' || text.length > PROMPT_MAX_LENGTH || text.includes('\0')) {
          return `The "${key}" override must be a text of at most ${PROMPT_MAX_LENGTH} characters.`;
        }
      }
      return null;
    },
    {},
    {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: PROMPT_MAX_LENGTH },
    },
    { description: `Keys: ${PROMPT_TYPES.join(', ')}.` },
  );

/** Free-form options: a JSON object of at most `STRATEGY_SETTINGS_MAX_BYTES` bytes. */
const StrategySettings = () =>
  field(
    'strategy_settings',
    (value) => {
      if (!isObject(value)) return 'Must be a JSON object.';
      return Buffer.byteLength(JSON.stringify(value), 'utf8') > STRATEGY_SETTINGS_MAX_BYTES
        ? `Ensure this value has no more than ${STRATEGY_SETTINGS_MAX_BYTES} bytes as JSON.`
        : null;
    },
    {},
    { type: 'object', additionalProperties: true },
  );

class StrategyValuesDto {
  @Text({ max: 10_000 }) description?: string;
  @PromptOverrides() prompt_overrides?: Record<string, string>;
  @StrategySettings() settings?: Record<string, unknown>;
  @Bool() is_active?: boolean;
}

export class CreateStrategyDto extends StrategyValuesDto {
  @Text({ required: true, max: 255, blank: false }) name: string;
  @Pk({ nullable: true }, { description: 'A visible site; null or absent: account-wide.' })
  site_id?: number | null;
  @Pk({ nullable: true }, { description: 'A sector of the site; needs `site_id`.' })
  sector_id?: number | null;
}

/** `site_id` and `sector_id` are create-only: an update ignores them. */
export class UpdateStrategyDto extends StrategyValuesDto {
  @Text({ max: 255, blank: false }) name?: string;
}

export class StrategyDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: Number }) site_id: number | null;
  @ApiProperty({ nullable: true, type: Number }) sector_id: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  prompt_overrides: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings: Record<string, unknown>;
  @ApiProperty() is_active: boolean;
}
