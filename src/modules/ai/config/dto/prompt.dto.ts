import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Bool, Choice, Text } from '../../../../common/http/fields.js';
import { PROMPT_TYPES, type PromptType } from '../../entities/ai-prompt.entity.js';

/** Longest prompt text accepted (characters). */
export const PROMPT_MAX_LENGTH = 20_000;

export class AiPromptDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty({ enum: PROMPT_TYPES }) prompt_type: string;
  @ApiProperty() prompt_value: string;
  @ApiProperty({ description: 'The global prompt text when the row was created.' }) default_prompt: string;
  @ApiProperty() is_active: boolean;
}

export class PromptByTypeDto {
  @ApiProperty({ enum: PROMPT_TYPES }) prompt_type: string;
  @ApiProperty({ description: "The account's prompt, or the global one." }) prompt_value: string;
  @ApiProperty({ description: 'The global prompt text (for an account prompt: as it was when created).' })
  default_prompt: string;
  @ApiProperty({ description: 'Whether the account has its own prompt of this type.' }) is_custom: boolean;
  @ApiProperty() is_active: boolean;
}

export class SavePromptDto {
  @ApiProperty({ enum: PROMPT_TYPES })
  @Choice(PROMPT_TYPES, { required: true })
  prompt_type: PromptType;

  @ApiProperty({ maxLength: PROMPT_MAX_LENGTH })
  @Text({ required: true, max: PROMPT_MAX_LENGTH, blank: false })
  prompt_value: string;
}

export class ResetPromptDto {
  @ApiProperty({ enum: PROMPT_TYPES })
  @Choice(PROMPT_TYPES, { required: true })
  prompt_type: PromptType;
}

export class UpdatePromptDto {
  @ApiPropertyOptional({ maxLength: PROMPT_MAX_LENGTH })
  @Text({ max: PROMPT_MAX_LENGTH, blank: false })
  prompt_value?: string;

  @ApiPropertyOptional()
  @Bool()
  is_active?: boolean;
}
