import fc from 'fast-check';

/** The parts of an OpenAPI 3 schema object the generator reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Components {
  schemas?: Record<string, Schema>;
}

/** Ids a generated `…_id`/`…_ids` field or `{id}` picks from (the caller's own and another tenant's). */
export interface IdPool {
  ids: readonly number[];
}

const MAX_DEPTH = 4;
const ID_KEY = /^ids?$|_ids?$/;

function resolve(schema: Schema, components: Components): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    current = components.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  if (current.allOf) {
    const parts = current.allOf.map((part) => resolve(part, components));
    return parts.reduce<Schema>(
      (merged, part) => ({
        ...merged,
        ...part,
        properties: { ...merged.properties, ...part.properties },
        required: [...(merged.required ?? []), ...(part.required ?? [])],
      }),
      {},
    );
  }
  return current;
}

/** Valid-shaped values of `schema` (ids drawn from `pool` where the key names ids). */
export function valueOf(
  schema: Schema,
  components: Components,
  pool: IdPool,
  key = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const types = [s.type ?? []].flat();
  const nullable = s.nullable === true || types.includes('null');
  const base = baseValue(s, types, components, pool, key, depth);
  return nullable ? fc.option(base, { nil: null, freq: 5 }) : base;
}

function baseValue(
  s: Schema,
  types: string[],
  components: Components,
  pool: IdPool,
  key: string,
  depth: number,
): fc.Arbitrary<unknown> {
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const variants = s.oneOf ?? s.anyOf;
  if (variants?.length) return fc.oneof(...variants.map((v) => valueOf(v, components, pool, key, depth)));
  const type = types.find((t) => t !== 'null') ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case 'integer':
    case 'number':
      if (ID_KEY.test(key) && pool.ids.length > 0) return fc.constantFrom(...pool.ids);
      return type === 'integer'
        ? fc.integer({ min: s.minimum ?? -5, max: Math.min(s.maximum ?? 2000, 1_000_000_000) })
        : fc.double({ min: s.minimum ?? -5, max: s.maximum ?? 2000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringOf(s);
    case 'array':
      if (depth >= MAX_DEPTH) return fc.constant([]);
      return fc.array(valueOf(s.items ?? {}, components, pool, key, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'object': {
      if (depth >= MAX_DEPTH || !s.properties) return fc.dictionary(fc.string({ maxLength: 5 }), fc.string());
      const required = new Set(s.required ?? []);
      const entries = Object.entries(s.properties);
      return fc.record(
        Object.fromEntries(
          entries.map(([name, inner]) => [name, valueOf(inner, components, pool, name, depth + 1)]),
        ),
        { requiredKeys: entries.map(([name]) => name).filter((name) => required.has(name)) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(s: Schema): fc.Arbitrary<string> {
  switch (s.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'uri':
    case 'url':
      return fc.webUrl();
    default:
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 24, 24) });
  }
}

/** Values of the wrong kind, hostile text and numbers, for any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    'a\u0000b',
    '\u0000',
    '',
    ' ',
    '0x1',
    '1e0',
    '-1',
    '9007199254740993',
    '99999999999999999999',
    '💥\u202e',
    "'; DROP TABLE igny8_users; --",
    '../../etc/passwd',
    true,
    false,
    null,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 64,
    -(2 ** 63),
    2 ** 53 + 2,
    [],
    {},
    [null],
    [1, 'a', {}],
    { nested: { deeper: ['x'] } },
  ),
  fc.constantFrom('x'.repeat(70_000), '\u00e9'.repeat(40_000)),
  fc.integer(),
  fc.string({ maxLength: 12 }),
);
