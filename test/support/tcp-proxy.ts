import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, in front of PostgreSQL or Redis: `cut()` drops every connection
 * and refuses new ones (the service is gone), `stall()` keeps connections open but forwards
 * nothing (a network partition: no error, no answer), `restore()` lets traffic through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private mode: 'open' | 'cut' | 'stalled' = 'open';
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = this.listener();
  }

  /** Starts a proxy to the host and port of a `postgres://` or `redis://` URL. */
  static async start(url: string): Promise<TcpProxy> {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol.startsWith('redis') ? 6379 : 5432;
    const proxy = new TcpProxy({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** `url` with the proxy's address in place of its host and port. */
  via(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** The service is gone: open connections drop, new ones are refused (the port stops listening). */
  cut(): void {
    if (this.mode !== 'cut') this.server.close();
    this.mode = 'cut';
    for (const socket of this.sockets) socket.destroy();
  }

  /** Nothing more is forwarded either way; connections stay open, new ones are accepted and left waiting. */
  stall(): void {
    this.mode = 'stalled';
    for (const socket of this.sockets) socket.pause();
  }

  async restore(): Promise<void> {
    if (this.mode === 'cut') {
      this.server = this.listener();
      await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    }
    this.mode = 'open';
    for (const socket of this.sockets) socket.resume();
  }

  async close(): Promise<void> {
    const server = this.server;
    const closed = new Promise<void>((resolve) =>
      server.listening ? server.close(() => resolve()) : resolve(),
    );
    this.mode = 'cut';
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private listener(): Server {
    return createServer((client) => this.accept(client));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.mode === 'stalled') for (const socket of [client, upstream]) socket.pause();
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
