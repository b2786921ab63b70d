import { ApiProperty, IntersectionType } from '@nestjs/swagger';
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

/* Request bodies and response schemas of `writer/tasks/`. */

/** The writable fields shared by create and update (required ones are marked per class). */
class TaskFieldsDto extends ContentKindDto {
  @Text() description?: string;
  @Pk({ nullable: true }, { description: 'An idea of the same site and sector.' }) idea_id?: number | null;

  @Pk({ nullable: true }, { description: 'A taxonomy term of the same site.' })
  taxonomy_term_id?: number | null;

  @Text({}, { description: 'Comma-separated keyword text.' }) keywords?: string;
  @Int({ min: 100, max: 10000 }, { default: 1000 }) word_count?: number;
  @Text({ nullable: true }) prompt_override?: string | null;
}

export class CreateTaskDto extends IntersectionType(TaskFieldsDto, PlaceDto) {
  @Text({ required: true, max: 255, blank: false }) title: string;
  @Pk({ required: true }, { description: 'A cluster of the same site and sector.' }) cluster_id: number;
}

/** PUT needs `title` and `cluster_id` (checked by the service); PATCH takes any subset. */
export class UpdateTaskDto extends TaskFieldsDto {
  @Text({ max: 255, blank: false }) title?: string;
  @Pk() cluster_id?: number;

  @Choice(
    TASK_STATUSES,
    {},
    {
      description:
        'Clients may only set `queued`, from `failed` or `completed` (else 400 `invalid_transition`).',
    },
  )
  status?: TaskStatus;
}

export class TaskBulkUpdateDto extends IdsDto {
  @Choice(['queued'], { required: true }) status: 'queued';
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
