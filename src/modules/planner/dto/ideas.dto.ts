import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from '../entities/content-kinds.js';
import type { ContentStructure, ContentType } from '../entities/content-kinds.js';
import { Bool, Choice, Int, Pk, Text } from '../../../common/http/fields.js';
import { IDEA_STATUSES, type IdeaOutlineSection, type IdeaStatus } from '../entities/content-idea.entity.js';
import { BulkIdsDto, IdList, Outline, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schemas of `planner/ideas/` (api.md 9.4). */

const OUTLINE_SCHEMA = {
  type: 'array',
  nullable: true,
  items: {
    type: 'object',
    properties: { heading: { type: 'string' }, points: { type: 'array', items: { type: 'string' } } },
  },
} as const;

class IdeaValuesDto {
  @ApiPropertyOptional() @Text() description?: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'A cluster of the same sector.' })
  @Pk({ nullable: true })
  keyword_cluster_id?: number | null;

  @ApiPropertyOptional({ type: [Number], description: 'Keywords of the same sector (replaces the list).' })
  @IdList({ min: 0, max: 500, required: false })
  keyword_ids?: number[];

  @ApiPropertyOptional({ maxLength: 1000 }) @Text({ max: 1000 }) target_keywords?: string;

  @ApiPropertyOptional({ minimum: 100, maximum: 10000, default: 1000 })
  @Int({ min: 100, max: 10000 })
  estimated_word_count?: number;

  @ApiPropertyOptional({ enum: CONTENT_TYPES, default: 'post' })
  @Choice(CONTENT_TYPES)
  content_type?: ContentType;

  @ApiPropertyOptional({ enum: CONTENT_STRUCTURES, default: 'article' })
  @Choice(CONTENT_STRUCTURES)
  content_structure?: ContentStructure;

  @ApiPropertyOptional(OUTLINE_SCHEMA) @Outline() outline?: IdeaOutlineSection[] | null;
  @ApiPropertyOptional() @Text() brief?: string;
  @ApiPropertyOptional({ maxLength: 255 }) @Text({ max: 255 }) audience?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @Text({ max: 100 }) tone?: string;
  @ApiPropertyOptional() @Text() call_to_action?: string;
  @ApiPropertyOptional({ maxLength: 10, default: 'en' }) @Text({ max: 10, blank: false }) language?: string;
  @ApiPropertyOptional({ default: false }) @Bool() is_priority?: boolean;
  @ApiPropertyOptional({ default: false }) @Bool() disabled?: boolean;
}

export class CreateIdeaDto extends IdeaValuesDto {
  @ApiProperty() @Pk({ required: true }) site_id: number;
  @ApiProperty({ description: 'A sector of the site.' }) @Pk({ required: true }) sector_id: number;
  @ApiProperty({ maxLength: 255 }) @Text({ required: true, max: 255, blank: false }) idea_title: string;
}

/** PUT needs `idea_title` (checked by the service); PATCH takes any subset. */
export class UpdateIdeaDto extends IdeaValuesDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'Required for PUT.' })
  @Text({ max: 255, blank: false })
  idea_title?: string;

  @ApiPropertyOptional({ enum: IDEA_STATUSES }) @Choice(IDEA_STATUSES) status?: IdeaStatus;
}

export class IdeaBulkUpdateDto extends BulkIdsDto {
  @ApiPropertyOptional({ enum: IDEA_STATUSES }) @Choice(IDEA_STATUSES) status?: IdeaStatus;
  @ApiPropertyOptional() @Bool() disabled?: boolean;
  @ApiPropertyOptional() @Bool() is_priority?: boolean;
}

export class QueueIdeasDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 100 })
  @IdList({ min: 1, max: 100 })
  ids: number[];
}

export class KeywordObjectDto {
  @ApiProperty() id: number;
  @ApiProperty() keyword: string;
}

export class IdeaDto extends SiteSectorRowDto {
  @ApiProperty() idea_title: string;
  @ApiProperty() description: string;
  @ApiProperty() target_keywords: string;
  @ApiProperty({ type: 'integer', nullable: true }) keyword_cluster_id: number | null;
  @ApiProperty({ enum: IDEA_STATUSES }) status: string;
  @ApiProperty() disabled: boolean;
  @ApiProperty() estimated_word_count: number;
  @ApiProperty({ enum: CONTENT_TYPES }) content_type: string;
  @ApiProperty({ enum: CONTENT_STRUCTURES }) content_structure: string;
  @ApiProperty(OUTLINE_SCHEMA) outline: IdeaOutlineSection[] | null;
  @ApiProperty() brief: string;
  @ApiProperty() audience: string;
  @ApiProperty() tone: string;
  @ApiProperty() call_to_action: string;
  @ApiProperty() language: string;
  @ApiProperty() is_priority: boolean;
  @ApiProperty({ type: [Number] }) keyword_ids: number[];
  @ApiProperty({ type: [KeywordObjectDto] }) keyword_objects: KeywordObjectDto[];
  @ApiProperty({ type: 'string', nullable: true }) keyword_cluster_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sector_name: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The task queued from the idea.' })
  task_id: number | null;
}

export class SkippedIdeaDto {
  @ApiProperty() idea_id: number;
  @ApiProperty({ enum: ['not_new', 'no_cluster', 'disabled'] }) reason: string;
}

export class QueueResultDto {
  @ApiProperty() created_count: number;
  @ApiProperty({ type: [Number] }) task_ids: number[];
  @ApiProperty({ type: [SkippedIdeaDto] }) skipped: SkippedIdeaDto[];
}
