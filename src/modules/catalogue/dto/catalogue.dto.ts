import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEYWORD_INTENTS, type KeywordIntent } from '../entities/seed-keyword.entity.js';
import { INT32_MAX } from '../../../common/csv/rows.js';
import { Bool, Choice, Int, Pk, Text } from '../../../common/http/fields.js';

/* Schemas of the public catalogue (industries) and the keyword library. */

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

/** The optional fields of a seed keyword (create and PATCH). */
class SeedKeywordFieldsDto {
  @Int({ min: 0, max: INT32_MAX }, { default: 0 }) volume?: number;
  @Int({ min: 0, max: 100 }, { default: 0 }) difficulty?: number;
  @Choice(KEYWORD_INTENTS, {}, { default: 'informational' }) intent?: KeywordIntent;

  @Text(
    { max: 2, blank: false, pattern: COUNTRY },
    { example: 'US', default: 'US', description: 'Stored uppercase.' },
  )
  country?: string;

  @Bool({}, { default: true }) is_active?: boolean;
}

export class CreateSeedKeywordDto extends SeedKeywordFieldsDto {
  @Text({ required: true, max: 255, blank: false }, { description: 'Trimmed, whitespace collapsed.' })
  keyword: string;

  @Pk({ required: true }) industry_id: number;
  @Pk({ required: true }, { description: 'An IndustrySector of `industry_id`.' }) sector_id: number;
}

/** PATCH: any subset; `sector_id` must stay a sector of `industry_id`. */
export class UpdateSeedKeywordDto extends SeedKeywordFieldsDto {
  @Text({ max: 255, blank: false }, { description: 'Trimmed, whitespace collapsed.' }) keyword?: string;
  @Pk() industry_id?: number;
  @Pk({}, { description: 'An IndustrySector of `industry_id`.' }) sector_id?: number;
}
