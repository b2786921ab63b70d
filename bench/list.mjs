// `npm run bench`: requests/second and p99 of
//   GET /api/v1/planner/keywords/?page_size=25&ordering=-volume   (JWT, account owners)
// served by our full stack (dist/main.js) and by a bare baseline (bench/baseline.mjs: Fastify + pg,
// the same JWT check, the same SQL, the same envelope), in turn, under the same autocannon load,
// on the same seeded PostgreSQL database. Prints every round and the median ratio ours/baseline.
// See bench/README.md. Run after `npm run build` (the npm script does it).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { BASELINE_STATEMENTS, normalizeSql } from './baseline-sql.mjs';
import { seed } from './seed.mjs';

/* global fetch */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PATH = '/api/v1/planner/keywords/?page_size=25&ordering=-volume';
const BENCH_DB = 'igny8_bench';
const BOOT_TIMEOUT_MS = 60_000;

function intEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}".`);
  return value;
}

const settings = {
  serverUrl:
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL || undefined,
  rounds: intEnv('BENCH_ROUNDS', 5),
  seconds: intEnv('BENCH_SECONDS', 10),
  warmup: intEnv('BENCH_WARMUP', 8, 0),
  connections: intEnv('BENCH_CONNECTIONS', 10),
  pool: intEnv('BENCH_POOL_SIZE', 10),
  accounts: intEnv('BENCH_ACCOUNTS', 5),
  perAccount: intEnv('BENCH_KEYWORDS_PER_ACCOUNT', 1200),
  drop: process.env.BENCH_DROP === '1' || process.env.BENCH_DROP === 'true',
  /** A directory for V8 CPU profiles of both servers (`--cpu-prof`), written when they stop. */
  profileDir: process.env.BENCH_PROFILE_DIR || undefined,
};

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function assertLoopback(url) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`The benchmark only talks to loopback servers; ${url} is not one.`);
  }
}

