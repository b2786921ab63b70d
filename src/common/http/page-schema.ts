/*
 * Response schemas of paginated lists (docs/api-conventions.md#envelope). With one on its route, Fastify
 * writes a 200 answer with a serializer compiled from the schema (fast-json-stringify) instead of
 * JSON.stringify, about 2.5 times faster for a page of rows. The serializer writes each value as its schema
 * types it: a row schema must type every field as the presenter produces it. Fields it leaves out are still
 * written, after the others.
 */

/** JSON Schema of one field. */
export type FieldSchema = Readonly<Record<string, unknown>>;

export const field = {
  integer: { type: 'integer' },
  integerOrNull: { type: ['integer', 'null'] },
  string: { type: 'string' },
  stringOrNull: { type: ['string', 'null'] },
  boolean: { type: 'boolean' },
  /** A `Date` (written as `toISOString()`) or ISO text. */
  dateTime: { type: 'string', format: 'date-time' },
  dateTimeOrNull: { type: ['string', 'null'], format: 'date-time' },
  /** Any JSON value, written by JSON.stringify. */
  any: {},
} as const satisfies Record<string, FieldSchema>;

/** The schema of the `{success, count, next, previous, results, request_id}` envelope of `row` objects. */
export function pageSchema(row: Readonly<Record<string, FieldSchema>>): FieldSchema {
  return {
    type: 'object',
    additionalProperties: true,
    properties: {
      success: field.boolean,
      count: field.integer,
      next: field.stringOrNull,
      previous: field.stringOrNull,
      results: { type: 'array', items: { type: 'object', additionalProperties: true, properties: row } },
      request_id: field.string,
    },
  };
}
