import { type INestApplication } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AppConfig } from '../../config/app-config.js';
import { ErrorEnvelope } from './api-responses.decorator.js';

/** Tags in module order (api.md 9), with the text shown in the docs. */
export const TAGS: [string, string][] = [
  ['auth', 'Registration, login, tokens, users, sites, sectors and the keyword library'],
  ['account', 'Account settings, team and usage'],
  ['planner', 'Keywords, clusters and content ideas'],
  ['writer', 'Writer tasks, content, taxonomies and images'],
  ['ai', 'AI actions: clustering, ideas, articles, image prompts and images (queued as tasks)'],
  ['tasks', 'AI task progress'],
  ['automation', 'Automation pipeline runs'],
  ['publisher', 'Publishing to connected sites'],
  ['integration', 'WordPress and other integrations'],
  ['system', 'Ping, settings, prompts, AI models and request metrics'],
  ['billing', 'Credits, invoices and payments'],
  ['admin', 'Platform administration'],
  ['linker', 'Internal linking'],
  ['optimizer', 'Content optimisation'],
];

export const PUBLIC_EXTENSION = 'x-igny8-public';
export const API_KEY_EXTENSION = 'x-igny8-api-key';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Validation failed or malformed input',
  '401': 'Missing or invalid credentials',
  '403': 'Role, account state or API key refused',
  '404': 'Not found or not visible',
  '429': 'Throttled',
};

function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Builds the OpenAPI document of the running application. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('IGNY8 API')
    .setDescription(
      'Backend of IGNY8, the AI SEO content platform. Every JSON response uses the unified envelope; ' +
        'lists are paginated with `count/next/previous/results`; errors carry a machine `code` and the `request_id`.',
    )
    .setVersion(config.version)
    .setLicense('Proprietary', 'https://igny8.com/terms')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearerAuth')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-IGNY8-API-KEY' }, 'apiKey')
    .addCookieAuth('igny8_session', { type: 'apiKey', in: 'cookie', name: 'igny8_session' }, 'cookieAuth')
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'basicAuth');
  for (const [name, description] of TAGS) builder.addTag(name, description);

  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controllerKey, methodKey) =>
      `${toSnake(controllerKey.replace(/Controller$/, ''))}_${toSnake(methodKey)}`,
    extraModels: [ErrorEnvelope],
  });
  return finishDocument(document);
}

/** Credentials every authenticated operation accepts; operations open to site API keys add `apiKey`. */
const AUTHENTICATED: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }, { basicAuth: [] }];

/**
 * Security (the document default is "authenticated"; public operations override it with `[]`,
 * API-key operations list `apiKey` too), the shared error responses, and stable ordering.
 */
function finishDocument(document: OpenAPIObject): OpenAPIObject {
  const errorRef = { $ref: '#/components/schemas/ErrorEnvelope' };
  document.security = AUTHENTICATED;
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      const isPublic = extensions[PUBLIC_EXTENSION] === true;
      const keyAllowed = extensions[API_KEY_EXTENSION] === true;
      delete extensions[PUBLIC_EXTENSION];
      delete extensions[API_KEY_EXTENSION];
      if (isPublic) operation.security = [];
      else if (keyAllowed) operation.security = [...AUTHENTICATED, { apiKey: [] }];
      else delete operation.security;
      for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
        if (isPublic && (status === '401' || status === '403')) continue;
        operation.responses[status] ??= {
          description,
          content: { 'application/json': { schema: errorRef } },
        };
      }
    }
  }
  document.tags = TAGS.filter(([name]) =>
    Object.values(document.paths).some((item) =>
      Object.values(item).some((op) => (op as { tags?: string[] })?.tags?.includes(name)),
    ),
  ).map(([name, description]) => ({ name, description }));
  return document;
}

/** Serves Swagger UI, ReDoc (from the installed package, no CDN) and the schema in JSON and YAML. */
export function setupOpenApi(app: NestFastifyApplication, config: AppConfig): void {
  let document: OpenAPIObject | undefined;
  const getDocument = () => (document ??= buildOpenApiDocument(app, config));
  SwaggerModule.setup('api/docs', app, getDocument, {
    jsonDocumentUrl: 'api/schema',
    yamlDocumentUrl: 'api/schema.yaml',
    customSiteTitle: 'IGNY8 API',
    swaggerOptions: { persistAuthorization: true },
  });

  const redocBundle = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/api/redoc/redoc.standalone.js', (_request, reply) => {
    void reply
      .type('application/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .send(readFileSync(redocBundle));
  });
  fastify.get('/api/redoc', (_request, reply) => {
    void reply.type('text/html; charset=utf-8').send(REDOC_PAGE);
  });
}

const REDOC_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>IGNY8 API — ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<redoc spec-url="/api/schema/"></redoc>
<script src="/api/redoc/redoc.standalone.js"></script>
</body>
</html>`;
