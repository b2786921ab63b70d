import type { Redis } from 'ioredis';

export interface WindowState {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Unix time (ms) when the window ends. */
  resetAt: number;
}

/** Fixed-window counters: the window starts at the first request counted in it. */
export abstract class ThrottleStore {
  abstract hit(key: string, windowMs: number): Promise<WindowState>;
  abstract peek(key: string): Promise<WindowState | null>;
}

/** One process (embedded default): counters in memory. */
export class MemoryThrottleStore extends ThrottleStore {
  private readonly windows = new Map<string, WindowState>();

  async hit(key: string, windowMs: number): Promise<WindowState> {
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

  async peek(key: string): Promise<WindowState | null> {
    const state = this.windows.get(key);
    return state && state.resetAt > Date.now() ? { ...state } : null;
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

/** Shared by every instance: counters in Redis, incremented atomically. */
export class RedisThrottleStore extends ThrottleStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async hit(key: string, windowMs: number): Promise<WindowState> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, windowMs)) as [
      number,
      number,
    ];
    return { count, resetAt: Date.now() + ttl };
  }

  async peek(key: string): Promise<WindowState | null> {
    const [count, ttl] = await Promise.all([
      this.redis.get(this.prefix + key),
      this.redis.pttl(this.prefix + key),
    ]);
    return count === null || ttl < 0 ? null : { count: Number(count), resetAt: Date.now() + ttl };
  }
}
