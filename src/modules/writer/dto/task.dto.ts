import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IdsDto } from '../../../common/http/ids.dto.js';
import { Choice, Int, Pk, Text } from '../../../common/http/fields.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from '../../planner/entities/content-kinds.js';
import { TASK_STATUSES, type TaskStatus } from '../entities/task.entity.js';
import { SiteSectorRowDto } from '../../planner/dto/common.dto.js';
import { ContentKindDto, PlaceDto } from './common.dto.js';

/* Request bodies and response schemas of `writer/tasks/` (api.md 9.5). */

/** The writable fields shared by create and update (required ones are marked per class). */
class TaskFieldsDto extends ContentKindDto {
  @ApiPropertyOptional()
  @Text()
  description?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'An idea of the same site and sector.',
  })
  @Pk({ nullable: true })
  idea_id?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'A taxonomy term of the same site.' })
  @Pk({ nullable: true })
  taxonomy_term_id?: number | null;

  @ApiPropertyOptional({ description: 'Comma-separated keyword text.' })
  @Text()
  keywords?: string;

  @ApiPropertyOptional({ minimum: 100, maximum: 10000, default: 1000 })
  @Int({ min: 100, max: 10000 })
  word_count?: number;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @Text({ nullable: true })
  prompt_override?: string | null;
}

export class CreateTaskDto extends IntersectionType(TaskFieldsDto, PlaceDto) {
  @ApiProperty({ maxLength: 255 })
  @Text({ required: true, max: 255, blank: false })
  title: string;

  @ApiProperty({ description: 'A cluster of the same site and sector.' })
  @Pk({ required: true })
  cluster_id: number;
}

/** PUT needs `title` and `cluster_id` (checked by the service); PATCH takes any subset. */
export class UpdateTaskDto extends TaskFieldsDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @Text({ max: 255, blank: false })
  title?: string;

  @ApiPropertyOptional()
  @Pk()
  cluster_id?: number;

  @ApiPropertyOptional({
    enum: TASK_STATUSES,
    description:
      'Clients may only set `queued`, from `failed` or `completed` (else 400 `invalid_transition`).',
  })
  @Choice(TASK_STATUSES)
  status?: TaskStatus;
}

export class TaskBulkUpdateDto extends IdsDto {
  @ApiProperty({ enum: ['queued'] })
  @Choice(['queued'], { required: true })
  status: 'queued';
}

export class TaskDto extends SiteSectorRowDto {
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty() cluster_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) idea_id: number | null;
  @ApiProperty({ enum: CONTENT_TYPES }) content_type: ContentType;
  @ApiProperty({ enum: CONTENT_STRUCTURES }) content_structure: ContentStructure;
  @ApiProperty({ type: 'integer', nullable: true }) taxonomy_term_id: number | null;
  @ApiProperty() keywords: string;
  @ApiProperty() word_count: number;
  @ApiProperty({ type: 'string', nullable: true }) prompt_override: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ type: 'string', nullable: true }) error_message: string | null;
  @ApiProperty({ type: 'string', nullable: true }) cluster_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) idea_title: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sector_name: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The live content written for the task.' })
  content_id: number | null;
}
