import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';

/** A request never waits longer than this for one Redis command (it answers 503 instead). */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
const REDIS_CONNECT_TIMEOUT_MS = 2000;
const QUIT_TIMEOUT_MS = 500;

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
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
  };
  if (sentinels.length > 0) return { ...base, sentinels, name: sentinelName ?? 'mymaster' };
  return { ...base, host: parsed.hostname, port: Number(parsed.port || 6379) };
}

/** A throttle counter is given up (the request goes on uncounted) after this long. */
export const COUNTER_COMMAND_TIMEOUT_MS = 250;

/**
 * How a client behaves while Redis is away:
 * - `request`: commands made while a request waits fail at once when not connected, and after
 *   REDIS_COMMAND_TIMEOUT_MS when Redis does not answer (the caller answers 503 or falls back);
 * - `background`: commands wait for the reconnection (Bull's blocking and subscriber connections,
 *   and the worker's own queue commands);
 * - `counters`: like `request`, but a command waits at most COUNTER_COMMAND_TIMEOUT_MS, is tried once
 *   and never replayed after a reconnection (the throttle counters, which fail open).
 */
export type RedisRole = 'request' | 'background' | 'counters';

const REQUEST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  // Ready only once Redis answered: a connection accepted then dropped is not taken for a live one.
  enableReadyCheck: true,
};

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  request: REQUEST_OPTIONS,
  background: {},
  counters: {
    ...REQUEST_OPTIONS,
    commandTimeout: COUNTER_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  },
};

/**
 * Makes and owns every Redis connection of the process: one state for all of them, logged once per
 * change (not per reconnection attempt), and a bounded shutdown that never waits for an absent Redis.
 */
export class RedisClients {
  private readonly logger = new Logger('Redis');
  private readonly clients = new Set<Redis>();
  private state: 'unknown' | 'up' | 'down' = 'unknown';
  private downWaiters: (() => void)[] = [];

  constructor(readonly options: RedisOptions | undefined) {}

  get enabled(): boolean {
    return this.options !== undefined;
  }

  get isDown(): boolean {
    return this.state === 'down';
  }

  create(role: RedisRole): Redis {
    if (!this.options) throw new Error('No REDIS_URL is configured');
    const client = new Redis({ ...this.options, ...ROLE_OPTIONS[role] });
    client.on('ready', () => this.changeState('up'));
    client.on('error', (err: Error) => this.changeState('down', err));
    client.on('end', () => this.clients.delete(client));
    // Bull connects its blocking connection again after ending it, when it stops taking jobs.
    client.on('connect', () => this.clients.add(client));
    this.clients.add(client);
    return client;
  }

  /** Resolves as soon as Redis is known to be unreachable (at once if it is now). */
  whenDown(): Promise<void> {
    if (this.state === 'down') return Promise.resolve();
    return new Promise((resolve) => this.downWaiters.push(resolve));
  }

  /** Closes every connection: politely when Redis answers, at once when it does not. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.clients].map((client) => close(client)));
  }

  /** Drops every connection now: commands still waiting fail instead of waiting for Redis. */
  disconnectAll(): void {
    for (const client of this.clients) client.disconnect();
  }

  private changeState(next: 'up' | 'down', err?: Error): void {
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    if (next === 'down') {
      this.logger.error({ err }, 'Redis is unreachable: what needs it answers 503 until it is back');
      for (const wake of this.downWaiters.splice(0)) wake();
    } else if (previous === 'down') {
      this.logger.log('Redis is reachable again');
    }
  }
}

/** Whether `client` is connected, or connects within `ms` (it may be connecting or reconnecting right now). */
export async function readyWithin(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return true;
  if (client.status === 'end') return false;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  const ready = await new Promise<boolean>((resolve) => {
    onReady = () => resolve(true);
    client.once('ready', onReady);
    timer = setTimeout(() => resolve(false), ms);
  });
  clearTimeout(timer);
  if (onReady) client.off('ready', onReady);
  return ready;
}

async function close(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const quit = client.quit().then(
      () => true,
      () => false,
    );
    const timeout = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), QUIT_TIMEOUT_MS)),
    );
    const done = await Promise.race([quit, timeout]);
    clearTimeout(timer);
    if (done) return;
  }
  client.disconnect();
}

/** The shared request-path Redis client, or `client: null` when no REDIS_URL is configured (the fallbacks apply). */
export class RedisConnection {
  constructor(readonly client: Redis | null) {}
}

@Global()
@Module({
  providers: [
    {
      provide: RedisClients,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new RedisClients(redisOptions(config)),
    },
    {
      provide: RedisConnection,
      inject: [RedisClients],
      useFactory: (clients: RedisClients) =>
        new RedisConnection(clients.enabled ? clients.create('request') : null),
    },
  ],
  exports: [RedisClients, RedisConnection],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(private readonly clients: RedisClients) {}

  async onApplicationShutdown(): Promise<void> {
    await this.clients.closeAll();
  }
}
