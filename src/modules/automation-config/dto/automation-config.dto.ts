import { ApiProperty } from '@nestjs/swagger';
import { Bool, Choice, Int } from '../../../common/http/fields.js';
import { AUTOMATION_RANGES } from '../entities/automation-config.entity.js';
import { AUTOMATION_FREQUENCIES, type AutomationFrequency } from '../next-run.js';
import { ClockTime, Timestamp } from './time-fields.js';

const range = (field: keyof typeof AUTOMATION_RANGES) => ({
  minimum: AUTOMATION_RANGES[field].min,
  maximum: AUTOMATION_RANGES[field].max,
});

/** AutomationConfig (docs/domain-model.md#automation-settings) as the API shows it. */
export class AutomationConfigDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty() site_id: number;
  @ApiProperty({ description: 'Enables scheduled runs.' }) is_enabled: boolean;
  @ApiProperty({ enum: AUTOMATION_FREQUENCIES }) frequency: string;
  @ApiProperty({ example: '02:00', description: 'Local time in the account time zone; the hour is used.' })
  scheduled_time: string;
  @ApiProperty(range('stage_1_batch_size')) stage_1_batch_size: number;
  @ApiProperty(range('stage_2_batch_size')) stage_2_batch_size: number;
  @ApiProperty(range('stage_3_batch_size')) stage_3_batch_size: number;
  @ApiProperty(range('stage_4_batch_size')) stage_4_batch_size: number;
  @ApiProperty(range('stage_5_batch_size')) stage_5_batch_size: number;
  @ApiProperty(range('stage_6_batch_size')) stage_6_batch_size: number;
  @ApiProperty({ ...range('within_stage_delay'), description: 'Seconds between batches.' })
  within_stage_delay: number;
  @ApiProperty({ ...range('between_stage_delay'), description: 'Seconds between stages.' })
  between_stage_delay: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_run_at: string | null;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Next scheduled start; null while `is_enabled` is false.',
  })
  next_run_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) test_trigger_at: string | null;
}

/** Any subset of the configuration (ranges in `AUTOMATION_RANGES`); `next_run_at` is recomputed. */
export class UpdateAutomationConfigDto {
  @Bool() is_enabled?: boolean;

  @Choice(AUTOMATION_FREQUENCIES, {}, { description: 'weekly: Mondays; monthly: the 1st.' })
  frequency?: AutomationFrequency;

  @ClockTime({}, { example: '02:00' }) scheduled_time?: string;
  @Int(AUTOMATION_RANGES.stage_1_batch_size) stage_1_batch_size?: number;
  @Int(AUTOMATION_RANGES.stage_2_batch_size) stage_2_batch_size?: number;
  @Int(AUTOMATION_RANGES.stage_3_batch_size) stage_3_batch_size?: number;
  @Int(AUTOMATION_RANGES.stage_4_batch_size) stage_4_batch_size?: number;
  @Int(AUTOMATION_RANGES.stage_5_batch_size) stage_5_batch_size?: number;
  @Int(AUTOMATION_RANGES.stage_6_batch_size) stage_6_batch_size?: number;
  @Int(AUTOMATION_RANGES.within_stage_delay) within_stage_delay?: number;
  @Int(AUTOMATION_RANGES.between_stage_delay) between_stage_delay?: number;

  @Timestamp(
    { nullable: true },
    { description: 'Developers only (ignored for other callers): start one scheduled run at this time.' },
  )
  test_trigger_at?: string | null;
}
