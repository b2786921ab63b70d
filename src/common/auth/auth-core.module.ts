import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { RedisConnection } from '../redis/redis.module.js';
import { ThrottleGuard } from '../throttling/throttle.guard.js';
import { ThrottleService } from '../throttling/throttle.service.js';
import { MemoryThrottleStore, RedisThrottleStore, ThrottleStore } from '../throttling/throttle-store.js';
import { AuthGuard } from './auth.guard.js';
import { IdentityLookup } from './identity-lookup.js';
import { PasswordHasher } from './password-hasher.js';
import { RedisSessionStore, SessionStore, TableSessionStore } from './session-store.js';
import { TokenService } from './token.service.js';

/** Authentication, sessions and throttling: the global guards, in order (auth, then throttle). */
@Global()
@Module({
  providers: [
    IdentityLookup,
    PasswordHasher,
    TokenService,
    ThrottleService,
    {
      provide: SessionStore,
      inject: [RedisConnection, DataSource, AppConfig],
      useFactory: (redis: RedisConnection, dataSource: DataSource, config: AppConfig) =>
        redis.client
          ? new RedisSessionStore(redis.client, `${config.redis.queuePrefix}:`)
          : new TableSessionStore(dataSource),
    },
    {
      provide: ThrottleStore,
      inject: [RedisConnection, AppConfig],
      useFactory: (redis: RedisConnection, config: AppConfig) =>
        redis.client
          ? new RedisThrottleStore(redis.client, `${config.redis.queuePrefix}:throttle:`)
          : new MemoryThrottleStore(),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: ThrottleGuard },
  ],
  exports: [IdentityLookup, PasswordHasher, TokenService, SessionStore, ThrottleService],
})
export class AuthCoreModule {}
