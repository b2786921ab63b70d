import { ApiError, type FieldErrors } from '../../../common/http/error-codes.js';
import { REQUIRED } from '../../../common/http/field-rule.js';

/** PUT replaces the whole object: the required fields must be present (PATCH takes any subset). */
export function requireForPut(body: object, fields: readonly string[], partial: boolean): void {
  if (partial) return;
  const errors: FieldErrors = {};
  for (const field of fields) {
    if ((body as Record<string, unknown>)[field] === undefined) errors[field] = [REQUIRED];
  }
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
}
