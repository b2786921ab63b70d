import { Injectable } from '@nestjs/common';
import { type DeepPartial, type EntityManager, In } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { Sector } from './entities/sector.entity.js';
import { Site } from './entities/site.entity.js';

/** The API key columns of a site (hash, encrypted copy, last four, dates). */
export type SiteKeyColumns = Pick<
  Site,
  'wp_api_key_hash' | 'wp_api_key_encrypted' | 'api_key_last4' | 'api_key_created_at' | 'api_key_last_used_at'
>;

/**
 * The writes of sites and sectors. Every method runs in the caller's `manager` (its transaction);
 * inserts and updates go through TypeORM, so the tenant subscriber stamps new rows with the caller's
 * account and refuses moving a row to another one.
 */
@Injectable()
export class SitesStore {
  constructor(
    private readonly context: TenantContext,
    private readonly softDeletes: SoftDeleteService,
  ) {}

  /** A new site (with its API key columns). */
  createSite(manager: EntityManager, fields: DeepPartial<Site>): Promise<Site> {
    return manager.save(manager.create(Site, fields));
  }

  /** Saves the changed columns of a loaded site. */
  saveSite(manager: EntityManager, site: Site): Promise<Site> {
    return manager.save(Site, site);
  }

  /** A new API key replaces the old one. */
  async replaceApiKey(manager: EntityManager, siteId: number, columns: SiteKeyColumns): Promise<void> {
    await manager.update(Site, { id: siteId }, columns);
  }

  /** The site's domain (a connected WordPress names it when the site had none). */
  async setDomain(manager: EntityManager, siteId: number, domain: string): Promise<void> {
    await manager.update(Site, { id: siteId }, { domain });
  }

  /** The site's industry (while it has no sectors: the caller checks). */
  async setIndustry(manager: EntityManager, siteId: number, industryId: number): Promise<void> {
    await manager.update(Site, { id: siteId }, { industry_id: industryId });
  }

  /** A new sector of a site. */
  createSector(manager: EntityManager, fields: DeepPartial<Sector>): Promise<Sector> {
    return manager.save(manager.create(Sector, fields));
  }

  /** Saves the changed columns of a loaded sector. */
  saveSector(manager: EntityManager, sector: Sector): Promise<Sector> {
    return manager.save(Sector, sector);
  }

  /** Activates or deactivates sectors. */
  async setSectorsActive(
    manager: EntityManager,
    sectorIds: readonly number[],
    active: boolean,
  ): Promise<void> {
    if (sectorIds.length === 0) return;
    await manager.update(Sector, { id: In([...sectorIds]) }, { is_active: active });
  }

  /** Soft-deletes sectors with what their deletion cascades to; returns how many were deleted. */
  softDeleteSectors(manager: EntityManager, sectorIds: number[]): Promise<number> {
    return this.softDeletes.softDelete(manager, Sector, sectorIds, this.context.principal?.userId ?? null);
  }
}