async function admin(fn) {
  const client = new pg.Client({ connectionString: settings.serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A child server process; its output is kept (last 20 kB) for error reports. */
function startServer(label, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((result) => (exit = result));
  return {
    label,
    child,
    output: () => output,
    exited: () => exit,
    async stop() {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = sleep(15_000).then(() => 'timeout');
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function waitUntilUp(server, url) {
  const started = Date.now();
  for (;;) {
    const exit = server.exited();
    if (exit)
      throw new Error(
        `${server.label} exited (${JSON.stringify(exit)}) before answering.\n${server.output()}`,
      );
    if (Date.now() - started > BOOT_TIMEOUT_MS)
      throw new Error(`${server.label}: no answer on ${url}.\n${server.output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
}

async function getJson(base, token) {
  const response = await fetch(`${base}${PATH}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function answers(base, tokens) {
  const out = [];
  for (const token of tokens) out.push(await getJson(base, token));
  return out;
}

/** Both sides answer 200 with the same page (request ids and link origins aside) for every account. */
function checkSameAnswers(ours, baseline, expectedCount) {
  const strip = (link) => (link === null ? null : link.replace(/^https?:\/\/[^/]+/, ''));
  ours.forEach((a, index) => {
    const b = baseline[index];
    assert.equal(a.status, 200, `ours answered ${a.status}: ${JSON.stringify(a.body)}`);
    assert.equal(b.status, 200, `baseline answered ${b.status}: ${JSON.stringify(b.body)}`);
    assert.deepEqual(Object.keys(a.body), ['success', 'count', 'next', 'previous', 'results', 'request_id']);
    assert.deepEqual(Object.keys(b.body), Object.keys(a.body), 'envelope keys differ');
    assert.equal(a.body.count, expectedCount, 'ours: unexpected count');
    assert.equal(b.body.count, a.body.count, 'counts differ');
    assert.equal(a.body.results.length, 25, 'ours: not a full page of 25');
    assert.equal(b.body.results.length, a.body.results.length, 'numbers of results differ');
    assert.equal(strip(b.body.next), strip(a.body.next), 'next links differ');
    assert.equal(b.body.previous, a.body.previous, 'previous links differ');
    for (let i = 0; i < a.body.results.length; i++) {
      assert.deepEqual(
        Object.keys(b.body.results[i]),
        Object.keys(a.body.results[i]),
        `row ${i}: fields differ`,
      );
    }
    assert.deepEqual(b.body.results, a.body.results, 'rows differ');
    const volumes = a.body.results.map((row) => row.volume);
    assert.deepEqual(
      volumes,
      [...volumes].sort((x, y) => y - x),
      'ours: not ordered by -volume',
    );
  });
}

/** The statements our server ran for the verification requests, against the baseline's. */
function compareSql(traceFile, since, requests) {
  const trace = JSON.parse(readFileSync(traceFile, 'utf8'))
    .filter(([at]) => at >= since)
    .map(([, text]) => normalizeSql(text));
  const perRequest = trace.length / requests;
  const ours = [...new Set(trace)];
  const theirs = BASELINE_STATEMENTS.map(normalizeSql);
  const missing = theirs.filter((sql) => !ours.includes(sql));
  const extra = ours.filter((sql) => !theirs.includes(sql));
  return { perRequest, ours, missing, extra };
}

let clockTicks;
/** CPU time (user + system, ms) a process has used so far, from /proc; null where there is none. */
function cpuMs(pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}

async function load(server, url, tokens, seconds) {
  const cpuBefore = cpuMs(server.child.pid);
  const result = await autocannon({
    url,
    connections: settings.connections,
    pipelining: 1,
    duration: seconds,
    // Each connection cycles through the account owners' tokens.
    requests: tokens.map((token) => ({
      method: 'GET',
      path: PATH,
      headers: { authorization: `Bearer ${token}` },
    })),
  });
  const cpuAfter = cpuMs(server.child.pid);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    // The server process's CPU per answered request: less sensitive to a busy machine than req/s.
    cpu:
      cpuBefore === null || cpuAfter === null
        ? null
        : (cpuAfter - cpuBefore) / Math.max(1, result.requests.total),
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

const fmt = (run) =>
  `${run.rps.toFixed(0).padStart(6)} req/s  p99 ${String(run.p99).padStart(4)} ms` +
  (run.cpu === null ? '' : `  cpu ${run.cpu.toFixed(2)} ms/req`) +
  (run.bad ? `  (${run.bad} non-2xx/errors!)` : '');

async function main() {
  assertLoopback(settings.serverUrl);
  if (settings.redisUrl) assertLoopback(settings.redisUrl);
  for (const file of [
    'dist/main.js',
    'dist/modules/planner/planner.module.js',
    'dist/database/data-source-options.js',
  ]) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const dist = (file) => import(pathToFileURL(join(root, 'dist', file)).href);
  const { dataSourceOptions } = await dist('database/data-source-options.js');
  const { AppConfig } = await dist('config/app-config.js');
  const { TokenService } = await dist('common/auth/token.service.js');
  const { DataSource } = await import('typeorm');

  const benchUrl = withDatabase(settings.serverUrl, BENCH_DB);
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-bench-'));
  const servers = [];
  const stopAll = () => Promise.all(servers.map((server) => server.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    // 1. A fresh database: migrations from dist, then the set-based seed.
    const started = Date.now();
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${BENCH_DB}`);
    });
    const dataSource = new DataSource(dataSourceOptions({ url: benchUrl, poolSize: 1 }));
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length === 0)
      throw new Error('No migrations found in dist/migrations: run `npm run build` first.');
    await dataSource.destroy();
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    const seeded = await seed(client, {
      accounts: settings.accounts,
      perAccount: settings.perAccount,
    }).finally(() => client.end());
    const { owners, totals } = seeded;
    const perAccountLive = totals.live / owners.length;
    console.log(
      `database ${BENCH_DB}: ${totals.total} keywords (${totals.live} live) in ${totals.accounts} accounts, ` +
        `${seeded.perSector} per site sector; ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // 2. Both servers, with the same JWT settings and pool size.
    const jwt = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      JWT_ISSUER: 'igny8-api',
      JWT_AUDIENCE: 'igny8-api',
    };
    const inherited = { ...process.env };
    for (const name of Object.keys(inherited)) {
      if (
        /^(DATABASE_|REDIS_|TEST_DATABASE|BENCH_|JWT_|THROTTLE_|LOG_|NODE_ENV$|PORT$|HOST$|PUBLIC_BASE_URL$)/.test(
          name,
        )
      ) {
        delete inherited[name];
      }
    }
    const oursPort = await freePort();
    const traceFile = join(tmp, 'sql-trace.json');
    const oursEnv = {
      ...inherited,
      ...jwt,
      // Production refuses to start without Redis; "test" differs from it only outside this request's path.
      NODE_ENV: settings.redisUrl ? 'production' : 'test',
      ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HOST: '127.0.0.1',
      PORT: String(oursPort),
      DATABASE_URL: benchUrl,
      DATABASE_POOL_SIZE: String(settings.pool),
      THROTTLE_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      LOG_DIR: join(tmp, 'logs'),
      MEDIA_DIR: join(tmp, 'media'),
      EMBEDDED_DB_DIR: join(tmp, 'pglite'),
      NO_COLOR: '1',
      BENCH_SQL_TRACE_FILE: traceFile,
    };
    const basePort = await freePort();
    const baseEnv = {
      ...inherited,
      ...jwt,
      BENCH_PORT: String(basePort),
      BENCH_DB_URL: benchUrl,
      BENCH_POOL_SIZE: String(settings.pool),
    };
    const profile = (side) =>
      settings.profileDir
        ? [
            '--cpu-prof',
            '--cpu-prof-dir',
            settings.profileDir,
            '--cpu-prof-name',
            `${side}.${Date.now()}.cpuprofile`,
          ]
        : [];
    const ours = startServer(
      'ours',
      [
        ...profile('ours'),
        '--import',
        pathToFileURL(join(root, 'bench', 'sql-trace.mjs')).href,
        join(root, 'dist', 'main.js'),
      ],
      oursEnv,
    );
    servers.push(ours);
    const baseline = startServer(
      'baseline',
      [...profile('baseline'), join(root, 'bench', 'baseline.mjs')],
      baseEnv,
    );
    servers.push(baseline);
    const oursUrl = `http://127.0.0.1:${oursPort}`;
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await Promise.all([
      waitUntilUp(ours, `${oursUrl}/health/live`),
      waitUntilUp(baseline, `${baseUrl}/health/live`),
    ]);

    const tokenService = new TokenService(new AppConfig({ ...oursEnv }));
    const mint = () =>
      owners.map(
        (owner) =>
          tokenService.issueAccess({ id: owner.id, account_id: owner.accountId, role: 'owner' }).token,
      );

    // 3. The SQL our endpoint runs (traced), then the same answers on both sides.
    const since = Date.now();
    const tokens = mint();
    const oursAnswers = await answers(oursUrl, tokens);
    ours.child.kill('SIGUSR2');
    for (let i = 0; i < 50 && !existsSync(traceFile); i++) await sleep(100);
    const sql = compareSql(traceFile, since, tokens.length);
    if (process.argv.includes('--show-sql')) for (const text of sql.ours) console.log(`\n${text};\n`);
    if (sql.missing.length > 0 || sql.extra.length > 0) {
      console.log(
        '\nWARNING: the baseline SQL (bench/baseline-sql.mjs) does not match what our endpoint runs.',
      );
      for (const text of sql.extra) console.log(`  ours only:     ${text}`);
      for (const text of sql.missing) console.log(`  baseline only: ${text}`);
      console.log('');
    } else {
      console.log(`check: the baseline runs exactly the ${sql.ours.length} statements our endpoint runs`);
    }
    checkSameAnswers(oursAnswers, await answers(baseUrl, tokens), perAccountLive);
    console.log(
      `check: both answer 200 with the same ${perAccountLive} keywords and the same page of 25 rows for ` +
        `${tokens.length} accounts; ours ran ${sql.perRequest} SQL statements per request`,
    );
    if (process.argv.includes('--check')) return;

    // 4. Warm-up, then alternating rounds (the side going first alternates too).
    console.log(
      `load: autocannon, ${settings.connections} connections, ${settings.seconds} s per side and round, ` +
        `${settings.rounds} rounds, warm-up ${settings.warmup} s per side; pool ${settings.pool} connections each; ` +
        `ours: NODE_ENV=${oursEnv.NODE_ENV}, ${settings.redisUrl ? 'with Redis' : 'no Redis'}, throttling off, LOG_LEVEL=warn`,
    );
    if (settings.warmup > 0) {
      await load(ours, oursUrl, mint(), settings.warmup);
      await load(baseline, baseUrl, mint(), settings.warmup);
    }
    const sides = { ours: [ours, oursUrl], baseline: [baseline, baseUrl] };
    const rounds = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const fresh = mint();
      const result = {};
      const order = round % 2 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      for (const side of order) result[side] = await load(...sides[side], fresh, settings.seconds);
      rounds.push(result);
      console.log(
        `round ${round}/${settings.rounds}  ours ${fmt(result.ours)}  |  baseline ${fmt(result.baseline)}  |  ` +
          `ratio ${(result.ours.rps / result.baseline.rps).toFixed(2)}`,
      );
    }

    // 5. Summary.
    const rpsRatio = median(rounds.map((r) => r.ours.rps / r.baseline.rps));
    const p99Ratio = median(rounds.map((r) => r.ours.p99 / r.baseline.p99));
    console.log(
      `\nmedian req/s: ours ${median(rounds.map((r) => r.ours.rps)).toFixed(0)}, baseline ${median(rounds.map((r) => r.baseline.rps)).toFixed(0)}` +
        `\nmedian p99:   ours ${median(rounds.map((r) => r.ours.p99))} ms, baseline ${median(rounds.map((r) => r.baseline.p99))} ms` +
        `\nratio (ours/baseline) req/s median: ${rpsRatio.toFixed(2)}   (target ≥ 0.70)` +
        `\nratio (ours/baseline) p99 median:   ${p99Ratio.toFixed(2)}   (lower is better)`,
    );
    if (rounds.every((r) => r.ours.cpu !== null && r.baseline.cpu !== null)) {
      const cpuRatio = median(rounds.map((r) => r.ours.cpu / r.baseline.cpu));
      console.log(
        `server CPU per request, median: ours ${median(rounds.map((r) => r.ours.cpu)).toFixed(2)} ms, ` +
          `baseline ${median(rounds.map((r) => r.baseline.cpu)).toFixed(2)} ms (ratio ${cpuRatio.toFixed(2)})`,
      );
    }
    const bad = rounds.reduce((sum, r) => sum + r.ours.bad + r.baseline.bad, 0);
    if (bad > 0) {
      console.log(`\n${bad} requests failed (non-2xx, errors or timeouts): the numbers above are not valid.`);
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
    if (settings.drop) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`));
      console.log(`dropped ${BENCH_DB}`);
    } else {
      console.log(`kept database ${BENCH_DB} (recreated by the next run; BENCH_DROP=1 drops it)`);
    }
  }
}

await main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
