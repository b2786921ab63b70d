import { ApiProperty } from '@nestjs/swagger';
import { Choice, field, Text } from '../../../common/http/fields.js';
import { HEALTH_STATUSES, type HealthStatus } from '../entities/plugin-installation.entity.js';

const SEMVER = { regex: /^\d{1,5}\.\d{1,5}\.\d{1,5}$/, message: 'Enter a version like 1.2.3.' };
/** Versions reported by WordPress and PHP (e.g. `6.1.9`, `8.2.12-1+deb12u1`). */
const SOFTWARE_VERSION = { max: 20 } as const;
const MAX_DETAILS_CHARS = 10_000;

/** `details` of a health check: a JSON object of at most 10,000 characters. */
const HealthDetails = () =>
  field(
    'health_details',
    (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return 'Must be a JSON object.';
      return JSON.stringify(value).length > MAX_DETAILS_CHARS
        ? `Ensure this object has no more than ${MAX_DETAILS_CHARS} characters as JSON.`
        : null;
    },
    {},
    { type: 'object', additionalProperties: true },
  );

export class CheckUpdateDto {
  @Text({ required: true, max: 20, blank: false, pattern: SEMVER }, { example: '1.0.0' })
  current_version: string;

  @Text({ max: 500 }) site_url?: string;
  @Text(SOFTWARE_VERSION) wp_version?: string;
  @Text(SOFTWARE_VERSION) php_version?: string;
}

export class RegisterInstallationDto {
  @Text({ required: true, max: 500, blank: false }, { example: 'https://example.com' })
  site_url: string;

  @Text({ required: true, max: 20, blank: false, pattern: SEMVER }, { example: '1.0.0' })
  version: string;

  @Text(SOFTWARE_VERSION) wp_version?: string;
  @Text(SOFTWARE_VERSION) php_version?: string;
}

export class HealthCheckDto {
  @Text({ required: true, max: 20, blank: false, pattern: SEMVER }, { example: '1.0.0' })
  version: string;

  @Choice(HEALTH_STATUSES, {}, { default: 'healthy' }) status?: HealthStatus;

  @HealthDetails() details?: Record<string, unknown>;
}

export class UpdateCheckDto {
  @ApiProperty() update_available: boolean;
  @ApiProperty({ example: '1.0.0', nullable: true, type: String }) latest_version: string | null;
  @ApiProperty({ nullable: true, type: String }) download_url: string | null;
  @ApiProperty() changelog: string;
  @ApiProperty({ nullable: true, type: String }) checksum_sha256: string | null;
  @ApiProperty({ nullable: true, type: String }) min_wp_version: string | null;
  @ApiProperty({ nullable: true, type: String }) min_php_version: string | null;
}

export class PluginInfoDto {
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ nullable: true, type: String }) latest_version: string | null;
  @ApiProperty() changelog: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) released_at: string | null;
}

export class PluginInstallationDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty() plugin_id: number;
  @ApiProperty() site_id: number;
  @ApiProperty({ nullable: true, type: Number, description: 'The released version the site runs, if known.' })
  version_id: number | null;
  @ApiProperty() version: string;
  @ApiProperty() site_url: string;
  @ApiProperty() wp_version: string;
  @ApiProperty() php_version: string;
  @ApiProperty({ enum: HEALTH_STATUSES, nullable: true }) health_status: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_health_check_at: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty() update_available: boolean;
}

export class HealthCheckResultDto {
  @ApiProperty() installation_id: number;
  @ApiProperty({ enum: HEALTH_STATUSES }) health_status: string;
  @ApiProperty() update_available: boolean;
}
