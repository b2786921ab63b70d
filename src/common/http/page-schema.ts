/*
 * Response schemas of paginated lists (docs/api-conventions.md#envelope). With one on its route, Fastify
 * writes a 200 answer with a serializer compiled from the schema (fast-json-stringify) instead of
 * JSON.stringify, about 2.5 times faster for a page of rows. The serializer writes each value as its schema
 * types it: a row schema must type every field as the presenter produces it. Fields it leaves out are still
 * written, after the others.
 */

import type { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';

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

/**
 * A field's JSON type as a client reads it: `integer` and `number` are both numbers, text with the
 * date-time format is a date, lists and objects are written as they are (`any`), null where allowed.
 */
type JsonType = `${'number' | 'string' | 'date-time' | 'boolean'}${'' | ' | null'}` | 'any';

function jsonType(
  type: unknown,
  { nullable = false, format }: { nullable?: boolean; format?: unknown },
): JsonType {
  const orNull = nullable ? (' | null' as const) : ('' as const);
  if (type === 'integer' || type === 'number' || type === Number) return `number${orNull}`;
  if (type === 'string' || type === String)
    return `${format === 'date-time' ? 'date-time' : 'string'}${orNull}`;
  if (type === 'boolean' || type === Boolean) return `boolean${orNull}`;
  return 'any';
}

/** The JSON type of each field a serializer row schema writes. */
export function schemaJsonTypes(row: Readonly<Record<string, FieldSchema>>): Record<string, JsonType> {
  return Object.fromEntries(
    Object.entries(row).map(([name, schema]) => {
      const types = ([] as unknown[]).concat(schema.type ?? []);
      const type = types.find((each) => each !== 'null');
      return [name, jsonType(type, { nullable: types.includes('null'), format: schema.format })];
    }),
  );
}

interface ApiPropertyMetadata {
  type?: unknown;
  isArray?: boolean;
  enum?: unknown;
  nullable?: boolean;
  format?: unknown;
}

/** The JSON type of each property of a response DTO, read from its OpenAPI (`@ApiProperty`) metadata. */
export function dtoJsonTypes(dto: Type<unknown>): Record<string, JsonType> {
  const prototype = dto.prototype as object;
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? []) as string[];
  return Object.fromEntries(
    keys.map((key) => {
      const name = key.slice(1);
      const property = Reflect.getMetadata(
        DECORATORS.API_MODEL_PROPERTIES,
        prototype,
        name,
      ) as ApiPropertyMetadata;
      const type = property.isArray ? 'array' : property.enum ? 'string' : property.type;
      return [name, jsonType(type, property)];
    }),
  );
}

/**
 * Throws unless `row` types exactly the fields `model` documents, as the model types them: the
 * fast serializer writes what OpenAPI shows.
 */
export function assertRowSchemaOf(model: Type<unknown>, row: Readonly<Record<string, FieldSchema>>): void {
  const documented = dtoJsonTypes(model);
  const written = schemaJsonTypes(row);
  const differences = [...new Set([...Object.keys(documented), ...Object.keys(written)])]
    .filter((name) => documented[name] !== written[name])
    .map(
      (name) => `${name}: documented ${documented[name] ?? 'absent'}, written ${written[name] ?? 'absent'}`,
    );
  if (differences.length > 0) {
    throw new Error(`The list row schema of ${model.name} differs from it: ${differences.join('; ')}`);
  }
}
