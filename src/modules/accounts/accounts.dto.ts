import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { OptionalBoolean, OptionalChoice, OptionalText, RequiredText } from '../auth/dto/validators.js';
import { ACCOUNT_STATUSES, type AccountStatus } from '../identity/entities/account.entity.js';
import { Pk } from '../../common/http/fields.js';

let knownZones: Set<string> | undefined;

/**
 * The IANA time zone `zone` names, or null when it is not one: a canonical name is kept as sent,
 * an alias or other spelling (`utc`, `US/Eastern`) becomes the runtime's canonical name.
 */
export function canonicalTimeZone(zone: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return null;
  knownZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (knownZones.has(zone)) return zone;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An optional IANA time zone name. */
const OptionalTimeZone = () =>
  applyDecorators(
    IsOptional(),
    ValidateBy({
      name: 'timeZone',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimeZone(value) !== null,
        defaultMessage: () => 'Enter a valid IANA time zone name (e.g. "Europe/Berlin").',
      },
    }),
  );

const COUNTRY = { regex: /^[A-Za-z]{2}$/, message: 'Enter a two-letter ISO 3166-1 country code.' };

/** `PATCH auth/account/` and `PATCH account/settings/` (admin): the account's own settings. */
export class AccountSettingsDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @OptionalText({ max: 255, min: 1 })
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'A valid IANA time zone name.' })
  @OptionalTimeZone()
  account_timezone?: string;

  @ApiPropertyOptional({ type: 'string', format: 'email', nullable: true, maxLength: 254 })
  @OptionalText({ max: 254, email: true })
  billing_email?: string | null;

  @ApiPropertyOptional({ maxLength: 255 })
  @OptionalText({ max: 255 })
  billing_address_line1?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @OptionalText({ max: 255 })
  billing_address_line2?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @OptionalText({ max: 100 })
  billing_city?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @OptionalText({ max: 100 })
  billing_state?: string;

  @ApiPropertyOptional({ maxLength: 20 })
  @OptionalText({ max: 20 })
  billing_postal_code?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'US', description: 'ISO 3166-1 alpha-2.' })
  @OptionalText({ max: 2, pattern: COUNTRY })
  billing_country?: string | null;

  @ApiPropertyOptional({ maxLength: 50 })
  @OptionalText({ max: 50 })
  tax_id?: string;
}

/** `POST auth/accounts/` (developer). */
export class CreateAccountDto {
  @ApiProperty({ maxLength: 255 })
  @RequiredText({ max: 255 })
  name: string;

  @ApiProperty({ example: 'starter' })
  @RequiredText({ max: 50 })
  plan_slug: string;

  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES, default: 'trial' })
  @OptionalChoice(ACCOUNT_STATUSES)
  status?: AccountStatus;
}

/** `PUT/PATCH auth/accounts/{id}/` (developer). */
export class UpdateAccountDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @OptionalText({ max: 255, min: 1 })
  name?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES })
  @OptionalChoice(ACCOUNT_STATUSES)
  status?: AccountStatus;

  @ApiPropertyOptional()
  @OptionalBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Also moves the live subscription to this plan.' })
  @Pk()
  plan_id?: number;

  @ApiPropertyOptional({ example: 'UTC' })
  @OptionalTimeZone()
  account_timezone?: string;
}
