import { PickType } from '@nestjs/swagger';
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
  @RequiredText({ max: 254, email: true }, { example: 'owner@example.com' }) email: string;

  @RequiredText({ max: 128 }, { minLength: 8, description: 'Not entirely numeric, not equal to the email.' })
  password: string;

  @OptionalText({ max: 128 }, { description: 'When sent, must equal `password`.' }) password_confirm?: string;
  @OptionalText({ max: 150 }) first_name?: string;
  @OptionalText({ max: 150 }) last_name?: string;

  @OptionalText(
    { max: 150, pattern: USERNAME },
    { description: 'Defaults to the email local part (made unique).' },
  )
  username?: string;

  @OptionalText({ max: 255 }, { description: 'Workspace name; defaults to the email local part.' })
  account_name?: string;

  @OptionalText({ max: 50 }, { default: 'free-trial', description: 'An active, non-internal plan.' })
  plan_slug?: string;

  @OptionalChoice(PAYMENT_METHODS, {
    description: 'Required for a paid plan; must be available for `billing_country`. Ignored for free plans.',
  })
  payment_method?: PaymentMethod;

  @OptionalText({ max: 2, pattern: COUNTRY }, { example: 'US', description: 'ISO 3166-1 alpha-2.' })
  billing_country?: string;
}

/** `POST auth/login/`. */
export class LoginDto {
  @RequiredText({ max: 254 }, { format: 'email' }) email: string;
  @RequiredText({ max: 1024 }) password: string;
}

/** `POST auth/token/refresh/`. */
export class RefreshDto {
  @RequiredText({ max: 4096 }, { description: 'A refresh token (JWT).' }) refresh: string;
}

/** `POST auth/logout/`. */
export class LogoutDto {
  @OptionalText({ max: 4096 }, { description: 'Revokes the token family of this refresh token.' })
  refresh?: string;

  @OptionalBoolean({ description: 'Revokes every session of the user (all families, all cookies).' })
  all?: boolean;
}

/** `PATCH auth/me/` (a blank username is refused by the service). */
export class UpdateMeDto extends PickType(RegisterDto, ['first_name', 'last_name', 'username'] as const) {}

/** `POST auth/password/change/`. */
export class PasswordChangeDto {
  @RequiredText({ max: 1024 }) old_password: string;
  @RequiredText({ max: 128 }, { minLength: 8 }) new_password: string;
}

/** `POST auth/password/reset/`. */
export class PasswordResetDto extends PickType(LoginDto, ['email'] as const) {}

/** `POST auth/password/reset/confirm/`. */
export class PasswordResetConfirmDto {
  @RequiredText({ max: 256 }, { description: 'The token of the emailed reset link.' }) token: string;
  @RequiredText({ max: 128 }, { minLength: 8 }) new_password: string;
}
