import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IdempotencyService } from './idempotency.service.js';
import { hashIdempotentRequests } from './request-hash.js';

/** `@Idempotent()` routes: the key store and the request hashing (docs/api-conventions.md#idempotency). */
@Global()
@Module({ providers: [IdempotencyService], exports: [IdempotencyService] })
export class IdempotencyModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) hashIdempotentRequests(fastify);
  }
}
