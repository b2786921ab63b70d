import { ApiProperty } from '@nestjs/swagger';
import { Bool, Text } from '../../../../common/http/fields.js';

const LONG_TEXT = 10_000;

/** The writable fields of an author profile but `name`. */
class AuthorProfileValuesDto {
  @Text({ max: LONG_TEXT }) description?: string;
  @Text({ max: 100 }) tone?: string;
  @Text({ max: LONG_TEXT }) writing_style?: string;
  @Text({ max: LONG_TEXT }) target_audience?: string;
  @Text({ max: 10, blank: false }) language?: string;
  @Bool() is_default?: boolean;
  @Bool() is_active?: boolean;
}

export class CreateAuthorProfileDto extends AuthorProfileValuesDto {
  @Text({ required: true, max: 255, blank: false }) name: string;
}

/** PATCH: any subset; PUT: `name` is required as well. */
export class UpdateAuthorProfileDto extends AuthorProfileValuesDto {
  @Text({ max: 255, blank: false }) name?: string;
}

export class GlobalAuthorProfileDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() tone: string;
  @ApiProperty() writing_style: string;
  @ApiProperty() target_audience: string;
  @ApiProperty() language: string;
  @ApiProperty() is_active: boolean;
}

export class AuthorProfileDto extends GlobalAuthorProfileDto {
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty({ description: "The account's default profile, written into content prompts." })
  is_default: boolean;
}
