// Smoke test of a fresh clone, run as the README's quick start tells a newcomer: clones the current
// commit (HEAD) into a temporary folder, runs `npm install` and then `npm start` there as written
// (no build beforehand, no DATABASE_URL, no REDIS_URL, no .env: the embedded default), and drives a
// real flow over HTTP:
//
//   ping, readiness, the docs and the served schema (must equal the committed openapi.json)
//   → register → login → create a site → select sectors → add keywords from the library
//   → list keywords → auto_cluster (the offline AI provider), polled at system/tasks/{id}/ to its end
//
// then sends SIGTERM to npm and expects exit code 0. A second `npm start` on the same folder must
// find the data again (login, the keywords). Only PORT is set (a free one).
//
//   node scripts/smoke.mjs            (≈ 1–3 minutes; npm install reuses the npm cache)
//   SMOKE_KEEP=1 node scripts/smoke.mjs   keeps the clone for inspection
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.mjs';

/* global fetch */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOOT_TIMEOUT_MS = 240_000;
const INSTALL_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 30_000;
const TASK_TIMEOUT_MS = 120_000;

function log(message) {
  console.log(`smoke: ${message}`);
}

/** The environment of a newcomer's shell: none of the app's settings, nor CI's services. */
function newcomerEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(DATABASE_URL|TEST_DATABASE_URL|REDIS_URL|NODE_ENV|PORT|HOST|OPENAI_|AI_|EMBEDDED_DB_DIR|THROTTLE_)/.test(
        name,
      )
    )
      delete env[name];
    if (name.startsWith('npm_')) delete env[name];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `npm <args>` in `cwd`; resolves with the output, rejects on a non-zero exit. */
