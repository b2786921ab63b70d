import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { ApiError } from '../http/error-codes.js';

export const SESSION_IDLE_MS = 2 * 3600_000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export interface SessionRecord {
  userId: number;
  familyId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string;
}

export function isLive(session: SessionRecord, now = Date.now()): boolean {
  return now < session.expiresAt && now < session.lastSeenAt + SESSION_IDLE_MS;
}

/** Cookie sessions, keyed by the SHA-256 of the session id (the raw id is never stored). */
export abstract class SessionStore {
  abstract create(hash: string, record: SessionRecord): Promise<void>;
  /** The live session, refreshing `last_seen` at most once a minute; null when unknown or expired. */
  abstract find(hash: string): Promise<SessionRecord | null>;
  abstract destroy(hash: string): Promise<void>;
  abstract destroyFamily(familyId: string): Promise<void>;
  abstract destroyUser(userId: number): Promise<void>;
}

interface SessionRow {
  user_id: number;
  family_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip_address: string | null;
  user_agent: string;
}

/** Without Redis: the `igny8_sessions` table. */
export class TableSessionStore extends SessionStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async create(hash: string, r: SessionRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO igny8_sessions (session_hash, user_id, family_id, created_at, last_seen_at, expires_at, ip_address, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        hash,
        r.userId,
        r.familyId,
        new Date(r.createdAt),
        new Date(r.lastSeenAt),
        new Date(r.expiresAt),
        r.ip,
        r.userAgent,
      ],
    );
  }

  async find(hash: string): Promise<SessionRecord | null> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT user_id, family_id, created_at, last_seen_at, expires_at, ip_address, user_agent
         FROM igny8_sessions WHERE session_hash = $1`,
      [hash],
    );
    if (!rows[0]) return null;
    const record: SessionRecord = {
      userId: rows[0].user_id,
      familyId: rows[0].family_id,
      createdAt: rows[0].created_at.getTime(),
      lastSeenAt: rows[0].last_seen_at.getTime(),
      expiresAt: rows[0].expires_at.getTime(),
      ip: rows[0].ip_address,
      userAgent: rows[0].user_agent,
    };
    if (!isLive(record)) {
      await this.destroy(hash);
      return null;
    }
    if (Date.now() - record.lastSeenAt > TOUCH_EVERY_MS) {
      await this.dataSource.query('UPDATE igny8_sessions SET last_seen_at = now() WHERE session_hash = $1', [
        hash,
      ]);
    }
    return record;
  }

  async destroy(hash: string): Promise<void> {
    await this.dataSource.query('DELETE FROM igny8_sessions WHERE session_hash = $1', [hash]);
  }

  async destroyFamily(familyId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM igny8_sessions WHERE family_id = $1', [familyId]);
  }

  async destroyUser(userId: number): Promise<void> {
    await this.dataSource.query('DELETE FROM igny8_sessions WHERE user_id = $1', [userId]);
  }
}

/**
 * With Redis: one key per session (expiring with it) plus per-user and per-family index sets.
 * The client fails fast while Redis is away; every operation then answers 503 `service_unavailable`.
 */
export class RedisSessionStore extends SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  private key(hash: string) {
    return `${this.prefix}sess:${hash}`;
  }

  async create(hash: string, r: SessionRecord): Promise<void> {
    const ttl = Math.max(1, r.expiresAt - Date.now());
    const results = await unavailableOnError(
      this.redis
        .multi()
        .set(this.key(hash), JSON.stringify(r), 'PX', ttl)
        .sadd(`${this.prefix}sess-user:${r.userId}`, hash)
        .pexpire(`${this.prefix}sess-user:${r.userId}`, SESSION_ABSOLUTE_MS)
        .sadd(`${this.prefix}sess-fam:${r.familyId}`, hash)
        .pexpire(`${this.prefix}sess-fam:${r.familyId}`, SESSION_ABSOLUTE_MS)
        .exec(),
    );
    if (!results || results.some(([error]) => error)) throw sessionsUnavailable();
  }

  async find(hash: string): Promise<SessionRecord | null> {
    const raw = await unavailableOnError(this.redis.get(this.key(hash)));
    if (!raw) return null;
    const record = JSON.parse(raw) as SessionRecord;
    if (!isLive(record)) {
      await this.destroy(hash);
      return null;
    }
    if (Date.now() - record.lastSeenAt > TOUCH_EVERY_MS) {
      record.lastSeenAt = Date.now();
      await unavailableOnError(
        this.redis.set(
          this.key(hash),
          JSON.stringify(record),
          'PX',
          Math.max(1, record.expiresAt - Date.now()),
        ),
      );
    }
    return record;
  }

  async destroy(hash: string): Promise<void> {
    await unavailableOnError(this.redis.del(this.key(hash)));
  }

  async destroyFamily(familyId: string): Promise<void> {
    await this.destroySet(`${this.prefix}sess-fam:${familyId}`);
  }

  async destroyUser(userId: number): Promise<void> {
    await this.destroySet(`${this.prefix}sess-user:${userId}`);
  }

  private async destroySet(setKey: string): Promise<void> {
    const hashes = await unavailableOnError(this.redis.smembers(setKey));
    await unavailableOnError(this.redis.del(setKey, ...hashes.map((hash) => this.key(hash))));
  }
}

function sessionsUnavailable(): ApiError {
  return new ApiError('service_unavailable', 'Sessions are unavailable right now; try again shortly.');
}

function unavailableOnError<T>(command: Promise<T>): Promise<T> {
  return command.catch(() => {
    throw sessionsUnavailable();
  });
}
