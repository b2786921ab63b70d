import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/common/http/input-guard.js';
import { EchoModule } from '../fixtures/echo/echo.module.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { RawConnection } from '../support/process.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { seedTenant, snapshot, type SeededTenant } from '../support/tenants.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const HUGE_ID = '10000000000000000000';
const NUL = 'Null characters are not allowed.';

let t: TestApp;
let a: SeededTenant;
let routes: RouteInfo[];

beforeAll(async () => {
  t = await createTestApp({ modules: [EchoModule], redis: false });
  a = await seedTenant(t.app);
  routes = listRoutes(t.app).filter(
    (route) => route.path.startsWith('/api/v1/') && !route.path.includes('/echo/'),
  );
});
afterAll(async () => {
  await t?.close();
});

/** A concrete URL for a route pattern (`:id` → 1, `:task_id` → a UUID). */
const urlOf = (route: RouteInfo) =>
  `${route.path.replace(/:task_id/g, '00000000-0000-4000-8000-000000000000').replace(/:\w+/g, '1')}/`;

const send = (method: string, url: string, payload?: string, headers: Record<string, string> = {}) =>
  t.request({
    method: method,
    url,
    headers: { ...a.users.owner.auth, ...JSON_TYPE, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

function expectEnvelope(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<Record<string, unknown>>();
  expect(body).toMatchObject({ success: false, code, request_id: res.headers['x-request-id'] });
  return body;
}

describe('NUL in any string of a body or query: 400 on that field, on every route', () => {
  it('refuses NUL in an unknown body field of every write route, authenticated or not', async () => {
    const writes = routes.filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method));
    expect(writes.length).toBeGreaterThan(40);
    for (const route of writes) {
      for (const headers of [{}, { authorization: '' }] as Record<string, string>[]) {
        const res = await send(route.method, urlOf(route), '{"zz_note": "a\\u0000b"}', headers);
        const body = expectEnvelope(res, 400, 'validation_error');
        expect(body.errors, `${route.method} ${route.path}`).toEqual({ zz_note: [NUL] });
      }
    }
  });

  it('names fields called like Object.prototype members (valueOf, toString) as any other', async () => {
    const res = await send(
      'POST',
      '/api/v1/auth/login/',
      '{"email": "a@b.co", "password": "z", "valueOf": "\\u0000", "toString": "\\u0000"}',
    );
    const errors = expectEnvelope(res, 400, 'validation_error').errors as Record<string, unknown>;
    expect(Object.entries(errors)).toEqual([
      ['valueOf', [NUL]],
      ['toString', [NUL]],
    ]);
  });

  it('names nested fields, array items and keys by their dotted path', async () => {
    const res = await send(
      'POST',
      '/api/v1/echo/action/',
      JSON.stringify({
        title: 'fine',
        tags: ['ok', 'b\u0000ad'],
        profile: { items: [{ name: 'x' }, { name: 'y\u0000' }] },
        meta: { 'k\u0000ey': 1 },
      }),
    );
    expect(expectEnvelope(res, 400, 'validation_error').errors).toEqual({
      tags: [NUL],
      'profile.items.1.name': [NUL],
      meta: [NUL],
    });
  });

  it.each([
    ['login', '/api/v1/auth/login/', { email: 'x\u0000@example.com', password: 'secret' }, 'email'],
    ['registration', '/api/v1/auth/register/', { email: 'n@example.com', password: 'p\u0000ss' }, 'password'],
    ['password reset', '/api/v1/auth/password/reset/', { email: 'n\u0000@example.com' }, 'email'],
  ])('answers 400 on %s before any lookup', async (_label, url, body, field) => {
    const res = await t.request({ method: 'POST', url, headers: JSON_TYPE, payload: JSON.stringify(body) });
    expect(expectEnvelope(res, 400, 'validation_error').errors).toEqual({ [field]: [NUL] });
  });

  it('refuses NUL in the profile, the account settings and JSON fields of rows, changing nothing', async () => {
    const before = await snapshot(t.app, ['igny8_users', 'igny8_accounts', 'igny8_keywords']);
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['PATCH', '/api/v1/auth/me/', { first_name: 'A\u0000' }, 'first_name'],
      ['PATCH', '/api/v1/account/settings/', { name: 'Acme\u0000' }, 'name'],
      [
        'POST',
        '/api/v1/planner/keywords/',
        { site_id: a.siteIds[0], keyword: 'k', attribute_values: [{ v: 'x\u0000' }] },
        'attribute_values.0.v',
      ],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await send(method, url, JSON.stringify(body));
      expect(expectEnvelope(res, 400, 'validation_error').errors, url).toEqual({ [field]: [NUL] });
    }
    expect(await snapshot(t.app, ['igny8_users', 'igny8_accounts', 'igny8_keywords'])).toEqual(before);
  });

  it('refuses NUL in query parameters of any route, and in their names', async () => {
    for (const url of ['/api/v1/auth/me/?x=a%00', '/api/v1/account/usage/analytics/?days=1%00']) {
      const res = await send('GET', url);
      expect(Object.values(expectEnvelope(res, 400, 'validation_error').errors as object)).toEqual([[NUL]]);
    }
    const named = await send('GET', '/api/v1/auth/me/?a%00b=1');
    expect(expectEnvelope(named, 400, 'validation_error').errors).toEqual({ non_field_errors: [NUL] });
  });

  it('answers 404 to NUL in a path parameter', async () => {
    for (const url of ['/api/v1/system/tasks/a%00b/', '/api/v1/planner/keywords/1%00/']) {
      expectEnvelope(await send('GET', url), 404, 'not_found');
    }
  });
});

