import { ApiError, type FieldErrors } from './error-codes.js';

/*
 * Checks every request makes before any handler, whatever its DTO says: PostgreSQL refuses NUL in
 * text and bigint past its range with an error (a 500), and class-transformer recurses once per
 * nesting level (a stack overflow). Refusing them here keeps every route on the 400 path.
 */

/** Deepest array/object nesting a JSON body may have. */
export const MAX_JSON_DEPTH = 64;

/** Ids are bigint in the database and plain numbers in JSON: 1 … 2^53 − 1. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

export const INPUT_MESSAGES = {
  nullCharacter: 'Null characters are not allowed.',
  idTooSmall: 'Ensure this value is greater than or equal to 1.',
  idTooLarge: `Ensure this value is less than or equal to ${MAX_ID}.`,
  queryId: 'Enter a positive whole number.',
} as const;

/** `id`, `ids`, `site_id`, `keyword_ids`…: keys whose numbers name rows. */
const ID_KEY = /^ids?$|_ids?$/;
const DECIMAL = /^[+-]?\d+$/;

/** `/^[1-9]\d*$/` within 1 … MAX_ID: the only form a path id takes. */
export function isPathId(value: string): boolean {
  return /^[1-9]\d{0,15}$/.test(value) && Number(value) <= MAX_ID;
}

/**
 * Whether the JSON text nests arrays/objects deeper than `limit`, found by one pass over the text
 * (strings skipped) before anything is parsed or transformed.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that closes the string opened at `open` (the end of text when none does). */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

function add(errors: FieldErrors, field: string, message: string): void {
  const messages = (errors[field || 'non_field_errors'] ??= []);
  if (!messages.includes(message)) messages.push(message);
}

function idProblem(value: number): string | null {
  if (!Number.isInteger(value)) return null;
  if (value < 1) return INPUT_MESSAGES.idTooSmall;
  return value > MAX_ID ? INPUT_MESSAGES.idTooLarge : null;
}

/** A body value at `path`; `idKey` when its key names ids. Values in arrays report as their array. */
function checkBody(value: unknown, path: string, idKey: boolean, errors: FieldErrors): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) add(errors, path, INPUT_MESSAGES.nullCharacter);
    else if (idKey && DECIMAL.test(value)) {
      const problem = idProblem(Number(value));
      if (problem) add(errors, path, problem);
    }
  } else if (typeof value === 'number') {
    const problem = idKey ? idProblem(value) : null;
    if (problem) add(errors, path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const nested = item !== null && typeof item === 'object';
      checkBody(item, nested ? `${path}.${index}` : path, idKey, errors);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\0')) add(errors, path, INPUT_MESSAGES.nullCharacter);
      else checkBody(inner, path ? `${path}.${key}` : key, ID_KEY.test(key), errors);
    }
  }
}

/** A querystring as Fastify parses it: text values, repeated parameters as arrays. */
function checkQuery(query: Record<string, unknown>, errors: FieldErrors): void {
  for (const [key, raw] of Object.entries(query)) {
    if (key.includes('\0')) {
      add(errors, '', INPUT_MESSAGES.nullCharacter);
      continue;
    }
    for (const value of [raw].flat()) {
      if (typeof value !== 'string') continue;
      if (value.includes('\0')) add(errors, key, INPUT_MESSAGES.nullCharacter);
      else if (ID_KEY.test(key)) {
        const outOfRange = value
          .split(',')
          .map((part) => part.trim())
          .some((part) => DECIMAL.test(part) && idProblem(Number(part)) !== null);
        if (outOfRange) add(errors, key, INPUT_MESSAGES.queryId);
      }
    }
  }
}

/**
 * Throws 404 for a path parameter with NUL, else 400 `validation_error` naming every query or body
 * field with NUL or with an id outside 1 … 2^53 − 1.
 */
export function guardInput(request: { params?: unknown; query?: unknown; body?: unknown }): void {
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (Object.values(params).some((value) => typeof value === 'string' && value.includes('\0'))) {
    throw ApiError.notFound();
  }
  // Field names come from the request: no prototype, so `valueOf` or `__proto__` are plain keys.
  const errors = Object.create(null) as FieldErrors;
  if (request.query !== null && typeof request.query === 'object') {
    checkQuery(request.query as Record<string, unknown>, errors);
  }
  if (request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
    checkBody(request.body, '', false, errors);
  }
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
}
