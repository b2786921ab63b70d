import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config.js';
import { ERROR_CODES, type ErrorCode } from '../http/error-codes.js';
import { ErrorEnvelope } from './api-responses.decorator.js';
import { API_KEY_EXTENSION, PUBLIC_EXTENSION, TAGS } from './openapi.js';
import { annotateRouteFacts, ROUTE_FACTS_EXTENSION, type RouteFacts } from './route-facts.js';
import { assertUniqueSchemaNames, schemaClasses } from './schema-names.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Credentials every authenticated operation accepts; operations open to site API keys add `apiKey`. */
const AUTHENTICATED: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }, { basicAuth: [] }];

const HEADERS: Record<string, { description: string; schema: SchemaObject }> = {
  'X-Request-ID': {
    description: 'The request id: the `X-Request-ID` sent when well-formed, else a generated UUIDv7.',
    schema: { type: 'string' },
  },
  'X-Throttle-Limit': {
    description: 'Requests allowed per window in the route’s throttle scope.',
    schema: { type: 'integer' },
  },
  'X-Throttle-Remaining': {
    description: 'Requests left in the current window.',
    schema: { type: 'integer' },
  },
  'X-Throttle-Reset': {
    description: 'When the window resets (Unix time, seconds).',
    schema: { type: 'integer', format: 'int64' },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  'Idempotent-Replayed': {
    description:
      'Present when the answer is the stored answer of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};
const THROTTLE_HEADERS = ['X-Throttle-Limit', 'X-Throttle-Remaining', 'X-Throttle-Reset'];

/** The shared error answers: component name, summary and extra headers. */
const ERRORS: Record<number, { name: string; description: string; headers?: string[] }> = {
  400: { name: 'BadRequest', description: 'Validation failed, or the URL, query or body is malformed' },
  401: { name: 'Unauthorized', description: 'Missing, invalid or expired credentials' },
  402: {
    name: 'PaymentRequired',
    description: 'The account awaits payment or its plan ended; for AI actions also too few credits',
  },
  403: { name: 'Forbidden', description: 'Role, account state, CSRF check or API key refused' },
  404: { name: 'NotFound', description: 'Not found or not visible to the caller' },
  409: {
    name: 'Conflict',
    description: 'The `Idempotency-Key` belongs to another request or its first request is still running',
  },
  413: { name: 'PayloadTooLarge', description: 'The request body is too large' },
  415: { name: 'UnsupportedMediaType', description: 'The request body’s content type is not accepted' },
  429: { name: 'TooManyRequests', description: 'Throttled', headers: [...THROTTLE_HEADERS, 'Retry-After'] },
  503: { name: 'ServiceUnavailable', description: 'The work could not be queued; try again later' },
};

const headerRefs = (names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

function codesOf(status: number): string {
  return (Object.keys(ERROR_CODES) as ErrorCode[])
    .filter((code) => ERROR_CODES[code] === status)
    .map((code) => `\`${code}\``)
    .join(', ');
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Builds the OpenAPI document of the running application. Throws when two classes share a schema
 * name or two operations share an operationId: either would mistype a generated client.
 */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('IGNY8 API')
    .setDescription(
      'Backend of IGNY8, the AI SEO content platform. Every JSON response uses the unified envelope; ' +
        'lists are paginated with `count/next/previous/results`; errors carry a machine `code` and the `request_id`. ' +
        'Paths end with a slash; the server also accepts them without.',
    )
    .setVersion(config.version)
    .setLicense('Proprietary', 'https://igny8.com/terms')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearerAuth')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-IGNY8-API-KEY' }, 'apiKey')
    .addCookieAuth('igny8_session', { type: 'apiKey', in: 'cookie', name: 'igny8_session' }, 'cookieAuth')
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'basicAuth');
  for (const [name, description] of TAGS) builder.addTag(name, description);

  assertUniqueSchemaNames(schemaClasses(app, [ErrorEnvelope]));
  annotateRouteFacts(app);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controllerKey, methodKey) =>
      `${snake(controllerKey.replace(/Controller$/, ''))}_${snake(methodKey)}`,
    extraModels: [ErrorEnvelope],
  });
  return finishDocument(document);
}

/** `/api/v1/billing/credits/transactions/{id}/` → `billing_credits_transactions_by_id`. */
function operationIdOfPath(path: string): string {
  return path
    .replace(/^\/api\/(v\d+\/)?/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('{') ? `by_${segment.slice(1, -1)}` : segment.replace(/-/g, '_')))
    .join('_');
}

/**
 * Per operation, from its route facts and shape: security, the error answers it can give, the
 * response headers, a clean operationId for alias paths, and the trailing slash clients call.
 */
