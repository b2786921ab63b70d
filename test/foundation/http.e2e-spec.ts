import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationConfig } from '@nestjs/core';
import { createApp } from '../../src/bootstrap.js';
import { AuthGuard } from '../../src/common/auth/auth.guard.js';
import { ResourceTrackingGuard } from '../../src/common/metrics/resource-tracking.guard.js';
import { ScopedThrottlerGuard } from '../../src/common/throttling/throttle.guard.js';
import { isAllowedOrigin } from '../../src/common/http/http-setup.js';
import { AppConfig } from '../../src/config/app-config.js';
import { EchoModule, INTERNAL_SECRET } from '../fixtures/echo/echo.module.js';
import { createTestApp, type TestApp, testEnv } from '../support/app.js';
import { RawConnection } from '../support/process.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ALLOWED = 'https://app.example.com';
const JSON_TYPE = { 'content-type': 'application/json' };

/** The response's request id: the header, equal to `request_id` in the JSON body. */
function requestIdOf(res: LightMyRequestResponse): string {
  const header = res.headers['x-request-id'];
  expect(typeof header).toBe('string');
  expect(res.json<{ request_id?: string }>().request_id).toBe(header);
  return header as string;
}

function oversizeBody(): string {
  return JSON.stringify({ note: 'x'.repeat(5 * 1024 * 1024 + 16) });
}

/** Every kind of answer, from Nest and from Fastify before Nest: each must carry the request id. */
const EVERY_KIND: [string, InjectOptions, number, string | null][] = [
  ['success', { method: 'GET', url: '/api/v1/echo/data' }, 200, null],
  ['ping (flat)', { method: 'GET', url: '/api/ping/' }, 200, null],
  ['created', { method: 'POST', url: '/api/v1/echo/created' }, 201, null],
  ['accepted', { method: 'POST', url: '/api/v1/echo/accepted' }, 202, null],
  ['delete', { method: 'DELETE', url: '/api/v1/echo/items/3/' }, 200, null],
  ['ApiError', { method: 'GET', url: '/api/v1/echo/conflict' }, 409, 'conflict'],
  ['Nest HttpException', { method: 'GET', url: '/api/v1/echo/forbidden' }, 403, 'permission_denied'],
  ['unknown route', { method: 'GET', url: '/api/v1/no-such-thing/' }, 404, 'not_found'],
  ['wrong method', { method: 'PUT', url: '/api/v1/echo/data' }, 405, 'method_not_allowed'],
  [
    'body over 5 MB',
    { method: 'POST', url: '/api/v1/echo/action', headers: JSON_TYPE, payload: oversizeBody() },
    413,
    'payload_too_large',
  ],
  [
    'text/plain body',
    { method: 'POST', url: '/api/v1/echo/action', headers: { 'content-type': 'text/plain' }, payload: 'hi' },
    415,
    'unsupported_media_type',
  ],
  [
    'malformed JSON',
    { method: 'POST', url: '/api/v1/echo/action', headers: JSON_TYPE, payload: '{"note": ' },
    400,
    'parse_error',
  ],
  ['unexpected error', { method: 'GET', url: '/api/v1/echo/boom' }, 500, 'internal_error'],
];

let t: TestApp;
/** A second app on the same database, with the unified error body switched off. */
let nestErrors: NestFastifyApplication;

