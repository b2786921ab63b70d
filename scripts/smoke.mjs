// Smoke test of the built app in its embedded default: no DATABASE_URL, no REDIS_URL.
// Boots dist/main.js twice on the same (temporary) embedded data directory, so the second boot
// reopens a persisted database; each time it checks ping, readiness, the docs and the served
// schema (which must equal the committed openapi.json), then stops the app with SIGTERM and
// expects exit code 0.
//
//   node scripts/smoke.mjs        (after `npm run build`)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/* global fetch */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOOT_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function embeddedEnv(tmp, port) {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'TEST_DATABASE_URL', 'NODE_ENV', 'PUBLIC_BASE_URL'])
    delete env[name];
  return {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_DB_DIR: join(tmp, 'pglite'),
    LOG_DIR: join(tmp, 'logs'),
    MEDIA_DIR: join(tmp, 'media'),
    LOG_LEVEL: 'info',
    NO_COLOR: '1',
  };
}

async function boot(tmp, label) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
    cwd: tmp,
    env: embeddedEnv(tmp, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((result) => (exit = result));

  const started = Date.now();
  for (;;) {
    if (exit)
      throw new Error(`${label}: the app exited (${JSON.stringify(exit)}) before answering.\n${output}`);
    if (Date.now() - started > BOOT_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`${label}: no answer on ${base} within ${BOOT_TIMEOUT_MS / 1000} s.\n${output}`);
    }
    try {
      await fetch(`${base}/health/live`);
      break;
    } catch {
      await sleep(250);
    }
  }
  console.log(`smoke: ${label}: answering on port ${port} after ${Date.now() - started} ms`);
  return { child, base, exited, output: () => output };
}

async function get(base, path) {
  const response = await fetch(`${base}${path}`);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function checks(base, label) {
  const ping = await get(base, '/api/ping/');
  assert.equal(ping.status, 200, `GET /api/ping/ answered ${ping.status}: ${ping.text}`);
  const body = JSON.parse(ping.text);
  assert.equal(body.success, true, `GET /api/ping/ body: ${ping.text}`);
  assert.ok(ping.headers.get('x-request-id'), 'GET /api/ping/ has no X-Request-ID header');

  const ready = await get(base, '/health/ready');
  assert.equal(ready.status, 200, `GET /health/ready answered ${ready.status}: ${ready.text}`);
  const readiness = JSON.parse(ready.text);
  assert.equal(readiness.checks?.database, 'ok', `GET /health/ready: ${ready.text}`);
  assert.equal(readiness.checks?.redis, 'disabled', `GET /health/ready: ${ready.text}`);

  for (const page of ['/api/docs/', '/api/redoc/']) {
    const docs = await get(base, page);
    assert.equal(docs.status, 200, `GET ${page} answered ${docs.status}`);
  }
  const schema = await get(base, '/api/schema/');
  assert.equal(schema.status, 200, `GET /api/schema/ answered ${schema.status}`);
  const committed = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8'));
  assert.deepEqual(
    JSON.parse(schema.text),
    committed,
    'The schema served at /api/schema/ differs from openapi.json (run `npm run openapi`).',
  );
  console.log(`smoke: ${label}: ping, readiness (database ok, redis disabled), docs and schema OK`);
}

async function stop({ child, exited, output }, label) {
  const started = Date.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(
      `${label}: after SIGTERM the app exited with code ${code} (signal ${signal}).\n${output()}`,
    );
  console.log(`smoke: ${label}: stopped by SIGTERM with exit code 0 in ${Date.now() - started} ms`);
}

const tmp = mkdtempSync(join(tmpdir(), 'igny8-smoke-'));
let app;
try {
  for (const label of ['first boot', 'second boot (persisted data)']) {
    app = await boot(tmp, label);
    try {
      await checks(app.base, label);
    } catch (error) {
      error.message += `\n--- app output ---\n${app.output()}`;
      throw error;
    }
    await stop(app, label);
    app = undefined;
  }
  console.log('smoke: OK');
} catch (error) {
  app?.child.kill('SIGKILL');
  console.error(`smoke: FAILED\n${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
