import { ApiProperty } from '@nestjs/swagger';
import { type ApiExtras, Bool, Choice, field, Int } from '../../../common/http/fields.js';
import {
  CLOCK_TIME_MESSAGE,
  CLOCK_TIME_SCHEMA,
  isClockTime,
} from '../../automation-config/dto/time-fields.js';
import {
  MAX_TIME_SLOTS,
  POST_STATUSES,
  type PostStatus,
  PUBLISH_DAYS,
  PUBLISH_LIMIT_RANGES,
  type PublishDay,
} from '../entities/publishing-settings.entity.js';

const range = (field: keyof typeof PUBLISH_LIMIT_RANGES) => ({
  minimum: PUBLISH_LIMIT_RANGES[field].min,
  maximum: PUBLISH_LIMIT_RANGES[field].max,
});

/** A list of `min`–`max` distinct items, each passing `itemProblem`. */
function distinctList(min: number, max: number, itemProblem: (item: unknown) => string | null) {
  return (value: unknown): string | null => {
    if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
    if (value.length < min) return `Ensure this field has at least ${min} elements.`;
    if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
    for (const item of value as unknown[]) {
      const problem = itemProblem(item);
      if (problem) return problem;
    }
    return new Set(value).size === value.length ? null : 'Items must be unique.';
  };
}

const PublishDays = (api: ApiExtras) =>
  field(
    'publish_days',
    distinctList(1, PUBLISH_DAYS.length, (item) =>
      PUBLISH_DAYS.includes(item as PublishDay) ? null : `"${String(item)}" is not a valid choice.`,
    ),
    {},
    { enum: [...PUBLISH_DAYS], isArray: true, minItems: 1, maxItems: PUBLISH_DAYS.length, uniqueItems: true },
    api,
  );

const TimeSlots = (api: ApiExtras) =>
  field(
    'time_slots',
    distinctList(1, MAX_TIME_SLOTS, (item) => (isClockTime(item) ? null : CLOCK_TIME_MESSAGE)),
    {},
    { ...CLOCK_TIME_SCHEMA, isArray: true, minItems: 1, maxItems: MAX_TIME_SLOTS, uniqueItems: true },
    api,
  );

/** PublishingSettings (docs/domain-model.md#publishing-settings) as the API shows it. */
export class PublishingSettingsDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty() site_id: number;
  @ApiProperty({ description: 'Content entering `review` moves to `approved` automatically.' })
  auto_approval_enabled: boolean;
  @ApiProperty({ description: 'Approved content is scheduled and published by the scheduler.' })
  auto_publish_enabled: boolean;
  @ApiProperty(range('daily_publish_limit')) daily_publish_limit: number;
  @ApiProperty(range('weekly_publish_limit')) weekly_publish_limit: number;
  @ApiProperty(range('monthly_publish_limit')) monthly_publish_limit: number;
  @ApiProperty({ enum: PUBLISH_DAYS, isArray: true, example: ['mon', 'tue', 'wed', 'thu', 'fri'] })
  publish_days: string[];
  @ApiProperty({ type: [String], example: ['09:00', '14:00', '18:00'], description: 'Local `HH:MM` times.' })
  publish_time_slots: string[];
  @ApiProperty({ enum: POST_STATUSES, description: 'WordPress status used when publishing.' })
  default_post_status: string;
}

/** Any subset of the publishing settings (docs/domain-model.md#publishing-settings). */
export class UpdatePublishingSettingsDto {
  @Bool() auto_approval_enabled?: boolean;
  @Bool() auto_publish_enabled?: boolean;
  @Int(PUBLISH_LIMIT_RANGES.daily_publish_limit) daily_publish_limit?: number;
  @Int(PUBLISH_LIMIT_RANGES.weekly_publish_limit) weekly_publish_limit?: number;
  @Int(PUBLISH_LIMIT_RANGES.monthly_publish_limit) monthly_publish_limit?: number;
  @PublishDays({ description: 'At least one day; stored in week order.' }) publish_days?: PublishDay[];

  @TimeSlots({
    example: ['09:00', '14:00'],
    description: 'Distinct local `HH:MM` times; stored in ascending order.',
  })
  publish_time_slots?: string[];

  @Choice(POST_STATUSES) default_post_status?: PostStatus;
}
