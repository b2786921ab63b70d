import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import type { ThrottleScope } from '../../config/config.schema.js';
import { ApiError } from '../http/error-codes.js';
import { ThrottleStore, type WindowState } from './throttle-store.js';

export interface ThrottleDecision {
  scope: ThrottleScope;
  limit: number;
  remaining: number;
  resetAt: number;
  allowed: boolean;
}

/** Counts requests per scope and principal key (api.md 6) and renders the headers and the 429. */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly config: AppConfig,
    private readonly store: ThrottleStore,
  ) {}

  get enabled(): boolean {
    return this.config.throttle.enabled;
  }

  /** Counts this request against `scope` for `key`. */
  async consume(scope: ThrottleScope, key: string): Promise<ThrottleDecision> {
    const { limit, windowMs } = this.config.throttle.rates[scope];
    return this.decide(scope, limit, await this.store.hit(`${scope}:${key}`, windowMs));
  }

  /** Whether `key` is already over the limit of `scope`, without counting anything. */
  async isBlocked(scope: ThrottleScope, key: string): Promise<ThrottleDecision | null> {
    const { limit } = this.config.throttle.rates[scope];
    const state = await this.store.peek(`${scope}:${key}`);
    if (!state || state.count < limit) return null;
    return { ...this.decide(scope, limit, state), allowed: false };
  }

  /** Writes the X-Throttle-* headers; throws the 429 when the decision refuses the request. */
  apply(decision: ThrottleDecision, reply: FastifyReply): void {
    reply.header('X-Throttle-Limit', String(decision.limit));
    reply.header('X-Throttle-Remaining', String(decision.remaining));
    reply.header('X-Throttle-Reset', String(Math.ceil(decision.resetAt / 1000)));
    if (decision.allowed) return;
    const retryAfter = Math.max(1, Math.ceil((decision.resetAt - Date.now()) / 1000));
    throw new ApiError('throttled', `Request was throttled. Expected available in ${retryAfter} seconds.`, {
      details: { scope: decision.scope, limit: decision.limit, retry_after: retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  private decide(scope: ThrottleScope, limit: number, state: WindowState): ThrottleDecision {
    return {
      scope,
      limit,
      remaining: Math.max(0, limit - state.count),
      resetAt: state.resetAt,
      allowed: state.count <= limit,
    };
  }
}
