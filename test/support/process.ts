import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The built application (`npm test` builds it first, through `pretest`). */
export const MAIN_ENTRY = join(ROOT, 'dist', 'main.js');
/** The built application plus the echo fixture routes (test/fixtures/echo/spawn-main.ts). */
export const ECHO_ENTRY = join(ROOT, 'test', 'fixtures', 'echo', 'spawn-main.ts');
/** For `beforeAll` hooks that spawn the app: the embedded database boots and migrates first. */
export const SPAWN_TIMEOUT_MS = 150_000;

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A concurrent `npm run build` may have emptied `dist/` for a moment: wait for it to come back. */
async function waitForBuild(): Promise<void> {
  for (let i = 0; i < 120 && !existsSync(MAIN_ENTRY); i++) await sleep(250);
  if (!existsSync(MAIN_ENTRY)) throw new Error(`${MAIN_ENTRY} is missing: run npm run build`);
}

/** Only what a child needs from our environment: never the test runner's database/Redis settings. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT'];
  return Object.fromEntries(
    keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k] as string]),
  );
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <entry>` to completion (for start-up failures). */
export function runToExit(entry: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Exited> {
  return retryWhileRebuilding(
    () => runOnce(entry, env, timeoutMs),
    (result) => result.stderr.includes(MISSING_MODULE),
  );
}

async function runOnce(entry: string, env: Record<string, string>, timeoutMs: number): Promise<Exited> {
  await waitForBuild();
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env: { ...baseEnv(), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.once('exit', (c, s) => done([c, s])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

export interface SpawnedApp {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  env: Record<string, string>;
  /** Every stdout line so far (the app logs JSON lines). */
  readonly lines: string[];
  readonly stderr: string;
  /** The stdout lines parsed as JSON (lines that are not JSON are left out). */
  logs(from?: number): Record<string, unknown>[];
  /** Resolves when the process has exited. */
  exited: Promise<Exited>;
  /** Waits until a stdout line satisfies `predicate` (checking lines from index `from`). */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, from?: number): Promise<void>;
  /** SIGTERM (if still running), wait for the exit, drop the database and the temporary directory. */
  stop(): Promise<Exited>;
}

export interface SpawnOptions {
  entry?: string;
  env?: Record<string, string | undefined>;
  /** How long to wait for `/health/live` (embedded PostgreSQL boots and migrates first). */
  bootTimeoutMs?: number;
}

/**
 * Starts the built app as a real process on a free port: with a cloned database when
 * TEST_DATABASE_URL is set, else the embedded default (`EMBEDDED_DB_DIR=memory://`); Redis when
 * REDIS_URL is set. Resolves once `/health/live` answers.
 */
export function spawnApp(options: SpawnOptions = {}): Promise<SpawnedApp> {
  return retryWhileRebuilding(() => spawnOnce(options));
}

/**
 * A concurrent `npm run build` elsewhere (it empties dist/ first) can pull modules from under a
 * starting process: try again a little later. Never the case in CI, where one build runs first.
 */
async function retryWhileRebuilding<T>(start: () => Promise<T>, failed?: (result: T) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let result: T;
    try {
      result = await start();
    } catch (error) {
      if (attempt >= 3 || !String(error).includes(MISSING_MODULE)) throw error;
      await sleep(2000);
      continue;
    }
    if (attempt >= 3 || !failed?.(result)) return result;
    await sleep(2000);
  }
}

const MISSING_MODULE = 'ERR_MODULE_NOT_FOUND';

async function spawnOnce(options: SpawnOptions): Promise<SpawnedApp> {
  await waitForBuild();
  const port = await freePort();
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-spawn-'));
  const db: TestDatabase | undefined = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const env = Object.fromEntries(
    Object.entries({
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_DIR: join(tmp, 'logs'),
      MEDIA_DIR: join(tmp, 'media'),
      THROTTLE_ENABLED: 'false',
      DATABASE_URL: db?.url,
      EMBEDDED_DB_DIR: db ? undefined : 'memory://',
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: `s${randomBytes(5).toString('hex')}`,
      ...options.env,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const child = spawn(process.execPath, [options.entry ?? MAIN_ENTRY], {
    cwd: ROOT,
    env: { ...baseEnv(), ...env },
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line !== ''));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((done) =>
    child.once('exit', (code, signal) => {
      if (partial) lines.push(partial);
      done({ code, signal, stdout: lines.join('\n'), stderr });
    }),
  );
  let running = true;
  void exited.then(() => (running = false));

  const logs = (from = 0) =>
    lines.slice(from).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  const app: SpawnedApp = {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    env,
    lines,
    get stderr() {
      return stderr;
    },
    logs,
    exited,
    async waitForLog(predicate, from = 0) {
      for (let i = 0; i < 200; i++) {
        if (logs(from).some(predicate)) return;
        await sleep(25);
      }
      throw new Error(`Expected log line not written. Lines:\n${lines.slice(from).join('\n')}`);
    },
    async stop() {
      if (running) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const result = await exited;
      clearTimeout(timer);
      await db?.drop();
      rmSync(tmp, { recursive: true, force: true });
      return result;
    },
  };

  const deadline = Date.now() + (options.bootTimeoutMs ?? 110_000);
  while (Date.now() < deadline) {
    if (!running) {
      const result = await exited;
      await db?.drop();
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`The app exited during start-up (code ${result.code}):\n${stderr}\n${result.stdout}`);
    }
    const live = await fetch(`${app.baseUrl}/health/live`).catch(() => undefined);
    if (live?.ok) {
      // Let the probe's own log line land first, so that tests see only the lines of their requests.
      const probeId = live.headers.get('x-request-id');
      await app.waitForLog((line) => line.reqId === probeId && typeof line.res === 'object');
      return app;
    }
    await sleep(100);
  }
  await app.stop();
  throw new Error(`The app did not answer /health/live in time:\n${stderr}\n${lines.join('\n')}`);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A hand-written HTTP/1.1 exchange on a plain socket, for what `fetch` cannot do: send part of a
 * body, pause, send the rest; or read the answer to a body the server refuses half-way.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private ended = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((done, fail) => {
      const socket = connect(port, '127.0.0.1', () => done(new RawConnection(socket)));
      socket.once('error', fail);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((done, fail) => this.socket.write(data, (error) => (error ? fail(error) : done())));
  }

  /** Resolves with the next complete response (by Content-Length); fails when the connection closes first. */
  async response(timeoutMs = 10_000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.ended)
        throw new Error(`Connection closed before a full response: ${this.received.toString()}`);
      if (Date.now() > deadline) throw new Error('No response in time');
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private parse(): RawResponse | undefined {
    const text = this.received.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...headerLines] = text.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    const body = this.received.subarray(end + 4);
    if (body.length < length) return undefined;
    this.received = body.subarray(length);
    return {
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: body.subarray(0, length).toString('utf8'),
    };
  }
}

/** The request line and headers of a JSON POST whose body is `length` bytes. */
export function jsonPostHead(path: string, length: number, extra: Record<string, string> = {}): string {
  const headers = {
    Host: '127.0.0.1',
    'Content-Type': 'application/json',
    'Content-Length': String(length),
    ...extra,
  };
  return `POST ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
}
