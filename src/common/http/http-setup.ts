import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import { type FastifyHelmetOptions } from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRequire } from 'node:module';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import secureJson from 'secure-json-parse';
import { type AppConfig } from '../../config/app-config.js';
import { type RequestContextStore } from '../context/request-context.js';
import { EnvelopeFastifyAdapter } from './envelope.js';
import { ApiError } from './error-codes.js';
import { errorBody } from './exception.filter.js';
import { guardInput, MAX_JSON_DEPTH, nestsDeeperThan } from './input-guard.js';
import { requestIdFor, uuidv7 } from './request-id.js';
import { keepsRawBody, rememberRawBody } from './raw-body.js';
import { RouteTable } from './route-table.js';

export const JSON_BODY_LIMIT = 5 * 1024 * 1024;
export const MULTIPART_LIMIT = 10 * 1024 * 1024;

export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-IGNY8-API-KEY',
  'X-Request-ID',
  'X-Debug-Resource-Tracking',
  'Idempotency-Key',
];
export const CORS_EXPOSED_HEADERS = [
  'X-Request-ID',
  'X-Resource-Tracking-ID',
  'X-Throttle-Limit',
  'X-Throttle-Remaining',
  'X-Throttle-Reset',
  'Retry-After',
  'Content-Disposition',
  'Idempotent-Replayed',
];

/**
 * JSON bodies: `application/json`, optionally with a UTF-8 charset (Fastify tests the whole header,
 * parameters included). `application/merge-patch+json` and the other `+json` types promise semantics
 * the API does not implement: they are 415 like any other type.
 */
export const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

/** helmet's options: its defaults, frames denied, and a CSP that lets the API docs pages run. */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  noSniff: true,
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      workerSrc: ["'self'", 'blob:'],
      fontSrc: ["'self'", 'data:'],
    },
  },
};

type HeaderRecorder = { setHeader(name: string, value: unknown): void; removeHeader(name: string): void };
type HelmetMiddleware = (req: object, res: HeaderRecorder, next: () => void) => void;

/**
 * The security headers helmet sets for our fixed options, computed once at boot with the helmet
 * `@fastify/helmet` depends on: the plugin rebuilds helmet's middleware, CSP directives parsed
 * included, on every request, for headers that never change.
 */
export function securityHeaders(options: FastifyHelmetOptions = HELMET_OPTIONS): [string, string][] {
  const helmet = createRequire(import.meta.resolve('@fastify/helmet'))('helmet') as (
    options: FastifyHelmetOptions,
  ) => HelmetMiddleware;
  const headers = new Map<string, [string, string]>();
  helmet(options)(
    {},
    {
      setHeader: (name, value) => headers.set(name.toLowerCase(), [name, String(value)]),
      removeHeader: (name) => headers.delete(name.toLowerCase()),
    },
    () => undefined,
  );
  return [...headers.values()];
}

const LOCAL_DEV_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;

/**
 * Headers every answer carries, also those given before any hook ran
 * (docs/api-conventions.md#urls-and-formats).
 */
function baseHeaders(reply: FastifyReply, requestId: string): void {
  reply.header('X-Request-ID', requestId);
  if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
  if (!reply.hasHeader('X-Content-Type-Options')) reply.header('X-Content-Type-Options', 'nosniff');
}

/**
 * Requests Node's HTTP parser refuses (garbage, oversize headers, a timed-out request) never reach
 * Fastify's routing: answer them on the socket, in the envelope, with a fresh request id.
 */
function clientErrorHandler(config: AppConfig) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const apiError =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new ApiError('headers_too_large')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new ApiError('request_timeout')
          : new ApiError('parse_error', 'Malformed request.');
    const requestId = uuidv7();
    const body = JSON.stringify(errorBody(apiError, requestId, config.unifiedErrors));
    if (socket.writable) {
      socket.write(
        [
          `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}`,
          'Content-Type: application/json; charset=utf-8',
          `Content-Length: ${Buffer.byteLength(body)}`,
          `X-Request-ID: ${requestId}`,
          'X-Frame-Options: DENY',
          'X-Content-Type-Options: nosniff',
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
    }
    socket.destroy();
  };
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new EnvelopeFastifyAdapter({
    clientErrorHandler: clientErrorHandler(config),
    // The router refuses a URL it cannot decode (400) or an over-long path parameter (414) before
    // any hook or Nest handler runs: answer those in the envelope too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const apiError =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? ApiError.notFound()
          : new ApiError('parse_error', 'Malformed request URL.');
      baseHeaders(reply, request.id);
      void reply.status(apiError.status).send(errorBody(apiError, request.id, config.unifiedErrors));
    },
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: requestIdFor,
    requestIdHeader: false,
    trustProxy: config.http.trustedProxies.length > 0 ? config.http.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    logger: false,
  });
}

export function isAllowedOrigin(config: AppConfig, origin: string): boolean {
  const normalized = origin.replace(/\/+$/, '');
  return (
    config.corsOrigins.includes(normalized) || (config.isDevelopment && LOCAL_DEV_ORIGIN.test(normalized))
  );
}

/** The Fastify-level part of the request path (steps 1–2 of README.md#a-request-end-to-end). */
export async function configureHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const cls = app.get<ClsService<RequestContextStore>>(ClsService);
  const routes = app.get(RouteTable);

  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));

  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-ID', request.id);
    cls.run(() => {
      cls.set('requestId', request.id);
      cls.set('request', request);
      done();
    });
  });

  // Graceful shutdown: once closing, every answer (also to a request that arrived before) closes its
  // connection. Otherwise a keep-alive client would hold the server, and the exit, open until its
  // keep-alive timeout; idle connections are closed by Fastify itself.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor < 2) reply.header('Connection', 'close');
    // Targets Nest sends to the not-found handler from its own earlier hook ("GET *x", "OPTIONS *")
    // skip the hooks below, helmet's included.
    baseHeaders(reply, request.id);
    done(null, payload);
  });

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    JSON_CONTENT_TYPE,
    { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT },
    (request, body: string | Buffer, done) => {
      if (keepsRawBody(request)) rememberRawBody(request, body.toString());
      const text = body.toString().trim();
      if (text === '') return done(null, {});
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
        return done(
          new ApiError('parse_error', `JSON parse error - nested deeper than ${MAX_JSON_DEPTH} levels`),
        );
      }
      try {
        done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        done(new ApiError('parse_error', `JSON parse error - ${(error as Error).message}`), undefined);
      }
    },
  );

  // After parsing, before any guard, pipe or handler: NUL and out-of-range ids, for every route.
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      guardInput(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });

  await app.register(multipart, {
    limits: { fileSize: MULTIPART_LIMIT, files: 1, fields: 20, parts: 21 },
  });
  await app.register(cookie);
  const security = securityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of security) reply.raw.setHeader(name, value);
    done();
  });
  await app.register(cors, {
    // Requests without an Origin (same-origin, server to server) need no CORS headers.
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(config, origin)),
    credentials: true,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    optionsSuccessStatus: 204,
    preflightContinue: false,
  });
  // @fastify/cors answered the preflights of allowed origins above; any other preflight still gets
  // 204 without a body (docs/api-conventions.md#urls-and-formats), but without CORS headers, so the browser
  // refuses the request.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      void reply.code(204).header('Content-Length', '0').send();
      return;
    }
    done();
  });
}