beforeAll(async () => {
  t = await createTestApp({
    modules: [EchoModule],
    redis: false,
    env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com` },
  });
  nestErrors = await createApp(
    new AppConfig(testEnv(t.db, t.tmp, { redis: false, env: { UNIFIED_ERRORS: 'false' } })),
    [EchoModule],
  );
});
afterAll(async () => {
  await nestErrors?.close();
  await t?.close();
});

describe('HTTP foundation', () => {
  describe('request id', () => {
    it('generates a UUIDv7 when none is sent, a new one per request', async () => {
      const before = Date.now();
      const first = requestIdOf(await t.request({ method: 'GET', url: '/api/v1/echo/data' }));
      const second = requestIdOf(await t.request({ method: 'GET', url: '/api/v1/echo/data' }));
      expect(first).toMatch(UUID_V7);
      expect(second).toMatch(UUID_V7);
      expect(second).not.toBe(first);
      const millis = parseInt(first.replace(/-/g, '').slice(0, 12), 16);
      expect(millis).toBeGreaterThanOrEqual(before);
      expect(millis).toBeLessThanOrEqual(Date.now());
    });

    it.each(['client-trace.42_A', 'a', 'x'.repeat(64), '0195f8e2-7a1b-7c3d-8e4f-000000000000'])(
      'keeps a valid incoming id %j',
      async (incoming) => {
        const res = await t.request({
          method: 'GET',
          url: '/api/v1/echo/data',
          headers: { 'x-request-id': incoming },
        });
        expect(requestIdOf(res)).toBe(incoming);
      },
    );

    it.each(['<script>', 'x'.repeat(65), 'has space', 'semi;colon', 'ünïcode', '../etc'])(
      'replaces (never echoes) an invalid incoming id %j',
      async (incoming) => {
        const res = await t.request({
          method: 'GET',
          url: '/api/v1/no-such-route',
          headers: { 'x-request-id': incoming },
        });
        const id = requestIdOf(res);
        expect(id).toMatch(UUID_V7);
        expect(res.body).not.toContain(incoming);
        expect(JSON.stringify(res.headers)).not.toContain(incoming);
      },
    );

    it.each(EVERY_KIND)(
      'is in the header and the body of a %s answer',
      async (_kind, options, status, code) => {
        const incoming = `kind-${status}-${Math.random().toString(36).slice(2)}`;
        const res = await t.request({
          ...options,
          headers: { ...options.headers, 'x-request-id': incoming },
        });
        expect(res.statusCode).toBe(status);
        expect(requestIdOf(res)).toBe(incoming);
        const body = res.json<{ success: boolean; code?: string }>();
        expect(body.success).toBe(code === null);
        if (code !== null) expect(body.code).toBe(code);
      },
    );
  });

  describe('envelopes', () => {
    it('runs no global interceptor, and its global guards in order: authentication, throttling, tracking', () => {
      const config = t.app.get(ApplicationConfig);
      expect(config.getGlobalInterceptors()).toEqual([]);
      expect(config.getGlobalRequestInterceptors()).toEqual([]);
      expect(config.getGlobalRequestGuards()).toEqual([]);
      expect(config.getGlobalGuards().map((guard) => guard.constructor)).toEqual([
        AuthGuard,
        ScopedThrottlerGuard,
        ResourceTrackingGuard,
      ]);
    });

    it('wraps plain data', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/data' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        success: true,
        data: { hello: 'world', n: 1 },
        request_id: requestIdOf(res),
      });
    });

    it('answers the same without the trailing slash and with it', async () => {
      const withSlash = await t.request({ method: 'GET', url: '/api/v1/echo/data/' });
      expect(withSlash.statusCode).toBe(200);
      expect(withSlash.json()).toMatchObject({ success: true, data: { hello: 'world' } });
    });

    it('renders a missing result as data null', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/nothing' });
      expect(res.json()).toEqual({ success: true, data: null, request_id: requestIdOf(res) });
    });

    it('adds a message only when the endpoint sets one', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/message' });
      expect(res.json()).toEqual({
        success: true,
        data: { done: true },
        message: 'All done.',
        request_id: requestIdOf(res),
      });
    });

    it('answers 201 for a creation', async () => {
      const res = await t.request({ method: 'POST', url: '/api/v1/echo/created' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ success: true, data: { id: 7 }, request_id: requestIdOf(res) });
    });

    it('answers 202 with the task id and "Task queued."', async () => {
      const res = await t.request({ method: 'POST', url: '/api/v1/echo/accepted' });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({
        success: true,
        data: { task_id: '0195f8e2-0000-7000-8000-000000000001' },
        message: 'Task queued.',
        request_id: requestIdOf(res),
      });
    });

    it('puts the list keys of a page at the top level', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/list' });
      expect(res.json()).toEqual({
        success: true,
        count: 3,
        next: 'http://localhost/api/v1/echo/list/?page=2',
        previous: null,
        results: [{ id: 1 }, { id: 2 }],
        request_id: requestIdOf(res),
      });
    });

    it('answers a delete with data null and "Deleted."', async () => {
      const res = await t.request({ method: 'DELETE', url: '/api/v1/echo/items/3' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        success: true,
        data: null,
        message: 'Deleted.',
        request_id: requestIdOf(res),
      });
    });

    it('renders an ApiError with its details and without an errors key', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/conflict' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({
        success: false,
        error: 'Already there.',
        code: 'conflict',
        details: { field: 'name' },
        request_id: requestIdOf(res),
      });
    });

    it('renders field errors under errors, without a details key', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/field-error' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        success: false,
        error: 'Validation failed.',
        code: 'validation_error',
        errors: { email: ['Enter a valid email address.'] },
        request_id: requestIdOf(res),
      });
    });

    it('renders a bare BadRequestException as a validation error with non_field_errors', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/bad-request' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        success: false,
        error: 'Validation failed.',
        code: 'validation_error',
        errors: { non_field_errors: ['Something is off.'] },
        request_id: requestIdOf(res),
      });
    });

    it('maps Nest exceptions to the catalogue codes', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/forbidden' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({
        success: false,
        error: 'Nope.',
        code: 'permission_denied',
        request_id: requestIdOf(res),
      });
    });

    it('answers an unknown route 404 not_found', async () => {
      for (const url of ['/api/v1/nothing/here/', '/nothing', '/api/v1/echo/data/extra']) {
        const res = await t.request({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({
          success: false,
          error: 'Not found.',
          code: 'not_found',
          request_id: requestIdOf(res),
        });
      }
    });

    it('answers a known path with the wrong method 405 with an Allow header', async () => {
      for (const [method, url, allow] of [
        ['POST', '/api/v1/echo/data', 'GET'],
        ['PATCH', '/api/v1/echo/data/', 'GET'],
        ['DELETE', '/api/ping/', 'GET'],
        ['GET', '/api/v1/echo/items/5/', 'DELETE'],
      ] as const) {
        const res = await t.request({ method, url });
        expect(res.statusCode).toBe(405);
        expect(res.headers.allow).toBe(allow);
        expect(res.json()).toEqual({
          success: false,
          error: `Method "${method}" not allowed.`,
          code: 'method_not_allowed',
          request_id: requestIdOf(res),
        });
      }
    });

    it('answers an unexpected error with the generic message and no internals', async () => {
      for (const url of ['/api/v1/echo/boom', '/api/v1/echo/boom-api']) {
        const res = await t.request({ method: 'GET', url });
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({
          success: false,
          error: 'A server error occurred.',
          code: 'internal_error',
          request_id: requestIdOf(res),
        });
        expect(res.body).not.toContain(INTERNAL_SECRET);
        expect(res.body).not.toMatch(/stack|at .*\.js|database/i);
      }
    });

    it('answers Fastify-level errors in the same envelope', async () => {
      const tooLarge = await t.request({
        method: 'POST',
        url: '/api/v1/echo/action',
        headers: JSON_TYPE,
        payload: oversizeBody(),
      });
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json()).toEqual({
        success: false,
        error: 'Request body is too large.',
        code: 'payload_too_large',
        request_id: requestIdOf(tooLarge),
      });

      const wrongType = await t.request({
        method: 'POST',
        url: '/api/v1/echo/action',
        headers: { 'content-type': 'application/xml' },
        payload: '<note/>',
      });
      expect(wrongType.statusCode).toBe(415);
      expect(wrongType.json()).toEqual({
        success: false,
        error: 'Unsupported media type.',
        code: 'unsupported_media_type',
        request_id: requestIdOf(wrongType),
      });

      const malformed = await t.request({
        method: 'POST',
        url: '/api/v1/echo/action',
        headers: JSON_TYPE,
        payload: "{'single': 'quotes'}",
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({
        success: false,
        code: 'parse_error',
        request_id: requestIdOf(malformed),
      });
      expect(malformed.json<{ error: string }>().error).toMatch(/^JSON parse error - /);
    });

    it('accepts a JSON body up to 5 MB', async () => {
      const note = 'x'.repeat(5 * 1024 * 1024 - 100);
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/echo/action',
        headers: JSON_TYPE,
        payload: JSON.stringify({ note }),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ data: { received: { note: string } } }>().data.received.note).toHaveLength(
        note.length,
      );
    });
  });

  describe('security headers and CORS', () => {
    it('sends X-Frame-Options DENY and nosniff on successes and on errors', async () => {
      for (const options of EVERY_KIND.map(([, o]) => o)) {
        const res = await t.request(options);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('echoes an allowed origin with credentials and the exposed headers', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/data', headers: { origin: ALLOWED } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers.vary)).toMatch(/Origin/);
      expect(String(res.headers['access-control-expose-headers']).split(', ')).toEqual([
        'X-Request-ID',
        'X-Resource-Tracking-ID',
        'X-Throttle-Limit',
        'X-Throttle-Remaining',
        'X-Throttle-Reset',
        'Retry-After',
        'Content-Disposition',
        'Idempotent-Replayed',
      ]);
      const second = await t.request({
        method: 'GET',
        url: '/api/v1/echo/data',
        headers: { origin: 'https://admin.example.com' },
      });
      expect(second.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    });

    it('sends the CORS headers on error answers too, so the browser can read them', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/missing', headers: { origin: ALLOWED } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-expose-headers']).toContain('X-Request-ID');
    });

    it.each([
      'https://evil.example.com',
      'https://app.example.com.evil.net',
      'http://app.example.com',
      'null',
    ])('sends no CORS grant to a disallowed origin %s', async (origin) => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/data', headers: { origin } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('does not allow local dev origins outside development', async () => {
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000']) {
        const res = await t.request({ method: 'GET', url: '/api/v1/echo/data', headers: { origin } });
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('sends no CORS headers to requests without an Origin', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/echo/data' });
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    it('answers a preflight 204 without a body, with the allowed headers and methods', async () => {
      for (const url of ['/api/v1/echo/widgets', '/api/v1/echo/data/', '/api/v1/anything/']) {
        const res = await t.request({
          method: 'OPTIONS',
          url,
          headers: {
            origin: ALLOWED,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type, x-request-id',
          },
        });
        expect(res.statusCode).toBe(204);
        expect(res.body).toBe('');
        expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(String(res.headers['access-control-allow-headers']).split(', ')).toEqual([
          'Authorization',
          'Content-Type',
          'X-IGNY8-API-KEY',
          'X-Request-ID',
          'X-Debug-Resource-Tracking',
          'Idempotency-Key',
        ]);
        expect(String(res.headers['access-control-allow-methods']).split(', ')).toEqual(
          expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        );
        expect(res.headers['x-request-id']).toBeDefined();
      }
    });

    it('answers a preflight from a disallowed origin 204 without any grant', async () => {
      const res = await t.request({
        method: 'OPTIONS',
        url: '/api/v1/echo/widgets',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });
  });
});

describe('request targets the router refuses before any hook (real socket)', () => {
  let port: number;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });

  async function send(requestLine: string, headers: Record<string, string> = {}) {
    const connection = await RawConnection.open(port);
    const lines = Object.entries({ Host: '127.0.0.1', Connection: 'close', ...headers }).map(
      ([name, value]) => `${name}: ${value}`,
    );
    await connection.write(`${requestLine}\r\n${lines.join('\r\n')}\r\n\r\n`);
    const response = await connection.response();
    connection.close();
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  }

  it.each([
    ['GET *api/ping HTTP/1.1', 404, 'not_found'],
    ['OPTIONS * HTTP/1.1', 404, 'not_found'],
    ['GET /api/%zz HTTP/1.1', 400, 'parse_error'],
    [`DELETE /api/v1/echo/items/${'9'.repeat(250)} HTTP/1.1`, 404, 'not_found'],
  ])(
    '%s answers %i %s in the envelope, with the request id and security headers',
    async (line, status, code) => {
      const res = await send(line, { 'X-Request-ID': 'odd-target-1' });
      expect(res.status).toBe(status);
      expect(res.headers['x-request-id']).toBe('odd-target-1');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.json).toMatchObject({ success: false, code, request_id: 'odd-target-1' });
    },
  );

  it('serves an absolute-form target like its path', async () => {
    const res = await send('GET http://example.com/api/v1/echo/data/ HTTP/1.1');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, data: { hello: 'world' } });
  });
});

describe('CORS origins by environment', () => {
  const configured = 'https://app.example.com';
  const local = [
    'http://localhost:5173',
    'http://127.0.0.1:8000',
    'http://localhost:3000/',
    'http://localhost',
  ];
  const neverLocal = [
    'https://localhost:5173',
    'http://localhost.evil.com',
    'http://localhost:5173.evil.com',
    'http://127.0.0.1.nip.io:3000',
    'http://192.168.1.10:3000',
    'http://evil.com/http://localhost:3000',
  ];

  it.each(['development', 'test', 'production'] as const)('allows the configured origins in %s', (env) => {
    const config = new AppConfig({
      NODE_ENV: env,
      CORS_ORIGINS: configured,
      ...(env === 'production'
        ? {
            DATABASE_URL: 'postgres://db/x',
            REDIS_URL: 'redis://r',
            JWT_SECRET: 'p'.repeat(40),
            ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
          }
        : {}),
    });
    expect(isAllowedOrigin(config, configured)).toBe(true);
    expect(isAllowedOrigin(config, 'https://other.example.com')).toBe(false);
    for (const origin of neverLocal) expect(isAllowedOrigin(config, origin)).toBe(false);
    for (const origin of local) expect(isAllowedOrigin(config, origin)).toBe(env === 'development');
  });
});

describe('UNIFIED_ERRORS=false', () => {
  const request = (options: InjectOptions) => nestErrors.inject(options);

  it.each([
    [
      { method: 'GET', url: '/no-such-route' },
      { statusCode: 404, message: 'Not found.', error: 'Not Found' },
    ],
    [
      { method: 'GET', url: '/api/v1/echo/forbidden' },
      { statusCode: 403, message: 'Nope.', error: 'Forbidden' },
    ],
    [
      { method: 'GET', url: '/api/v1/echo/boom' },
      { statusCode: 500, message: 'A server error occurred.', error: 'Internal Server Error' },
    ],
    [
      { method: 'POST', url: '/api/v1/echo/data' },
      { statusCode: 405, message: 'Method "POST" not allowed.', error: 'Method Not Allowed' },
    ],
    [
      { method: 'POST', url: '/api/v1/echo/action', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      { statusCode: 415, message: 'Unsupported media type.', error: 'Unsupported Media Type' },
    ],
    [
      { method: 'GET', url: '/api/v1/echo/field-error' },
      { statusCode: 400, message: ['email: Enter a valid email address.'], error: 'Bad Request' },
    ],
  ] as [InjectOptions, Record<string, unknown>][])(
    '%j answers Nest’s default body',
    async (options, body) => {
      const res = await request(options);
      expect(res.statusCode).toBe(body.statusCode);
      expect(res.json()).toEqual(body);
      expect(res.headers['x-request-id']).toMatch(UUID_V7);
      expect(res.body).not.toContain(INTERNAL_SECRET);
    },
  );

  it('keeps the X-Request-ID header on Fastify-level errors', async () => {
    const res = await request({
      method: 'POST',
      url: '/api/v1/echo/action',
      headers: { ...JSON_TYPE, 'x-request-id': 'nest-body-1' },
      payload: '{',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-request-id']).toBe('nest-body-1');
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.json()).not.toHaveProperty('request_id');
  });

  it('still wraps successes in the envelope', async () => {
    const res = await request({ method: 'GET', url: '/api/v1/echo/data' });
    expect(res.json()).toEqual({
      success: true,
      data: { hello: 'world', n: 1 },
      request_id: res.headers['x-request-id'],
    });
  });
});
