import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { fieldRule, type Presence, type Problem } from './field-rule.js';

/*
 * Request-body fields: one decorator per property gives both its validation (`fieldRule`: one
 * message per failure, worded like the original API) and its OpenAPI schema, derived from the same
 * rules — type, enum, bounds, nullable, required. What the rules cannot say (description, default,
 * example) comes in the optional `api` argument.
 */

/** What a field's OpenAPI schema says beyond its rules (what a service checks, examples, prose). */
export type ApiExtras = Pick<
  ApiPropertyOptions,
  'description' | 'default' | 'example' | 'format' | 'minLength' | 'nullable'
>;

/** The OpenAPI schema a rule implies, without presence (`required` comes from the rule's presence). */
export type RuleSchema = Omit<ApiPropertyOptions, 'required' | 'description' | 'default' | 'example'>;

export const nullableIf = ({ nullable }: Presence) => (nullable ? { nullable: true } : {});

/**
 * The OpenAPI side of a field: the schema its rules imply, then the extras, then `after` (the
 * int64 format ids get, where the document's own id pass would put it).
 */
export function ApiField(
  schema: RuleSchema,
  { required = false }: Presence,
  api: ApiExtras = {},
  after: RuleSchema = {},
): PropertyDecorator {
  return ApiProperty({ ...schema, ...api, ...after, required } as ApiPropertyOptions);
}

/** A request field from its rule (`name`, `problem`, `presence`) and the schema the rule implies. */
export function field(
  name: string,
  problem: Problem,
  presence: Presence,
  schema: RuleSchema,
  api?: ApiExtras,
  after?: RuleSchema,
): PropertyDecorator {
  return applyDecorators(fieldRule(name, problem, presence), ApiField(schema, presence, api, after));
}

export const notAList = (value: unknown) => `Expected a list of items but got type "${typeof value}".`;

const notAPk = (value: unknown) =>
  `Incorrect type. Expected pk value, received ${typeof value === 'string' ? 'str' : typeof value}.`;

function isPk(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

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

export const Text = (rules: TextRules = {}, api?: ApiExtras) =>
  field(
    'text',
    (value) => textProblem(value, rules),
    rules,
    { type: 'string', maxLength: rules.max, ...nullableIf(rules) },
    api,
  );

export const Choice = (choices: readonly string[], presence: Presence = {}, api?: ApiExtras) =>
  field(
    'choice',
    (value) =>
      typeof value === 'string' && choices.includes(value)
        ? null
        : `"${String(value)}" is not a valid choice.`,
    presence,
    { enum: [...choices], ...nullableIf(presence) },
    api,
  );

export const Bool = (presence: Presence = {}, api?: ApiExtras) =>
  field(
    'boolean',
    (value) => (typeof value === 'boolean' ? null : 'Must be a valid boolean.'),
    presence,
    { type: 'boolean', ...nullableIf(presence) },
    api,
  );

export interface IntRules extends Presence {
  min?: number;
  max?: number;
}

export const Int = ({ min, max, ...presence }: IntRules = {}, api?: ApiExtras) =>
  field(
    'integer',
    (value) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'A valid integer is required.';
      if (min !== undefined && value < min) return `Ensure this value is greater than or equal to ${min}.`;
      if (max !== undefined && value > max) return `Ensure this value is less than or equal to ${max}.`;
      return null;
    },
    presence,
    { type: 'integer', ...nullableIf(presence), minimum: min, maximum: max },
    api,
  );

const INT64 = { format: 'int64' } as const;

/** A primary key in a body: a positive integer (existence and visibility are checked by the service). */
export const Pk = (presence: Presence = {}, api?: ApiExtras) =>
  field(
    'pk',
    (value) => (isPk(value) ? null : notAPk(value)),
    presence,
    { type: 'integer', ...nullableIf(presence) },
    api,
    INT64,
  );

export interface IdListRules {
  min?: number;
  max: number;
  required?: boolean;
  unique?: boolean;
}

/** A list of `min`–`max` primary keys (existence and visibility are checked by the services). */
export const IdList = ({ min = 0, max, required = false, unique = false }: IdListRules, api?: ApiExtras) =>
  field(
    'id_list',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
      if (value.length < min) return `Ensure this field has at least ${min} elements.`;
      if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
      const bad: unknown = (value as unknown[]).find((item) => !isPk(item));
      if (bad !== undefined) return notAPk(bad);
      if (unique && new Set(value).size !== value.length) return 'Items must be unique.';
      return null;
    },
    { required },
    { type: 'integer', isArray: true, minItems: min > 0 ? min : undefined, maxItems: max },
    api,
  );

/** An absolute http(s) URL of at most `max` characters (`''` counts as null when nullable). */
export const HttpUrl = ({ max, ...presence }: Presence & { max: number }, api?: ApiExtras) =>
  field(
    'http_url',
    (value) => {
      if (typeof value !== 'string') return 'Not a valid string.';
      if (value === '' && presence.nullable) return null;
      if (value.length > max) return `Ensure this field has no more than ${max} characters.`;
      return isHttpUrl(value) ? null : 'Enter a valid URL.';
    },
    presence,
    { type: 'string', maxLength: max, ...nullableIf(presence) },
    api,
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
export const StringList = (
  { min, max, itemMax, unique = false, ...presence }: StringListRules,
  api?: ApiExtras,
) =>
  field(
    'string_list',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
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
    { type: 'string', isArray: true, minItems: min, maxItems: max, uniqueItems: unique || undefined },
    api,
  );

/** A list of at most `max` strings of at most `itemMax` characters (empty list allowed). */
export const Strings = ({ max, itemMax }: { max: number; itemMax: number }, api?: ApiExtras) =>
  field(
    'strings',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
      if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
      const bad = (value as unknown[]).find(
        (item) => typeof item !== 'string' || item.length > itemMax || item.includes('\0'),
      );
      return bad === undefined ? null : `Each item must be a string of at most ${itemMax} characters.`;
    },
    {},
    { type: 'string', isArray: true, maxItems: max },
    api,
  );

/** Any JSON list. */
export const JsonList = (api?: ApiExtras) =>
  field(
    'json_list',
    (value) => (Array.isArray(value) ? null : notAList(value)),
    {},
    { type: 'array', items: {} },
    api,
  );

/** A JSON object or array (structured data, e.g. JSON-LD), or null. */
export const JsonDocument = (api?: ApiExtras) =>
  field(
    'json_document',
    (value) => (typeof value === 'object' ? null : 'Must be a JSON object or array.'),
    { nullable: true },
    { type: 'object', additionalProperties: true, nullable: true },
    api,
  );
