import { ApiProperty, PickType } from '@nestjs/swagger';
import { RUN_STATUSES, TRIGGER_TYPES } from '../entities/automation-run.entity.js';
import { HISTORY_FIELDS } from '../presenters.js';

const STAGE_RESULT = {
  type: 'object',
  additionalProperties: true,
  nullable: true,
  description:
    'Written after every batch: `stage`, `name`, `status` (pending, running, completed, partial, skipped, ' +
    'failed), `items_total`, `items_processed`, `items_created`, `items_failed`, `credits_used`, ' +
    '`started_at`, `completed_at`, `skip_reason`, `errors` (at most 50).',
} as const;

/** AutomationRun as the API shows it. */
export class AutomationRunDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'run_20260101_020000_0a1b2c3d' }) run_id: string;
  @ApiProperty() account_id: number;
  @ApiProperty() site_id: number;
  @ApiProperty({ enum: TRIGGER_TYPES }) trigger_type: string;
  @ApiProperty({ enum: RUN_STATUSES }) status: string;
  @ApiProperty({ minimum: 1, maximum: 7 }) current_stage: number;
  @ApiProperty(STAGE_RESULT) stage_1_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_2_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_3_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_4_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_5_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_6_result: object | null;
  @ApiProperty(STAGE_RESULT) stage_7_result: object | null;
  @ApiProperty() total_credits_used: number;
  @ApiProperty() estimated_credits: number;
  @ApiProperty({ type: String, nullable: true }) error_message: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) task_id: string | null;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paused_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resumed_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelled_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completed_at: string | null;
}

/** One run of `history/`: the run without its stage results. */
export class RunHistoryEntryDto extends PickType(AutomationRunDto, HISTORY_FIELDS) {}

export class RunStartedDto {
  @ApiProperty({ format: 'uuid' }) task_id: string;
  @ApiProperty() run_id: string;
}

export class StageEstimateDto {
  @ApiProperty() quantity: number;
  @ApiProperty() credits: number;
}

export class EstimateDto {
  @ApiProperty() estimated_credits: number;
  @ApiProperty({ description: 'ceil(1.2 × estimated_credits)' }) required_credits: number;
  @ApiProperty({ description: 'Available balance.' }) balance: number;
  @ApiProperty() sufficient: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/StageEstimateDto' },
    description: '`stage_1` … `stage_7`',
  })
  breakdown: Record<string, StageEstimateDto>;
}

export class RunLogsDto {
  @ApiProperty() run_id: string;
  @ApiProperty({ type: [String] }) lines: string[];
}

export class PipelineStageDto {
  @ApiProperty() stage: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Eligible items right now.' }) pending: number;
}

export class PipelineOverviewDto {
  @ApiProperty() site_id: number;
  @ApiProperty({ type: [PipelineStageDto] }) stages: PipelineStageDto[];
}

export class CurrentItemDto {
  @ApiProperty() type: string;
  @ApiProperty() id: number;
  @ApiProperty() label: string;
}

export class CurrentProcessingDto {
  @ApiProperty() run_id: string;
  @ApiProperty() stage: number;
  @ApiProperty() stage_name: string;
  @ApiProperty({ type: CurrentItemDto, nullable: true }) item: CurrentItemDto | null;
  @ApiProperty() processed: number;
  @ApiProperty() total: number;
}
