import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { SiteSeedUsage } from '../catalogue/site-seed-usage.js';
import { SitesService } from '../sites/sites.service.js';
import { Keyword } from './entities/keyword.entity.js';

/** The planner's answer to the catalogue's SiteSeedUsage. */
@Injectable()
export class PlannerSiteSeedUsage extends SiteSeedUsage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sites: SitesService,
  ) {
    super();
  }

  async siteVisible(siteId: number): Promise<boolean> {
    return (await this.sites.repo.findVisible(siteId)) !== null;
  }

  async usedSeeds(siteId: number, seedIds: number[]): Promise<Set<number>> {
    const rows = await tenantQuery(this.dataSource.manager, Keyword, 'k')
      .select('DISTINCT k.seed_keyword_id', 'seed_keyword_id')
      .andWhere('k.site_id = :added_site_id', { added_site_id: siteId })
      .andWhere('k.seed_keyword_id IN (:...added_seed_ids)', { added_seed_ids: seedIds })
      .getRawMany<{ seed_keyword_id: number }>();
    return new Set(rows.map((row) => Number(row.seed_keyword_id)));
  }
}
