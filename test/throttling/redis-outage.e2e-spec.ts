import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisClients } from '../../src/common/redis/redis.module.js';
import { RedisThrottlerStorage } from '../../src/common/throttling/throttler-storage.js';

/** A TCP server that accepts connections and never answers: a Redis that hangs. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
}

/** A free port nothing listens on: a Redis that is gone. */
async function closedPort(): Promise<number> {
  const { server, port } = await silentServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The counters' connection as the app makes it (RedisClients, `counters` role), to `port`. */
const client = (port: number) =>
  new RedisClients({ host: '127.0.0.1', port, maxRetriesPerRequest: null, retryStrategy: () => 50 }).create(
    'counters',
  );

/**
 * The Redis throttler storage never holds a request up: with Redis gone or hanging it lets the
 * request through uncounted (fail open) and warns once per change of state, not once per request.
 */
describe('Redis throttler storage when Redis is slow or gone', () => {
  const warnings = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const notices = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const clients: Redis[] = [];
  let silent: Awaited<ReturnType<typeof silentServer>>;

  beforeAll(async () => {
    silent = await silentServer();
  });
  afterEach(() => {
    warnings.mockClear();
    notices.mockClear();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent.server.close(resolve));
    vi.restoreAllMocks();
  });

  const storage = async (redis: Redis) => {
    clients.push(redis);
    const store = new RedisThrottlerStorage(redis, 'outage-test:');
    await store.onModuleInit();
    return store;
  };
  const throttleWarnings = () =>
    warnings.mock.calls.filter(([message]) => String(message).includes('Throttle counters unreachable'));

  it('Redis gone (connection refused): every request passes uncounted, one warning', async () => {
    const store = await storage(client(await closedPort()));
    for (let i = 0; i < 5; i++) {
      const record = await store.increment('user:1', 60_000, 1);
      expect(record).toMatchObject({ unavailable: true, isBlocked: false, totalHits: 0 });
    }
    await store.release('user:1');
    expect(throttleWarnings()).toHaveLength(1);
  });

  it('Redis hanging (connected, never answers): the command is abandoned, the request passes', async () => {
    const store = await storage(client(silent.port));
    expect(silent.sockets.size).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      expect(await store.increment('user:2', 60_000, 1)).toMatchObject({
        unavailable: true,
        isBlocked: false,
      });
    }
    expect(throttleWarnings()).toHaveLength(1);
  });

  describe.runIf(process.env.REDIS_URL)('with a real Redis behind a proxy the test controls', () => {
    it('counts, passes uncounted while Redis is away, counts again once it is back: one log each way', async () => {
      const url = new URL(process.env.REDIS_URL!);
      const proxy = await tcpProxy(url.hostname, Number(url.port || 6379));
      const store = await storage(client(proxy.port));
      const key = `user:${Date.now()}`;
      expect(await store.increment(key, 60_000, 5)).toMatchObject({ totalHits: 1, isBlocked: false });

      await proxy.stop();
      for (let i = 0; i < 3; i++)
        expect(await store.increment(key, 60_000, 5)).toMatchObject({ unavailable: true });
      expect(throttleWarnings()).toHaveLength(1);

      await proxy.start();
      let record = await store.increment(key, 60_000, 5);
      while (record.unavailable) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        record = await store.increment(key, 60_000, 5);
      }
      expect(record).toMatchObject({ totalHits: 2, isBlocked: false });
      expect(await store.increment(key, 60_000, 5)).toMatchObject({ totalHits: 3 });
      expect(throttleWarnings()).toHaveLength(1);
      expect(
        notices.mock.calls.filter(([m]) => String(m).includes('Throttle counters reachable again')),
      ).toHaveLength(1);
      await proxy.stop();
    });
  });
});

/** A TCP proxy to Redis that the test stops (every connection cut, port closed) and starts again. */
async function tcpProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(port, host);
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy()).on('close', () => {
        sockets.delete(s);
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  const listen = (onPort: number) =>
    new Promise<void>((resolve) => server.listen(onPort, '127.0.0.1', () => resolve()));
  await listen(0);
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;
  return {
    port: proxyPort,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    start: () => listen(proxyPort),
  };
}
