import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { invalidReference } from '../../common/tenancy/scoped-repository.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import type { ScopeOptions } from '../../common/tenancy/tenant-scope.js';
import { Industry } from '../catalogue/entities/industry.entity.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Site } from '../identity/entities/site.entity.js';

/** A site can have 1 to 5 live sectors once sectors are selected (docs/domain-model.md#sites-and-sectors). */
export const MAX_SECTORS = 5;

/*
 * Scoped reads on the transaction's own connection (the embedded database has a single
 * connection, so a read through the data source inside a transaction would wait for itself).
 */

export function sitesIn(manager: EntityManager, options: ScopeOptions = {}) {
  return tenantQuery(manager, Site, 's', options);
}

export function sectorsIn(manager: EntityManager, options: ScopeOptions = {}) {
  return tenantQuery(manager, Sector, 'x', options);
}

/**
 * Locks a visible, live site row until the transaction ends, so sector counts and the industry rule
 * are checked one writer at a time; returns its industry, or null when the site is not visible.
 */
export async function findLockedSite(
  manager: EntityManager,
  siteId: number,
): Promise<{ industry_id: number | null } | null> {
  const row = await sitesIn(manager)
    .select('s.industry_id', 'industry_id')
    .andWhere('s.id = :lock_site_id', { lock_site_id: siteId })
    .setLock('pessimistic_write')
    .getRawOne<{ industry_id: number | null }>();
  return row ?? null;
}

/** `findLockedSite`, 404 when not visible. */
export async function lockSite(
  manager: EntityManager,
  siteId: number,
): Promise<{ industry_id: number | null }> {
  const row = await findLockedSite(manager, siteId);
  if (!row) throw ApiError.notFound();
  return row;
}

export async function liveSectorCount(manager: EntityManager, siteId: number): Promise<number> {
  return sectorsIn(manager).andWhere('x.site_id = :count_site_id', { count_site_id: siteId }).getCount();
}

export function sectorLimitReached(message = `A site can have at most ${MAX_SECTORS} sectors.`): ApiError {
  return new ApiError('sector_limit_reached', message);
}

/** An active industry by id (global reference data), else 400 on `field`. */
export async function activeIndustry(
  manager: EntityManager,
  field: string,
  where: { id: number } | { slug: string },
): Promise<Industry> {
  const industry = await manager.findOne(Industry, { where: { ...where, is_active: true } });
  if (!industry) {
    throw ApiError.field(
      field,
      'id' in where ? invalidReference(where.id) : `Industry "${where.slug}" does not exist.`,
    );
  }
  return industry;
}
