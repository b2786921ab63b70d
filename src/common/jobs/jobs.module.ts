import { Clock, SystemClock } from './clock.js';
import { BullModule, getQueueToken } from '@nestjs/bull';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config.js';
import { RedisClients } from '../redis/redis.module.js';
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
import { QUEUE_PROCESSORS } from './queue-processors.js';

export interface JobsModuleOptions {
  /** The worker entry point: processes the queues (one `@Processor` per queue). */
  worker?: boolean;
}

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
  static register(config: AppConfig, options: JobsModuleOptions = {}): DynamicModule {
    const common: Provider[] = [
      JobRegistry,
      JobRunner,
      JobsService,
      NoopJob,
      { provide: Clock, useClass: SystemClock },
      { provide: JOB_LIMITS, useValue: queueLimits(config) },
    ];
    if (!config.redis.url) {
      return {
        module: JobsModule,
        imports: [DiscoveryModule],
        providers: [
          ...common,
          InlineJobDriver,
          { provide: JobDriver, useExisting: InlineJobDriver },
          InlineScheduler,
        ],
        exports: [JobsService, JobDriver, InlineJobDriver, JOB_LIMITS, Clock],
      };
    }
    return {
      module: JobsModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [RedisClients],
          useFactory: (clients: RedisClients) => ({
            prefix: config.redis.queuePrefix,
            // Adding a job answers a request in the API process: it must not wait for an absent Redis.
            createClient: (type) =>
              clients.create(type === 'client' && !options.worker ? 'request' : 'background'),
            settings: {
              lockDuration: config.redis.lockDurationMs,
              stalledInterval: config.redis.lockDurationMs,
            },
          }),
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [
        ...common,
        {
          provide: BullJobDriver,
          inject: [JOB_LIMITS, RedisClients, JobRunner, ...QUEUE_NAMES.map((name) => getQueueToken(name))],
          useFactory: (
            limits: QueueLimitTable,
            clients: RedisClients,
            runner: JobRunner,
            ...queues: Queue[]
          ) => {
            // The driver closes the queues (bounded, see BullJobDriver.close); @nestjs/bull's own shutdown
            // hook on each queue would wait for Redis without end.
            for (const queue of queues) Object.assign(queue, { onApplicationShutdown: undefined });
            const byName = new Map(QUEUE_NAMES.map((n, i) => [n, queues[i]]));
            return new BullJobDriver(byName, limits, clients, runner);
          },
        },
        { provide: JobDriver, useExisting: BullJobDriver },
        BullWorker,
        ...(options.worker ? QUEUE_PROCESSORS : []),
      ],
      exports: [JobsService, JobDriver, BullJobDriver, BullWorker, JOB_LIMITS, Clock],
    };
  }
}
