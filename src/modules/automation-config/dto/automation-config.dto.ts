import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Bool, Choice, Int } from '../../../common/http/fields.js';
import { AUTOMATION_RANGES } from '../entities/automation-config.entity.js';
import { AUTOMATION_FREQUENCIES, type AutomationFrequency } from '../next-run.js';
import { ClockTime, Timestamp } from './time-fields.js';

const range = (field: keyof typeof AUTOMATION_RANGES) => ({
  minimum: AUTOMATION_RANGES[field].min,
  maximum: AUTOMATION_RANGES[field].max,
});

/** AutomationConfig (domain.md 4.1) as the API shows it. */
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

/** Any subset of the configuration (ranges of domain.md 4.1); `next_run_at` is recomputed. */
export class UpdateAutomationConfigDto {
  @ApiPropertyOptional()
  @Bool()
  is_enabled?: boolean;

  @ApiPropertyOptional({ enum: AUTOMATION_FREQUENCIES, description: 'weekly: Mondays; monthly: the 1st.' })
  @Choice(AUTOMATION_FREQUENCIES)
  frequency?: AutomationFrequency;

  @ApiPropertyOptional({ example: '02:00', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })
  @ClockTime()
  scheduled_time?: string;

  @ApiPropertyOptional(range('stage_1_batch_size'))
  @Int(AUTOMATION_RANGES.stage_1_batch_size)
  stage_1_batch_size?: number;

  @ApiPropertyOptional(range('stage_2_batch_size'))
  @Int(AUTOMATION_RANGES.stage_2_batch_size)
  stage_2_batch_size?: number;

  @ApiPropertyOptional(range('stage_3_batch_size'))
  @Int(AUTOMATION_RANGES.stage_3_batch_size)
  stage_3_batch_size?: number;

  @ApiPropertyOptional(range('stage_4_batch_size'))
  @Int(AUTOMATION_RANGES.stage_4_batch_size)
  stage_4_batch_size?: number;

  @ApiPropertyOptional(range('stage_5_batch_size'))
  @Int(AUTOMATION_RANGES.stage_5_batch_size)
  stage_5_batch_size?: number;

  @ApiPropertyOptional(range('stage_6_batch_size'))
  @Int(AUTOMATION_RANGES.stage_6_batch_size)
  stage_6_batch_size?: number;

  @ApiPropertyOptional(range('within_stage_delay'))
  @Int(AUTOMATION_RANGES.within_stage_delay)
  within_stage_delay?: number;

  @ApiPropertyOptional(range('between_stage_delay'))
  @Int(AUTOMATION_RANGES.between_stage_delay)
  between_stage_delay?: number;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Developers only (ignored for other callers): start one scheduled run at this time.',
  })
  @Timestamp({ nullable: true })
  test_trigger_at?: string | null;
}