function npm(args, cwd, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: newcomerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`npm ${args.join(' ')} exited with ${code ?? signal}\n${output}`));
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** `npm start` in `cwd` on a free port; resolves once /api/ping/ answers. */
async function start(cwd, label) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Its own process group, so that a failed run can kill npm and the app together.
  const child = spawn('npm', ['start'], {
    cwd,
    env: newcomerEnv({ PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let exit;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then((result) => (exit = result));
  const started = Date.now();
  for (;;) {
    if (exit)
      throw new Error(`${label}: npm start exited (${JSON.stringify(exit)}) before answering.\n${output}`);
    if (Date.now() - started > BOOT_TIMEOUT_MS) {
      killGroup(child);
      throw new Error(`${label}: no answer on ${base} within ${BOOT_TIMEOUT_MS / 1000} s.\n${output}`);
    }
    const ping = await fetch(`${base}/api/ping/`).catch(() => undefined);
    if (ping?.status === 200) break;
    await sleep(250);
  }
  log(`${label}: npm start answered on port ${port} after ${Date.now() - started} ms (build included)`);
  return { child, base, exited, output: () => output };
}

async function stop({ child, exited, output }, label) {
  const started = Date.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child), STOP_TIMEOUT_MS);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(
      `${label}: after SIGTERM npm start exited with code ${code} (signal ${signal}).\n${output()}`,
    );
  log(`${label}: SIGTERM → exit code 0 in ${Date.now() - started} ms`);
}

/** A small JSON client: `call(method, path, body?, headers?)` → {status, body, headers}. */
function client(base) {
  let token;
  const call = async (method, path, body, headers = {}) => {
    const response = await fetch(`${base}/api/v1/${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text, headers: response.headers };
  };
  const expectStatus = async (status, method, path, body, headers) => {
    const response = await call(method, path, body, headers);
    assert.equal(
      response.status,
      status,
      `${method} /api/v1/${path} answered ${response.status}: ${response.text}`,
    );
    return response.body;
  };
  return { expectStatus, setToken: (value) => (token = value) };
}

async function checkBasics(base, clone) {
  const ping = await fetch(`${base}/api/ping/`);
  assert.equal((await ping.json()).success, true);
  assert.ok(ping.headers.get('x-request-id'), 'GET /api/ping/ has no X-Request-ID header');
  const ready = await (await fetch(`${base}/health/ready`)).json();
  assert.equal(ready.checks?.database, 'ok', `GET /health/ready: ${JSON.stringify(ready)}`);
  assert.equal(ready.checks?.redis, 'disabled', `GET /health/ready: ${JSON.stringify(ready)}`);
  for (const page of ['/api/docs/', '/api/redoc/']) {
    const docs = await fetch(`${base}${page}`);
    assert.equal(docs.status, 200, `GET ${page} answered ${docs.status}`);
  }
  const schema = await fetch(`${base}/api/schema/`);
  assert.equal(schema.status, 200, `GET /api/schema/ answered ${schema.status}`);
  assert.deepEqual(
    await schema.json(),
    JSON.parse(readFileSync(join(clone, 'openapi.json'), 'utf8')),
    'The schema served at /api/schema/ differs from openapi.json (run `npm run openapi`).',
  );
  log('ping, readiness (database ok, redis disabled), docs and schema OK');
}

const USER = { email: 'smoke@example.com', password: 'a-long-passphrase', account_name: 'Smoke agency' };

async function flow(base) {
  const api = client(base);
  const registered = await api.expectStatus(201, 'POST', 'auth/register/', USER);
  assert.ok(registered.data.tokens.access, 'register returned no access token');
  const login = await api.expectStatus(200, 'POST', 'auth/login/', {
    email: USER.email,
    password: USER.password,
  });
  api.setToken(login.data.tokens.access);
  log('register → login OK');

  const site = (await api.expectStatus(201, 'POST', 'auth/sites/', { name: 'Smoke site' })).data;
  const industries = (await api.expectStatus(200, 'GET', 'auth/industries/')).data;
  const industry =
    industries.find((i) => i.sectors.length >= 2) ?? industries.find((i) => i.sectors.length > 0);
  assert.ok(industry, 'no industry with sectors in the reference data');
  const chosen = industry.sectors.slice(0, 2);
  const selected = (
    await api.expectStatus(200, 'POST', `auth/sites/${site.id}/select_sectors/`, {
      industry_slug: industry.slug,
      sector_slugs: chosen.map((s) => s.slug),
    })
  ).data;
  assert.equal(selected.sectors.length, chosen.length);
  const sector = selected.sectors[0];
  log(`site ${site.id} with ${chosen.length} sector(s) of "${industry.slug}" OK`);

  const library = await api.expectStatus(
    200,
    'GET',
    `auth/keywords-library/?industry_id=${industry.id}&sector_id=${sector.industry_sector_id}&page_size=20`,
  );
  assert.ok(
    library.results.length >= 2,
    `the keyword library has ${library.results.length} seed(s) for the sector`,
  );
  const added = (
    await api.expectStatus(201, 'POST', 'planner/keywords/bulk_add_from_seed/', {
      site_id: site.id,
      sector_id: sector.id,
      seed_keyword_ids: library.results.map((seed) => seed.id),
    })
  ).data;
  assert.equal(added.created_count, library.results.length, JSON.stringify(added));
  const keywords = await api.expectStatus(
    200,
    'GET',
    `planner/keywords/?site_id=${site.id}&page_size=100&ordering=-volume`,
  );
  assert.equal(keywords.count, added.created_count);
  assert.deepEqual(
    [...keywords.results.map((k) => k.id)].sort((a, b) => a - b),
    [...added.keyword_ids].sort((a, b) => a - b),
  );
  log(`${added.created_count} keywords added from the library and listed OK`);

  const queued = await api.expectStatus(
    202,
    'POST',
    'planner/keywords/auto_cluster/',
    { ids: added.keyword_ids },
    { 'Idempotency-Key': 'smoke-auto-cluster' },
  );
  const taskId = queued.data.task_id;
  const started = Date.now();
  let task;
  for (;;) {
    task = (await api.expectStatus(200, 'GET', `system/tasks/${taskId}/`)).data;
    if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
    assert.ok(
      Date.now() - started < TASK_TIMEOUT_MS,
      `task ${taskId} still ${task.status}: ${JSON.stringify(task)}`,
    );
    await sleep(250);
  }
  assert.equal(task.status, 'completed', `task ${taskId}: ${JSON.stringify(task)}`);
  const clusters = await api.expectStatus(200, 'GET', `planner/clusters/?site_id=${site.id}`);
  assert.ok(clusters.count >= 1, 'auto_cluster created no cluster');
  log(`auto_cluster task ${taskId} completed in ${Date.now() - started} ms: ${clusters.count} cluster(s) OK`);
  return { siteId: site.id, keywords: added.created_count };
}

async function persisted(base, expected) {
  const api = client(base);
  const login = await api.expectStatus(200, 'POST', 'auth/login/', {
    email: USER.email,
    password: USER.password,
  });
  api.setToken(login.data.tokens.access);
  const keywords = await api.expectStatus(200, 'GET', `planner/keywords/?site_id=${expected.siteId}`);
  assert.equal(keywords.count, expected.keywords);
  log('login and the keywords found again OK');
}

const tmp = mkdtempSync(join(tmpdir(), 'igny8-smoke-'));
const clone = join(tmp, 'igny8-api');
let app;
try {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', root, clone]);
  execFileSync('git', ['checkout', '--quiet', '--detach', commit], { cwd: clone });
  log(`cloned ${commit.slice(0, 12)} into ${clone}`);

  const installing = Date.now();
  await npm(['install'], clone, INSTALL_TIMEOUT_MS);
  log(`npm install OK in ${Math.round((Date.now() - installing) / 1000)} s`);

  app = await start(clone, 'first start');
  await checkBasics(app.base, clone);
  const expected = await flow(app.base);
  await stop(app, 'first start');

  app = await start(clone, 'second start (persisted data)');
  await persisted(app.base, expected);
  await stop(app, 'second start');
  app = undefined;
  log('OK');
} catch (error) {
  if (app) {
    killGroup(app.child);
    error.message += `\n--- app output ---\n${app.output()}`;
  }
  console.error(`smoke: FAILED\n${error.message}`);
  process.exitCode = 1;
} finally {
  if (process.env.SMOKE_KEEP) log(`kept ${clone}`);
  else rmSync(tmp, { recursive: true, force: true });
}
