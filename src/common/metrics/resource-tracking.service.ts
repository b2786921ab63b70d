import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClsService, type ClsStore } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Principal } from '../context/request-context.js';
import { RequestMetricsStore, type StoredRequestMetrics } from './request-metrics.store.js';

export const TRACKING_REQUEST_HEADER = 'x-debug-resource-tracking';
export const TRACKING_ID_HEADER = 'X-Resource-Tracking-ID';
/** Metrics are kept for 10 minutes. */
export const METRICS_TTL_MS = 10 * 60_000;

/** The measurements of one tracked request, kept in its CLS context while it runs. */
export interface TrackingBag {
  trackingId: string;
  accountId: number;
  userId: number | null;
  cpu: NodeJS.CpuUsage;
  heapUsed: number;
  dbQueryCount: number;
  dbTimeMs: number;
  /** Start times of the queries in flight, per query runner (a connection runs its queries in order). */
  queriesInFlight: WeakMap<object, number[]>;
}

interface TrackingStore extends ClsStore {
  resourceTracking?: TrackingBag;
}

const BAG = Symbol('igny8.resourceTracking');
type TrackedRequest = FastifyRequest & { [BAG]?: TrackingBag };

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Resource tracking (docs/api-conventions.md#request-id-and-resource-tracking): started for a qualifying
 * request by its guard, fed by the database query meter, finished (stored and logged) when the response
 * is sent. Requests without a bag cost one context lookup per database query and one property check per
 * response.
 */
@Injectable()
export class ResourceTracking {
  private readonly logger = new Logger('ResourceTracking');
  /** How long records are readable; tests shorten it. */
  ttlMs = METRICS_TTL_MS;

  constructor(
    private readonly cls: ClsService<TrackingStore>,
    private readonly store: RequestMetricsStore,
  ) {}

  /** Whether the caller asked for tracking and may have it (admin, owner or developer users). */
  static qualifies(request: FastifyRequest, principal: Principal | undefined): principal is Principal {
    const header = request.headers[TRACKING_REQUEST_HEADER];
    if (typeof header !== 'string' || !['1', 'true'].includes(header.trim().toLowerCase())) return false;
    return (
      principal !== undefined &&
      principal.via !== 'api_key' &&
      ['admin', 'owner', 'developer'].includes(principal.role)
    );
  }

  start(request: FastifyRequest, reply: FastifyReply, principal: Principal): void {
    if ((request as TrackedRequest)[BAG]) return;
    const bag: TrackingBag = {
      trackingId: randomUUID(),
      accountId: principal.accountId,
      userId: principal.userId,
      cpu: process.cpuUsage(),
      heapUsed: process.memoryUsage().heapUsed,
      dbQueryCount: 0,
      dbTimeMs: 0,
      queriesInFlight: new WeakMap(),
    };
    (request as TrackedRequest)[BAG] = bag;
    this.cls.set('resourceTracking', bag);
    reply.header(TRACKING_ID_HEADER, bag.trackingId);
  }

  isTracked(request: FastifyRequest): boolean {
    return (request as TrackedRequest)[BAG] !== undefined;
  }

  /** The bag of the request running in this context, if it is tracked. */
  current(): TrackingBag | undefined {
    return this.cls.isActive() ? this.cls.get('resourceTracking') : undefined;
  }

  queryStarted(queryRunner: object): void {
    const bag = this.current();
    if (!bag) return;
    const starts = bag.queriesInFlight.get(queryRunner);
    if (starts) starts.push(performance.now());
    else bag.queriesInFlight.set(queryRunner, [performance.now()]);
  }

  queryFinished(queryRunner: object, executionTimeMs: number | undefined): void {
    const bag = this.current();
    if (!bag) return;
    const started = bag.queriesInFlight.get(queryRunner)?.shift();
    bag.dbQueryCount++;
    bag.dbTimeMs += started !== undefined ? performance.now() - started : (executionTimeMs ?? 0);
  }

  /** Stores and logs the metrics of a tracked request (from the `onSend` hook, before the response leaves). */
  async finish(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bag = (request as TrackedRequest)[BAG];
    if (!bag) return;
    delete (request as TrackedRequest)[BAG];
    const cpu = process.cpuUsage(bag.cpu);
    const record: StoredRequestMetrics = {
      account_id: bag.accountId,
      user_id: bag.userId,
      metrics: {
        tracking_id: bag.trackingId,
        request_id: request.id,
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        duration_ms: round(reply.elapsedTime),
        cpu_user_ms: round(cpu.user / 1000),
        cpu_system_ms: round(cpu.system / 1000),
        memory_delta_bytes: process.memoryUsage().heapUsed - bag.heapUsed,
        db_query_count: bag.dbQueryCount,
        db_time_ms: round(bag.dbTimeMs),
        created_at: new Date().toISOString(),
      },
    };
    try {
      await this.store.save(record, this.ttlMs);
    } catch (error) {
      this.logger.error({ err: error, trackingId: bag.trackingId }, 'Request metrics could not be stored');
    }
    this.logger.log(record.metrics, 'Request metrics');
  }

  find(trackingId: string): Promise<StoredRequestMetrics | null> {
    return this.store.find(trackingId);
  }
}
