import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClsService } from 'nestjs-cls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RequestContextStore } from '../../src/common/context/request-context.js';
import { ChannelLogger, LOG_CHANNELS } from '../../src/common/logging/channel-logger.js';
import { REDACTED } from '../../src/common/logging/redaction.js';
import { RunLogger } from '../../src/common/logging/run-logger.js';
import { AppConfig } from '../../src/config/app-config.js';
import {
  ECHO_ENTRY,
  jsonPostHead,
  RawConnection,
  spawnApp,
  SPAWN_TIMEOUT_MS,
  type SpawnedApp,
} from '../support/process.js';

const SECRETS = {
  bearer: 'bearer-SECRET-a1b2c3',
  cookie: 'cookie-SECRET-d4e5f6',
  apiKey: 'apikey-SECRET-g7h8i9',
  password: 'password-SECRET-j0k1',
  nestedPassword: 'password-SECRET-deep-l2m3',
  token: 'token-SECRET-n4o5',
  malformed: 'password-SECRET-malformed-p6q7',
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function configFor(dir: string, extra: Record<string, string> = {}): AppConfig {
  return new AppConfig({ NODE_ENV: 'test', LOG_DIR: dir, ...extra });
}

describe('request logs of the running app (stdout JSON lines)', () => {
  let app: SpawnedApp;

  beforeAll(async () => {
    app = await spawnApp({ entry: ECHO_ENTRY });
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  /**
   * Sends one request and returns the log lines written while it ran (up to its completion line).
   * Every one of them must carry the response's request id.
   */
  async function linesOf(path: string, init: RequestInit = {}) {
    const from = app.lines.length;
    const res = await fetch(`${app.baseUrl}${path}`, init);
    const body = await res.text();
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toBeTruthy();
    await app.waitForLog((line) => typeof line.res === 'object' && line.reqId === requestId, from);
    const lines = app.logs(from);
    for (const line of lines) expect(line, JSON.stringify(line)).toHaveProperty('reqId', requestId);
    return { res, body, requestId, lines };
  }

  it('tags a successful request with its id, without credentials', async () => {
    const { res, lines } = await linesOf('/api/ping/', {
      headers: {
        authorization: `Bearer ${SECRETS.bearer}`,
        cookie: `igny8_session=${SECRETS.cookie}`,
        'x-igny8-api-key': SECRETS.apiKey,
      },
    });
    expect(res.status).toBe(200);
    expect(lines.at(-1)).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/api/ping/' },
      res: { statusCode: 200 },
    });
  });

  it('keeps a valid incoming id as reqId', async () => {
    const { requestId } = await linesOf('/health/live', {
      headers: { 'x-request-id': 'trace-from-client-1' },
    });
    expect(requestId).toBe('trace-from-client-1');
  });

  it('tags a Fastify-level 404', async () => {
    const { res, lines } = await linesOf('/api/v1/no-such-route/');
    expect(res.status).toBe(404);
    expect(lines.at(-1)).toMatchObject({ res: { statusCode: 404 } });
  });

  it('tags a malformed JSON body (parse_error) and never logs the body', async () => {
    const { res, body } = await linesOf('/api/v1/spawn-echo/log', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"password": "${SECRETS.malformed}", `,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ code: 'parse_error' });
  });

  it('tags 413 and 415 answers', async () => {
    // fetch gives up on a body the server refuses half-way (EPIPE): read the 413 on a raw socket.
    const from = app.lines.length;
    const connection = await RawConnection.open(app.port);
    await connection.write(jsonPostHead('/api/v1/spawn-echo/log', 6 * 1024 * 1024));
    await connection.write('{"x": "');
    const tooLarge = await connection.response();
    connection.close();
    expect(tooLarge.status).toBe(413);
    const requestId = tooLarge.headers['x-request-id'];
    expect(JSON.parse(tooLarge.body)).toMatchObject({ code: 'payload_too_large', request_id: requestId });
    await app.waitForLog((line) => line.reqId === requestId && typeof line.res === 'object', from);
    for (const line of app.logs(from)) expect(line).toHaveProperty('reqId', requestId);

    const wrongType = await linesOf('/api/v1/spawn-echo/log', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(wrongType.res.status).toBe(415);
  });

  it('tags lines logged by a handler after the body was parsed, redacting secrets at any depth', async () => {
    const { res, lines } = await linesOf('/api/v1/spawn-echo/log', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'someone@example.com',
        password: SECRETS.password,
        profile: { credentials: { password: SECRETS.nestedPassword, token: SECRETS.token } },
      }),
    });
    expect(res.status).toBe(200);
    const logged = lines.find((line) => line.msg === 'echo body received');
    expect(logged).toMatchObject({
      context: 'Echo',
      body: {
        email: 'someone@example.com',
        password: REDACTED,
        profile: { credentials: { password: REDACTED, token: REDACTED } },
      },
    });
  });

  it('logs the details of an unexpected error under the request id, and only there', async () => {
    const { res, body, lines } = await linesOf('/api/v1/spawn-echo/boom', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(body).not.toContain('5c1e');
    const error = lines.find((line) => line.msg === 'Unhandled error');
    expect(error).toMatchObject({
      level: 50,
      code: 'internal_error',
      err: { message: 'boom: internal detail 5c1e' },
    });
  });

  it('writes JSON lines only, and no secret in plaintext anywhere', () => {
    expect(app.lines.length).toBeGreaterThan(10);
    for (const line of app.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const everything = app.lines.join('\n') + app.stderr;
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  });
});

describe('ChannelLogger', () => {
  const cls = new ClsService<RequestContextStore>(new AsyncLocalStorage());

  it('writes each channel to its own JSON-lines file under LOG_DIR, with the request context', async () => {
    const dir = tempDir('igny8-channels-');
    const logger = new ChannelLogger(configFor(dir), cls);
    await cls.run(async () => {
      cls.set('requestId', 'req-channel-1');
      cls.set('principal', {
        userId: 7,
        accountId: 3,
        siteId: null,
        role: 'owner',
        bypassTenant: false,
        via: 'jwt',
      });
      logger.info('publish-sync', 'content published', {
        content_id: 12,
        api_key: 'wp-key-SECRET',
        remote: { response: { password: 'pw-SECRET', status: 201 } },
        at: new Date('2026-01-02T03:04:05.000Z'),
      });
      logger.info('wordpress-api', 'GET /wp-json/igny8/v1/status', { status: 200, duration_ms: 12 });
    });
    logger.error('webhooks', 'signature rejected', { provider: 'stripe', authorization: 'Bearer SECRET' });
    await logger.flush();
    await logger.onApplicationShutdown();

    expect(readdirSync(dir).sort()).toEqual(LOG_CHANNELS.map((c) => `${c}.log`).sort());
    const read = (channel: string) =>
      readFileSync(join(dir, `${channel}.log`), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    const [published] = read('publish-sync');
    expect(published).toMatchObject({
      level: 'info',
      channel: 'publish-sync',
      reqId: 'req-channel-1',
      accountId: 3,
      userId: 7,
      msg: 'content published',
      content_id: 12,
      api_key: REDACTED,
      remote: { response: { password: REDACTED, status: 201 } },
      at: '2026-01-02T03:04:05.000Z',
    });
    expect(new Date(published.time as string).toISOString()).toBe(published.time);
    expect(read('wordpress-api')).toEqual([expect.objectContaining({ status: 200, reqId: 'req-channel-1' })]);
    const [webhook] = read('webhooks');
    expect(webhook).toMatchObject({ level: 'error', provider: 'stripe', authorization: REDACTED });
    expect(webhook.reqId).toBeUndefined();
    const all = LOG_CHANNELS.map((c) => readFileSync(join(dir, `${c}.log`), 'utf8')).join('');
    expect(all).not.toContain('SECRET');
  });

  it('rotates a file past LOG_ROTATE_SIZE and keeps at most LOG_ROTATE_FILES old ones', async () => {
    const dir = tempDir('igny8-rotate-');
    const logger = new ChannelLogger(configFor(dir, { LOG_ROTATE_SIZE: '1K', LOG_ROTATE_FILES: '2' }), cls);
    for (let i = 0; i < 200; i++) {
      logger.info('webhooks', `event ${i}`, { padding: 'p'.repeat(100) });
      if (i % 10 === 9) await logger.flush();
    }
    await logger.flush();
    await logger.onApplicationShutdown();

    const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
    const rotated = files.filter((f) => /^\d{8}-\d{4}-\d{2}-webhooks\.log$/.test(f));
    expect(files.sort()).toEqual([...rotated, 'webhooks.log'].sort());
    expect(rotated.length).toBeGreaterThanOrEqual(1);
    expect(rotated.length).toBeLessThanOrEqual(2);
    for (const file of files) {
      for (const line of readFileSync(join(dir, file), 'utf8').trim().split('\n').filter(Boolean)) {
        expect(JSON.parse(line)).toMatchObject({ channel: 'webhooks' });
      }
    }
    const current = readFileSync(join(dir, 'webhooks.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(current.at(-1)!)).toMatchObject({ msg: 'event 199' });
  });
});

describe('RunLogger', () => {
  const dir = tempDir('igny8-runs-');
  const runs = new RunLogger(configFor(dir));
  const ref = { accountId: 4, siteId: 9, runId: 'run_20260101_abc-1' };

  it('writes one file per run under automation/<account>/<site>/ and tails the last lines', async () => {
    for (let i = 1; i <= 5; i++) await runs.write(ref, `step ${i}`);
    await runs.write(ref, 'multi\nline\r\nmessage', { stage: 2, password: 'run-SECRET' });

    const path = join(dir, 'automation', '4', '9', 'run_20260101_abc-1.log');
    expect(runs.pathOf(ref)).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toContain('run-SECRET');

    const last = await runs.tail(ref, 3);
    expect(last).toHaveLength(3);
    expect(last[0]).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] step 4$/);
    expect(last[1]).toMatch(/\] step 5$/);
    expect(last[2]).toMatch(/\] multi line message \{"stage":2,"password":"\[REDACTED\]"\}$/);
    expect(await runs.tail(ref)).toHaveLength(6);
  });

  it('tails across read chunks of a long log', async () => {
    const long = { ...ref, runId: 'long-run' };
    const line = 'x'.repeat(200);
    for (let i = 0; i < 1000; i++) await runs.write(long, `${i} ${line}`);
    const last = await runs.tail(long, 700);
    expect(last).toHaveLength(700);
    expect(last[0]).toMatch(/\] 300 x+$/);
    expect(last[699]).toMatch(/\] 999 x+$/);
  });

  it('answers an empty tail for a run that has not logged yet', async () => {
    expect(await runs.tail({ ...ref, runId: 'never-ran' })).toEqual([]);
  });

  it.each([
    { ...ref, runId: '../../../../etc/passwd' },
    { ...ref, runId: '..' },
    { ...ref, runId: 'a/b' },
    { ...ref, runId: 'with space' },
    { ...ref, runId: '' },
    { ...ref, runId: 'x'.repeat(65) },
    { ...ref, accountId: Number.NaN },
    { ...ref, siteId: 1.5 },
    { ...ref, accountId: '../1' as unknown as number },
  ])('refuses a path-traversing or malformed reference %j', async (bad) => {
    expect(() => runs.pathOf(bad)).toThrow('Invalid automation run reference');
    await expect(runs.write(bad, 'nope')).rejects.toThrow('Invalid automation run reference');
    await expect(runs.tail(bad)).rejects.toThrow('Invalid automation run reference');
    expect(readdirSync(dir)).toEqual(['automation']);
  });
});
