import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyFixtureModule, IdempotencyProbe } from '../fixtures/idempotency/idempotency.fixture.js';
import { createTestApp, json, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

const ROUTE = '/api/v1/idempotency-fixture/main/';

function multipart(file: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----idempotency${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  task_id: string | null;
  lasts_a_day: boolean;
}

describe('Idempotency-Key', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let probe: IdempotencyProbe;
  let db: DataSource;
  let keys = 0;

  beforeAll(async () => {
    t = await createTestApp({ modules: [IdempotencyFixtureModule] });
    a = await seedTenant(t.app);
    b = await seedTenant(t.app);
    probe = t.app.get(IdempotencyProbe);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const newKey = () => `key-${++keys}-${Date.now()}`;

  function send(
    key: string | undefined,
    payload: Record<string, unknown> | string,
    { url = ROUTE, tenant = a }: { url?: string; tenant?: SeededTenant } = {},
  ): Promise<LightMyRequestResponse> {
    return t.request({
      method: 'POST',
      url,
      headers: {
        ...tenant.users.editor.auth,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  }

  async function rows(key: string, tenant = a): Promise<KeyRow[]> {
    return db.query(
      `SELECT request_hash, response_status, response_body, task_id,
              expires_at - created_at = interval '24 hours' AS lasts_a_day
         FROM igny8_idempotency_keys WHERE account_id = $1 AND key = $2`,
      [tenant.accountId, key],
    );
  }

  const requestId = (response: LightMyRequestResponse) => json<{ request_id: string }>(response).request_id;

  /** The replay is the first answer byte for byte, but for its own request id. */
  function expectReplayOf(replay: LightMyRequestResponse, first: LightMyRequestResponse): void {
    expect(replay.statusCode).toBe(first.statusCode);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toBe(first.headers['content-type']);
    expect(requestId(replay)).not.toBe(requestId(first));
    expect(requestId(replay)).toBe(replay.headers['x-request-id']);
    expect(replay.payload).toBe(first.payload.replace(requestId(first), requestId(replay)));
  }

  it('replays a 202 with the same task_id and a new request_id, without running again', async () => {
    const key = newKey();
    const runs = probe.runs;
    const first = await send(key, { outcome: 'accepted' });
    expect(first.statusCode).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const taskId = json<{ data: { task_id: string } }>(first).data.task_id;

    const replay = await send(key, { outcome: 'accepted' });
    expectReplayOf(replay, first);
    expect(json(replay)).toMatchObject({ success: true, data: { task_id: taskId }, message: 'Task queued.' });
    expect(probe.runs).toBe(runs + 1);
    expect(await rows(key)).toEqual([
      expect.objectContaining({ response_status: 202, task_id: taskId, lasts_a_day: true }),
    ]);
  });

  it('replays a 201 body byte for byte', async () => {
    const key = newKey();
    const first = await send(key, { outcome: 'created', note: 'ünïcode "quoted" \\ slash' });
    expect(first.statusCode).toBe(201);
    const runs = probe.runs;

    const replay = await send(key, { outcome: 'created', note: 'ünïcode "quoted" \\ slash' });
    expectReplayOf(replay, first);
    expect(probe.runs).toBe(runs);
    expect(await rows(key)).toEqual([expect.objectContaining({ response_status: 201, task_id: null })]);
  });

  it('answers 409 for the same key with another body, even one that differs only in its bytes', async () => {
    const key = newKey();
    const first = await send(key, '{"outcome":"created"}');
    const runs = probe.runs;

    for (const other of [{ outcome: 'created', note: 'other' }, '{ "outcome": "created" }']) {
      const conflict = await send(key, other);
      expect(conflict.statusCode).toBe(409);
      expect(json(conflict)).toMatchObject({ success: false, code: 'conflict' });
      expect(conflict.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(probe.runs).toBe(runs);
    expectReplayOf(await send(key, '{"outcome":"created"}'), first);
  });

  it('answers 409 for the same key on another path or query string', async () => {
    const key = newKey();
    await send(key, { outcome: 'created' }, { url: `${ROUTE}?x=1` });
    const runs = probe.runs;

    for (const url of [`${ROUTE}?x=2`, ROUTE, '/api/v1/idempotency-fixture/other/?x=1']) {
      const conflict = await send(key, { outcome: 'created' }, { url });
      expect(conflict.statusCode).toBe(409);
      expect(json(conflict)).toMatchObject({ code: 'conflict' });
    }
    expect(probe.runs).toBe(runs);
  });

  it('answers 409 while the first request with the key is still in progress', async () => {
    const key = newKey();
    const gate = probe.hold();
    const runs = probe.runs;
    const first = send(key, { outcome: 'wait' });
    await gate.entered;

    const meanwhile = await Promise.all([1, 2, 3].map(() => send(key, { outcome: 'wait' })));
    for (const response of meanwhile) {
      expect(response.statusCode).toBe(409);
      expect(json(response)).toMatchObject({ code: 'conflict' });
    }
    expect(await rows(key)).toEqual([
      expect.objectContaining({ response_status: null, response_body: null }),
    ]);

    gate.release();
    const done = await first;
    expect(done.statusCode).toBe(202);
    expect(probe.runs).toBe(runs + 1);
    expectReplayOf(await send(key, { outcome: 'wait' }), done);
  });

  it('runs only one of many simultaneous requests with the same key', async () => {
    const key = newKey();
    const runs = probe.runs;
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(key, { outcome: 'accepted' })));

    expect(probe.runs).toBe(runs + 1);
    const ran = answers.filter((r) => r.statusCode === 202 && r.headers['idempotent-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const other of answers.filter((r) => r !== ran[0])) {
      if (other.statusCode === 409) continue;
      expectReplayOf(other, ran[0]);
    }
  });

  it('stores and replays client errors: 402 and validation errors', async () => {
    const key = newKey();
    const runs = probe.runs;
    const first = await send(key, { outcome: 'payment' });
    expect(first.statusCode).toBe(402);
    expect(json(first)).toMatchObject({ code: 'insufficient_credits', details: { run: runs + 1 } });
    expectReplayOf(await send(key, { outcome: 'payment' }), first);
    expect(probe.runs).toBe(runs + 1);
    expect(await rows(key)).toEqual([expect.objectContaining({ response_status: 402 })]);

    const invalidKey = newKey();
    const invalid = await send(invalidKey, { outcome: 'unknown' });
    expect(invalid.statusCode).toBe(400);
    expect(json(invalid)).toMatchObject({ code: 'validation_error', errors: { outcome: expect.any(Array) } });
    expectReplayOf(await send(invalidKey, { outcome: 'unknown' }), invalid);
    expect(await rows(invalidKey)).toEqual([expect.objectContaining({ response_status: 400 })]);
  });

  it('keeps no row after a 5xx, so the key runs again', async () => {
    const key = newKey();
    const runs = probe.runs;
    for (const attempt of [1, 2]) {
      const failed = await send(key, { outcome: 'upstream' });
      expect(failed.statusCode).toBe(502);
      expect(failed.headers['idempotent-replayed']).toBeUndefined();
      expect(probe.runs).toBe(runs + attempt);
      expect(await rows(key)).toEqual([]);
    }

    const crashKey = newKey();
    expect((await send(crashKey, { outcome: 'crash' })).statusCode).toBe(500);
    expect(await rows(crashKey)).toEqual([]);
    const retried = await send(crashKey, { outcome: 'created' });
    expect(retried.statusCode).toBe(201);
    expect(probe.runs).toBe(runs + 4);
  });

  it('refuses malformed keys with 400 before anything runs', async () => {
    const runs = probe.runs;
    const [{ count: before }] = await db.query<{ count: string }[]>(
      'SELECT count(*) FROM igny8_idempotency_keys WHERE account_id = $1',
      [a.accountId],
    );
    for (const key of ['', 'k'.repeat(256), 'clé', 'tab\there', 'bell\u0007', 'del\u007f']) {
      const refused = await send(key, { outcome: 'created' });
      expect(refused.statusCode, JSON.stringify(key)).toBe(400);
      expect(json(refused)).toMatchObject({
        code: 'validation_error',
        errors: { 'Idempotency-Key': expect.any(Array) },
      });
    }
    expect(probe.runs).toBe(runs);
    const [{ count: after }] = await db.query<{ count: string }[]>(
      'SELECT count(*) FROM igny8_idempotency_keys WHERE account_id = $1',
      [a.accountId],
    );
    expect(after).toBe(before);

    const longest = `${'~ '.repeat(127)}!`;
    expect((await send(longest, { outcome: 'created' })).statusCode).toBe(201);
    expect(await rows(longest)).toHaveLength(1);
  });

  it('keeps keys per account', async () => {
    const key = newKey();
    await send(key, { outcome: 'created' });
    const runs = probe.runs;

    const other = await send(key, { outcome: 'created' }, { tenant: b });
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(probe.runs).toBe(runs + 1);
    expect(await rows(key, a)).toHaveLength(1);
    expect(await rows(key, b)).toHaveLength(1);
  });

  it('ignores and replaces an expired row', async () => {
    const key = newKey();
    await send(key, { outcome: 'created', note: 'first' });
    const [expired] = await rows(key);
    await db.query(
      `UPDATE igny8_idempotency_keys SET expires_at = now() - interval '1 second'
        WHERE account_id = $1 AND key = $2`,
      [a.accountId, key],
    );
    const runs = probe.runs;

    const again = await send(key, { outcome: 'created', note: 'second' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(probe.runs).toBe(runs + 1);
    const [replaced, ...none] = await rows(key);
    expect(none).toEqual([]);
    expect(replaced.request_hash).not.toBe(expired.request_hash);
    expect(replaced).toMatchObject({ response_status: 201, lasts_a_day: true });
    expectReplayOf(await send(key, { outcome: 'created', note: 'second' }), again);
  });

  it('leaves multipart uploads alone, and refuses them on an idempotent route', async () => {
    const upload = multipart(Buffer.alloc(256 * 1024, 'x'));
    const headers = { ...a.users.editor.auth, ...upload.headers, 'idempotency-key': newKey() };
    const plain = await t.request({
      method: 'POST',
      url: '/api/v1/idempotency-fixture/uploads/file/',
      headers,
      payload: upload.payload,
    });
    expect(plain.statusCode, plain.payload).toBe(200);
    expect(json(plain)).toMatchObject({ data: { bytes: 256 * 1024 } });

    const runs = probe.runs;
    const refused = await t.request({ method: 'POST', url: ROUTE, headers, payload: upload.payload });
    expect(refused.statusCode).toBe(415);
    expect(json(refused)).toMatchObject({ code: 'unsupported_media_type' });
    expect(probe.runs).toBe(runs);
  });

  it('runs every request sent without the header', async () => {
    const runs = probe.runs;
    const first = await send(undefined, { outcome: 'created' });
    const second = await send(undefined, { outcome: 'created' });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(json(second)).toMatchObject({ data: { run: runs + 2 } });
    expect(probe.runs).toBe(runs + 2);
  });
});
