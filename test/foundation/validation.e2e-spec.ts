import 'reflect-metadata';
import type { InjectOptions } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_WIDGETS_DDL, ECHO_WIDGETS_TABLE, EchoModule } from '../fixtures/echo/echo.module.js';
import { createTestApp, type TestApp } from '../support/app.js';

const WIDGETS = '/api/v1/echo/widgets/';
const ACTION = '/api/v1/echo/action/';
const JSON_TYPE = { 'content-type': 'application/json' };

interface WidgetRow {
  id: number;
  name: string;
  quantity: number | null;
  active: boolean | null;
  items: unknown;
  is_admin: boolean;
  created_at: Date;
}

let t: TestApp;
let db: DataSource;

const rows = () => db.query<WidgetRow[]>(`SELECT * FROM ${ECHO_WIDGETS_TABLE} ORDER BY id`);
const count = async () =>
  (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${ECHO_WIDGETS_TABLE}`))[0].n;
const post = (payload: unknown, headers: Record<string, string> = JSON_TYPE) =>
  t.request({
    method: 'POST',
    url: WIDGETS,
    headers,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  // The fixture table is created through the app's connections, which row-level security
  // (TENANT_RLS) runs as a role without DDL rights.
  t = await createTestApp({ modules: [EchoModule], redis: false, env: { TENANT_RLS: 'false' } });
  db = t.app.get(DataSource);
  await db.query(ECHO_WIDGETS_DDL);
});
afterAll(async () => {
  await t?.close();
});

describe('whitelist: unknown and read-only fields are stripped, never applied', () => {
  it('writes only the declared fields', async () => {
    const before = await count();
    const res = await post({
      name: 'Blue widget',
      quantity: 3,
      active: true,
      items: [{ name: 'bolt', price: 9 }],
      id: 999_999,
      is_admin: true,
      created_at: '2001-01-01T00:00:00Z',
      colour: 'blue',
      account_id: 42,
    });
    expect(res.statusCode).toBe(201);
    expect(await count()).toBe(before + 1);

    const row = (await rows()).at(-1)!;
    expect(row.id).not.toBe(999_999);
    expect(row).toMatchObject({ name: 'Blue widget', quantity: 3, active: true, is_admin: false });
    expect(row.items).toEqual([{ name: 'bolt' }]);
    expect(new Date(row.created_at).getUTCFullYear()).toBeGreaterThan(2001);
    expect(row).not.toHaveProperty('colour');

    const data = res.json<{ data: Record<string, unknown> }>().data;
    expect(data).toMatchObject({ id: row.id, name: 'Blue widget', is_admin: false });
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON',
    'application/json; charset="utf-8"',
  ])('reads a JSON body sent as %s', async (contentType) => {
    const res = await post({ name: `Typed ${contentType}`, quantity: 1 }, { 'content-type': contentType });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ data: { name: `Typed ${contentType}`, quantity: 1 } });
  });

  it.each([
    'application/merge-patch+json',
    'application/vnd.api+json',
    'application/json-patch+json',
    'application/json; charset=latin1',
    'application/json; profile=x',
    'application/jsonx',
    'text/json',
  ])('answers 415 to a JSON-looking body sent as %s, writing nothing', async (contentType) => {
    const before = await count();
    const res = await post({ name: 'Typed', quantity: 1 }, { 'content-type': contentType });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ success: false, code: 'unsupported_media_type' });
    expect(await count()).toBe(before);
  });

  it('accepts a whole object sent back as it was received', async () => {
    const first = await post({ name: 'Round trip' });
    const received = first.json<{ data: Record<string, unknown> }>().data;
    const before = await count();
    const again = await post({ ...received, name: 'Round trip 2' });
    expect(again.statusCode).toBe(201);
    expect(await count()).toBe(before + 1);
    expect(again.json<{ data: { id: number } }>().data.id).not.toBe(received.id);
  });

  it('strips a `constructor` key that holds no prototype (it is just an unknown field)', async () => {
    const res = await post({ name: 'Ctor', constructor: { name: 'x' } });
    expect(res.statusCode).toBe(201);
  });
});

describe('validation errors', () => {
  it('reports wrong types with dotted keys, nested included, and writes nothing', async () => {
    const before = await count();
    const res = await post({
      name: 42,
      quantity: 'three',
      active: 'yes',
      items: [{ name: 'ok' }, { name: 7 }, {}],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ errors: Record<string, string[]> }>();
    expect(body).toMatchObject({ success: false, error: 'Validation failed.', code: 'validation_error' });
    expect(Object.keys(body.errors).sort()).toEqual([
      'active',
      'items.1.name',
      'items.2.name',
      'name',
      'quantity',
    ]);
    for (const messages of Object.values(body.errors)) {
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(typeof message).toBe('string');
    }
    expect(body).toHaveProperty('request_id', res.headers['x-request-id']);
    expect(await count()).toBe(before);
  });

  it('does not coerce strings into numbers', async () => {
    const res = await post({ name: 'n', quantity: '5' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json<{ errors: object }>().errors)).toEqual(['quantity']);
  });

  it('reports a missing required field', async () => {
    const res = await post({});
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json<{ errors: object }>().errors)).toEqual(['name']);
  });

  it.each([
    ['an array', '[{"name": "x"}]'],
    ['a string', '"name"'],
    ['a number', '12'],
  ])('answers a JSON body that is %s with non_field_errors', async (_kind, payload) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_error',
      error: 'Validation failed.',
      errors: { non_field_errors: [expect.any(String)] },
    });
  });
});

describe('an empty body on a POST action means {}', () => {
  it.each([
    ['without a content type', {}],
    ['with Content-Type: application/json', JSON_TYPE],
    ['with a charset', { 'content-type': 'application/json; charset=utf-8' }],
  ])('%s', async (_label, headers) => {
    const res = await t.request({ method: 'POST', url: ACTION, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: true, data: { received: {}, isDto: true } });
  });

  it('treats a whitespace-only JSON body as empty', async () => {
    const res = await t.request({ method: 'POST', url: ACTION, headers: JSON_TYPE, payload: ' \n ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ data: { received: {} } });
  });

  it('still validates an empty body against the DTO (a create needs its fields)', async () => {
    const before = await count();
    const res = await t.request({ method: 'POST', url: WIDGETS });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_error', errors: { name: expect.any(Array) } });
    expect(await count()).toBe(before);
  });
});

describe('bad input writes nothing and answers the right code with a request id', () => {
  const polluting: [string, string][] = [
    ['__proto__ at the top', '{"name": "p1", "__proto__": {"polluted": "yes"}}'],
    [
      '__proto__ nested in an array',
      '{"name": "p2", "items": [{"name": "a", "__proto__": {"polluted": "yes"}}]}',
    ],
    ['escaped __proto__', '{"name": "p3", "\\u005f_proto__": {"polluted": "yes"}}'],
    ['constructor.prototype', '{"name": "p4", "constructor": {"prototype": {"polluted": "yes"}}}'],
    [
      'nested constructor.prototype',
      '{"name": "p5", "items": [{"constructor": {"prototype": {"polluted": "yes"}}}]}',
    ],
  ];
  const cases: [string, InjectOptions, number, string][] = [
    ...polluting.map(
      ([label, payload]) =>
        [label, { method: 'POST', url: WIDGETS, headers: JSON_TYPE, payload }, 400, 'parse_error'] as [
          string,
          InjectOptions,
          number,
          string,
        ],
    ),
    [
      'malformed JSON',
      { method: 'POST', url: WIDGETS, headers: JSON_TYPE, payload: '{"name": "x",}' },
      400,
      'parse_error',
    ],
    [
      'truncated JSON',
      { method: 'POST', url: WIDGETS, headers: JSON_TYPE, payload: '{"name": "x"' },
      400,
      'parse_error',
    ],
    [
      'text/plain',
      { method: 'POST', url: WIDGETS, headers: { 'content-type': 'text/plain' }, payload: 'name=x' },
      415,
      'unsupported_media_type',
    ],
    [
      'form-encoded',
      {
        method: 'POST',
        url: WIDGETS,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=x',
      },
      415,
      'unsupported_media_type',
    ],
    [
      'JSON over 5 MB',
      {
        method: 'POST',
        url: WIDGETS,
        headers: JSON_TYPE,
        payload: JSON.stringify({ name: 'big', items: [{ name: 'y'.repeat(5 * 1024 * 1024) }] }),
      },
      413,
      'payload_too_large',
    ],
    [
      'a wrong type',
      { method: 'POST', url: WIDGETS, headers: JSON_TYPE, payload: '{"name": ["x"]}' },
      400,
      'validation_error',
    ],
    [
      'too many nested items',
      {
        method: 'POST',
        url: WIDGETS,
        headers: JSON_TYPE,
        payload: JSON.stringify({ name: 'x', items: Array.from({ length: 11 }, () => ({ name: 'i' })) }),
      },
      400,
      'validation_error',
    ],
  ];

  it.each(cases)('%s', async (_label, options, status, code) => {
    const before = await count();
    const res = await t.request(options);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ success: false, code, request_id: res.headers['x-request-id'] });
    expect(await count()).toBe(before);
  });

  it('left no polluted prototype behind', async () => {
    for (const [, payload] of polluting) {
      await t.request({ method: 'POST', url: ACTION, headers: JSON_TYPE, payload });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(await db.query(`SELECT name FROM ${ECHO_WIDGETS_TABLE} WHERE name LIKE 'p_'`)).toEqual([]);
  });
});
