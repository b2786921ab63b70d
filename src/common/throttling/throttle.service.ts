import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config.js';
import type { IpThrottleLimit, ThrottlerName } from '../../config/config.schema.js';
import { ApiError } from '../http/error-codes.js';
import { type WindowRecord, WindowStorage } from './throttler-storage.js';

/** One counter: a named throttler and the caller's key in it (`user:…`, `site:…`, `ip:…`). */
export interface ThrottleLimit {
  name: ThrottlerName;
  key: string;
}

/** The `X-Throttle-*` headers of a counted request. */
export function throttleHeaders(limit: number, record: WindowRecord): Record<string, string> {
  return {
    'X-Throttle-Limit': String(limit),
    'X-Throttle-Remaining': String(Math.max(0, limit - record.totalHits)),
    'X-Throttle-Reset': String(Math.ceil(record.resetAt / 1000)),
  };
}

/** The 429 `throttled` answer, with the throttle headers and `Retry-After`. */
export function throttledError(name: ThrottlerName, limit: number, record: WindowRecord): ApiError {
  const retryAfter = Math.max(1, Math.ceil((record.resetAt - Date.now()) / 1000));
  return new ApiError('throttled', `Request was throttled. Expected available in ${retryAfter} seconds.`, {
    details: { scope: name, limit, retry_after: retryAfter },
    headers: { ...throttleHeaders(limit, record), 'Retry-After': String(retryAfter) },
  });
}

/**
 * Counters used outside the route guard, by limits that count only some requests (failed logins)
 * or need the request's body (the per-IP limits of the anonymous auth flows).
 */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: WindowStorage,
  ) {}

  /** The per-IP limit of one anonymous auth flow. */
  perIp(name: IpThrottleLimit, ip: string): ThrottleLimit {
    return { name, key: `ip:${ip}` };
  }

  /**
   * The limits of a Basic sign-in: per IP and email (`auth_strict`) and per IP. Only failures
   * stay counted (see `release`).
   */
  basicLimits(ip: string, email: string): ThrottleLimit[] {
    return [
      { name: 'auth_strict', key: `ip:${ip}:${email.trim().toLowerCase()}` },
      this.perIp('login_ip', ip),
    ];
  }

  /**
   * Counts this request against each limit, then refuses it (429) when any is exceeded. Counting
   * first keeps parallel requests from slipping past a limit together.
   */
  async consume(limits: ThrottleLimit[]): Promise<void> {
    if (!this.config.throttle.enabled) return;
    let refusal: ApiError | null = null;
    for (const { name, key } of limits) {
      const { limit, windowMs } = this.config.throttle.rates[name];
      const record = await this.storage.increment(`${name}:${key}`, windowMs, limit);
      if (record.isBlocked) refusal ??= throttledError(name, limit, record);
    }
    if (refusal) throw refusal;
  }

  /** Takes back what `consume` counted, for a request that turned out not to count (a success). */
  async release(limits: ThrottleLimit[]): Promise<void> {
    if (!this.config.throttle.enabled) return;
    for (const { name, key } of limits) await this.storage.release(`${name}:${key}`);
  }
}
