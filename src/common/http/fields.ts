import { fieldRule, type Presence } from './field-rule.js';

export interface TextRules extends Presence {
  max?: number;
  /** Empty or whitespace-only text is refused ("may not be blank"). */
  blank?: boolean;
  pattern?: { regex: RegExp; message: string };
}

export function textProblem(value: unknown, { max, blank = true, pattern }: TextRules): string | null {
  if (typeof value !== 'string') return 'Not a valid string.';
  if (!blank && value.trim() === '') return 'This field may not be blank.';
  if (max !== undefined && value.length > max) return `Ensure this field has no more than ${max} characters.`;
  if (value.includes('\0')) return 'Null characters are not allowed.';
  if (pattern && value !== '' && !pattern.regex.test(value)) return pattern.message;
  return null;
}

export const Text = (rules: TextRules = {}) => fieldRule('text', (value) => textProblem(value, rules), rules);

export const Choice = (choices: readonly string[], presence: Presence = {}) =>
  fieldRule(
    'choice',
    (value) =>
      typeof value === 'string' && choices.includes(value)
        ? null
        : `"${String(value)}" is not a valid choice.`,
    presence,
  );

export const Bool = (presence: Presence = {}) =>
  fieldRule('boolean', (value) => (typeof value === 'boolean' ? null : 'Must be a valid boolean.'), presence);

export interface IntRules extends Presence {
  min?: number;
  max?: number;
}

export const Int = ({ min, max, ...presence }: IntRules = {}) =>
  fieldRule(
    'integer',
    (value) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'A valid integer is required.';
      if (min !== undefined && value < min) return `Ensure this value is greater than or equal to ${min}.`;
      if (max !== undefined && value > max) return `Ensure this value is less than or equal to ${max}.`;
      return null;
    },
    presence,
  );

/** A primary key in a body: a positive integer (existence and visibility are checked by the service). */
export const Pk = (presence: Presence = {}) =>
  fieldRule(
    'pk',
    (value) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value > 0
        ? null
        : `Incorrect type. Expected pk value, received ${typeof value === 'string' ? 'str' : typeof value}.`,
    presence,
  );

/** An absolute http(s) URL of at most `max` characters (`''` counts as null when nullable). */
export const HttpUrl = ({ max, ...presence }: Presence & { max: number }) =>
  fieldRule(
    'http_url',
    (value) => {
      if (typeof value !== 'string') return 'Not a valid string.';
      if (value === '' && presence.nullable) return null;
      if (value.length > max) return `Ensure this field has no more than ${max} characters.`;
      return isHttpUrl(value) ? null : 'Enter a valid URL.';
    },
    presence,
  );

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export interface StringListRules extends Presence {
  min: number;
  max: number;
  itemMax: number;
  unique?: boolean;
}

/** A list of non-blank strings, `min`–`max` items. */
export const StringList = ({ min, max, itemMax, unique = false, ...presence }: StringListRules) =>
  fieldRule(
    'string_list',
    (value) => {
      if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
      if (value.length < min) return `Ensure this field has at least ${min} elements.`;
      if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
      for (const item of value as unknown[]) {
        const problem = textProblem(item, { max: itemMax, blank: false });
        if (problem) return problem;
      }
      if (unique && new Set(value).size !== value.length) return 'Items must be unique.';
      return null;
    },
    presence,
  );
