import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { THROTTLER_NAMES } from '../../config/config.schema.js';
import { RedisClients, RedisConnection } from '../redis/redis.module.js';
import { ScopedThrottlerGuard } from '../throttling/throttle.guard.js';
import { ThrottleService } from '../throttling/throttle.service.js';
import { MemoryThrottlerStorage, RedisThrottlerStorage } from '../throttling/throttler-storage.js';
import { AuthGuard } from './auth.guard.js';
import { IdentityCache } from './identity-cache.js';
import { IdentityLookup } from './identity-lookup.js';
import { PasswordHasher } from './password-hasher.js';
import { RedisSessionStore, SessionStore, TableSessionStore } from './session-store.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { SessionCookieStrategy } from './strategies/session.strategy.js';
import { jwtModuleOptions, TokenService } from './token.service.js';

/**
 * Authentication, sessions and throttling: the JWT module, the Passport strategies, the named
 * throttlers and their storage (Redis when configured, else process memory), and the global
 * guards, in order (auth, then throttle).
 */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({ inject: [AppConfig], useFactory: jwtModuleOptions }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisClients],
      useFactory: (config: AppConfig, redis: RedisClients) => ({
        throttlers: THROTTLER_NAMES.map((name) => ({
          name,
          limit: config.throttle.rates[name].limit,
          ttl: config.throttle.rates[name].windowMs,
        })),
        storage: redis.enabled
          ? new RedisThrottlerStorage(redis.create('counters'), `${config.redis.queuePrefix}:throttle:`)
          : new MemoryThrottlerStorage(),
      }),
    }),
  ],
  providers: [
    IdentityLookup,
    IdentityCache,
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
    ApiKeyStrategy,
    JwtStrategy,
    SessionCookieStrategy,
    BasicStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: ScopedThrottlerGuard },
  ],
  exports: [IdentityLookup, IdentityCache, PasswordHasher, TokenService, SessionStore, ThrottleService],
})
export class AuthCoreModule {}
