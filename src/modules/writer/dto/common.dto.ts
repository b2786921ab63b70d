import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Choice, Pk } from '../../../common/http/fields.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from '../../planner/entities/content-kinds.js';

/** `site_id*` and `sector_id*` of a new task or content (create-only, api.md 8). */
export class PlaceDto {
  @ApiProperty({ description: 'A site the caller can see.' })
  @Pk({ required: true })
  site_id: number;

  @ApiProperty({ description: 'A sector of the site.' })
  @Pk({ required: true })
  sector_id: number;
}

/** `content_type` and `content_structure` (domain.md §3.6), writable on tasks and content. */
export class ContentKindDto {
  @ApiPropertyOptional({ enum: CONTENT_TYPES, default: 'post' })
  @Choice(CONTENT_TYPES)
  content_type?: ContentType;

  @ApiPropertyOptional({ enum: CONTENT_STRUCTURES, default: 'article' })
  @Choice(CONTENT_STRUCTURES)
  content_structure?: ContentStructure;
}

/** `{updated_count, skipped: [{id, reason}]}` of the task and content `bulk_update`. */
class SkippedRowDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'invalid_transition' }) reason: string;
}

export class BulkUpdateResultDto {
  @ApiProperty() updated_count: number;
  @ApiProperty({ type: [SkippedRowDto] }) skipped: SkippedRowDto[];
}
