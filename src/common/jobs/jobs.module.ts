import { BullModule, getQueueToken } from '@nestjs/bull';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Queue } from 'bull';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';
import { redisOptions } from '../redis/redis.module.js';
import { BullJobDriver } from './bull-job.driver.js';
import { BullWorker } from './bull-worker.js';
import { JOB_LIMITS, QUEUE_LIMITS, QUEUE_NAMES, type QueueLimitTable } from './job-catalogue.js';
import { JobDriver } from './job-driver.js';
import { JobRegistry } from './job-registry.js';
import { JobRunner } from './job-runner.js';
import { InlineJobDriver } from './inline-job.driver.js';
import { InlineScheduler } from './inline-scheduler.js';
import { JobsService } from './jobs.service.js';
import { NoopJob } from './noop.job.js';

/** The queue limits in force: the catalogue's, with the AI time limits from the configuration. */
function queueLimits(config: AppConfig): QueueLimitTable {
  return {
    ...QUEUE_LIMITS,
    ai: {
      ...QUEUE_LIMITS.ai,
      softLimitMs: config.ai.softTimeLimitMs,
      hardLimitMs: config.ai.hardTimeLimitMs,
    },
  };
}

/**
 * Jobs: Bull queues when Redis is configured (processed by the worker entry point), otherwise
 * the inline driver and scheduler in this process. Same producer API either way.
 */
@Global()
@Module({})
export class JobsModule {
  static register(config: AppConfig): DynamicModule {
    const common: Provider[] = [
      JobRegistry,
      JobRunner,
      JobsService,
      NoopJob,
      { provide: JOB_LIMITS, useValue: queueLimits(config) },
    ];
    const redis = redisOptions(config);
    if (!redis) {
      return {
        module: JobsModule,
        imports: [DiscoveryModule],
        providers: [
          ...common,
          InlineJobDriver,
          { provide: JobDriver, useExisting: InlineJobDriver },
          InlineScheduler,
        ],
        exports: [JobsService, JobDriver, InlineJobDriver],
      };
    }
    return {
      module: JobsModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          prefix: config.redis.queuePrefix,
          createClient: () => new Redis(redis),
          settings: {
            lockDuration: config.redis.lockDurationMs,
            stalledInterval: config.redis.lockDurationMs,
          },
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [
        ...common,
        {
          provide: BullJobDriver,
          inject: [JOB_LIMITS, ...QUEUE_NAMES.map((name) => getQueueToken(name))],
          useFactory: (limits: QueueLimitTable, ...queues: Queue[]) =>
            new BullJobDriver(new Map(QUEUE_NAMES.map((n, i) => [n, queues[i]])), limits),
        },
        { provide: JobDriver, useExisting: BullJobDriver },
        BullWorker,
      ],
      exports: [JobsService, JobDriver, BullJobDriver, BullWorker],
    };
  }
}
