import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { applyTenantScope } from '../../common/tenancy/tenant-scope.js';
import { SectorKeywordCounts } from '../sites/sector-keyword-counts.js';
import { Keyword } from './entities/keyword.entity.js';
import { KEYWORD_SHAPE } from './planner-resource.js';

/** The planner's answer to sites' SectorKeywordCounts: a grouped count through the tenant scope. */
@Injectable()
export class PlannerSectorKeywordCounts extends SectorKeywordCounts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {
    super();
  }

  async count(sectorIds: number[]): Promise<Map<number, number>> {
    const counts = await applyTenantScope(
      this.dataSource.getRepository(Keyword).createQueryBuilder('k'),
      this.context,
      KEYWORD_SHAPE,
    )
      .select('k.sector_id', 'sector_id')
      .addSelect('COUNT(*)', 'count')
      .andWhere('k.sector_id IN (:...count_sector_ids)', { count_sector_ids: sectorIds })
      .groupBy('k.sector_id')
      .getRawMany<{ sector_id: number; count: string | number }>();
    return new Map(counts.map((row) => [Number(row.sector_id), Number(row.count)]));
  }
}
