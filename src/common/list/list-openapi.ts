import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiQuery,
  ApiResponse,
  getSchemaPath,
  type SchemaObject,
} from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-query.js';
import { type FilterDef, type ListSpec, orderingTerms } from './list-spec.js';

const ID: SchemaObject = { type: 'integer', format: 'int64', minimum: 1 };

function filterSchema(def: FilterDef): { schema: SchemaObject; description?: string } {
  switch (def.kind) {
    case 'int':
      return { schema: { type: 'integer' } };
    case 'string':
    case 'custom':
      return { schema: { type: 'string' } };
    case 'boolean':
      return { schema: { type: 'boolean' }, description: '`true`/`false` (also `1`/`0`).' };
    case 'enum':
      return { schema: { type: 'string', enum: [...def.values] } };
    case 'relation':
      return def.nullable
        ? {
            schema: { oneOf: [ID, { type: 'string', enum: ['null'] }] },
            description: 'An id, or `null` for none.',
          }
        : { schema: ID };
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
        schema: { type: 'string' },
        description: 'Case-insensitive substring.',
      }),
    );
  }
  return decorators;
}

/** Every accepted `ordering` term: each allowed field, ascending and with `-` for descending. */
export function orderingValues(spec: ListSpec): string[] {
  return Object.keys(spec.ordering.fields).flatMap((field) => [field, `-${field}`]);
}

/** Documents the query parameters of a list endpoint from its spec (see docs/api conventions). */
export function ApiListQuery(spec: ListSpec): MethodDecorator {
  const fallback = orderingTerms(spec.ordering.default)
    .map(({ field, descending }) => (descending ? `-${field}` : field))
    .join(',');
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
      schema: { type: 'string', enum: orderingValues(spec) },
      description:
        `A field, \`-\` first for descending. Several terms may be joined with commas (\`a,-b\`). ` +
        `Default \`${fallback}\`.`,
    }),
    ...filterQueries(spec),
  );
}

/** One choice of a `filter_options` list. */
export class FilterOptionDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }],
    description: 'The filter value to send (`""` for "all", `"null"` for "none").',
  })
  value: string | number;

  @ApiProperty()
  label: string;
}

/** The filters that answer in `filter_options`. */
function optionKeys(spec: ListSpec): string[] {
  return Object.entries(spec.filters)
    .filter(([, def]) => 'options' in def && def.options !== undefined)
    .map(([key]) => key);
}

/** Documents a `filter_options` endpoint: its filters and `data` = one option list per key. */
export function ApiFilterOptions(spec: ListSpec): MethodDecorator {
  const keys = optionKeys(spec);
  const options = { type: 'array', items: { $ref: getSchemaPath(FilterOptionDto) } };
  return applyDecorators(
    ...filterQueries(spec),
    ApiExtraModels(FilterOptionDto),
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
            ...(keys.length > 0 ? { required: keys } : {}),
            properties: Object.fromEntries(keys.map((key) => [key, options])),
          },
          request_id: { type: 'string' },
        },
      },
    }),
  );
}
