import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { invalidReference } from '../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { IndustrySector } from '../catalogue/entities/industry-sector.entity.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { SitesStore } from '../identity/sites.store.js';
import type { CreateSectorDto, UpdateSectorDto } from './dto/sector.dto.js';
import type { SelectSectorsDto } from './dto/site.dto.js';
import { presentSector, type SectorView, type SiteView } from './presenters.js';
import {
  activeIndustry,
  findLockedSite,
  liveSectorCount,
  lockSite,
  MAX_SECTORS,
  sectorLimitReached,
  sectorsIn,
} from './site-scope.js';
import { SectorKeywordCounts } from './sector-keyword-counts.js';
import { SitesService } from './sites.service.js';

export const SECTORS_LIST = defineList({
  filters: {
    site_id: filter.relation('x.site_id'),
    is_active: filter.boolean('x.is_active'),
  },
  ordering: { fields: { name: 'x.name', created_at: 'x.created_at' }, default: '-created_at' },
});

const ALREADY_SELECTED = 'This sector is already selected for the site.';

/**
 * `auth/sectors/` and the sector actions of `auth/sites/`: 1 to 5 live sectors
 * per site, each from a template of the site's industry. Every count-and-write runs with the site
 * row locked, so concurrent requests cannot pass the limit together.
 */
@Injectable()
export class SectorsService extends ScopedResource<Sector, SectorView> {
  constructor(
    deps: ResourceDeps,
    private readonly sites: SitesService,
    private readonly keywordCounts: SectorKeywordCounts,
    private readonly store: SitesStore,
  ) {
    super(deps, {
      entity: Sector,
      table: 'igny8_sectors',
      alias: 'x',
      list: SECTORS_LIST,
      present: (rows) => this.presentRows(rows),
      uniques: {
        igny8_sectors_site_id_industry_sector_id_uniq: {
          field: 'industry_sector_id',
          message: ALREADY_SELECTED,
        },
        igny8_sectors_site_id_slug_uniq: { field: 'industry_sector_id', message: ALREADY_SELECTED },
      },
    });
  }

  async create(body: CreateSectorDto): Promise<SectorView> {
    const site = await this.sites.repo.reference('site_id', body.site_id);
    const template = await this.deps.dataSource.manager.findOne(IndustrySector, {
      where: { id: body.industry_sector_id, is_active: true },
    });
    if (!template) throw ApiError.field('industry_sector_id', invalidReference(body.industry_sector_id));
    const id = await this.transaction(async (tx) => {
      const { industry_id } = await lockSite(tx, site.id);
      if (industry_id === null || Number(template.industry_id) !== Number(industry_id)) {
        throw ApiError.field(
          'industry_sector_id',
          "The sector template does not belong to the site's industry.",
        );
      }
      if ((await liveSectorCount(tx, site.id)) >= MAX_SECTORS) throw sectorLimitReached();
      const sector = await this.clashesReported(
        this.store.createSector(tx, {
          site_id: site.id,
          industry_sector_id: template.id,
          name: body.name?.trim() ?? template.name,
          slug: template.slug,
          description: body.description ?? '',
          is_active: body.is_active ?? true,
        }),
      );
      return sector.id;
    });
    return this.get(id);
  }

  async update(id: number, body: UpdateSectorDto): Promise<SectorView> {
    const sector = await this.find(id);
    if (body.name !== undefined) sector.name = body.name.trim();
    if (body.description !== undefined) sector.description = body.description;
    if (body.is_active !== undefined) sector.is_active = body.is_active;
    await this.transaction((tx) => this.clashesReported(this.store.saveSector(tx, sector)));
    return this.get(id);
  }

  /** A site keeps at least one sector: deleting the last one is refused. */
  override async remove(id: number): Promise<void> {
    const sector = await this.find(id);
    await this.transaction(async (tx) => {
      await lockSite(tx, sector.site_id);
      if ((await liveSectorCount(tx, sector.site_id)) <= 1) {
        throw sectorLimitReached('A site must keep at least one sector.');
      }
      await this.store.softDeleteSectors(tx, [id]);
    });
  }

