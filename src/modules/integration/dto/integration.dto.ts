import { ApiProperty } from '@nestjs/swagger';
import { Bool, Choice, field, Pk, Text, textProblem } from '../../../common/http/fields.js';
import {
  AUTH_MODES,
  CONNECTION_STATUSES,
  INTEGRATION_PLATFORMS,
  INTEGRATION_SYNC_STATUSES,
  type AuthMode,
  type ConnectionStatus,
  type IntegrationPlatform,
  type IntegrationSyncStatus,
} from '../entities/site-integration.entity.js';
import {
  SYNC_DIRECTIONS,
  SYNC_EVENT_STATUSES,
  SYNC_EVENT_TYPES,
  type SyncDirection,
  type SyncEventStatus,
  type SyncEventType,
} from '../entities/sync-event.entity.js';

/* Request bodies and response schemas of `integration/integrations/` and `integration/sync-events/`. */

function plainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{username, application_password}`: both non-blank strings. */
const Credentials = () =>
  field(
    'credentials',
    (value) => {
      if (!plainObject(value)) return 'Must be an object with username and application_password.';
      const username = textProblem(value.username, { max: 255, blank: false });
      if (username) return `username: ${value.username === undefined ? 'This field is required.' : username}`;
      const password = textProblem(value.application_password, { max: 255, blank: false });
      if (password) {
        return `application_password: ${value.application_password === undefined ? 'This field is required.' : password}`;
      }
      return null;
    },
    {},
    { type: 'object', additionalProperties: true },
    {
      description:
        '`{username, application_password}`, application-password mode only; stored encrypted and never returned.',
    },
  );

const ConfigObject = () =>
  field(
    'config_object',
    (value) => (plainObject(value) ? null : 'Must be a JSON object.'),
    {},
    { type: 'object', additionalProperties: true },
  );

export interface CredentialsInput {
  username: string;
  application_password: string;
}

class IntegrationFieldsDto {
  @Choice(AUTH_MODES) auth_mode?: AuthMode;

  @Text(
    { max: 500 },
    { description: 'Absolute http(s) base URL without credentials; defaults to the site domain.' },
  )
  external_site_url?: string;

  @Bool() is_active?: boolean;
  @Bool() sync_enabled?: boolean;
  @Credentials() credentials?: CredentialsInput;
  @ConfigObject() config_json?: Record<string, unknown>;
}

export class CreateIntegrationDto extends IntegrationFieldsDto {
  @Pk({ required: true }, { description: 'A site the caller can see.' }) site_id: number;
  @Choice(INTEGRATION_PLATFORMS, { required: true }) platform: IntegrationPlatform;
}

export class UpdateIntegrationDto extends IntegrationFieldsDto {
  @Choice(INTEGRATION_PLATFORMS) platform?: IntegrationPlatform;
}

export class SyncRequestDto {
  @Choice(['metadata', 'from_external', 'to_external', 'both'], {}, { default: 'metadata' })
  direction?: 'metadata' | 'from_external' | 'to_external' | 'both';
}

const LabelCounts = () =>
  field(
    'label_counts',
    (value) => {
      if (!plainObject(value)) return 'Must be an object of {label, count} by slug.';
      for (const [slug, entry] of Object.entries(value)) {
        if (slug.length > 100) return 'Slugs may have at most 100 characters.';
        if (!plainObject(entry) || typeof entry.label !== 'string' || entry.label.length > 255) {
          return `${slug}: needs a label (string).`;
        }
        if (typeof entry.count !== 'number' || !Number.isSafeInteger(entry.count) || entry.count < 0) {
          return `${slug}: count must be a whole number ≥ 0.`;
        }
      }
      return Object.keys(value).length > 500 ? 'At most 500 entries.' : null;
    },
    { required: true },
    { type: 'object', additionalProperties: true },
  );

export class SiteStructureDto {
  @LabelCounts() post_types: Record<string, { label: string; count: number }>;
  @LabelCounts() taxonomies: Record<string, { label: string; count: number }>;
  @Text({ max: 50 }) plugin_version?: string;
  @Text({ max: 50 }) wp_version?: string;
  @Text({ max: 50 }) php_version?: string;
  @Text({ max: 50 }) seo_plugin?: string;
  @Text({ max: 50 }) timestamp?: string;
}

export class IntegrationCredentialsView {
  @ApiProperty() username: string;
  @ApiProperty() application_password_set: boolean;
}

export class IntegrationDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) created_by: number | null;
  @ApiProperty() site_id: number;
  @ApiProperty({ enum: INTEGRATION_PLATFORMS }) platform: IntegrationPlatform;
  @ApiProperty({ enum: AUTH_MODES }) auth_mode: AuthMode;
  @ApiProperty() external_site_url: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty() sync_enabled: boolean;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_sync_at: string | null;
  @ApiProperty({ enum: INTEGRATION_SYNC_STATUSES }) sync_status: IntegrationSyncStatus;
  @ApiProperty({ type: 'string', nullable: true }) sync_error: string | null;
  @ApiProperty({ enum: CONNECTION_STATUSES }) connection_status: ConnectionStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_connection_check_at:
    string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) config_json: Record<string, unknown>;
  @ApiProperty({ type: IntegrationCredentialsView, nullable: true })
  credentials: IntegrationCredentialsView | null;
}

export class SyncEventDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty() site_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) integration_id: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) content_id: number | null;
  @ApiProperty({ enum: SYNC_EVENT_TYPES }) event_type: SyncEventType;
  @ApiProperty({ enum: SYNC_DIRECTIONS }) direction: SyncDirection;
  @ApiProperty({ enum: SYNC_EVENT_STATUSES }) status: SyncEventStatus;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) http_status: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) duration_ms: number | null;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'string', nullable: true }) error_message: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload: Record<string, unknown>;
}

export class ConnectionResultDto {
  @ApiProperty() connected: boolean;
  @ApiProperty({ enum: CONNECTION_STATUSES }) connection_status: ConnectionStatus;
  @ApiProperty() message: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class SiteStructureResultDto {
  @ApiProperty() integration_id: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) content_types: Record<string, unknown>;
}

export class SyncStatusDto {
  @ApiProperty() integration_id: number;
  @ApiProperty({ enum: INTEGRATION_SYNC_STATUSES }) sync_status: IntegrationSyncStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_sync_at: string | null;
  @ApiProperty({ type: 'string', nullable: true }) sync_error: string | null;
  @ApiProperty({ enum: CONNECTION_STATUSES }) connection_status: ConnectionStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_connection_check_at:
    string | null;
  @ApiProperty({ type: [SyncEventDto] }) recent_events: SyncEventDto[];
}
