import { applyDecorators } from '@nestjs/common';
import { IsOptional, ValidateBy } from 'class-validator';
import { OptionalBoolean, OptionalChoice, OptionalText, RequiredText } from '../auth/dto/validators.js';
import { ACCOUNT_STATUSES, type AccountStatus } from '../identity/entities/account.entity.js';
import { type ApiExtras, ApiField, Pk } from '../../common/http/fields.js';

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
const OptionalTimeZone = (api: ApiExtras) =>
  applyDecorators(
    IsOptional(),
    ApiField({ type: 'string' }, {}, api),
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
  @OptionalText({ max: 255, min: 1 }) name?: string;

  @OptionalTimeZone({ example: 'Europe/Berlin', description: 'A valid IANA time zone name.' })
  account_timezone?: string;

  @OptionalText({ max: 254, email: true }, { nullable: true }) billing_email?: string | null;
  @OptionalText({ max: 255 }) billing_address_line1?: string;
  @OptionalText({ max: 255 }) billing_address_line2?: string;
  @OptionalText({ max: 100 }) billing_city?: string;
  @OptionalText({ max: 100 }) billing_state?: string;
  @OptionalText({ max: 20 }) billing_postal_code?: string;

  @OptionalText(
    { max: 2, pattern: COUNTRY },
    { nullable: true, example: 'US', description: 'ISO 3166-1 alpha-2.' },
  )
  billing_country?: string | null;

  @OptionalText({ max: 50 }) tax_id?: string;
}

/** `POST auth/accounts/` (developer). */
export class CreateAccountDto {
  @RequiredText({ max: 255 }) name: string;
  @RequiredText({ max: 50 }, { example: 'starter' }) plan_slug: string;
  @OptionalChoice(ACCOUNT_STATUSES, { default: 'trial' }) status?: AccountStatus;
}

/** `PUT/PATCH auth/accounts/{id}/` (developer). */
export class UpdateAccountDto {
  @OptionalText({ max: 255, min: 1 }) name?: string;
  @OptionalChoice(ACCOUNT_STATUSES) status?: AccountStatus;
  @OptionalBoolean() is_active?: boolean;
  @Pk({}, { description: 'Also moves the live subscription to this plan.' }) plan_id?: number;
  @OptionalTimeZone({ example: 'UTC' }) account_timezone?: string;
}
