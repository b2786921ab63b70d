import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IdsDto } from '../../../common/http/ids.dto.js';
import { Choice, Pk, Text } from '../../../common/http/fields.js';
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
import { JsonDocument, PkList, Strings } from './rules.js';

/* Request bodies and response schemas of `writer/content/` (api.md 9.5). */

/** The statuses a new content may start in (`published` only comes from a publish). */
export const CREATABLE_CONTENT_STATUSES = ['draft', 'review', 'approved'] as const;

class ContentFieldsDto extends ContentKindDto {
  @ApiPropertyOptional({ description: 'Article body (HTML); `word_count` is recomputed from it.' })
  @Text()
  content_html?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Text({ max: 255 })
  meta_title?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Text({ max: 500 })
  meta_description?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Text({ max: 255 })
  primary_keyword?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 100 })
  @Strings({ max: 100, itemMax: 255 })
  secondary_keywords?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'A cluster of the same site and sector.',
  })
  @Pk({ nullable: true })
  cluster_id?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'A task of the same site and sector, without other live content.',
  })
  @Pk({ nullable: true })
  task_id?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Structured data (JSON-LD): an object or an array.',
  })
  @JsonDocument()
  schema_markup?: Record<string, unknown> | unknown[] | null;

  @ApiPropertyOptional({
    type: [Number],
    maxItems: 100,
    description: 'Taxonomy terms of the same site (replaces the set).',
  })
  @PkList({ max: 100 })
  taxonomy_term_ids?: number[];
}

export class CreateContentDto extends IntersectionType(ContentFieldsDto, PlaceDto) {
  @ApiProperty({ maxLength: 500 })
  @Text({ required: true, max: 500, blank: false })
  title: string;

  @ApiPropertyOptional({ enum: CREATABLE_CONTENT_STATUSES, default: 'draft' })
  @Choice(CREATABLE_CONTENT_STATUSES)
  status?: (typeof CREATABLE_CONTENT_STATUSES)[number];
}

/** PUT needs `title` (checked by the service); PATCH takes any subset. */
export class UpdateContentDto extends ContentFieldsDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @Text({ max: 500, blank: false })
  title?: string;

  @ApiPropertyOptional({
    enum: CONTENT_STATUSES,
    description:
      'Editorial status per domain.md §12 (`draft → review → approved`, back to `draft`, `approved → review`); ' +
      '`published` cannot be written (400 `invalid_transition`).',
  })
  @Choice(CONTENT_STATUSES)
  status?: ContentStatus;

  @ApiPropertyOptional({
    enum: CONTENT_SITE_STATUSES,
    description: 'Read-only: accepted only unchanged (objects sent back whole); a change is a 400.',
  })
  @Choice(CONTENT_SITE_STATUSES)
  site_status?: ContentSiteStatus;
}

export class ContentBulkUpdateDto extends IdsDto {
  @ApiProperty({ enum: CONTENT_STATUSES })
  @Choice(CONTENT_STATUSES, { required: true })
  status: ContentStatus;
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