describe('ids outside 1 … 2^53 − 1', () => {
  it('answers 400 on ids of every bulk action and AI action, before any lookup', async () => {
    const actions = routes.filter(
      (route) => route.method === 'POST' && /\/(bulk_\w+|purge|auto_\w+|generate_\w+)$/.test(route.path),
    );
    expect(actions.length).toBeGreaterThanOrEqual(20);
    for (const route of actions) {
      for (const ids of [HUGE_ID, '9007199254740992', '-9007199254740993', '0']) {
        const res = await send('POST', urlOf(route), `{"ids": [${ids}], "status": "new"}`);
        const body = expectEnvelope(res, 400, 'validation_error');
        expect(Object.keys(body.errors as object), `${route.path} ${ids}`).toEqual(['ids']);
      }
    }
  });

  it('refuses an out-of-range id in any body field named like an id', async () => {
    const res = await send(
      'POST',
      '/api/v1/planner/keywords/',
      `{"site_id": ${HUGE_ID}, "sector_id": "99999999999999999999", "keyword": "k"}`,
    );
    expect(expectEnvelope(res, 400, 'validation_error').errors).toEqual({
      site_id: ['Ensure this value is less than or equal to 9007199254740991.'],
      sector_id: ['Ensure this value is less than or equal to 9007199254740991.'],
    });
  });

  it('refuses out-of-range ids in query parameters (lists of ids too)', async () => {
    for (const query of [`site_id=${HUGE_ID}`, 'ids=1,9007199254740992', 'sector_id=0']) {
      const res = await send('GET', `/api/v1/planner/keywords/?${query}`);
      const field = query.split('=')[0];
      expect(expectEnvelope(res, 400, 'validation_error').errors).toHaveProperty(field);
    }
  });

  it('answers 404 to a path id past 2^53 − 1', async () => {
    for (const id of ['9007199254740992', '9999999999999999', HUGE_ID]) {
      expectEnvelope(await send('GET', `/api/v1/planner/keywords/${id}/`), 404, 'not_found');
    }
  });
});

