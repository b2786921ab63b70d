import type { Redis } from 'ioredis';

/** What `GET system/request-metrics/{tracking_id}/` answers. */
export interface RequestMetrics {
  tracking_id: string;
  request_id: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  cpu_user_ms: number;
  cpu_system_ms: number;
  memory_delta_bytes: number;
  db_query_count: number;
  db_time_ms: number;
  created_at: string;
}

/** A stored record: the metrics plus who may read them. */
export interface StoredRequestMetrics {
  metrics: RequestMetrics;
  account_id: number;
  user_id: number | null;
}

/** Where request metrics live for their lifetime (README.md#embedded-default-versus-postgresql-and-redis). */
export abstract class RequestMetricsStore {
  abstract save(record: StoredRequestMetrics, ttlMs: number): Promise<void>;
  abstract find(trackingId: string): Promise<StoredRequestMetrics | null>;
  abstract delete(trackingId: string): Promise<void>;
}

/** One process (embedded default): records in memory, dropped once expired. */
export class MemoryRequestMetricsStore extends RequestMetricsStore {
  private readonly records = new Map<string, { record: StoredRequestMetrics; expiresAt: number }>();

  async save(record: StoredRequestMetrics, ttlMs: number): Promise<void> {
    const now = Date.now();
    if (this.records.size >= 10_000) this.sweep(now);
    this.records.set(record.metrics.tracking_id, { record, expiresAt: now + ttlMs });
  }

  async find(trackingId: string): Promise<StoredRequestMetrics | null> {
    const entry = this.records.get(trackingId);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.records.delete(trackingId);
      return null;
    }
    return entry.record;
  }

  async delete(trackingId: string): Promise<void> {
    this.records.delete(trackingId);
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.records) if (entry.expiresAt <= now) this.records.delete(id);
  }
}

/** Shared by every instance: one Redis key per record, expiring with it. */
export class RedisRequestMetricsStore extends RequestMetricsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async save(record: StoredRequestMetrics, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + record.metrics.tracking_id, JSON.stringify(record), 'PX', ttlMs);
  }

  async find(trackingId: string): Promise<StoredRequestMetrics | null> {
    const raw = await this.redis.get(this.prefix + trackingId);
    return raw === null ? null : (JSON.parse(raw) as StoredRequestMetrics);
  }

  async delete(trackingId: string): Promise<void> {
    await this.redis.del(this.prefix + trackingId);
  }
}
