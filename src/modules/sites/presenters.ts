import type { Sector } from '../identity/entities/sector.entity.js';
import type { Site } from '../identity/entities/site.entity.js';

/*
 * Site and Sector objects (docs/api-conventions.md#object-representations): every column under its name from
 * an explicit list — so the key hash and the encrypted key (and any secret column added later) are never
 * serialised — plus the computed fields, which the services compute per page.
 */

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = row[key];
  return out;
}

const TENANT_SOFT_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'deleted_at',
  'deleted_by',
  'deleted_cascade_id',
] as const;

export const SITE_FIELDS = [
  ...TENANT_SOFT_FIELDS,
  'name',
  'slug',
  'domain',
  'description',
  'industry_id',
  'is_active',
  'site_type',
  'hosting_type',
  'platform_type',
  'api_key_last4',
  'api_key_created_at',
  'api_key_last_used_at',
] as const satisfies readonly (keyof Site)[];

export interface SiteComputed {
  industry_name: string | null;
  industry_slug: string | null;
  sectors_count: number;
  has_api_key: boolean;
  is_active_site: boolean;
}

export type SiteView = Pick<Site, (typeof SITE_FIELDS)[number]> & SiteComputed;

export function presentSite(site: Site, computed: SiteComputed): SiteView {
  return { ...pick(site, SITE_FIELDS), ...computed };
}

export const PUBLIC_SITE_FIELDS = ['id', 'name', 'slug', 'domain'] as const satisfies readonly (keyof Site)[];

export type PublicSiteView = Pick<Site, (typeof PUBLIC_SITE_FIELDS)[number]>;

/** The anonymous slug lookup shows only these. */
export function presentPublicSite(site: Site): PublicSiteView {
  return pick(site, PUBLIC_SITE_FIELDS);
}

export const SECTOR_FIELDS = [
  ...TENANT_SOFT_FIELDS,
  'site_id',
  'industry_sector_id',
  'name',
  'slug',
  'description',
  'is_active',
] as const satisfies readonly (keyof Sector)[];

export type SectorView = Pick<Sector, (typeof SECTOR_FIELDS)[number]> & {
  industry_sector_name: string | null;
  /** Live planner keywords of the sector. */
  keywords_count: number;
};

export function presentSector(
  sector: Sector,
  industrySectorName: string | null,
  keywordsCount: number,
): SectorView {
  return {
    ...pick(sector, SECTOR_FIELDS),
    industry_sector_name: industrySectorName,
    keywords_count: keywordsCount,
  };
}
