// Container health checks (docker-compose.yml), run inside the container with the app's environment.
//
//   node scripts/healthcheck.mjs api      GET /health/ready on this container answers 200
//   node scripts/healthcheck.mjs worker   Redis answers, and this container holds a consumer
//                                         connection on every queue (Bull names them
//                                         `<QUEUE_PREFIX>:<base64 queue name>`)
//
// Exit 0 when healthy, 1 otherwise (one line on stderr says why).
import { Buffer } from 'node:buffer';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/* global fetch, AbortSignal */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const TIMEOUT_MS = 4000;

async function api() {
  const port = process.env.PORT || '3000';
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`/health/ready answered ${response.status}`);
}

function clients(list) {
  return list
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      Object.fromEntries(
        line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    );
}

const host = (addr) => addr.slice(0, addr.lastIndexOf(':'));

async function worker() {
  const { AppConfig } = await load('config/app-config.js');
  const { redisOptions } = await load('common/redis/redis.module.js');
  const { QUEUE_NAMES } = await load('common/jobs/job-catalogue.js');
  const { Redis } = await import('ioredis');
  const config = new AppConfig(process.env);
  const options = redisOptions(config);
  if (!options) throw new Error('REDIS_URL is not set');
  const redis = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    const id = String(await redis.client('ID'));
    const all = clients(await redis.client('LIST'));
    const self = all.find((c) => c.id === id);
    if (!self) throw new Error('own connection not found in CLIENT LIST');
    const mine = all.filter((c) => host(c.addr) === host(self.addr));
    const missing = QUEUE_NAMES.filter((queue) => {
      const name = `${config.redis.queuePrefix}:${Buffer.from(queue).toString('base64')}`;
      return !mine.some((c) => c.name === name);
    });
    if (missing.length > 0) throw new Error(`no consumer on queue(s): ${missing.join(', ')}`);
  } finally {
    redis.disconnect();
  }
}

const role = process.argv[2];
const checks = { api, worker };
if (!checks[role]) {
  console.error('usage: node scripts/healthcheck.mjs api|worker');
  process.exit(2);
}
try {
  await checks[role]();
  process.exit(0);
} catch (error) {
  console.error(`unhealthy: ${error.message}`);
  process.exit(1);
}
