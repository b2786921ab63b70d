// `npm run bench`: requests/second and p99 of the keyword list (page_size 10, 25 and 100,
// ordering=-volume), the cluster list and the content list, served by our full stack (dist/main.js)
// and by a bare baseline (bench/baseline.mjs: Fastify + pg as a skilled engineer would write it:
// one user lookup, then the page and the count in parallel), in turn, under the same load (autocannon
// at full load, bench/paced-load.mjs at half load), on the same seeded PostgreSQL database — a small
// dataset and, with BENCH_DATASETS, one 100 times larger. Prints every round and a table of ratios.
// See bench/README.md. Run after `npm run build` (the npm script does it).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort } from '../scripts/free-port.mjs';
import { pacedLoad } from './paced-load.mjs';
import { seed } from './seed.mjs';

/* global fetch */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOOT_TIMEOUT_MS = 60_000;

/** The measured requests; `list` names the resource (for the EXPLAIN of its statements). */
const TARGETS = [
  { name: 'keywords/10', path: '/api/v1/planner/keywords/?page_size=10&ordering=-volume', size: 10 },
  { name: 'keywords/25', path: '/api/v1/planner/keywords/?page_size=25&ordering=-volume', size: 25 },
  { name: 'keywords/100', path: '/api/v1/planner/keywords/?page_size=100&ordering=-volume', size: 100 },
  { name: 'clusters/25', path: '/api/v1/planner/clusters/?page_size=25', size: 25 },
  { name: 'content/25', path: '/api/v1/writer/content/?page_size=25', size: 25 },
];

/** The small dataset, and the same at 100 times the accounts and rows (`large`). */
/** Runs sharing a database server keep apart with BENCH_DATABASE_SUFFIX (letters, digits, `_`). */
const databaseSuffix = process.env.BENCH_DATABASE_SUFFIX ?? '';
if (!/^\w*$/.test(databaseSuffix)) throw new Error('BENCH_DATABASE_SUFFIX: letters, digits and _ only.');
const DATASETS = {
  small: { database: `igny8_bench${databaseSuffix}`, accounts: 10, perAccount: 500, contentPerAccount: 100 },
  large: {
    database: `igny8_bench_large${databaseSuffix}`,
    accounts: 1000,
    perAccount: 1000,
    contentPerAccount: 100,
  },
};

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
  datasets: (process.env.BENCH_DATASETS || 'small').split(',').map((name) => name.trim()),
  targets: process.env.BENCH_TARGETS ? process.env.BENCH_TARGETS.split(',').map((name) => name.trim()) : null,
  rounds: intEnv('BENCH_ROUNDS', 3),
  halfRounds: intEnv('BENCH_HALF_ROUNDS', 2, 0),
  seconds: intEnv('BENCH_SECONDS', 8),
  warmup: intEnv('BENCH_WARMUP', 5, 0),
  connections: intEnv('BENCH_CONNECTIONS', 10),
  pool: intEnv('BENCH_POOL_SIZE', 10),
  keep: process.env.BENCH_KEEP === '1' || process.env.BENCH_KEEP === 'true',
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

