import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { type Components, hostileValue, type IdPool, type Schema, valueOf } from './schema-arbitrary.js';

/*
 * Every operation of the OpenAPI document the app serves, called as the owner of one tenant with
 * valid-shaped and mutated requests: never a 5xx, never a hang, always the envelope, and no row of
 * another tenant changed. `npm run test:fuzz -- --runs N` raises the count per operation.
 */

/** Requests per operation: fewer on the embedded database (one connection, slower). */
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.TEST_DATABASE_URL ? 10 : 3));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const REQUEST_TIMEOUT_MS = 10_000;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Operations that end the caller's session or account: run last, so the others keep their caller. */
const LAST = [/\/auth\/logout\/?$/, /\/auth\/password\/change\/?$/, /\/auth\/account\/?$/];

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  parameters: Parameter[];
  body?: Schema;
  multipart: boolean;
}

interface FuzzRequest {
  kind: string;
  method: string;
  url: string;
  payload?: string;
  contentType?: string;
}

interface Violation {
  operation: string;
  kind: string;
  request: string;
  problem: string;
}

let t: TestApp;
let db: DataSource;
let a: SeededTenant;
let b: SeededTenant;
let own: IdPool;
let foreign: IdPool;
let operations: Operation[];
let components: Components;
let checksumSql: string;

async function seedCluster(tenant: SeededTenant): Promise<number> {
  const [{ id }] = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, 'Fuzz') RETURNING id`,
    [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0]],
  );
  return id;
}

function poolOf(tenant: SeededTenant, cluster: number): IdPool {
  return {
    ids: [
      tenant.accountId,
      ...tenant.siteIds,
      ...tenant.sectorIds.flat(),
      ...Object.values(tenant.users).map((user) => user.id),
      cluster,
    ],
  };
}

/** One md5 over every row of `account` in every table with an `account_id` column, and the account row. */
async function buildChecksumSql(): Promise<string> {
  const tables = await db.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'account_id' ORDER BY table_name`,
  );
  const parts = tables.map(
    ({ table_name: table }) =>
      `SELECT '${table}' AS t, md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) AS h
         FROM ${table} r WHERE account_id = $1`,
  );
  parts.push(`SELECT 'igny8_accounts', md5(r::text) FROM igny8_accounts r WHERE id = $1`);
  return `SELECT string_agg(t || ':' || h, ' ' ORDER BY t) AS sum FROM (${parts.join(' UNION ALL ')}) x`;
}

const checksum = async (tenant: SeededTenant) =>
  (await db.query<{ sum: string }[]>(checksumSql, [tenant.accountId]))[0].sum;

/** The owner of `a` keeps a working session whatever the previous operation did to it. */
async function restoreCaller(): Promise<void> {
  await db.query(
    `UPDATE igny8_users SET tokens_valid_after = NULL, is_active = true, deleted_at = NULL, role = 'owner'
      WHERE id = $1`,
    [a.users.owner.id],
  );
  await db.query(`UPDATE igny8_accounts SET status = 'active', deleted_at = NULL WHERE id = $1`, [
    a.accountId,
  ]);
}

function operationsOf(document: {
  paths: Record<string, Record<string, unknown>>;
  components?: Components;
}): Operation[] {
  const list: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as
        | { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
        | undefined;
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      list.push({
        method,
        path,
        parameters: [...((item.parameters as Parameter[] | undefined) ?? []), ...(op.parameters ?? [])],
        body: content['application/json']?.schema,
        multipart: 'multipart/form-data' in content,
      });
    }
  }
  const rank = (op: Operation) => (LAST.some((pattern) => pattern.test(op.path)) ? 1 : 0);
  return list.sort((x, y) => rank(x) - rank(y));
}

const HOSTILE_PATH_IDS = ['0x1', '+1', '1e0', '%00', 'abc', '99999999999999999999', '-1', '9007199254740992'];

function pathArb(op: Operation, pool: IdPool, hostile: boolean): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const values = names.map((name) => {
    const uuid = name !== 'id';
    const valid = uuid ? fc.uuid() : fc.constantFrom(...pool.ids.map(String));
    if (!hostile) return valid;
    return fc.oneof(valid, fc.constantFrom(...HOSTILE_PATH_IDS, ...(uuid ? ['not-a-uuid'] : [])));
  });
  return fc.tuple(...values).map((chosen) => {
    let index = 0;
    return op.path.replace(/\{(\w+)\}/g, () => chosen[index++]);
  });
}

function queryArb(op: Operation, pool: IdPool, hostile: boolean): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  if (params.length === 0) return fc.constant('');
  const value = (p: Parameter) =>
    hostile
      ? hostileValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      : valueOf(p.schema ?? {}, components, pool, p.name).map((v) =>
          Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : JSON.stringify(v),
        );
  return fc
    .record(Object.fromEntries(params.map((p) => [p.name, value(p)])), { requiredKeys: [] })
    .map((query) => {
      const text = new URLSearchParams(query as Record<string, string>).toString();
      return text ? `?${text}` : '';
    });
}

