import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Min } from 'class-validator';
import { type AiFunctionName, MAX_IDS } from '../engine/ai-function.js';
import { TASK_FUNCTIONS, TASK_PHASES, TASK_STATUSES } from '../entities/ai-task-log.entity.js';

/**
 * `{"ids": [int, …]}` of an AI entry point, at most its `MAX_IDS`
 * (docs/api-conventions.md#ai-actions-and-tasks).
 */
function actionDto(fn: AiFunctionName) {
  const max = MAX_IDS[fn];
  class AiActionDto {
    @ApiProperty({ type: [Number], minItems: 1, maxItems: max, example: [1, 2, 3] })
    @IsArray()
    @ArrayMinSize(1)
    @ArrayMaxSize(max)
    @IsInt({ each: true })
    @Min(1, { each: true })
    ids: number[];
  }
  return AiActionDto;
}

export class AutoClusterDto extends actionDto('auto_cluster') {
  @ApiPropertyOptional({ description: 'Only the keywords of this sector are clustered.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  sector_id?: number;
}

export class GenerateIdeasDto extends actionDto('generate_ideas') {}
export class GenerateContentDto extends actionDto('generate_content') {}
export class GenerateImagePromptsDto extends actionDto('generate_image_prompts') {}
export class GenerateImagesDto extends actionDto('generate_images') {}

/** A task of `system/tasks/` (docs/api-conventions.md#ai-actions-and-tasks). */
export class TaskProgressDto {
  @ApiProperty({ enum: TASK_PHASES }) phase: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) percent: number;
  @ApiProperty() message: string;
}

export class AiTaskDto {
  @ApiProperty({ format: 'uuid' }) task_id: string;
  @ApiProperty({ enum: TASK_FUNCTIONS })
  function: string;
  @ApiProperty({ enum: TASK_STATUSES }) status: string;
  @ApiProperty({ type: TaskProgressDto }) progress: TaskProgressDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The function result once the task has ended; every `errors` entry is `{item_type, item_id, error, code}`.',
  })
  result: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() credits_used: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
}