async function getJson(base, path, token) {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function answers(base, path, tokens) {
  const out = [];
  for (const token of tokens) out.push(await getJson(base, path, token));
  return out;
}

/**
 * Both sides answer 200 with the same page (request ids and link origins aside) for every account:
 * the same count, links and rows (deep equality of every field; key order is not compared).
 */
function checkSameAnswers(target, ours, baseline) {
  const strip = (link) => (link === null ? null : link.replace(/^https?:\/\/[^/]+/, ''));
  const sortedKeys = (object) => Object.keys(object).sort();
  ours.forEach((a, index) => {
    const b = baseline[index];
    const where = `${target.name}, account ${index + 1}`;
    assert.equal(a.status, 200, `${where}: ours answered ${a.status}: ${JSON.stringify(a.body)}`);
    assert.equal(b.status, 200, `${where}: baseline answered ${b.status}: ${JSON.stringify(b.body)}`);
    assert.deepEqual(Object.keys(a.body), ['success', 'count', 'next', 'previous', 'results', 'request_id']);
    assert.deepEqual(sortedKeys(b.body), sortedKeys(a.body), `${where}: envelope keys differ`);
    assert.ok(a.body.count > target.size, `${where}: fewer rows than one page`);
    assert.equal(b.body.count, a.body.count, `${where}: counts differ`);
    assert.equal(a.body.results.length, target.size, `${where}: ours: not a full page`);
    assert.equal(b.body.results.length, a.body.results.length, `${where}: numbers of results differ`);
    assert.equal(strip(b.body.next), strip(a.body.next), `${where}: next links differ`);
    assert.equal(b.body.previous, a.body.previous, `${where}: previous links differ`);
    for (let i = 0; i < a.body.results.length; i++) {
      assert.deepEqual(
        sortedKeys(b.body.results[i]),
        sortedKeys(a.body.results[i]),
        `${where}, row ${i}: fields differ`,
      );
      assert.deepEqual(b.body.results[i], a.body.results[i], `${where}, row ${i} differs`);
    }
  });
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

const load1 = () => loadavg()[0];

/**
 * Loads one side for `seconds`: as fast as it answers (autocannon), or at `rate` requests/second
 * spread evenly over each second (bench/paced-load.mjs).
 */
async function load(server, url, path, tokens, seconds, rate) {
  const cpuBefore = cpuMs(server.child.pid);
  const loadBefore = load1();
  const result = rate
    ? await pacedLoad({ url, path, tokens, seconds, rate, connections: settings.connections })
    : await closedLoop(url, path, tokens, seconds);
  const cpuAfter = cpuMs(server.child.pid);
  return {
    ...result,
    load: (loadBefore + load1()) / 2,
    // The server process's CPU per answered request: less sensitive to a busy machine than req/s.
    cpu: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / Math.max(1, result.total),
  };
}

/** autocannon with `settings.connections` connections, each cycling through the account owners' tokens. */
async function closedLoop(url, path, tokens, seconds) {
  const result = await autocannon({
    url,
    connections: settings.connections,
    pipelining: 1,
    duration: seconds,
    requests: tokens.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } })),
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    total: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * One measured run of a side, after a second of the same load that is not measured. The side has
 * idled while the other one ran (up to two runs in a row), long enough for its pool to close idle
 * database connections (node-postgres: after 10 s); without the priming the reconnections land in
 * the measured run's first requests, which at half load are enough of them to set its p99.
 */
async function measure([server, url], path, tokens, rate) {
  await load(server, url, path, tokens, 1, rate);
  return load(server, url, path, tokens, settings.seconds, rate);
}

const fmt = (run) =>
  `${run.rps.toFixed(0).padStart(6)} req/s  p99 ${String(run.p99).padStart(4)} ms` +
  (run.cpu === null ? '' : `  cpu ${run.cpu.toFixed(2)} ms/req`) +
  (run.bad ? `  (${run.bad} non-2xx/errors!)` : '');

/** EXPLAIN (ANALYZE, BUFFERS) of the list statements our server ran for one request (traced with their values). */
async function explain(databaseUrl, statements) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [, text, values] of statements) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values ?? []);
      console.log(
        `\n${text.replace(/\s+/g, ' ').trim()}\n${rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n')}`,
      );
    }
  } finally {
    await client.end();
  }
}

