import { ApiProperty } from '@nestjs/swagger';
import { INT32_MAX } from '../../../common/csv/rows.js';
import { KEYWORD_INTENTS } from '../../catalogue/entities/seed-keyword.entity.js';
import { Bool, Choice, IdList, Int, JsonList, Pk } from '../../../common/http/fields.js';
import { KEYWORD_STATUSES, type KeywordStatus } from '../entities/keyword.entity.js';
import { BulkIdsDto, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schemas of `planner/keywords/`. */

/** Fields both create and update accept. */
class KeywordValuesDto {
  @Int({ min: 0, max: INT32_MAX, nullable: true }, { description: "Replaces the seed's volume." })
  volume_override?: number | null;

  @Int({ min: 0, max: 100, nullable: true }) difficulty_override?: number | null;
  @JsonList({ default: [] }) attribute_values?: unknown[];

  @Pk(
    { nullable: true },
    { description: 'A cluster of the same sector; setting it maps the keyword, clearing it makes it `new`.' },
  )
  cluster_id?: number | null;

  @Bool({}, { default: false }) disabled?: boolean;
}

export class CreateKeywordDto extends KeywordValuesDto {
  @Pk({ required: true }) site_id: number;
  @Pk({ required: true }, { description: 'A sector of the site.' }) sector_id: number;

  @Pk(
    { required: true },
    { description: "An active seed keyword of the site's industry and of the sector's template." },
  )
  seed_keyword_id: number;
}

/** `site_id`, `sector_id` and `seed_keyword_id` are fixed after create (ignored here). */
export class UpdateKeywordDto extends KeywordValuesDto {
  @Choice(KEYWORD_STATUSES) status?: KeywordStatus;
}

export class KeywordBulkUpdateDto extends BulkIdsDto {
  @Choice(KEYWORD_STATUSES) status?: KeywordStatus;
  @Bool() disabled?: boolean;
}

export class BulkAddFromSeedDto {
  @Pk({ required: true }) site_id: number;
  @Pk({ required: true }) sector_id: number;
  @IdList({ min: 1, max: 500, required: true }) seed_keyword_ids: number[];
}

export class AddToWorkflowDto {
  @Pk({ required: true }) site_id: number;
  @IdList({ min: 1, max: 500, required: true }) seed_keyword_ids: number[];
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
