// One measurement of `npm run bench:jobs` (bench/jobs.mjs starts this in a fresh process each time):
// enqueues BENCH_JOBS no-op jobs on the `maintenance` queue, then times how long one side takes to
// drain them at BENCH_CONCURRENCY, and sends the result to the parent over IPC.
//   BENCH_SIDE=ours  our worker stack, built from dist: Bull queue.process → the maintenance queue's
//                    @Processor → JobRunner → `noop`
//   BENCH_SIDE=bare  `bull` alone: queue.process('*', concurrency, async () => {})
// Both enqueue the same envelopes with the job options of our BullJobDriver.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(join(root, 'dist', file)).href);

const QUEUE = 'maintenance';
const ENQUEUE_CHUNK = 2_000;
const DRAIN_TIMEOUT_MS = 120_000;

const side = process.env.BENCH_SIDE;
const jobs = Number(process.env.BENCH_JOBS);
const concurrency = Number(process.env.BENCH_CONCURRENCY);
const prefix = process.env.QUEUE_PREFIX;
const redisUrl = process.env.REDIS_URL;

const { KEEP_COMPLETED, KEEP_FAILED } = await dist('common/jobs/bull-job.driver.js');
const { QUEUE_LIMITS } = await dist('common/jobs/job-catalogue.js');

/** The options BullJobDriver.add gives every job of the maintenance queue. */
const limits = QUEUE_LIMITS[QUEUE];
const jobOptions = {
  attempts: limits.attempts,
  backoff: { type: limits.backoff.type, delay: limits.backoff.delayMs },
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
};
const envelope = (i) => ({ meta: { accountId: null, requestId: `bench:${i}`, system: true }, payload: {} });

async function enqueue(queue, from) {
  for (let start = from; start < jobs; start += ENQUEUE_CHUNK) {
    const end = Math.min(jobs, start + ENQUEUE_CHUNK);
    const batch = [];
    for (let i = start; i < end; i++) batch.push({ name: 'noop', data: envelope(i), opts: jobOptions });
    await queue.addBulk(batch);
  }
  const counts = await queue.getJobCounts();
  assert.equal(counts.waiting, jobs, `expected ${jobs} waiting jobs, found ${JSON.stringify(counts)}`);
}

/** Redis server CPU time (user + system, ms) so far. */
async function redisCpuMs(client) {
  const info = await client.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)[1]);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** Starts processing with `start` and resolves once `queue` has completed every job. */
async function timeDrain(queue, start) {
  let completed = 0;
  const done = Promise.withResolvers();
  queue.on('completed', () => {
    if (++completed === jobs) done.resolve();
  });
  queue.on('failed', (job, error) => done.reject(new Error(`job ${job.id} failed: ${error?.stack}`)));
  const timeout = setTimeout(
    () => done.reject(new Error(`only ${completed} of ${jobs} jobs completed in ${DRAIN_TIMEOUT_MS} ms`)),
    DRAIN_TIMEOUT_MS,
  );
  const redisBefore = await redisCpuMs(queue.client);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  start();
  await done.promise;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const redisMs = (await redisCpuMs(queue.client)) - redisBefore;
  clearTimeout(timeout);
  const counts = await queue.getJobCounts();
  assert.equal(counts.waiting + counts.active + counts.failed + counts.delayed, 0, JSON.stringify(counts));
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, redisMs };
}

async function ours() {
  const { NestFactory } = await import('@nestjs/core');
  const { ClsModule } = await import('nestjs-cls');
  const { Logger } = await import('nestjs-pino');
  const { AppConfig } = await dist('config/app-config.js');
  const { ConfigModule } = await dist('config/config.module.js');
  const { LoggingModule } = await dist('common/logging/logging.module.js');
  const { RedisModule } = await dist('common/redis/redis.module.js');
  const { TenantContext } = await dist('common/context/tenant-context.service.js');
  const { JobsModule } = await dist('common/jobs/jobs.module.js');
  const { BullJobDriver } = await dist('common/jobs/bull-job.driver.js');
  const { BullWorker } = await dist('common/jobs/bull-worker.js');
  const { JobRunner } = await dist('common/jobs/job-runner.js');
  const { JOB_LIMITS } = await dist('common/jobs/job-catalogue.js');
  const { MaintenanceQueueProcessor, QUEUE_PROCESSORS } = await dist('common/jobs/queue-processors.js');

  // What AppModule gives the worker's job path (config, CLS, pino logging, Redis, TenantContext, jobs),
  // without the database and HTTP modules no-op jobs never touch. The worker's processors are left
  // out: the maintenance one is bound below with the bench's concurrency, once the jobs are queued.
  const config = new AppConfig(process.env);
  const jobsModule = JobsModule.register(config, { worker: true });
  jobsModule.providers = jobsModule.providers.filter((provider) => !QUEUE_PROCESSORS.includes(provider));
  jobsModule.providers = jobsModule.providers.map((provider) =>
    provider.provide === JOB_LIMITS
      ? {
          provide: JOB_LIMITS,
          useValue: { ...provider.useValue, [QUEUE]: { ...provider.useValue[QUEUE], concurrency } },
        }
      : provider,
  );
  class JobsBenchModule {}
  const app = await NestFactory.createApplicationContext(
    {
      module: JobsBenchModule,
      global: true,
      imports: [
        ConfigModule.register(config),
        ClsModule.forRoot({ global: true }),
        LoggingModule,
        RedisModule,
        jobsModule,
      ],
      providers: [TenantContext],
      exports: [TenantContext],
    },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  assert.equal(app.get(JOB_LIMITS)[QUEUE].concurrency, concurrency, 'the concurrency override did not apply');
  const driver = app.get(BullJobDriver);
  const worker = app.get(BullWorker);
  const queue = driver.queue(QUEUE);

  // The first job goes through the real producer, to prove the bench's job options are the driver's.
  const firstId = await driver.add('noop', envelope(0));
  const first = await queue.getJob(firstId);
  for (const [key, value] of Object.entries(jobOptions)) assert.deepEqual(first.opts[key], value, key);
  await enqueue(queue, 1);

  const processor = new MaintenanceQueueProcessor(app.get(JobRunner), app.get(JOB_LIMITS));
  const result = await timeDrain(queue, () => void queue.process('*', concurrency, (job) => processor.handle(job)));
  await worker.close();
  await app.close();
  return result;
}

async function bare() {
  const { default: Queue } = await import('bull');
  const { Redis } = await import('ioredis');
  const queue = new Queue(QUEUE, {
    prefix,
    createClient: () => new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false }),
  });
  await enqueue(queue, 0);
  const result = await timeDrain(queue, () => void queue.process('*', concurrency, async () => {}));
  await queue.close();
  return result;
}

const result = side === 'ours' ? await ours() : await bare();
// Bull never closes the Redis clients a createClient option made (ours included): exit explicitly.
process.send({ side, concurrency, jobs, ...result }, () => process.exit(0));
