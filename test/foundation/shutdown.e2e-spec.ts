import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ECHO_ENTRY,
  jsonPostHead,
  MAIN_ENTRY,
  RawConnection,
  spawnApp,
  SPAWN_TIMEOUT_MS,
  type SpawnedApp,
} from '../support/process.js';

/** Resolves true once a new TCP connection to `port` is refused. */
async function refusesConnections(port: number, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await sleep(50);
  }
  return false;
}

describe('graceful shutdown on SIGTERM', () => {
  let app: SpawnedApp;
  beforeAll(async () => {
    app = await spawnApp({ entry: ECHO_ENTRY });
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  /** A keep-alive connection the server has certainly accepted: one request already answered on it. */
  async function acceptedConnection(): Promise<RawConnection> {
    const connection = await RawConnection.open(app.port);
    await connection.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect((await connection.response()).status).toBe(200);
    return connection;
  }

  it('finishes in-flight requests, refuses new connections, then exits 0', { timeout: 60_000 }, async () => {
    // 1. A request whose body is still arriving: headers and half of the body sent.
    const body = JSON.stringify({ message: 'sent in two halves', padding: 'z'.repeat(4000) });
    const half = Math.floor(body.length / 2);
    const uploading = await acceptedConnection();
    await uploading.write(
      jsonPostHead('/api/v1/spawn-echo/echo', Buffer.byteLength(body), { 'X-Request-ID': 'in-flight-1' }),
    );
    await uploading.write(body.slice(0, half));

    // 2. A request already in its handler (it answers after 1.5 s).
    const slowBody = JSON.stringify({ delay_ms: 1500, message: 'slow' });
    const handling = await acceptedConnection();
    await handling.write(
      jsonPostHead('/api/v1/spawn-echo/echo', slowBody.length, { 'X-Request-ID': 'slow-1' }),
    );
    await handling.write(slowBody);
    await sleep(500);

    app.child.kill('SIGTERM');

    // New connections are refused while both requests are still in flight.
    expect(await refusesConnections(app.port)).toBe(true);
    await expect(fetch(`${app.baseUrl}/api/ping/`)).rejects.toThrow();

    // The rest of the body arrives after the signal: the request is still answered in full.
    await uploading.write(body.slice(half));
    const uploaded = await uploading.response();
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers['x-request-id']).toBe('in-flight-1');
    expect(uploaded.headers.connection).toBe('close');
    expect(JSON.parse(uploaded.body)).toEqual({
      success: true,
      data: { body: JSON.parse(body) },
      request_id: 'in-flight-1',
    });

    const slow = await handling.response();
    expect(slow.status).toBe(200);
    expect(JSON.parse(slow.body)).toEqual({
      success: true,
      data: { body: { delay_ms: 1500, message: 'slow' } },
      request_id: 'slow-1',
    });

    // The connections are closed by the server after their answers, so nothing keeps it from exiting.
    const exit = await app.exited;
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe('');
    uploading.close();
    handling.close();
  });
});

describe('graceful shutdown of the plain built app (dist/main.js)', () => {
  let app: SpawnedApp;
  beforeAll(async () => {
    app = await spawnApp({ entry: MAIN_ENTRY });
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it('exits 0 with its database and Redis connections closed', async () => {
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const started = Date.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    expect(exit.stderr).toBe('');
    // Nothing held the event loop open (an unclosed pool or Redis client would, until the kill).
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
