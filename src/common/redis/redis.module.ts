import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';

/** Connection options for every Redis client of the app (cache, throttles, Bull). */
export function redisOptions(config: AppConfig): RedisOptions | undefined {
  const { url, tls, sentinels, sentinelName } = config.redis;
  if (!url) return undefined;
  const parsed = new URL(url);
  const base: RedisOptions = {
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: tls || parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
  };
  if (sentinels.length > 0) return { ...base, sentinels, name: sentinelName ?? 'mymaster' };
  return { ...base, host: parsed.hostname, port: Number(parsed.port || 6379) };
}

/** The shared Redis client, or `client: null` when no REDIS_URL is configured (the fallbacks apply). */
export class RedisConnection {
  constructor(readonly client: Redis | null) {}
}

@Global()
@Module({
  providers: [
    {
      provide: RedisConnection,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const options = redisOptions(config);
        return new RedisConnection(options ? new Redis({ ...options, lazyConnect: false }) : null);
      },
    },
  ],
  exports: [RedisConnection],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(private readonly redis: RedisConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.client && this.redis.client.status !== 'end') await this.redis.client.quit();
  }
}