/** Seeds a fresh database, boots both servers on it, checks them and measures every target. */
async function runDataset(name, dataset, dist, tmp, servers) {
  const { dataSourceOptions, ENTITIES, AppConfig, TokenService, jwtModuleOptions, JwtService, DataSource } =
    dist;
  const benchUrl = withDatabase(settings.serverUrl, dataset.database);
  const started = Date.now();
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${dataset.database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${dataset.database}`);
  });
  const results = [];
  try {
    const dataSource = new DataSource(dataSourceOptions({ url: benchUrl, entities: ENTITIES, poolSize: 1 }));
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length === 0)
      throw new Error('No migrations found in dist/migrations: run `npm run build` first.');
    await dataSource.destroy();
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    const { owners, totals } = await seed(client, dataset).finally(() => client.end());
    console.log(
      `\n== dataset ${name}: database ${dataset.database}, ${totals.accounts} accounts, ${totals.total} keywords ` +
        `(${totals.live} live), ${totals.clusters} clusters, ${totals.content} content; ready in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // Both servers, with the same JWT settings and pool size.
    const jwt = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      JWT_ISSUER: 'igny8-api',
      JWT_AUDIENCE: 'igny8-api',
    };
    const inherited = { ...process.env };
    for (const key of Object.keys(inherited)) {
      if (
        /^(DATABASE_|REDIS_|TEST_DATABASE|BENCH_|JWT_|THROTTLE_|LOG_|NODE_ENV$|PORT$|HOST$|PUBLIC_BASE_URL$)/.test(
          key,
        )
      ) {
        delete inherited[key];
      }
    }
    const oursPort = await freePort();
    const traceFile = join(tmp, `sql-trace-${name}.json`);
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
            `${side}.${name}.${Date.now()}.cpuprofile`,
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

    const tokenService = new TokenService(new JwtService(jwtModuleOptions(new AppConfig({ ...oursEnv }))));
    const mint = () =>
      owners.map(
        (owner) =>
          tokenService.issueAccess({ id: owner.id, account_id: owner.accountId, role: 'owner' }).token,
      );
    const targets = TARGETS.filter((target) => !settings.targets || settings.targets.includes(target.name));

    // The same answers on both sides (five accounts spread over the dataset), and the SQL ours ran.
    const tokens = mint();
    const sample = [0, 1, 2, 3, 4].map((i) => tokens[Math.floor((i * tokens.length) / 5)]);
    const windows = [];
    for (const target of targets) {
      const since = Date.now();
      const oursAnswers = await answers(oursUrl, target.path, sample);
      windows.push([since, Date.now()]);
      checkSameAnswers(target, oursAnswers, await answers(baseUrl, target.path, sample));
    }
    ours.child.kill('SIGUSR2');
    for (let i = 0; i < 50 && !existsSync(traceFile); i++) await sleep(100);
    const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
    targets.forEach((target, index) => {
      const [from, to] = windows[index];
      target.statements = trace.filter(([at]) => at >= from && at <= to);
    });
    console.log(
      `check: both sides answer 200 with the same count and the same rows for ${sample.length} accounts on ` +
        targets.map((t) => `${t.name} (ours: ${t.statements.length / sample.length} statements)`).join(', '),
    );
    if (process.argv.includes('--explain')) {
      for (const target of targets) {
        console.log(`\n-- EXPLAIN of our statements for ${target.name} (first account of the sample)`);
        // The user lookups vary with the identity cache; the list's own statements do not.
        const listed = target.statements.filter(
          ([, text]) => /^\s*SELECT/i.test(text) && !/FROM igny8_users u/.test(text),
        );
        await explain(benchUrl, listed.slice(0, listed.length / sample.length));
      }
    }
    if (process.argv.includes('--check')) return results;

    console.log(
      `load: ${settings.connections} connections, ${settings.seconds} s per side and round, ` +
        `${settings.rounds} rounds at full load (autocannon) and ${settings.halfRounds} at half the baseline's rate ` +
        `(requests spread evenly, latency from when each was due), ` +
        `warm-up ${settings.warmup} s per side; pool ${settings.pool} connections each; ours: ` +
        `NODE_ENV=${oursEnv.NODE_ENV}, ${settings.redisUrl ? 'with Redis' : 'no Redis'}, throttling off, LOG_LEVEL=warn`,
    );
    const sides = { ours: [ours, oursUrl], baseline: [baseline, baseUrl] };
    for (const target of targets) {
      if (settings.warmup > 0) {
        await load(ours, oursUrl, target.path, mint(), settings.warmup);
        await load(baseline, baseUrl, target.path, mint(), settings.warmup);
      }
      const rounds = [];
      for (let round = 1; round <= settings.rounds; round++) {
        const fresh = mint();
        const result = {};
        const order = round % 2 ? ['ours', 'baseline'] : ['baseline', 'ours'];
        for (const side of order) result[side] = await measure(sides[side], target.path, fresh);
        rounds.push(result);
        console.log(
          `${name} ${target.name.padEnd(12)} round ${round}/${settings.rounds}  ours ${fmt(result.ours)}  |  ` +
            `baseline ${fmt(result.baseline)}  |  ratio ${(result.ours.rps / result.baseline.rps).toFixed(2)}` +
            `  load ${result.ours.load.toFixed(1)}/${result.baseline.load.toFixed(1)}`,
        );
      }
      // Half load: both sides at half the baseline's median throughput; p99 compared there.
      const rate = median(rounds.map((r) => r.baseline.rps)) / 2;
      const half = [];
      for (let round = 1; round <= settings.halfRounds; round++) {
        const fresh = mint();
        const result = {};
        const order = round % 2 ? ['baseline', 'ours'] : ['ours', 'baseline'];
        for (const side of order) result[side] = await measure(sides[side], target.path, fresh, rate);
        half.push(result);
        console.log(
          `${name} ${target.name.padEnd(12)} half load ${rate.toFixed(0)} req/s, round ${round}/${settings.halfRounds}  ` +
            `ours p50 ${result.ours.p50} ms p99 ${result.ours.p99} ms  |  baseline p50 ${result.baseline.p50} ms ` +
            `p99 ${result.baseline.p99} ms  load ${result.ours.load.toFixed(1)}/${result.baseline.load.toFixed(1)}`,
        );
      }
      results.push({ dataset: name, target: target.name, rounds, half });
    }
    return results;
  } finally {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    if (name !== 'small' && !settings.keep) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${dataset.database} WITH (FORCE)`));
      console.log(`dropped ${dataset.database}`);
    }
  }
}

const cell = (value, width, digits = 0) =>
  (value === null || Number.isNaN(value) ? '–' : value.toFixed(digits)).padStart(width);

const tenths = (ms) => Math.round(ms * 10) / 10;

/** One line per list × dataset: medians over the rounds. */
function table(results) {
  const lines = [
    '| list | dataset | ours req/s | baseline req/s | ratio | ≥ 0.80 | p99 ours / baseline (full) | p99 ours / baseline (half load) | ≤ +2 ms | CPU ms/req ours / baseline | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { dataset, target, rounds, half } of results) {
    const ratio = median(rounds.map((r) => r.ours.rps / r.baseline.rps));
    const halfOurs = half.length ? tenths(median(half.map((r) => r.ours.p99))) : null;
    const halfBase = half.length ? tenths(median(half.map((r) => r.baseline.p99))) : null;
    const cpu = rounds.every((r) => r.ours.cpu !== null && r.baseline.cpu !== null);
    const loads = [...rounds, ...half].flatMap((r) => [r.ours.load, r.baseline.load]);
    lines.push(
      `| ${target} | ${dataset} | ${cell(median(rounds.map((r) => r.ours.rps)), 0)} | ` +
        `${cell(median(rounds.map((r) => r.baseline.rps)), 0)} | ${cell(ratio, 0, 2)} | ${ratio >= 0.8 ? 'yes' : 'no'} | ` +
        `${median(rounds.map((r) => r.ours.p99))} / ${median(rounds.map((r) => r.baseline.p99))} ms | ` +
        `${halfOurs ?? '–'} / ${halfBase ?? '–'} ms | ${halfOurs === null ? '–' : halfOurs <= halfBase + 2 ? 'yes' : 'no'} | ` +
        (cpu
          ? `${median(rounds.map((r) => r.ours.cpu)).toFixed(2)} / ${median(rounds.map((r) => r.baseline.cpu)).toFixed(2)} | `
          : '– | ') +
        `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
    );
  }
  // A page's latency on the large dataset against the small one (half load, ours).
  for (const large of results.filter((r) => r.dataset === 'large')) {
    const small = results.find((r) => r.dataset === 'small' && r.target === large.target);
    if (!small || !small.half.length || !large.half.length) continue;
    const compare = (side, percentile) => {
      const [l, s] = [large, small].map((r) => tenths(median(r.half.map((x) => x[side][percentile]))));
      return `${percentile} ${l} / ${s} ms (×${(l / s).toFixed(2)})`;
    };
    lines.push(
      `large/small at half load, ${large.target}: ours ${compare('ours', 'p50')}, ${compare('ours', 'p99')}; ` +
        `baseline ${compare('baseline', 'p50')}, ${compare('baseline', 'p99')}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  assertLoopback(settings.serverUrl);
  if (settings.redisUrl) assertLoopback(settings.redisUrl);
  for (const name of settings.datasets) {
    if (!Object.hasOwn(DATASETS, name)) throw new Error(`Unknown dataset "${name}" (small, large).`);
  }
  for (const file of ['dist/main.js', 'dist/database/data-source-options.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const load = (file) => import(pathToFileURL(join(root, 'dist', file)).href);
  const dist = {
    ...(await load('database/data-source-options.js')),
    ...(await load('entities.js')),
    ...(await load('config/app-config.js')),
    ...(await load('common/auth/token.service.js')),
    DataSource: (await import('typeorm')).DataSource,
    JwtService: (await import('@nestjs/jwt')).JwtService,
  };
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-bench-'));
  const servers = [];
  process.once(
    'SIGINT',
    () => void Promise.all(servers.map((server) => server.stop())).then(() => process.exit(130)),
  );
  const results = [];
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  try {
    for (const name of settings.datasets) {
      results.push(...(await runDataset(name, DATASETS[name], dist, tmp, servers)));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (results.length === 0) return;
  console.log(
    `\nload average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n\n${table(results)}`,
  );
  const bad = results.reduce(
    (sum, r) => sum + [...r.rounds, ...r.half].reduce((n, x) => n + x.ours.bad + x.baseline.bad, 0),
    0,
  );
  if (bad > 0) {
    console.log(`\n${bad} requests failed (non-2xx, errors or timeouts): the numbers above are not valid.`);
    process.exitCode = 1;
  }
}

await main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
