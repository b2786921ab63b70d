import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { OptionalBoolean, OptionalChoice, OptionalText, RequiredText } from './validators.js';

export const PAYMENT_METHODS = ['stripe', 'paypal', 'bank_transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const USERNAME = {
  regex: /^[\w.@+-]+$/,
  message: 'Enter a valid username: letters, digits and @/./+/-/_ only.',
};
const COUNTRY = { regex: /^[A-Za-z]{2}$/, message: 'Enter a two-letter ISO 3166-1 country code.' };

/** `POST auth/register/`. */
export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'owner@example.com' })
  @RequiredText({ max: 254, email: true })
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 128, description: 'Not entirely numeric, not equal to the email.' })
  @RequiredText({ max: 128 })
  password: string;

  @ApiPropertyOptional({ description: 'When sent, must equal `password`.' })
  @OptionalText({ max: 128 })
  password_confirm?: string;

  @ApiPropertyOptional({ maxLength: 150 })
  @OptionalText({ max: 150 })
  first_name?: string;

  @ApiPropertyOptional({ maxLength: 150 })
  @OptionalText({ max: 150 })
  last_name?: string;

  @ApiPropertyOptional({ maxLength: 150, description: 'Defaults to the email local part (made unique).' })
  @OptionalText({ max: 150, pattern: USERNAME })
  username?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'Workspace name; defaults to the email local part.' })
  @OptionalText({ max: 255 })
  account_name?: string;

  @ApiPropertyOptional({ default: 'free-trial', description: 'An active, non-internal plan.' })
  @OptionalText({ max: 50 })
  plan_slug?: string;

  @ApiPropertyOptional({
    enum: PAYMENT_METHODS,
    description: 'Required for a paid plan; must be available for `billing_country`. Ignored for free plans.',
  })
  @OptionalChoice(PAYMENT_METHODS)
  payment_method?: PaymentMethod;

  @ApiPropertyOptional({ example: 'US', description: 'ISO 3166-1 alpha-2.' })
  @OptionalText({ max: 2, pattern: COUNTRY })
  billing_country?: string;
}

/** `POST auth/login/`. */
export class LoginDto {
  @ApiProperty({ format: 'email' })
  @RequiredText({ max: 254 })
  email: string;

  @ApiProperty()
  @RequiredText({ max: 1024 })
  password: string;
}

/** `POST auth/token/refresh/`. */
export class RefreshDto {
  @ApiProperty({ description: 'A refresh token (JWT).' })
  @RequiredText({ max: 4096 })
  refresh: string;
}

/** `POST auth/logout/`. */
export class LogoutDto {
  @ApiPropertyOptional({ description: 'Revokes the token family of this refresh token.' })
  @OptionalText({ max: 4096 })
  refresh?: string;

  @ApiPropertyOptional({ description: 'Revokes every session of the user (all families, all cookies).' })
  @OptionalBoolean()
  all?: boolean;
}

/** `PATCH auth/me/` (a blank username is refused by the service). */
export class UpdateMeDto extends PickType(RegisterDto, ['first_name', 'last_name', 'username'] as const) {}

/** `POST auth/password/change/`. */
export class PasswordChangeDto {
  @ApiProperty()
  @RequiredText({ max: 1024 })
  old_password: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @RequiredText({ max: 128 })
  new_password: string;
}

/** `POST auth/password/reset/`. */
export class PasswordResetDto extends PickType(LoginDto, ['email'] as const) {}

/** `POST auth/password/reset/confirm/`. */
export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token of the emailed reset link.' })
  @RequiredText({ max: 256 })
  token: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @RequiredText({ max: 128 })
  new_password: string;
}
