import { Logger, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { readyWithin } from '../redis/redis.module.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A fixed window's state after a request was counted in it. */
export interface WindowRecord extends ThrottlerStorageRecord {
  /** Unix time (ms) when the window ends. */
  resetAt: number;
  /** The counters could not be reached: nothing was counted and the request is let through. */
  unavailable?: true;
}

/**
 * Fixed-window counters for `@nestjs/throttler`: the window starts at the first request counted in
 * it and every request (refused ones included) counts; over `limit` the key is blocked until the
 * window ends. (The library's own in-memory storage keeps a sliding log of hits instead.)
 */
export abstract class WindowStorage implements ThrottlerStorage {
  async increment(key: string, ttl: number, limit: number): Promise<WindowRecord> {
    const window = await this.hit(key, ttl);
    return window ? toRecord(window.count, window.resetAt, limit) : unavailable(ttl);
  }

  /** Takes back one request counted in the current window of `key` (a login that succeeded). */
  abstract release(key: string): Promise<void>;

  /** Counts one request; null when the counters cannot be reached. */
  protected abstract hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number } | null>;
}

function toRecord(count: number, resetAt: number, limit: number): WindowRecord {
  const seconds = Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
  const isBlocked = count > limit;
  return {
    totalHits: count,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
    resetAt,
  };
}

function unavailable(windowMs: number): WindowRecord {
  return { ...toRecord(0, Date.now() + windowMs, 1), unavailable: true };
}

/** One process (the embedded default): counters in memory. */
export class MemoryThrottlerStorage extends WindowStorage {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  protected async hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const now = Date.now();
    let state = this.windows.get(key);
    if (!state || state.resetAt <= now) {
      state = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, state);
      if (this.windows.size > 100_000) this.sweep(now);
    }
    state.count++;
    return { ...state };
  }

  async release(key: string): Promise<void> {
    const state = this.windows.get(key);
    if (state && state.resetAt > Date.now() && state.count > 0) state.count--;
  }

  private sweep(now: number): void {
    for (const [key, state] of this.windows) if (state.resetAt <= now) this.windows.delete(key);
  }
}

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

const RELEASE_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

interface CounterScripts {
  throttleHit(key: string, windowMs: number): Promise<[number, number]>;
  throttleRelease(key: string): Promise<unknown>;
}

/**
 * Shared by every instance: counters in Redis, incremented atomically, over a connection of their
 * own (the `counters` role of RedisClients, which owns, logs and closes it). Fails open: when a
 * command fails or times out, the request is not counted and goes on, with one warning when the
 * counters become unreachable and one notice when they are back.
 */
export class RedisThrottlerStorage extends WindowStorage implements OnModuleInit {
  private readonly logger = new Logger('ThrottlerStorage');
  private reachable = true;

  /** The scripts as commands of the connection: sent once, then run by their SHA1 (`EVALSHA`). */
  private readonly scripts: CounterScripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    redis.defineCommand('throttleRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.scripts = redis as unknown as CounterScripts;
  }

  /** Gives the connection up to 2 s at boot, so the first requests are counted (never blocks longer). */
  async onModuleInit(): Promise<void> {
    await readyWithin(this.redis, 2000);
  }

  protected async hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number } | null> {
    const result = await this.command(() => this.scripts.throttleHit(this.prefix + key, windowMs));
    return result ? { count: result[0], resetAt: Date.now() + result[1] } : null;
  }

  async release(key: string): Promise<void> {
    await this.command(() => this.scripts.throttleRelease(this.prefix + key));
  }

  private async command<T>(run: () => Promise<T>): Promise<T | null> {
    try {
      const result = await run();
      if (!this.reachable) {
        this.reachable = true;
        this.logger.log('Throttle counters reachable again in Redis; throttling resumed');
      }
      return result;
    } catch (error) {
      return this.failed((error as Error).message);
    }
  }

  private failed(reason: string): null {
    if (this.reachable) {
      this.reachable = false;
      this.logger.warn(
        `Throttle counters unreachable (${reason}): requests pass unthrottled until Redis is back`,
      );
    }
    return null;
  }
}
