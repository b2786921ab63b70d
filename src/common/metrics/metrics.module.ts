import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { RedisConnection } from '../redis/redis.module.js';
import { DbQueryMeter } from './db-query-meter.js';
import {
  MemoryRequestMetricsStore,
  RedisRequestMetricsStore,
  RequestMetricsStore,
} from './request-metrics.store.js';
import { ResourceTrackingGuard } from './resource-tracking.guard.js';
import { ResourceTracking } from './resource-tracking.service.js';

/**
 * Resource tracking (docs/api-conventions.md#request-id-and-resource-tracking): the guard that starts it, the query
 * meter and the 10-minute metrics store.
 */
@Module({
  providers: [
    {
      provide: RequestMetricsStore,
      inject: [RedisConnection, AppConfig],
      useFactory: (redis: RedisConnection, config: AppConfig) =>
        redis.client
          ? new RedisRequestMetricsStore(redis.client, `${config.redis.queuePrefix}:request-metrics:`)
          : new MemoryRequestMetricsStore(),
    },
    ResourceTracking,
    DbQueryMeter,
    { provide: APP_GUARD, useClass: ResourceTrackingGuard },
  ],
  exports: [ResourceTracking],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tracking: ResourceTracking,
  ) {}

  /** The metrics are complete (status included) and stored just before the response leaves. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', (request, reply, payload, done) => {
      if (!this.tracking.isTracked(request)) return done(null, payload);
      this.tracking.finish(request, reply).then(
        () => done(null, payload),
        (error: Error) => done(error),
      );
    });
  }
}