describe('path ids other than plain decimals', () => {
  it('answers 404 to every other spelling of an existing id and leaves the row in place', async () => {
    const db = t.app.get(DataSource);
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name)
       VALUES ($1, $2, $3, 'Spelled') RETURNING id`,
      [a.accountId, a.siteIds[0], a.sectorIds[0][0]],
    );
    const spellings = [
      `0x${id.toString(16)}`,
      `+${id}`,
      `${id}e0`,
      `0b${id.toString(2)}`,
      `%20${id}`,
      `${id}%20`,
      `0${id}`,
      `${id}.0`,
      `-${id}`,
      `${id}abc`,
    ];
    for (const spelled of spellings) {
      expectEnvelope(await send('DELETE', `/api/v1/planner/clusters/${spelled}/`), 404, 'not_found');
      expectEnvelope(await send('GET', `/api/v1/planner/clusters/${spelled}/`), 404, 'not_found');
    }
    const [row] = await db.query<{ deleted_at: Date | null }[]>(
      'SELECT deleted_at FROM igny8_clusters WHERE id = $1',
      [id],
    );
    expect(row.deleted_at).toBeNull();
    expect((await send('GET', `/api/v1/planner/clusters/${id}/`)).statusCode).toBe(200);
  });
});

describe(`JSON nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
  const nested = (depth: number, open = '[', close = ']') =>
    `{"site_id": ${open.repeat(depth)}${close.repeat(depth)}}`;

  it('answers 400 parse_error to deep arrays and objects on any route, authenticated or not', async () => {
    const deepObjects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const payload of [nested(100_000), deepObjects, nested(MAX_JSON_DEPTH)]) {
      for (const url of ['/api/v1/planner/clusters/', '/api/v1/auth/login/']) {
        const res = await send('POST', url, payload);
        const body = expectEnvelope(res, 400, 'parse_error');
        expect(body.error).toMatch(/nested deeper than/);
      }
    }
  });

  it('parses nesting up to the limit, and counts no brackets inside strings', async () => {
    const atLimit = await send('POST', '/api/v1/echo/action/', nested(MAX_JSON_DEPTH - 1));
    expect(atLimit.statusCode).toBe(200);
    const inText = await send(
      'POST',
      '/api/v1/echo/action/',
      JSON.stringify({ note: `${'['.repeat(10_000)}\\"${'{'.repeat(10_000)}` }),
    );
    expect(inText.statusCode, inText.body).toBe(200);
  });
});

describe('client errors Node and Fastify answer themselves, in the envelope', () => {
  let port: number;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });

  async function raw(request: string) {
    const connection = await RawConnection.open(port);
    await connection.write(request);
    const response = await connection.response();
    connection.close();
    return response;
  }

  it.each([
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'parse_error'],
    ['an invalid header', 'GET /api/ping/ HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'parse_error'],
    [
      'oversize headers',
      `GET /api/ping/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'an oversize URL',
      `GET /api/ping/?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'a body longer than its Content-Length says',
      'POST /api/v1/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
      400,
      'parse_error',
    ],
  ])('%s', async (_label, request, status, code) => {
    const res = await raw(request);
    expect(res.status).toBe(status);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(res.body)).toMatchObject({
      success: false,
      code,
      request_id: res.headers['x-request-id'],
    });
  });
});

describe('malformed multipart bodies', () => {
  it('answers every upload route below 500, 400 where the body is read', async () => {
    const uploads = routes.filter((route) => /import/.test(route.path) && route.method === 'POST');
    expect(uploads.length).toBeGreaterThanOrEqual(5);
    const bodies: [string, string][] = [
      ['multipart/form-data; boundary=x', '{"name": "x"}'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
      ],
      ['multipart/form-data; boundary=x', '--x\r\nBroken header line\r\n\r\nabc\r\n--x--\r\n'],
      ['multipart/form-data', '--x--\r\n'],
    ];
    const truncated = await send('POST', '/api/v1/planner/keywords/import_keywords/', bodies[1][1], {
      'content-type': bodies[1][0],
    });
    expect(truncated.json()).toMatchObject({ code: 'parse_error', error: 'Malformed multipart body.' });
    for (const route of uploads) {
      for (const [contentType, payload] of bodies) {
        const res = await send('POST', urlOf(route), payload, { 'content-type': contentType });
        expect(res.statusCode, `${route.path} ${payload}: ${res.body}`).toBeLessThan(500);
        expect(res.json()).toMatchObject({ success: false, code: expect.any(String) });
        if (route.path.includes('import_keywords')) expect(res.statusCode).toBe(400);
      }
    }
  });
});
