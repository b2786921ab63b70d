import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../auth/helpers.js';
import { testEnv } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ROOT, type SpawnedApp, spawnApp } from '../support/process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually, within } from './support.js';

/** SIGTERM must end the process well within this, Redis or not. */
const EXIT_BOUND_MS = 10_000;
const ANSWER_BOUND_MS = 5000;
const UNREACHABLE = /Redis is unreachable/;

/** How often a process logged that Redis is unreachable (the JSON log lines of its stdout). */
function unreachableLines(output: string): number {
  return output.split('\n').filter((line) => UNREACHABLE.test(line)).length;
}

describe.runIf(process.env.REDIS_URL)('Redis unreachable: the processes answer and stop (spawned)', () => {
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await TcpProxy.start(process.env.REDIS_URL as string);
  });

  afterAll(async () => {
    await proxy.close();
  });

  const get = (app: SpawnedApp, path: string, headers: Record<string, string> = {}) =>
    within(ANSWER_BOUND_MS, `GET ${path}`, fetch(`${app.baseUrl}${path}`, { headers }));

  const stopped = async (app: SpawnedApp) => {
    const exit = await within(EXIT_BOUND_MS, 'exit after SIGTERM', app.stop());
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/Unhandled error event/);
    return exit;
  };

  it(
    'the API started without Redis answers, is not ready, logs the outage once, and exits 0 on SIGTERM',
    { timeout: 180_000 },
    async () => {
      proxy.cut();
      const app = await spawnApp({ env: { REDIS_URL: proxy.via(process.env.REDIS_URL as string) } });
      try {
        const ready = await get(app, '/health/ready');
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ checks: { redis: 'error' } });
        const session = await get(app, '/api/v1/auth/me/', { cookie: 'igny8_session=abc' });
        expect(session.status).toBe(503);
        expect(await session.json()).toMatchObject({ code: 'service_unavailable' });
        // Registering ends with a cookie session, which needs Redis.
        const registered = await within(
          ANSWER_BOUND_MS,
          'POST auth/register/',
          fetch(`${app.baseUrl}/api/v1/auth/register/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD }),
          }),
        );
        expect(registered.status).toBe(503);
        expect(await registered.json()).toMatchObject({ code: 'service_unavailable' });
      } finally {
        const exit = await stopped(app);
        expect(unreachableLines(exit.stdout), exit.stdout).toBe(1);
      }
      await proxy.restore();
    },
  );

  it('the API that loses Redis while running exits 0 on SIGTERM', { timeout: 180_000 }, async () => {
    const app = await spawnApp({ env: { REDIS_URL: proxy.via(process.env.REDIS_URL as string) } });
    try {
      expect((await get(app, '/health/ready')).status).toBe(200);
      proxy.cut();
      await app.waitForLog((line) => UNREACHABLE.test(String(line.msg)));
      expect((await get(app, '/health/ready')).status).toBe(503);
    } finally {
      const exit = await stopped(app);
      expect(unreachableLines(exit.stdout), exit.stdout).toBe(1);
    }
    await proxy.restore();
  });

  describe('the worker', () => {
    let db: TestDatabase;
    let worker: ChildProcess | undefined;

    beforeAll(async () => {
      db = await createTestDatabase();
    });

    afterAll(async () => {
      if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      await db.drop();
    });

    it('that loses Redis exits 0 on SIGTERM', { timeout: 180_000 }, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'igny8-worker-'));
      const env = testEnv(db, tmp, {
        env: { REDIS_URL: proxy.via(process.env.REDIS_URL as string), LOG_LEVEL: 'info' },
      });
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'worker.js')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      worker = child;
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
        child.once('exit', (code, signal) => done([code, signal])),
      );

      await eventually(
        'the worker to start',
        () => Promise.resolve(stdout.includes('Worker started')),
        120_000,
      );
      proxy.cut();
      await eventually('the worker to notice', () => Promise.resolve(UNREACHABLE.test(stdout)));
      child.kill('SIGTERM');
      const [code, signal] = await within(EXIT_BOUND_MS, 'worker exit after SIGTERM', exited);
      expect({ code, signal }, `${stdout}\n${stderr}`).toEqual({ code: 0, signal: null });
      expect(stderr).not.toMatch(/Unhandled error event/);
      expect(unreachableLines(stdout)).toBe(1);
      await proxy.restore();
    });
  });
});
