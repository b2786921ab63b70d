import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type AppConfig } from '../../config/app-config.js';
import { buildOpenApiDocument } from './document.js';

/**
 * Serves Swagger UI, ReDoc (from the installed package, no CDN) and the schema in JSON and YAML.
 * Nothing is built at boot: the document is built on the first request for it and then kept, and
 * the ReDoc bundle is read on its first request.
 */
export function setupOpenApi(app: NestFastifyApplication, config: AppConfig): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup('api/docs', app, () => (document ??= buildOpenApiDocument(app, config)), {
    jsonDocumentUrl: 'api/schema',
    yamlDocumentUrl: 'api/schema.yaml',
    customSiteTitle: 'IGNY8 API',
    swaggerOptions: { persistAuthorization: true },
  });

  let redocBundle: Promise<Buffer> | undefined;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/api/redoc/redoc.standalone.js', async (_request, reply) => {
    redocBundle ??= readFile(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'));
    return reply
      .type('application/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .send(await redocBundle);
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
