// `npm run bench:automation`: one automation run over BENCH_KEYWORDS (500) keywords on the offline AI
// provider, with zero delays, on PostgreSQL + Redis and one worker (this process, built from dist, with
// the `automation` and `ai` queues of the real worker). Prints the run's wall time and the share of it
// spent outside the AI provider calls (our pipeline, engine, database and queue work).
// Uses a scratch database on the server of BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL and a
// fresh queue prefix; both are removed at the end. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keywords = Number(process.env.BENCH_KEYWORDS || 500);
const serverUrl =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS || 60 * 60_000);

for (const url of [serverUrl, redisUrl]) {
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname))
    throw new Error(`The benchmark only talks to loopback servers; ${url} is not one.`);
}
if (!existsSync(join(root, 'dist', 'modules', 'automation', 'automation-runs.service.js')))
  throw new Error('dist/ is missing the automation module: run `npm run build` first.');

const database = `bench_automation_${randomBytes(4).toString('hex')}`;
const withDatabase = (name) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
const prefix = `bench-auto-${randomBytes(4).toString('hex')}`;
const tmp = mkdtempSync(join(tmpdir(), 'igny8-bench-automation-'));

async function admin(sql) {
  const client = new pg.Client({ connectionString: withDatabase('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An account on the scale plan with plenty of credits, one site with two sectors, `keywords` keywords. */
async function seed(db) {
  const one = async (sql, params) => (await db.query(sql, params)).rows[0];
  await db.query('UPDATE igny8_system_ai_settings SET default_max_images = 1');
  const account = await one(
    `INSERT INTO igny8_accounts (name, slug, plan_id, status, credits)
     SELECT 'Bench', 'bench-automation', id, 'active', 100000000 FROM igny8_plans WHERE slug = 'scale' RETURNING id`,
  );
  const user = await one(
    `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
     VALUES ($1, 'bench@example.com', 'bench', 'x', 'owner') RETURNING id`,
    [account.id],
  );
  const site = await one(
    `INSERT INTO igny8_sites (account_id, name, slug, industry_id)
     SELECT $1, 'Bench site', 'bench-site', id FROM igny8_industries WHERE slug = 'technology' RETURNING id, industry_id`,
    [account.id],
  );
  const sectors = [];
  for (const slug of ['software-development', 'cloud-computing']) {
    const template = await one(
      `SELECT s.id, s.name FROM igny8_industry_sectors s JOIN igny8_industries i ON i.id = s.industry_id
        WHERE i.slug = 'technology' AND s.slug = $1`,
      [slug],
    );
    const sector = await one(
      `INSERT INTO igny8_sectors (account_id, site_id, industry_sector_id, name, slug)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [account.id, site.id, template.id, template.name, slug],
    );
    sectors.push({ id: sector.id, template: template.id });
  }
  const topics = [
    'backup',
    'deploy',
    'testing',
    'database',
    'security',
    'monitoring',
    'api',
    'cache',
    'queue',
    'search',
  ];
  for (let n = 0; n < keywords; n++) {
    const sector = sectors[n % sectors.length];
    const seedRow = await one(
      `INSERT INTO igny8_seed_keywords (keyword, industry_id, sector_id, volume)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [`${topics[n % topics.length]} guide ${n}`, site.industry_id, sector.template, 100 + n],
    );
    await db.query(
      `INSERT INTO igny8_keywords (account_id, site_id, sector_id, seed_keyword_id) VALUES ($1, $2, $3, $4)`,
      [account.id, site.id, sector.id, seedRow.id],
    );
  }
  return { accountId: Number(account.id), userId: Number(user.id), siteId: Number(site.id) };
}

async function main() {
  await admin(`CREATE DATABASE ${database}`);
  const url = withDatabase(database);
  const migrated = spawnSync(process.execPath, [join(root, 'dist', 'database', 'migrate.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: url, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (migrated.status !== 0) throw new Error('The migrations failed.');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const tenant = await seed(db);

  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    AI_PROVIDER: 'offline',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn',
    LOG_DIR: join(tmp, 'logs'),
    MEDIA_DIR: join(tmp, 'media'),
    THROTTLE_ENABLED: 'false',
  });
  const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppConfig } = await load('config/app-config.js');
  const { AppModule } = await load('app.module.js');
  const { OfflineProvider } = await load('modules/ai/providers/offline/offline.provider.js');
  const { TenantContext } = await load('common/context/tenant-context.service.js');
  const runsModule = await load('modules/automation/automation-runs.service.js');
  const configModule = await load('modules/automation-config/automation-config.service.js');

  // Time spent inside the provider calls (the offline provider stands for the network round trip).
  let providerMs = 0;
  let providerCalls = 0;
  for (const method of ['complete', 'generateImage']) {
    const original = OfflineProvider.prototype[method];
    OfflineProvider.prototype[method] = async function timed(...args) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        providerMs += performance.now() - started;
        providerCalls += 1;
      }
    };
  }
  const app = await NestFactory.createApplicationContext(
    AppModule.register(AppConfig.fromProcess(), { worker: true }),
    {
      logger: false,
    },
  );
  let runId;
  try {
    const context = app.get(TenantContext);
    const asTenant = (fn) =>
      context.runFresh('bench', () => {
        context.setPrincipal({
          accountId: tenant.accountId,
          userId: tenant.userId,
          siteId: tenant.siteId,
          role: 'owner',
          bypassTenant: false,
          via: 'job',
        });
        return fn();
      });
    await asTenant(async () => {
      const site = { id: tenant.siteId, account_id: tenant.accountId, timezone: 'UTC' };
      await app
        .get(configModule.AutomationConfigService)
        .update(site, { within_stage_delay: 0, between_stage_delay: 0 });
    });
    const loadAtStart = loadavg()[0].toFixed(1);
    const started = performance.now();
    ({ run_id: runId } = await asTenant(() =>
      app.get(runsModule.AutomationRunsService).start(tenant.siteId, 'manual'),
    ));
    let run;
    for (;;) {
      run = (await db.query('SELECT * FROM igny8_automation_runs WHERE run_id = $1', [runId])).rows[0];
      if (!['running', 'paused'].includes(run.status)) break;
      if (performance.now() - started > TIMEOUT_MS) throw new Error('The run did not end in time.');
      await sleep(200);
    }
    const totalMs = performance.now() - started;
    const stages = [1, 2, 3, 4, 5, 6, 7].map((n) => run[`stage_${n}_result`]);
    console.log(
      `automation: ${keywords} keywords, offline provider, zero delays, PostgreSQL + Redis, one worker; run ${runId} ${run.status}`,
    );
    for (const stage of stages) {
      const ms = Date.parse(stage.completed_at ?? stage.started_at) - Date.parse(stage.started_at);
      console.log(
        `  stage ${stage.stage} ${stage.name.padEnd(26)} ${stage.status.padEnd(9)} items ${String(stage.items_processed).padStart(5)}` +
          `  created ${String(stage.items_created).padStart(5)}  ${(ms / 1000).toFixed(1).padStart(7)} s`,
      );
    }
    console.log(`total: ${(totalMs / 1000).toFixed(1)} s, ${run.total_credits_used} credits`);
    console.log(
      `inside the provider calls: ${(providerMs / 1000).toFixed(1)} s over ${providerCalls} calls; ` +
        `outside them: ${((totalMs - providerMs) / 1000).toFixed(1)} s = ${(((totalMs - providerMs) / totalMs) * 100).toFixed(1)} %`,
    );
    console.log(
      `load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end (${availableParallelism()} cores)`,
    );
  } finally {
    await app.close();
    await db.end();
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
  await redis.quit();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
}
