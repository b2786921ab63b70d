import { ValidateBy } from 'class-validator';

/*
 * Request-body field validators with one message per failure, worded like the original API.
 * Absent (undefined) passes unless `required`; `null` passes only when `nullable` (so a NOT NULL
 * column never receives null). Each decorator also whitelists its property (mass assignment:
 * undecorated fields are stripped by the global pipe).
 */

export const REQUIRED = 'This field is required.';

/** The message of what is wrong with a present, non-null value, or null when it is fine. */
export type Problem = (value: unknown) => string | null;

export interface Presence {
  required?: boolean;
  nullable?: boolean;
}

/** A property decorator from a `Problem`, named `name` in class-validator's metadata. */
export function fieldRule(
  name: string,
  problem: Problem,
  { required = false, nullable = false }: Presence = {},
): PropertyDecorator {
  const check = (value: unknown): string | null => {
    if (value === undefined) return required ? REQUIRED : null;
    if (value === null) return nullable ? null : 'This field may not be null.';
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
