import { ValidateBy } from 'class-validator';
import { ApiError, type FieldErrors } from '../../../common/http/error-codes.js';
import { REQUIRED } from '../../sites/dto/fields.js';

/*
 * Writer-specific body validators, in the style of sites/dto/fields.ts (one message per failure;
 * absent passes; `null` only where nullable). Each also whitelists its property.
 */

function rule(name: string, problem: (value: unknown) => string | null, nullable = false): PropertyDecorator {
  const check = (value: unknown): string | null => {
    if (value === undefined || (nullable && value === null)) return null;
    if (value === null) return 'This field may not be null.';
    return problem(value);
  };
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => check(value) === null,
      defaultMessage: (args) => check(args?.value) ?? 'Invalid value.',
    },
  });
}

/** A list of at most `max` distinct primary keys (visibility is checked by the service). */
export const PkList = ({ max }: { max: number }) =>
  rule('pk_list', (value) => {
    if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
    if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
    for (const item of value as unknown[]) {
      if (!(typeof item === 'number' && Number.isSafeInteger(item) && item > 0)) {
        return `Incorrect type. Expected pk value, received ${typeof item === 'string' ? 'str' : typeof item}.`;
      }
    }
    return new Set(value).size === value.length ? null : 'Items must be unique.';
  });

/** A list of at most `max` strings of at most `itemMax` characters (empty list allowed). */
export const Strings = ({ max, itemMax }: { max: number; itemMax: number }) =>
  rule('strings', (value) => {
    if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
    if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
    const bad = (value as unknown[]).find(
      (item) => typeof item !== 'string' || item.length > itemMax || item.includes('\0'),
    );
    return bad === undefined ? null : `Each item must be a string of at most ${itemMax} characters.`;
  });

/** A JSON object or array (structured data, e.g. JSON-LD), or null. */
export const JsonDocument = () =>
  rule(
    'json_document',
    (value) => (typeof value === 'object' ? null : 'Must be a JSON object or array.'),
    true,
  );

/** PUT replaces the whole object: the required fields must be present (PATCH takes any subset). */
export function requireForPut(body: object, fields: readonly string[], partial: boolean): void {
  if (partial) return;
  const errors: FieldErrors = {};
  for (const field of fields) {
    if ((body as Record<string, unknown>)[field] === undefined) errors[field] = [REQUIRED];
  }
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
}