  /** A restored sector still counts against the 5 and must match the site's (current) industry. */
  protected override async beforeRestore(manager: EntityManager, row: Sector): Promise<void> {
    const site = await findLockedSite(manager, row.site_id);
    if (!site) return; // the site is deleted: the parent check answers 409 "Restore the parent first."
    const template = await manager.findOneBy(IndustrySector, { id: row.industry_sector_id });
    if (Number(template?.industry_id) !== Number(site.industry_id)) {
      throw new ApiError('conflict', "The sector no longer matches the site's industry.");
    }
    if ((await liveSectorCount(manager, row.site_id)) >= MAX_SECTORS) throw sectorLimitReached();
  }

  /** `GET auth/sites/{id}/sectors/`: the site's live sectors (array). */
  async forSite(siteId: number): Promise<SectorView[]> {
    await this.sites.find(siteId);
    const rows = await this.query()
      .andWhere('x.site_id = :of_site_id', { of_site_id: siteId })
      .orderBy('x.id', 'ASC')
      .getMany();
    return this.presentRows(rows);
  }

  /**
   * `POST auth/sites/{id}/select_sectors/`: sets the site's industry while it has no
   * sectors, creates the missing sectors, re-activates listed ones and deactivates the others.
   */
  async selectSectors(
    siteId: number,
    body: SelectSectorsDto,
  ): Promise<{ site: SiteView; sectors: SectorView[] }> {
    await this.sites.find(siteId);
    const industry = await activeIndustry(this.deps.dataSource.manager, 'industry_slug', {
      slug: body.industry_slug,
    });
    const templates = await this.deps.dataSource.manager.find(IndustrySector, {
      where: { industry_id: industry.id, slug: In(body.sector_slugs), is_active: true },
    });
    const unknown = body.sector_slugs.filter((slug) => !templates.some((template) => template.slug === slug));
    if (unknown.length > 0) {
      throw ApiError.field(
        'sector_slugs',
        `Not an active sector of "${industry.slug}": ${unknown.join(', ')}.`,
      );
    }
    await this.transaction(async (tx) => {
      const site = await lockSite(tx, siteId);
      const live = await sectorsIn(tx)
        .andWhere('x.site_id = :select_site_id', { select_site_id: siteId })
        .getMany();
      if (live.length > 0 && Number(site.industry_id) !== Number(industry.id)) {
        throw ApiError.field(
          'industry_slug',
          "The industry must be the site's industry while it has sectors.",
        );
      }
      const existing = new Set(live.map((sector) => Number(sector.industry_sector_id)));
      const missing = templates
        .filter((template) => !existing.has(Number(template.id)))
        .sort((x, y) => body.sector_slugs.indexOf(x.slug) - body.sector_slugs.indexOf(y.slug));
      if (live.length + missing.length > MAX_SECTORS) throw sectorLimitReached();
      if (Number(site.industry_id) !== Number(industry.id)) {
        await this.store.setIndustry(tx, siteId, industry.id);
      }
      const selected = new Set(templates.map((template) => Number(template.id)));
      for (const active of [true, false]) {
        const ids = live
          .filter(
            (sector) =>
              selected.has(Number(sector.industry_sector_id)) === active && sector.is_active !== active,
          )
          .map((sector) => sector.id);
        await this.store.setSectorsActive(tx, ids, active);
      }
      for (const template of missing) {
        await this.clashesReported(
          this.store.createSector(tx, {
            site_id: siteId,
            industry_sector_id: template.id,
            name: template.name,
            slug: template.slug,
          }),
        );
      }
    });
    return { site: await this.sites.get(siteId), sectors: await this.forSite(siteId) };
  }

  /** `industry_sector_name` and `keywords_count` for a page, in two lookups. */
  private async presentRows(rows: Sector[]): Promise<SectorView[]> {
    if (rows.length === 0) return [];
    const { dataSource } = this.deps;
    const templateIds = [...new Set(rows.map((row) => row.industry_sector_id))];
    const templates = await dataSource.manager.find(IndustrySector, {
      where: { id: In(templateIds) },
      select: { id: true, name: true },
    });
    const keywords = await this.keywordCounts.count(rows.map((row) => row.id));
    const names = new Map(templates.map((template) => [Number(template.id), template.name]));
    return rows.map((row) =>
      presentSector(
        row,
        names.get(Number(row.industry_sector_id)) ?? null,
        keywords.get(Number(row.id)) ?? 0,
      ),
    );
  }
}