const DEEP = `{"x": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;

function bodyArbs(op: Operation): { kind: string; arb: fc.Arbitrary<string | undefined> }[] {
  if (op.method === 'get' || op.method === 'delete') return [{ kind: 'valid', arb: fc.constant(undefined) }];
  const schema = op.body ?? {};
  const valid = valueOf(schema, components, own);
  const asObject = valid.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}));
  const text = (arb: fc.Arbitrary<unknown>) => arb.map((v) => JSON.stringify(v));
  const keys = Object.keys(schema.properties ?? {});
  const keyArb =
    keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })) : fc.string();
  return [
    { kind: 'valid', arb: text(valid) },
    {
      kind: 'hostile field',
      arb: text(
        fc.tuple(asObject, keyArb, hostileValue).map(([body, key, value]) => ({ ...body, [key]: value })),
      ),
    },
    { kind: 'foreign ids', arb: text(valueOf(schema, components, foreign)) },
    {
      kind: 'unknown fields',
      arb: text(
        asObject.map((body) => ({
          ...body,
          account_id: b.accountId,
          site_id: b.siteIds[0],
          user_id: b.users.owner.id,
          is_superuser: true,
          role: 'developer',
          zz_unknown: { deep: ['x'] },
        })),
      ),
    },
    {
      kind: 'malformed body',
      arb: fc.constantFrom('[]', '"x"', '123', 'null', '{', '{"a":}', DEEP, '{"__proto__": {"x": 1}}'),
    },
  ];
}

function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const method = op.method.toUpperCase();
  const variants: fc.Arbitrary<FuzzRequest>[] = bodyArbs(op).map(({ kind, arb }) =>
    fc
      .tuple(pathArb(op, own, kind !== 'valid'), queryArb(op, own, false), arb)
      .map(([path, query, payload]) => ({ kind, method, url: `${path}${query}`, payload })),
  );
  variants.push(
    fc
      .tuple(pathArb(op, foreign, false), queryArb(op, foreign, false))
      .map(([path, query]) => ({ kind: 'foreign path and query ids', method, url: `${path}${query}` })),
    fc
      .tuple(pathArb(op, own, true), queryArb(op, own, true))
      .map(([path, query]) => ({ kind: 'hostile path and query', method, url: `${path}${query}` })),
  );
  if (op.method !== 'get' && op.method !== 'delete') {
    variants.push(
      fc
        .constantFrom('text/plain', 'application/merge-patch+json', 'multipart/form-data; boundary=x')
        .map((contentType) => ({
          kind: 'content type',
          method,
          url: op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
            name === 'id' ? String(own.ids[1]) : '00000000-0000-4000-8000-000000000000',
          ),
          payload: '{"name": "x"}',
          contentType,
        })),
    );
  }
  return fc.oneof(...variants);
}

async function send(request: FuzzRequest): Promise<LightMyRequestResponse | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (done) => (timer = setTimeout(() => done('timeout'), REQUEST_TIMEOUT_MS)),
  );
  const response = t.request({
    method: request.method,
    url: request.url,
    headers: {
      ...a.users.owner.auth,
      ...(request.payload === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }),
    },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  try {
    return await Promise.race([response, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with an answer, or null. */
function problemOf(response: LightMyRequestResponse | 'timeout'): string | null {
  if (response === 'timeout') return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
  if (response.statusCode >= 500) return `${response.statusCode}: ${response.body.slice(0, 300)}`;
  const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
  if (!isJson) return response.statusCode < 300 ? null : `${response.statusCode} without a JSON envelope`;
  let body: Record<string, unknown>;
  try {
    body = response.json<Record<string, unknown>>();
  } catch {
    return `${response.statusCode} with a body that is not JSON`;
  }
  if (typeof body.request_id !== 'string') return `${response.statusCode} envelope without request_id`;
  if (response.statusCode >= 400 && (body.success !== false || typeof body.code !== 'string')) {
    return `${response.statusCode} without success: false and a code`;
  }
  if (response.statusCode < 400 && body.success !== true)
    return `${response.statusCode} without success: true`;
  return null;
}

describe('fuzzing every operation of the served OpenAPI document', () => {
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 2 });
    own = poolOf(a, await seedCluster(a));
    foreign = poolOf(b, await seedCluster(b));
    checksumSql = await buildChecksumSql();
    // The checksum sees a change to any row of the tenant.
    const before = await checksum(b);
    await db.query(`UPDATE igny8_sites SET name = name || '!' WHERE id = $1`, [b.siteIds[1]]);
    expect(await checksum(b)).not.toBe(before);
    await db.query(`UPDATE igny8_sites SET name = rtrim(name, '!') WHERE id = $1`, [b.siteIds[1]]);
    expect(await checksum(b)).toBe(before);
    const schema = await t.request({ method: 'GET', url: '/api/schema' });
    expect(schema.statusCode).toBe(200);
    const document = schema.json<{
      paths: Record<string, Record<string, unknown>>;
      components?: Components;
    }>();
    components = document.components ?? {};
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`answers ${RUNS} requests per operation without a 5xx or a hang, in the envelope, leaving the other tenant alone`, async () => {
    expect(operations.length).toBeGreaterThan(150);
    const violations: Violation[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const otherBefore = await checksum(b);
    for (const [index, op] of operations.entries()) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      const requests = fc.sample(requestArb(op), { numRuns: RUNS, seed: SEED + index });
      for (const request of requests) {
        const response = await send(request);
        sent++;
        if (response !== 'timeout')
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const problem = problemOf(response);
        const describeRequest = `${request.method} ${request.url.slice(0, 200)} ${request.payload?.slice(0, 200) ?? ''}`;
        if (problem)
          violations.push({ operation: name, kind: request.kind, request: describeRequest, problem });
        await restoreCaller();
      }
      const otherNow = await checksum(b);
      if (otherNow !== otherBefore) {
        violations.push({
          operation: name,
          kind: '-',
          request: '-',
          problem: 'changed a row of the other tenant',
        });
        break;
      }
    }
    const fiveHundreds = [...statuses]
      .filter(([status]) => status >= 500)
      .reduce((n, [, count]) => n + count, 0);
    const summary = `fuzz (seed ${SEED}): ${operations.length} operations x ${RUNS} = ${sent} requests, 5xx: ${fiveHundreds}, statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
    expect(violations, `${summary}\n${JSON.stringify(violations.slice(0, 40), null, 2)}`).toEqual([]);
    process.stdout.write(`${summary}\n`);
  }, 600_000);
});
