// Start-up time and idle memory of the built app (`npm run bench:startup`).
//
// For each case the built API (dist/main.js) is launched as a child process; the time is from the
// spawn to the first 200 answer of GET /api/ping/ (polled every 10 ms), the memory is the child's
// resident set size (VmRSS) after it has been idle for IDLE_MS. Cases:
//
//   postgresql first  DATABASE_URL to a migrated scratch database on the local server (and REDIS_URL
//                     when Redis answers), NODE_ENV=production, with an empty compile cache
//   postgresql later  the next boot, with the compile cache the first one wrote
//   embedded first    no DATABASE_URL: first boot on an empty data directory (migrations included)
//                     and an empty compile cache
//   embedded second   the next boot on that same directory and compile cache
//
// Every run has its own compile cache directory (NODE_COMPILE_CACHE, src/compile-cache.ts), so a
// first boot compiles everything and a later one reuses what it wrote, as on a deployed server.
//
// Each case runs --runs times (default 3); the median and the range are printed. Options:
//   --runs N               boots per case
//   --only postgresql|embedded
//   BENCH_DATABASE_URL     server for the scratch database (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_REDIS_URL        Redis for the PostgreSQL case (default redis://127.0.0.1:6379 when it answers; "none" for none)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freePort } from '../scripts/free-port.mjs';

/* global fetch */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(root, 'dist', 'main.js');
const MIGRATE = join(root, 'dist', 'database', 'migrate.js');
const IDLE_MS = 3000;
const BOOT_TIMEOUT_MS = 120_000;

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } },
});
const RUNS = Number(args.runs);

if (!existsSync(MAIN)) {
  console.error('bench:startup: dist/main.js is missing (npm run bench:startup builds first)');
  process.exit(1);
}

function answers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) || 6379 }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** CPU time (user + system) the process has used so far, in ms (Linux clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

/** Only what the app needs from our environment; never a DATABASE_URL or REDIS_URL of the shell. */
function baseEnv() {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

async function boot(env, tmp) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmp,
    env: {
      ...baseEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_DIR: join(tmp, 'logs'),
      MEDIA_DIR: join(tmp, 'media'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exit;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => (exit = code));
  for (;;) {
    if (exit !== undefined) throw new Error(`the app exited (code ${exit}) before answering:\n${stderr}`);
    if (performance.now() - started > BOOT_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`no answer within ${BOOT_TIMEOUT_MS} ms:\n${stderr}`);
    }
    const response = await fetch(`http://127.0.0.1:${port}/api/ping/`).catch(() => undefined);
    if (response?.status === 200) break;
    await sleep(10);
  }
  const firstAnswerMs = performance.now() - started;
  const firstAnswerCpuMs = cpuMs(child.pid);
  await sleep(IDLE_MS);
  const idleRss = rssMb(child.pid);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`exit code ${code} after SIGTERM:\n${stderr}`);
  return { firstAnswerMs, firstAnswerCpuMs, idleRss };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results = [];
function record(name, samples) {
  results.push({ name, samples });
  const summary = (values, unit) =>
    `${median(values).toFixed(0)} ${unit} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
  console.log(
    `  ${name}: first answer ${summary(
      samples.map((s) => s.firstAnswerMs),
      'ms',
    )}, CPU used by then ${summary(
      samples.map((s) => s.firstAnswerCpuMs),
      'ms',
    )}, idle RSS ${summary(
      samples.map((s) => s.idleRss),
      'MB',
    )}`,
  );
}

async function benchPostgres() {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `igny8_bench_startup_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-bench-startup-'));
  try {
    const migrated = spawnSync(process.execPath, [MIGRATE], {
      cwd: tmp,
      env: { ...baseEnv(), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrations failed:\n${migrated.stderr}${migrated.stdout}`);
    let redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (redisUrl === 'none' || !(await answers(redisUrl))) redisUrl = undefined;
    const env = {
      NODE_ENV: redisUrl ? 'production' : 'test',
      DATABASE_URL: databaseUrl,
      ...(redisUrl ? { REDIS_URL: redisUrl, QUEUE_PREFIX: `bench${randomBytes(4).toString('hex')}` } : {}),
      JWT_SECRET: randomBytes(32).toString('base64'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    console.log(
      `PostgreSQL (${redisUrl ? `NODE_ENV=production, Redis ${redisUrl}` : 'NODE_ENV=test, no Redis'}):`,
    );
    const first = [];
    const later = [];
    for (let i = 0; i < RUNS; i++) {
      const withCache = { ...env, NODE_COMPILE_CACHE: join(tmp, `compile-cache-${i}`) };
      first.push(await boot(withCache, tmp));
      later.push(await boot(withCache, tmp));
    }
    record('postgresql, first boot (empty compile cache)', first);
    record('postgresql, later boot', later);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function benchEmbedded() {
  console.log('Embedded PostgreSQL (no DATABASE_URL, no REDIS_URL, NODE_ENV=development):');
  const first = [];
  const second = [];
  for (let i = 0; i < RUNS; i++) {
    const tmp = mkdtempSync(join(tmpdir(), 'igny8-bench-startup-'));
    try {
      const env = { EMBEDDED_DB_DIR: join(tmp, 'pglite'), NODE_COMPILE_CACHE: join(tmp, 'compile-cache') };
      first.push(await boot(env, tmp));
      second.push(await boot(env, tmp));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  record('embedded, first boot (empty directory, migrations included)', first);
  record('embedded, second boot', second);
}

console.log(
  `bench:startup: ${RUNS} boot(s) per case, node ${process.version}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
if (args.only !== 'embedded') await benchPostgres();
if (args.only !== 'postgresql') await benchEmbedded();
