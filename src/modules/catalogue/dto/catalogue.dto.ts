import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEYWORD_INTENTS, type KeywordIntent } from '../entities/seed-keyword.entity.js';
import { Bool, Choice, Int, Pk, Text } from '../../../common/http/fields.js';

/* Schemas of the public catalogue (industries) and the keyword library (api.md 9.2). */

export class IndustrySectorRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() description: string;
}

export class IndustryDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() description: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty() sort_order: number;
  @ApiProperty({ type: [IndustrySectorRefDto], description: 'Active sectors, by sort order and name.' })
  sectors: IndustrySectorRefDto[];
}

export class SeedKeywordDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() keyword: string;
  @ApiProperty() industry_id: number;
  @ApiProperty({ description: 'An IndustrySector id.' }) sector_id: number;
  @ApiProperty() volume: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) difficulty: number;
  @ApiProperty({ enum: KEYWORD_INTENTS }) intent: string;
  @ApiProperty({ example: 'US' }) country: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty() industry_name: string;
  @ApiProperty() sector_name: string;
  @ApiPropertyOptional({
    description: 'Only when the list names a `site_id`: a keyword of that site uses the seed.',
  })
  added?: boolean;
}

export class SectorStatDto {
  @ApiProperty() sector_id: number;
  @ApiProperty() sector_name: string;
  @ApiProperty() sector_slug: string;
  @ApiProperty() keywords_count: number;
  @ApiProperty() total_volume: number;
}

const COUNTRY = { regex: /^[A-Za-z]{2}$/, message: 'Enter a two-letter ISO 3166-1 country code.' };
const INT32_MAX = 2_147_483_647;

/** The optional fields of a seed keyword (create and PATCH). */
class SeedKeywordFieldsDto {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @Int({ min: 0, max: INT32_MAX })
  volume?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0 })
  @Int({ min: 0, max: 100 })
  difficulty?: number;

  @ApiPropertyOptional({ enum: KEYWORD_INTENTS, default: 'informational' })
  @Choice(KEYWORD_INTENTS)
  intent?: KeywordIntent;

  @ApiPropertyOptional({ example: 'US', default: 'US', description: 'Stored uppercase.' })
  @Text({ max: 2, blank: false, pattern: COUNTRY })
  country?: string;

  @ApiPropertyOptional({ default: true })
  @Bool()
  is_active?: boolean;
}

export class CreateSeedKeywordDto extends SeedKeywordFieldsDto {
  @ApiProperty({ maxLength: 255, description: 'Trimmed, whitespace collapsed.' })
  @Text({ required: true, max: 255, blank: false })
  keyword: string;

  @ApiProperty()
  @Pk({ required: true })
  industry_id: number;

  @ApiProperty({ description: 'An IndustrySector of `industry_id`.' })
  @Pk({ required: true })
  sector_id: number;
}

/** PATCH: any subset; `sector_id` must stay a sector of `industry_id`. */
export class UpdateSeedKeywordDto extends SeedKeywordFieldsDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'Trimmed, whitespace collapsed.' })
  @Text({ max: 255, blank: false })
  keyword?: string;

  @ApiPropertyOptional()
  @Pk()
  industry_id?: number;

  @ApiPropertyOptional({ description: 'An IndustrySector of `industry_id`.' })
  @Pk()
  sector_id?: number;
}
