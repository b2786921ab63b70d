import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INT32_MAX } from '../../../common/csv/rows.js';
import { KEYWORD_INTENTS } from '../../catalogue/entities/seed-keyword.entity.js';
import { Bool, Choice, Int, Pk } from '../../../common/http/fields.js';
import { KEYWORD_STATUSES, type KeywordStatus } from '../entities/keyword.entity.js';
import { BulkIdsDto, IdList, JsonList, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schemas of `planner/keywords/` (api.md 9.4). */

/** Fields both create and update accept. */
class KeywordValuesDto {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    description: "Replaces the seed's volume.",
  })
  @Int({ min: 0, max: INT32_MAX, nullable: true })
  volume_override?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 100 })
  @Int({ min: 0, max: 100, nullable: true })
  difficulty_override?: number | null;

  @ApiPropertyOptional({ type: 'array', items: {}, default: [] })
  @JsonList()
  attribute_values?: unknown[];

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'A cluster of the same sector; setting it maps the keyword, clearing it makes it `new`.',
  })
  @Pk({ nullable: true })
  cluster_id?: number | null;

  @ApiPropertyOptional({ default: false })
  @Bool()
  disabled?: boolean;
}

export class CreateKeywordDto extends KeywordValuesDto {
  @ApiProperty() @Pk({ required: true }) site_id: number;
  @ApiProperty({ description: 'A sector of the site.' }) @Pk({ required: true }) sector_id: number;

  @ApiProperty({ description: "An active seed keyword of the site's industry and of the sector's template." })
  @Pk({ required: true })
  seed_keyword_id: number;
}

/** `site_id`, `sector_id` and `seed_keyword_id` are fixed after create (ignored here). */
export class UpdateKeywordDto extends KeywordValuesDto {
  @ApiPropertyOptional({ enum: KEYWORD_STATUSES })
  @Choice(KEYWORD_STATUSES)
  status?: KeywordStatus;
}

export class KeywordBulkUpdateDto extends BulkIdsDto {
  @ApiPropertyOptional({ enum: KEYWORD_STATUSES }) @Choice(KEYWORD_STATUSES) status?: KeywordStatus;
  @ApiPropertyOptional() @Bool() disabled?: boolean;
}

export class BulkAddFromSeedDto {
  @ApiProperty() @Pk({ required: true }) site_id: number;
  @ApiProperty() @Pk({ required: true }) sector_id: number;

  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500 })
  @IdList({ min: 1, max: 500 })
  seed_keyword_ids: number[];
}

export class AddToWorkflowDto {
  @ApiProperty() @Pk({ required: true }) site_id: number;

  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500 })
  @IdList({ min: 1, max: 500 })
  seed_keyword_ids: number[];
}

export class KeywordDto extends SiteSectorRowDto {
  @ApiProperty() seed_keyword_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) volume_override: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) difficulty_override: number | null;
  @ApiProperty({ type: 'array', items: {} }) attribute_values: unknown[];
  @ApiProperty({ type: 'integer', nullable: true }) cluster_id: number | null;
  @ApiProperty({ enum: KEYWORD_STATUSES }) status: string;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ description: "The seed's text." }) keyword: string;
  @ApiProperty({ description: '`volume_override`, else the seed volume.' }) volume: number;
  @ApiProperty({ description: '`difficulty_override`, else the seed difficulty.' }) difficulty: number;
  @ApiProperty({ enum: KEYWORD_INTENTS }) intent: string;
  @ApiProperty({ example: 'US' }) country: string;
  @ApiProperty({ type: 'string', nullable: true }) cluster_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sector_name: string | null;
}

export class SkippedSeedDto {
  @ApiProperty() seed_keyword_id: number;
  @ApiProperty({ enum: ['already_exists', 'seed_mismatch', 'inactive', 'not_found', 'no_matching_sector'] })
  reason: string;
}

export class SeedAddResultDto {
  @ApiProperty() created_count: number;
  @ApiProperty() skipped_count: number;
  @ApiProperty({ type: [Number] }) keyword_ids: number[];
  @ApiProperty({ type: [SkippedSeedDto] }) skipped: SkippedSeedDto[];
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Row in the file; the header is row 1.' }) row: number;
  @ApiProperty() error: string;
}

export class ImportResultDto {
  @ApiProperty() created_count: number;
  @ApiProperty() skipped_count: number;
  @ApiProperty({ type: [ImportRowErrorDto] }) errors: ImportRowErrorDto[];
}
