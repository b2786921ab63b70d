import { ApiProperty } from '@nestjs/swagger';
import { Choice, Pk } from '../../../common/http/fields.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from '../../planner/entities/content-kinds.js';

/**
 * `site_id*` and `sector_id*` of a new task or content (create-only,
 * docs/api-conventions.md#object-representations).
 */
export class PlaceDto {
  @Pk({ required: true }, { description: 'A site the caller can see.' }) site_id: number;
  @Pk({ required: true }, { description: 'A sector of the site.' }) sector_id: number;
}

/**
 * `content_type` and `content_structure` (docs/domain-model.md#content-types-and-structures), writable on
 * tasks and content.
 */
export class ContentKindDto {
  @Choice(CONTENT_TYPES, {}, { default: 'post' }) content_type?: ContentType;
  @Choice(CONTENT_STRUCTURES, {}, { default: 'article' }) content_structure?: ContentStructure;
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
