import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { SectorKeywordCounts } from '../sites/sector-keyword-counts.js';
import { Keyword } from './entities/keyword.entity.js';

/** The planner's answer to sites' SectorKeywordCounts: a grouped count through the tenant scope. */
@Injectable()
export class PlannerSectorKeywordCounts extends SectorKeywordCounts {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async count(sectorIds: number[]): Promise<Map<number, number>> {
    const counts = await tenantQuery(this.dataSource.manager, Keyword, 'k')
      .select('k.sector_id', 'sector_id')
      .addSelect('COUNT(*)', 'count')
      .andWhere('k.sector_id IN (:...count_sector_ids)', { count_sector_ids: sectorIds })
      .groupBy('k.sector_id')
      .getRawMany<{ sector_id: number; count: string | number }>();
    return new Map(counts.map((row) => [Number(row.sector_id), Number(row.count)]));
  }
}
