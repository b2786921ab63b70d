import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IdsDto } from '../../../common/http/ids.dto.js';
import { Choice, IdList, JsonDocument, Pk, Strings, Text } from '../../../common/http/fields.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  SYNC_STATUSES,
  type ContentStructure,
  type ContentType,
  type SyncStatus,
} from '../../planner/entities/content-kinds.js';
import {
  CONTENT_SITE_STATUSES,
  CONTENT_SOURCES,
  CONTENT_STATUSES,
  type ContentSiteStatus,
  type ContentSource,
  type ContentStatus,
  type InternalLink,
} from '../entities/content.entity.js';
import { IMAGE_STATUSES, type ImageStatus } from '../entities/image.entity.js';
import { SiteSectorRowDto } from '../../planner/dto/common.dto.js';
import { ContentKindDto, PlaceDto } from './common.dto.js';

/* Request bodies and response schemas of `writer/content/`. */

/** The statuses a new content may start in (`published` only comes from a publish). */
export const CREATABLE_CONTENT_STATUSES = ['draft', 'review', 'approved'] as const;

class ContentFieldsDto extends ContentKindDto {
  @Text({}, { description: 'Article body (HTML); `word_count` is recomputed from it.' })
  content_html?: string;
  @Text({ max: 255 }) meta_title?: string;
  @Text({ max: 500 }) meta_description?: string;
  @Text({ max: 255 }) primary_keyword?: string;
  @Strings({ max: 100, itemMax: 255 }) secondary_keywords?: string[];
  @Pk({ nullable: true }, { description: 'A cluster of the same site and sector.' }) cluster_id?:
    number | null;

  @Pk({ nullable: true }, { description: 'A task of the same site and sector, without other live content.' })
  task_id?: number | null;

  @JsonDocument({ description: 'Structured data (JSON-LD): an object or an array.' })
  schema_markup?: Record<string, unknown> | unknown[] | null;

  @IdList({ max: 100, unique: true }, { description: 'Taxonomy terms of the same site (replaces the set).' })
  taxonomy_term_ids?: number[];
}

export class CreateContentDto extends IntersectionType(ContentFieldsDto, PlaceDto) {
  @Text({ required: true, max: 500, blank: false }) title: string;

  @Choice(CREATABLE_CONTENT_STATUSES, {}, { default: 'draft' })
  status?: (typeof CREATABLE_CONTENT_STATUSES)[number];
}

/** PUT needs `title` (checked by the service); PATCH takes any subset. */
export class UpdateContentDto extends ContentFieldsDto {
  @Text({ max: 500, blank: false }) title?: string;

  @Choice(
    CONTENT_STATUSES,
    {},
    {
      description:
        'Editorial status (`draft → review → approved`, back to `draft`, `approved → review`); ' +
        '`published` cannot be written (400 `invalid_transition`).',
    },
  )
  status?: ContentStatus;

  @Choice(
    CONTENT_SITE_STATUSES,
    {},
    { description: 'Read-only: accepted only unchanged (objects sent back whole); a change is a 400.' },
  )
  site_status?: ContentSiteStatus;
}

export class ContentBulkUpdateDto extends IdsDto {
  @Choice(CONTENT_STATUSES, { required: true }) status: ContentStatus;
}

class FeaturedImageDto {
  @ApiProperty() id: number;
  @ApiProperty({ type: 'string', nullable: true }) image_url: string | null;
  @ApiProperty({ enum: IMAGE_STATUSES }) status: ImageStatus;
}

export class ContentDto extends SiteSectorRowDto {
  @ApiProperty() title: string;
  @ApiProperty() content_html: string;
  @ApiProperty() word_count: number;
  @ApiProperty() meta_title: string;
  @ApiProperty() meta_description: string;
  @ApiProperty() primary_keyword: string;
  @ApiProperty({ type: [String] }) secondary_keywords: string[];
  @ApiProperty({ type: 'integer', nullable: true }) cluster_id: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) task_id: number | null;
  @ApiProperty({ enum: CONTENT_TYPES }) content_type: ContentType;
  @ApiProperty({ enum: CONTENT_STRUCTURES }) content_structure: ContentStructure;
  @ApiProperty({ enum: CONTENT_SOURCES }) source: ContentSource;
  @ApiProperty({ enum: CONTENT_STATUSES }) status: ContentStatus;
  @ApiProperty({ enum: CONTENT_SITE_STATUSES }) site_status: ContentSiteStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) scheduled_publish_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) published_at: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_url: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_type: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) external_metadata: Record<string, unknown>;
  @ApiProperty({ enum: SYNC_STATUSES }) sync_status: SyncStatus;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  schema_markup: Record<string, unknown> | unknown[] | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  internal_links: InternalLink[];
  @ApiProperty({ type: 'string', nullable: true }) cluster_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sector_name: string | null;
  @ApiProperty({ type: [Number] }) taxonomy_term_ids: number[];
  @ApiProperty({ type: FeaturedImageDto, nullable: true }) featured_image: FeaturedImageDto | null;
  @ApiProperty() images_count: number;
}

class ValidationIssueDto {
  @ApiProperty() field: string;
  @ApiProperty() message: string;
}

export class ContentValidationDto {
  @ApiProperty() is_valid: boolean;
  @ApiProperty({ type: [ValidationIssueDto] }) errors: ValidationIssueDto[];
  @ApiProperty({ type: [ValidationIssueDto] }) warnings: ValidationIssueDto[];
}