function finishDocument(document: OpenAPIObject): OpenAPIObject {
  document.security = AUTHENTICATED;
  const paths: OpenAPIObject['paths'] = {};
  const operationIds = new Map<string, string>();
  for (const [path, pathItem] of Object.entries(document.paths)) {
    const canonical = path.endsWith('/') ? path : `${path}/`;
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      const facts = extensions[ROUTE_FACTS_EXTENSION] as RouteFacts;
      for (const key of [ROUTE_FACTS_EXTENSION, PUBLIC_EXTENSION, API_KEY_EXTENSION]) delete extensions[key];

      if (/\[\d+\]$/.test(operation.operationId ?? '')) {
        // An alias path's id comes from the path; a second method on that path adds its name.
        const fromPath = operationIdOfPath(canonical);
        operation.operationId = operationIds.has(fromPath) ? `${fromPath}_${method}` : fromPath;
      }
      const id = operation.operationId ?? '';
      const previous = operationIds.get(id);
      if (previous)
        throw new Error(`OpenAPI: operationId "${id}" is used by ${previous} and ${method} ${path}`);
      operationIds.set(id, `${method} ${path}`);

      operation.security = securityOf(facts);
      if (operation.security === AUTHENTICATED) delete operation.security;
      addErrors(operation, facts);
      addHeaders(operation, facts);
    }
    paths[canonical] = pathItem;
  }
  document.paths = paths;
  document.components = {
    ...document.components,
    headers: HEADERS,
    responses: Object.fromEntries(
      Object.entries(ERRORS).map(([status, { name, description, headers = [] }]) => [
        name,
        {
          description: `${description}. Codes: ${codesOf(Number(status))}.`,
          headers: headerRefs(['X-Request-ID', ...headers]),
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        },
      ]),
    ),
  };
  integerIds(document);
  document.tags = TAGS.filter(([name]) =>
    Object.values(document.paths).some((item) =>
      Object.values(item).some((op) => (op as { tags?: string[] })?.tags?.includes(name)),
    ),
  ).map(([name, description]) => ({ name, description }));
  return document;
}

function securityOf(facts: RouteFacts): Record<string, string[]>[] {
  if (facts.public) return [];
  if (!facts.apiKey && !facts.optionalAuth) return AUTHENTICATED;
  return [...AUTHENTICATED, ...(facts.apiKey ? [{ apiKey: [] }] : []), ...(facts.optionalAuth ? [{}] : [])];
}

const isParameter = (p: ParameterObject | ReferenceObject): p is ParameterObject => 'in' in p;

/** The error answers an operation can give, from what the guards do with it and what it takes. */
function errorStatuses(operation: OperationObject, facts: RouteFacts): number[] {
  const parameters = (operation.parameters ?? []).filter(isParameter);
  const hasBody = operation.requestBody !== undefined;
  const queued = operation.responses['202'] !== undefined;
  const authenticated = !facts.public;
  const statuses: [number, boolean][] = [
    [400, true],
    [401, authenticated],
    [402, (authenticated && !facts.gateExempt) || queued],
    [403, authenticated],
    [404, parameters.some((p) => p.in === 'path')],
    [409, parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')],
    [413, hasBody],
    [415, hasBody],
    [429, facts.throttled],
    [503, queued],
  ];
  return statuses.filter(([, applies]) => applies).map(([status]) => status);
}

function addErrors(operation: OperationObject, facts: RouteFacts): void {
  for (const status of errorStatuses(operation, facts)) {
    operation.responses[status] ??= { $ref: `#/components/responses/${ERRORS[status].name}` };
  }
}

function addHeaders(operation: OperationObject, facts: RouteFacts): void {
  const idempotent = (operation.parameters ?? [])
    .filter(isParameter)
    .some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!response || '$ref' in response) continue;
    const success = status.startsWith('2');
    const names = [
      'X-Request-ID',
      ...(facts.throttled && (success || status === '429') ? THROTTLE_HEADERS : []),
      ...(idempotent && success ? ['Idempotent-Replayed'] : []),
    ];
    response.headers = { ...headerRefs(names), ...response.headers };
  }
}

const ID_NAME = /^(id|ids|.+_id|.+_ids)$/;

function asInt64(schema: SchemaObject | ReferenceObject | undefined): void {
  if (!schema || '$ref' in schema) return;
  if (schema.type === 'array') return asInt64(schema.items);
  if (schema.type === 'number' || schema.type === 'integer') {
    schema.type = 'integer';
    schema.format = 'int64';
  }
}

/** Ids are 64-bit integers everywhere: properties and parameters named `id`, `*_id`, `*_ids`. */
function integerIds(document: OpenAPIObject): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.in === 'string' && typeof record.name === 'string' && ID_NAME.test(record.name)) {
      asInt64(record.schema as SchemaObject | undefined);
    }
    const properties = record.properties as Record<string, SchemaObject> | undefined;
    if (properties && typeof properties === 'object') {
      for (const [name, schema] of Object.entries(properties)) if (ID_NAME.test(name)) asInt64(schema);
    }
    Object.values(record).forEach(visit);
  };
  visit(document.paths);
  visit(document.components?.schemas);
}
