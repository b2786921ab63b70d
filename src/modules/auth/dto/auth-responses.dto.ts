import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACCOUNT_STATUSES } from '../../identity/entities/account.entity.js';
import { PAYMENT_PROVIDERS, SUBSCRIPTION_STATUSES } from '../../identity/entities/subscription.entity.js';
import { USER_ROLES } from '../../identity/entities/user.entity.js';
import { PlanDto, PlanRefDto } from '../../catalogue/dto/plan.dto.js';

/*
 * Response schemas for the OpenAPI document (docs/api-conventions.md#object-representations); the data itself
 * comes from presenters.ts.
 */

export class TokenPairDto {
  @ApiProperty({ description: 'JWT access token (15 minutes).' })
  access: string;

  @ApiProperty({ description: 'JWT refresh token (7 days, rotated on every use).' })
  refresh: string;

  @ApiProperty({ format: 'date-time' })
  access_expires_at: string;

  @ApiProperty({ format: 'date-time' })
  refresh_expires_at: string;
}

/** [base] columns. */
export class BaseRowDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** [base] + [soft] columns (null for live rows). */
export class SoftRowDto extends BaseRowDto {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) deleted_at: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) deleted_by: number | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) deleted_cascade_id: string | null;
}

export class AccountDto extends SoftRowDto {
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: 'integer', nullable: true }) owner_id: number | null;
  @ApiProperty() plan_id: number;
  @ApiProperty({ description: 'Plan pool' }) credits: number;
  @ApiProperty({ description: 'Purchased pool' }) bonus_credits: number;
  @ApiProperty({ description: 'Reserved by queued and running AI tasks' }) held_credits: number;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty() is_system: boolean;
  @ApiProperty({ example: 'UTC' }) account_timezone: string;
  @ApiProperty({ type: 'string', nullable: true }) billing_email: string | null;
  @ApiProperty() billing_address_line1: string;
  @ApiProperty() billing_address_line2: string;
  @ApiProperty() billing_city: string;
  @ApiProperty() billing_state: string;
  @ApiProperty() billing_postal_code: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'US' }) billing_country: string | null;
  @ApiProperty() tax_id: string;
  @ApiProperty({ type: 'string', nullable: true }) stripe_customer_id: string | null;
  @ApiProperty({ type: 'string', nullable: true }) paypal_customer_id: string | null;
  @ApiProperty() usage_ahrefs_queries: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) usage_period_start: string | null;
  @ApiProperty({ type: PlanRefDto }) plan: PlanRefDto;
  @ApiProperty({ description: 'credits + bonus_credits' }) total_credits: number;
  @ApiProperty() is_system_account: boolean;
}

export class UserDto extends SoftRowDto {
  @ApiProperty() account_id: number;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty() username: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ enum: USER_ROLES }) role: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty() is_superuser: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) active_site_id: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_login: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) tokens_valid_after: string | null;
  @ApiProperty({
    type: 'integer',
    description: 'Bumped when all sessions are revoked; access tokens of an older version are refused.',
  })
  token_version: number;
  @ApiProperty() full_name: string;
}

export class UserWithAccountDto extends UserDto {
  @ApiProperty({ type: AccountDto }) account: AccountDto;
}

export class SubscriptionDto extends BaseRowDto {
  @ApiProperty() account_id: number;
  @ApiProperty() plan_id: number;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES }) status: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) current_period_start: string | null;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'NULL for free-plan trials',
  })
  current_period_end: string | null;
  @ApiProperty() cancel_at_period_end: boolean;
  @ApiProperty({ enum: PAYMENT_PROVIDERS, nullable: true }) payment_provider: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_subscription_id: string | null;
  @ApiProperty({ type: PlanDto }) plan: PlanDto;
}

export class RegisterResponseDto {
  @ApiProperty({ type: UserWithAccountDto }) user: UserWithAccountDto;
  @ApiProperty({ type: TokenPairDto }) tokens: TokenPairDto;
  @ApiProperty({ type: SubscriptionDto }) subscription: SubscriptionDto;

  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      'The pending subscription invoice of a paid plan (one line: the plan for one month); null for free ' +
      'plans. The account and subscription stay `pending_payment` until it is paid.',
  })
  invoice: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description:
      'Stripe/PayPal checkout URL for a paid plan. Null for free plans, for bank transfer, and when the ' +
      'provider is not configured (the invoice `metadata.checkout_message` says so).',
  })
  checkout_url: string | null;

  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      'Bank-transfer instructions `{display_name, instructions, details}` configured for the billing ' +
      'country. Null for other methods and for free plans.',
  })
  payment_instructions: Record<string, unknown> | null;
}

export class LoginResponseDto {
  @ApiProperty({ type: UserWithAccountDto }) user: UserWithAccountDto;
  @ApiProperty({ type: TokenPairDto }) tokens: TokenPairDto;
}

export class PasswordChangeResponseDto {
  @ApiProperty({ type: TokenPairDto }) tokens: TokenPairDto;
}

export class RoleGroupDto {
  @ApiProperty({ enum: USER_ROLES }) value: string;
  @ApiProperty({ example: 'Admin' }) label: string;
  @ApiProperty({ example: 3 }) rank: number;
  @ApiProperty({ description: 'Whether the role can be given through `auth/users/`' }) assignable: boolean;
}
