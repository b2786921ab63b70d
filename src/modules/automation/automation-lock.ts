import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EntityManager } from 'typeorm';
import { RedisClients } from '../../common/redis/redis.module.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';

/** The lock's time to live; the worker refreshes it after every item. */
export const LOCK_TTL_MS = 30 * 60_000;

/** Namespace of the PostgreSQL advisory locks of automation (the second key is the site id). */
const ADVISORY_NAMESPACE = 0x6175_746f; // "auto"

const TAKE_OVER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;
const REFRESH = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The per-site automation lock (docs/automation.md#lock): with Redis, the key `automation_lock_{site_id}`
 * holding the run id, set with NX and a 30-minute TTL that the worker refreshes after every item; a lock
 * naming a run that is no longer `running` is stale and is taken over. Without Redis (the embedded
 * default, one process) a PostgreSQL advisory lock keyed by the site id, held by the transaction that
 * checks and changes the site's runs, makes those checks one at a time; the run's own status then says
 * who holds the site. In both cases the partial unique index on the runs is the last word.
 */
@Injectable()
export class AutomationLock implements OnApplicationShutdown {
  private readonly redis?: Redis;

  constructor(clients: RedisClients) {
    if (clients.enabled) this.redis = clients.create('request');
  }

  static key(siteId: number): string {
    return `automation_lock_${siteId}`;
  }

  /** Serialises the checks of one site inside `manager`'s transaction (both modes). */
  async guard(manager: EntityManager, siteId: number): Promise<void> {
    await tenantSql(manager).query`SELECT pg_advisory_xact_lock(${ADVISORY_NAMESPACE}::int, ${siteId}::int)`;
  }

  /** The run id holding the site's lock, or null (always null without Redis). */
  async holder(siteId: number): Promise<string | null> {
    if (!this.redis) return null;
    return this.redis.get(AutomationLock.key(siteId));
  }

  /**
   * Takes the lock for `runId`: free, already ours, or held by a run `isActive` says is not running
   * (taken over). False when another running run holds it.
   */
  async acquire(
    siteId: number,
    runId: string,
    isRunning: (holder: string) => Promise<boolean>,
  ): Promise<boolean> {
    if (!this.redis) return true;
    const key = AutomationLock.key(siteId);
    if ((await this.redis.set(key, runId, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') return true;
    const holder = await this.redis.get(key);
    if (holder === runId)
      return (await this.refresh(siteId, runId)) || this.acquire(siteId, runId, isRunning);
    if (holder === null) return this.acquire(siteId, runId, isRunning);
    if (await isRunning(holder)) return false;
    return (await this.redis.eval(TAKE_OVER, 1, key, holder, runId, String(LOCK_TTL_MS))) === 1;
  }

  /** Extends our lock's TTL; false when the lock is no longer ours. */
  async refresh(siteId: number, runId: string): Promise<boolean> {
    if (!this.redis) return true;
    return (await this.redis.eval(REFRESH, 1, AutomationLock.key(siteId), runId, String(LOCK_TTL_MS))) === 1;
  }

  /** Frees the lock if `runId` holds it. */
  async release(siteId: number, runId: string): Promise<void> {
    if (!this.redis) return;
    await this.redis.eval(RELEASE, 1, AutomationLock.key(siteId), runId);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
