import { ApiProperty } from '@nestjs/swagger';
import { field, notAList } from '../../../common/http/fields.js';
import {
  NOTIFICATION_SEVERITIES,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../entities/notification.entity.js';

export class NotificationDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ nullable: true, type: Number }) created_by: number | null;
  @ApiProperty({ nullable: true, type: Number }) user_id: number | null;
  @ApiProperty({ nullable: true, type: Number }) site_id: number | null;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) notification_type: string;
  @ApiProperty() title: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: NOTIFICATION_SEVERITIES }) severity: string;
  @ApiProperty({ nullable: true, type: String }) action_url: string | null;
  @ApiProperty({ nullable: true, type: String }) action_label: string | null;
  @ApiProperty() is_read: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) read_at: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

export class UnreadCountDto {
  @ApiProperty() count: number;
}

export class ReadAllResultDto {
  @ApiProperty() updated_count: number;
}

export interface PreferenceChange {
  notification_type: NotificationType;
  in_app?: boolean;
  email?: boolean;
}

function preferenceProblem(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'Each item must be an object.';
  const { notification_type, in_app, email } = item as Record<string, unknown>;
  if (!(NOTIFICATION_TYPES as readonly unknown[]).includes(notification_type)) {
    return `"${String(notification_type)}" is not a valid notification type.`;
  }
  for (const flag of [in_app, email]) {
    if (flag !== undefined && typeof flag !== 'boolean') return 'in_app and email must be booleans.';
  }
  return null;
}

/** `{preferences: [{notification_type, in_app?, email?}, …]}`: the types to change (absent flags keep). */
export class UpdatePreferencesDto {
  @field(
    'preferences',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
      if (value.length > NOTIFICATION_TYPES.length * 2) return 'Too many items.';
      for (const item of value as unknown[]) {
        const problem = preferenceProblem(item);
        if (problem) return problem;
      }
      return null;
    },
    { required: true },
    { type: 'array', items: { type: 'object' } },
    { description: 'Items `{notification_type, in_app?, email?}`.' },
  )
  preferences: PreferenceChange[];
}

export class PreferenceViewDto {
  @ApiProperty({ enum: NOTIFICATION_TYPES }) notification_type: string;
  @ApiProperty() in_app: boolean;
  @ApiProperty() email: boolean;
}
