import { ApiProperty } from '@nestjs/swagger';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from '../entities/content-kinds.js';
import type { ContentStructure, ContentType } from '../entities/content-kinds.js';
import { Bool, Choice, IdList, Int, Pk, Text } from '../../../common/http/fields.js';
import { IDEA_STATUSES, type IdeaOutlineSection, type IdeaStatus } from '../entities/content-idea.entity.js';
import { BulkIdsDto, Outline, OUTLINE_SCHEMA, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schemas of `planner/ideas/`. */

class IdeaValuesDto {
  @Text() description?: string;
  @Pk({ nullable: true }, { description: 'A cluster of the same sector.' }) keyword_cluster_id?:
    number | null;

  @IdList({ max: 500 }, { description: 'Keywords of the same sector (replaces the list).' })
  keyword_ids?: number[];

  @Text({ max: 1000 }) target_keywords?: string;
  @Int({ min: 100, max: 10000 }, { default: 1000 }) estimated_word_count?: number;
  @Choice(CONTENT_TYPES, {}, { default: 'post' }) content_type?: ContentType;
  @Choice(CONTENT_STRUCTURES, {}, { default: 'article' }) content_structure?: ContentStructure;
  @Outline() outline?: IdeaOutlineSection[] | null;
  @Text() brief?: string;
  @Text({ max: 255 }) audience?: string;
  @Text({ max: 100 }) tone?: string;
  @Text() call_to_action?: string;
  @Text({ max: 10, blank: false }, { default: 'en' }) language?: string;
  @Bool({}, { default: false }) is_priority?: boolean;
  @Bool({}, { default: false }) disabled?: boolean;
}

export class CreateIdeaDto extends IdeaValuesDto {
  @Pk({ required: true }) site_id: number;
  @Pk({ required: true }, { description: 'A sector of the site.' }) sector_id: number;
  @Text({ required: true, max: 255, blank: false }) idea_title: string;
}

/** PUT needs `idea_title` (checked by the service); PATCH takes any subset. */
export class UpdateIdeaDto extends IdeaValuesDto {
  @Text({ max: 255, blank: false }, { description: 'Required for PUT.' }) idea_title?: string;
  @Choice(IDEA_STATUSES) status?: IdeaStatus;
}

export class IdeaBulkUpdateDto extends BulkIdsDto {
  @Choice(IDEA_STATUSES) status?: IdeaStatus;
  @Bool() disabled?: boolean;
  @Bool() is_priority?: boolean;
}

export class QueueIdeasDto {
  @IdList({ min: 1, max: 100, required: true }) ids: number[];
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
