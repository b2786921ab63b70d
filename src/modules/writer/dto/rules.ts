import { ApiError, type FieldErrors } from '../../../common/http/error-codes.js';
import { fieldRule, REQUIRED } from '../../../common/http/field-rule.js';

/*
 * Writer-specific body validators, in the style of sites/dto/fields.ts (one message per failure;
 * absent passes; `null` only where nullable). Each also whitelists its property.
 */

/** A list of at most `max` distinct primary keys (visibility is checked by the service). */
export const PkList = ({ max }: { max: number }) =>
  fieldRule('pk_list', (value) => {
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
  fieldRule('strings', (value) => {
    if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
    if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
    const bad = (value as unknown[]).find(
      (item) => typeof item !== 'string' || item.length > itemMax || item.includes('\0'),
    );
    return bad === undefined ? null : `Each item must be a string of at most ${itemMax} characters.`;
  });

/** A JSON object or array (structured data, e.g. JSON-LD), or null. */
export const JsonDocument = () =>
  fieldRule(
    'json_document',
    (value) => (typeof value === 'object' ? null : 'Must be a JSON object or array.'),
    {
      nullable: true,
    },
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
