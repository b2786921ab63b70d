import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DatabaseEndpoint } from '../../database/database.module.js';
import { IdentityLookup, type UserIdentity } from './identity-lookup.js';

/** The channel the identity triggers notify on (migration IdentityChangeNotify). */
export const IDENTITY_CHANNEL = 'igny8_identity';

const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  user: UserIdentity;
  expires: number;
}

/**
 * The identity row of a user, as the access-token check reads it on every request, kept in process
 * for `IDENTITY_CACHE_MS` (docs/performance.md#identity-cache). A change to a user, its account or
 * its plan reaches every API process through PostgreSQL's LISTEN/NOTIFY (triggers on those tables)
 * and drops what was cached of it, so a revoked or deleted user, or a changed role, takes effect at
 * once; the time limit only bounds how long a lost notification could matter.
 *
 * The cache is used only while its listener connection is known to be up (a heartbeat every 5 s):
 * before the listener has connected, after it lost its connection and until it reconnects (the
 * cache is emptied then, since notifications may have been missed), on the embedded database, and
 * when `IDENTITY_CACHE_MS` is 0 (the default under `NODE_ENV=test`), every lookup reads the
 * database. A lookup that was running while anything changed is not kept.
 */
@Injectable()
export class IdentityCache implements OnApplicationShutdown {
  private readonly logger = new Logger('IdentityCache');
  private readonly entries = new Map<number, Entry>();
  private readonly ttlMs: number;
  /** Bumped by every invalidation: a lookup that saw another generation is not cached. */
  private generation = 0;
  private client?: pg.Client;
  private started = false;
  private stopped = false;
  private healthyUntil = 0;
  private heartbeat?: NodeJS.Timeout;
  private reconnect?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_MIN_MS;
  private syncs = 0;
  private readonly waiting = new Map<string, () => void>();
  /** Connections already given up on (their `error` and `end` both report the loss). */
  private readonly retired = new WeakSet<pg.Client>();
  /** The clock of the time limit and the heartbeat (milliseconds); tests may replace it. */
  now: () => number = () => performance.now();

  constructor(
    config: AppConfig,
    private readonly endpoint: DatabaseEndpoint,
    private readonly dataSource: DataSource,
    private readonly lookup: IdentityLookup,
  ) {
    this.ttlMs = endpoint.embedded ? 0 : config.auth.identityCacheMs;
  }

  /** Whether lookups may be answered from memory now. */
  get active(): boolean {
    return this.ttlMs > 0 && this.client !== undefined && this.now() < this.healthyUntil;
  }

  /** The live user `id` with its account and plan state (`IdentityLookup.userById`), from memory when fresh. */
  async userById(id: number): Promise<UserIdentity | null> {
    if (this.ttlMs <= 0) return this.lookup.userById(id);
    this.start();
    if (!this.active) return this.lookup.userById(id);
    const hit = this.entries.get(id);
    if (hit && hit.expires > this.now()) return hit.user;
    const generation = this.generation;
    const user = await this.lookup.userById(id);
    // Unknown users are not kept: ids are never reused, and a miss costs what it always did.
    if (user && generation === this.generation && this.active) this.keep(id, user);
    return user;
  }

  /**
   * Resolves once every change committed before the call has reached this process: a notification
   * of its own, sent after them, comes back last (PostgreSQL delivers in commit order). For tests.
   */
  async sync(): Promise<void> {
    if (!this.active) return;
    const token = `sync:${process.pid}:${++this.syncs}`;
    const received = new Promise<void>((resolve) => this.waiting.set(token, resolve));
    await this.dataSource.query('SELECT pg_notify($1, $2)', [IDENTITY_CHANNEL, token]);
    await received;
  }

  onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnect);
    return this.disconnect();
  }

  private keep(id: number, user: UserIdentity): void {
    this.entries.delete(id);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, { user, expires: this.now() + this.ttlMs });
  }

  /** Drops what a notification names: `igny8_users:<id>`, `igny8_accounts:<id>`, anything else everything. */
  private invalidate(payload: string): void {
    const waiter = this.waiting.get(payload);
    if (waiter) {
      this.waiting.delete(payload);
      waiter();
      return;
    }
    this.generation += 1;
    const [table, key] = payload.split(':');
    const id = Number(key);
    if (table === 'igny8_users' && Number.isSafeInteger(id)) this.entries.delete(id);
    else if (table === 'igny8_accounts' && Number.isSafeInteger(id)) {
      for (const [userId, entry] of this.entries) {
        if (Number(entry.user.account_id) === id) this.entries.delete(userId);
      }
    } else this.entries.clear();
  }

  /** Connects the listener on first use (never in processes that check no access token). */
  private start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.endpoint.url,
      application_name: 'igny8-api-identity-listener',
      connectionTimeoutMillis: HEARTBEAT_TIMEOUT_MS * 2,
    });
    client.on('notification', (message) => {
      if (message.channel === IDENTITY_CHANNEL) this.invalidate(message.payload ?? '*');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${IDENTITY_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelay = RECONNECT_MIN_MS;
    this.healthyUntil = this.now() + HEARTBEAT_MS + HEARTBEAT_TIMEOUT_MS;
    this.heartbeat = setInterval(() => void this.beat(client), HEARTBEAT_MS).unref();
  }

  /** `SELECT 1` on the listener's connection; no answer in time counts as a lost connection. */
  private async beat(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('heartbeat timed out')), HEARTBEAT_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
      if (client === this.client) this.healthyUntil = this.now() + HEARTBEAT_MS + HEARTBEAT_TIMEOUT_MS;
    } catch (error) {
      this.lost(client, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The listener is gone: nothing cached can be trusted any more; reconnect with a growing delay. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.retired.has(client)) return;
    this.retired.add(client);
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.client !== undefined && this.client !== client) return;
    const wasUp = this.client === client;
    this.client = undefined;
    this.healthyUntil = 0;
    this.generation += 1;
    this.entries.clear();
    clearInterval(this.heartbeat);
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    if (this.stopped) return;
    if (wasUp || this.reconnectDelay === RECONNECT_MIN_MS) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'Identity change listener lost; reading identities from the database until it reconnects',
      );
    }
    this.reconnect = setTimeout(() => void this.connect(), this.reconnectDelay).unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.healthyUntil = 0;
    this.entries.clear();
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
