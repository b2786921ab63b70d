// `npm run bench:jobs`: jobs/second of draining BENCH_JOBS no-op jobs through our worker stack
// (Bull → BullWorker → JobRunner → the `noop` handler, built from dist) and through a bare Bull
// worker, in turn, on the same Redis, at each concurrency. Every measurement runs in a fresh process
// (bench/jobs-drain.mjs). Prints every round and the median ratio ours/bare per concurrency.
// See bench/README.md. Run after `npm run build` (the npm script does it).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 0.8;
const CHILD_TIMEOUT_MS = 180_000;

function intEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}".`);
  return value;
}

function concurrencies() {
  const raw = process.env.BENCH_JOBS_CONCURRENCY || '1,50';
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1))
    throw new Error(`BENCH_JOBS_CONCURRENCY must list integers ≥ 1, got "${raw}".`);
  return values;
}

const settings = {
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  jobs: intEnv('BENCH_JOBS', 20_000),
  rounds: intEnv('BENCH_JOBS_ROUNDS', 3),
  concurrencies: concurrencies(),
  logLevel: process.env.BENCH_JOBS_LOG_LEVEL || 'info',
  /** A directory for V8 CPU profiles of every measurement (`--cpu-prof`). */
  profileDir: process.env.BENCH_PROFILE_DIR || undefined,
};

function assertLoopback(url) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`The benchmark only talks to loopback servers; ${url} is not one.`);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Deletes every key under the run's prefix (between measurements and at the end). */
async function deleteKeys(redis, prefix) {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

/** The child's environment: ours reads its configuration from it, like the worker does. */
function childEnv(side, concurrency, prefix) {
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    if (/^(DATABASE_|REDIS_|TEST_DATABASE|BENCH_|QUEUE_|LOG_|NODE_ENV$)/.test(name)) delete inherited[name];
  }
  return {
    ...inherited,
    BENCH_SIDE: side,
    BENCH_JOBS: String(settings.jobs),
    BENCH_CONCURRENCY: String(concurrency),
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: prefix,
    // "test" differs from "production" only outside the job path (it needs no DATABASE_URL or secrets).
    NODE_ENV: 'test',
    LOG_LEVEL: settings.logLevel,
    NO_COLOR: '1',
  };
}

/** Runs one measurement in a fresh process; its logs go nowhere, its errors are kept for the report. */
function measure(side, concurrency, prefix) {
  const profile = settings.profileDir
    ? [
        '--cpu-prof',
        '--cpu-prof-dir',
        settings.profileDir,
        '--cpu-prof-name',
        `jobs-${side}-c${concurrency}.${Date.now()}.cpuprofile`,
      ]
    : [];
  const child = spawn(process.execPath, [...profile, join(root, 'bench', 'jobs-drain.mjs')], {
    cwd: root,
    env: childEnv(side, concurrency, prefix),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-20_000)));
  return new Promise((resolve, reject) => {
    let result;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('message', (message) => (result = message));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result && code === 0) resolve(result);
      else reject(new Error(`${side} at concurrency ${concurrency} failed (${signal ?? code}).\n${errors}`));
    });
  });
}

const jobsPerSecond = (run) => (run.jobs * 1000) / run.ms;
const fmt = (run) =>
  `${jobsPerSecond(run).toFixed(0).padStart(6)} jobs/s  cpu ${((run.cpuMs * 1000) / run.jobs).toFixed(0).padStart(3)} µs/job` +
  `  redis ${((run.redisMs * 1000) / run.jobs).toFixed(0).padStart(3)} µs/job`;

function summary(results) {
  const rows = settings.concurrencies.map((concurrency) => {
    const rounds = results.filter((r) => r.concurrency === concurrency);
    const ratio = median(rounds.map((r) => jobsPerSecond(r.ours) / jobsPerSecond(r.bare)));
    const cpu = median(rounds.map((r) => r.ours.cpuMs / r.bare.cpuMs));
    return [
      String(concurrency),
      median(rounds.map((r) => jobsPerSecond(r.ours))).toFixed(0),
      median(rounds.map((r) => jobsPerSecond(r.bare))).toFixed(0),
      // Rounded down, so that a ratio shown as 0.80 meets the target.
      (Math.floor(ratio * 100) / 100).toFixed(2),
      ratio >= TARGET ? 'yes' : 'NO',
      cpu.toFixed(2),
    ];
  });
  const header = [
    'concurrency',
    'ours jobs/s',
    'bare jobs/s',
    'ratio',
    `≥ ${TARGET.toFixed(2)}`,
    'cpu ours/bare',
  ];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${rows.map(line).join('\n')}`);
  console.log(
    '(medians over the rounds; ratio = ours/bare jobs/s; cpu = worker process CPU per job, ours/bare)',
  );
}

async function main() {
  assertLoopback(settings.redisUrl);
  if (!existsSync(join(root, 'dist', 'common', 'jobs', 'noop.job.js')))
    throw new Error('dist/common/jobs/noop.job.js is missing: run `npm run build` first.');
  const prefix = `bench-jobs-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  process.once('SIGINT', () => void deleteKeys(redis, prefix).finally(() => process.exit(130)));
  const loadAtStart = loadavg()[0].toFixed(1);
  try {
    console.log(
      `jobs: ${settings.jobs} no-op jobs per side and measurement, queue "maintenance", prefix ${prefix} on ` +
        `${settings.redisUrl}; ${settings.rounds} rounds per concurrency (${settings.concurrencies.join(', ')}), ` +
        `the side going first alternating; ours: NODE_ENV=test, LOG_LEVEL=${settings.logLevel}`,
    );
    const results = [];
    for (const concurrency of settings.concurrencies) {
      for (let round = 1; round <= settings.rounds; round++) {
        const result = { concurrency };
        for (const side of round % 2 ? ['ours', 'bare'] : ['bare', 'ours']) {
          result[side] = await measure(side, concurrency, prefix);
          await deleteKeys(redis, prefix);
        }
        results.push(result);
        console.log(
          `concurrency ${String(concurrency).padStart(2)}  round ${round}/${settings.rounds}  ours ${fmt(result.ours)}  |  ` +
            `bare ${fmt(result.bare)}  |  ratio ${(jobsPerSecond(result.ours) / jobsPerSecond(result.bare)).toFixed(2)}`,
        );
      }
    }
    summary(results);
    console.log(
      `load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end (${availableParallelism()} cores)`,
    );
  } finally {
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
}

await main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
