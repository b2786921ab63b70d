import { applyDecorators } from '@nestjs/common';
import { IsOptional, isEmail, registerDecorator, type ValidationArguments } from 'class-validator';
import { type ApiExtras, ApiField } from '../../../common/http/fields.js';

/*
 * Field validators of the auth and account bodies, with one message per failure, worded like the
 * original API ("This field is required.", "Enter a valid email address."): unlike the common
 * fields, an optional one also passes null. Each also gives its OpenAPI schema (`ApiField`).
 */

interface TextRules {
  max: number;
  min?: number;
  email?: boolean;
  pattern?: { regex: RegExp; message: string };
}

function textProblem(value: unknown, rules: TextRules, required: boolean): string | null {
  if (value === undefined || value === null) return required ? 'This field is required.' : null;
  if (typeof value !== 'string') return 'Not a valid string.';
  if (required && value.trim() === '') return 'This field may not be blank.';
  if (value.length > rules.max) return `Ensure this field has no more than ${rules.max} characters.`;
  if (rules.min !== undefined && value.length < rules.min) {
    return `Ensure this field has at least ${rules.min} characters.`;
  }
  if (rules.email && !isEmail(value.trim())) return 'Enter a valid email address.';
  if (rules.pattern && value !== '' && !rules.pattern.regex.test(value)) return rules.pattern.message;
  return null;
}

function Text(rules: TextRules, required: boolean): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'text',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => textProblem(value, rules, required) === null,
        defaultMessage: (args?: ValidationArguments) =>
          textProblem(args?.value, rules, required) ?? 'Invalid value.',
      },
    });
  };
}

const textSchema = ({ max, min, email }: TextRules) =>
  ({ type: 'string', format: email ? 'email' : undefined, minLength: min, maxLength: max }) as const;

/** A required string of at most `max` characters. */
export const RequiredText = (rules: TextRules, api?: ApiExtras) =>
  applyDecorators(Text(rules, true), ApiField(textSchema(rules), { required: true }, api));

/** An optional string (absent or null allowed) of at most `max` characters. */
export const OptionalText = (rules: TextRules, api?: ApiExtras) =>
  applyDecorators(IsOptional(), Text(rules, false), ApiField(textSchema(rules), {}, api));

/** An optional value among `choices`. */
export function OptionalChoice(choices: readonly string[], api?: ApiExtras): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    ApiField({ enum: [...choices] }, {}, api),
    (target: object, propertyName: string | symbol) => {
      registerDecorator({
        name: 'choice',
        target: target.constructor,
        propertyName: propertyName as string,
        validator: {
          validate: (value: unknown) => typeof value === 'string' && choices.includes(value),
          defaultMessage: (args?: ValidationArguments) => `"${String(args?.value)}" is not a valid choice.`,
        },
      });
    },
  );
}

/** An optional boolean. */
export function OptionalBoolean(api?: ApiExtras): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    ApiField({ type: 'boolean' }, {}, api),
    (target: object, propertyName: string | symbol) => {
      registerDecorator({
        name: 'boolean',
        target: target.constructor,
        propertyName: propertyName as string,
        validator: {
          validate: (value: unknown) => typeof value === 'boolean',
          defaultMessage: () => 'Must be a valid boolean.',
        },
      });
    },
  );
}

/** Password rules: 8–128 characters, not entirely numeric, not equal to the email. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < 8) return 'This password is too short. It must contain at least 8 characters.';
  if (password.length > 128) return 'Ensure this field has no more than 128 characters.';
  if (/^\d+$/.test(password)) return 'This password is entirely numeric.';
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'The password is too similar to the email.';
  }
  return null;
}
