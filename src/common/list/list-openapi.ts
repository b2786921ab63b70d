import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-query.js';
import type { FilterDef, ListSpec } from './list-spec.js';

function filterSchema(def: FilterDef): { schema: SchemaObject; description?: string } {
  switch (def.kind) {
    case 'int':
      return { schema: { type: 'integer' } };
    case 'string':
    case 'custom':
      return { schema: { type: 'string' } };
    case 'boolean':
      return { schema: { type: 'string', enum: ['true', 'false', '1', '0'] } };
    case 'enum':
      return { schema: { type: 'string', enum: [...def.values] } };
    case 'relation':
      return def.nullable
        ? {
            schema: { type: 'string', pattern: '^([1-9][0-9]*|null)$' },
            description: 'An id, or `null` for none.',
          }
        : { schema: { type: 'integer', minimum: 1 } };
    case 'ids':
      return {
        schema: { type: 'string', pattern: '^[0-9]+(,[0-9]+)*$' },
        description: 'Comma-separated ids.',
      };
    case 'min':
    case 'max':
      return {
        schema: { type: def.decimal ? 'number' : 'integer' },
        description: `Inclusive ${def.kind === 'min' ? 'lower' : 'upper'} bound.`,
      };
    case 'after':
    case 'before':
      return {
        schema: { type: 'string', format: 'date-time' },
        description: `Inclusive ${def.kind === 'after' ? 'lower' : 'upper'} bound (ISO 8601 with offset).`,
      };
  }
}

function filterQueries(spec: ListSpec): MethodDecorator[] {
  const decorators = Object.entries(spec.filters).map(([name, def]) =>
    ApiQuery({ name, required: false, ...filterSchema(def) }),
  );
  if (spec.search?.length) {
    decorators.push(
      ApiQuery({
        name: 'search',
        required: false,
        type: 'string',
        description: 'Case-insensitive substring.',
      }),
    );
  }
  return decorators;
}

/** Documents the query parameters of a list endpoint from its spec (api.md 5). */
export function ApiListQuery(spec: ListSpec): MethodDecorator {
  const fields = Object.keys(spec.ordering.fields).join(', ');
  return applyDecorators(
    ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } }),
    ApiQuery({
      name: 'page_size',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
    }),
    ApiQuery({
      name: 'ordering',
      required: false,
      type: 'string',
      description: `Comma-separated; \`-\` for descending. Fields: ${fields}. Default \`${spec.ordering.default}\`.`,
    }),
    ...filterQueries(spec),
  );
}

/** Documents a `filter_options` endpoint: its filters and `data` = one option list per key. */
export function ApiFilterOptions(spec: ListSpec): MethodDecorator {
  const option: SchemaObject = {
    type: 'object',
    required: ['value', 'label'],
    properties: { value: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, label: { type: 'string' } },
  };
  const keys = Object.entries(spec.filters)
    .filter(([, def]) => 'options' in def && def.options !== undefined)
    .map(([key]) => key);
  return applyDecorators(
    ...filterQueries(spec),
    ApiResponse({
      status: 200,
      description: 'Options per filter',
      schema: {
        type: 'object',
        required: ['success', 'data', 'request_id'],
        properties: {
          success: { type: 'boolean', example: true },
          data: {
            type: 'object',
            required: keys,
            properties: Object.fromEntries(keys.map((key) => [key, { type: 'array', items: option }])),
          },
          request_id: { type: 'string' },
        },
      },
    }),
  );
}
