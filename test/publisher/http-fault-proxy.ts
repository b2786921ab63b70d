import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with a request whose request line matches a rule. */
export type FaultRule =
  | { match: RegExp; action: 'hold' }
  | { match: RegExp; action: 'answer'; status: number; contentType: string; body: string };

/**
 * An HTTP-aware TCP proxy in front of the test WordPress, listening on the same loopback address (so
 * WordPress still finds its site by the Host header): `cut()` stops it (WordPress is gone),
 * `restore()` brings it back, and rules act on requests by their request line — `hold` forwards the
 * request but never returns the answer (WordPress did the work; the caller times out), `answer`
 * replies in WordPress's place without forwarding.
 */
export class HttpFaultProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server;
  rules: FaultRule[] = [];
  port = 0;

  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(baseUrl: string): Promise<HttpFaultProxy> {
    const url = new URL(baseUrl);
    const proxy = new HttpFaultProxy(url.hostname, Number(url.port));
    await new Promise<void>((resolve) => proxy.server.listen(0, proxy.host, resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  cut(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  async restore(): Promise<void> {
    if (this.server.listening) return;
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(this.port, this.host, resolve));
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.host);
    let holding = false;
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      const line = /^([A-Z]+ \S+) HTTP\/1\.[01]\r\n/.exec(chunk.subarray(0, 2048).toString('latin1'));
      const rule = line ? this.rules.find((r) => r.match.test(line[1])) : undefined;
      if (rule?.action === 'answer') {
        client.end(
          `HTTP/1.1 ${rule.status} Refused\r\nContent-Type: ${rule.contentType}\r\n` +
            `Content-Length: ${Buffer.byteLength(rule.body)}\r\nConnection: close\r\n\r\n${rule.body}`,
        );
        upstream.destroy();
        return;
      }
      if (rule?.action === 'hold') holding = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      if (!holding) client.end();
    });
  }
}
