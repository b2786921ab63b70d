import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import { REQUIRED } from '../../common/http/field-rule.js';
import { refreshClusters } from './cluster-aggregates.js';
import type { ClusterBulkUpdateDto, CreateClusterDto, UpdateClusterDto } from './dto/clusters.dto.js';
import { CLUSTER_STATUSES, Cluster } from './entities/cluster.entity.js';
import { PlannerRefs, sectorFilter } from './planner-resource.js';
import { CLUSTER_COMPUTED, CLUSTER_FIELDS, type ClusterView, presentClusters } from './presenters.js';
import { CLUSTER_STATUS } from './state-machines.js';
import { SiteSectorResource } from '../sites/site-sector-resource.js';

export const CLUSTERS_LIST = defineList({
  filters: {
    site_id: filter.relation('c.site_id'),
    sector_id: sectorFilter('c'),
    status: filter.enum('c.status', CLUSTER_STATUSES, 'All Statuses'),
    disabled: filter.boolean('c.disabled'),
    ids: filter.ids('c.id'),
  },
  search: ['c.name', 'c.description'],
  ordering: {
    fields: {
      name: 'c.name',
      keywords_count: 'c.keywords_count',
      volume: 'c.volume',
      mapped_pages: 'c.mapped_pages',
      status: 'c.status',
      created_at: 'c.created_at',
    },
    default: '-created_at',
  },
});

const NAME_TAKEN = 'A cluster with this name already exists in this sector.';

/**
 * `planner/clusters/` (docs/domain-model.md#planner). `keywords_count`, `volume` and `mapped_pages` are
 * maintained by the writes that change them; deleting a cluster detaches its keywords
 * (docs/domain-model.md#soft-delete-and-cascades).
 */
@Injectable()
export class ClustersService extends SiteSectorResource<Cluster, ClusterView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: PlannerRefs,
  ) {
    super(deps, {
      entity: Cluster,
      table: 'igny8_clusters',
      alias: 'c',
      list: CLUSTERS_LIST,
      present: (rows) => presentClusters(deps.dataSource.manager, rows),
      listColumns: CLUSTER_FIELDS,
      listComputed: CLUSTER_COMPUTED,
      uniques: { igny8_clusters_site_sector_name_uniq: { field: 'name', message: NAME_TAKEN } },
    });
  }

  async create(body: CreateClusterDto): Promise<ClusterView> {
    const { site, sector } = await this.refs.placement(body.site_id, body.sector_id);
    const id = await this.transaction(async (tx) => {
      const cluster = tx.create(Cluster, {
        site_id: site.id,
        sector_id: sector.id,
        name: body.name.trim(),
        description: body.description ?? '',
        status: body.status ?? 'new',
        disabled: body.disabled ?? false,
      });
      return (await this.save(tx, cluster)).id;
    });
    return this.get(id);
  }

  async update(id: number, body: UpdateClusterDto, { partial }: { partial: boolean }): Promise<ClusterView> {
    if (!partial && body.name === undefined) throw ApiError.field('name', REQUIRED);
    const cluster = await this.find(id);
    if (body.status !== undefined)
      CLUSTER_STATUS.assertTransition(cluster.status, body.status, { allowUnchanged: true });
    if (body.name !== undefined) cluster.name = body.name.trim();
    if (body.description !== undefined) cluster.description = body.description;
    if (body.status !== undefined) cluster.status = body.status;
    if (body.disabled !== undefined) cluster.disabled = body.disabled;
    await this.transaction((tx) => this.save(tx, cluster));
    return this.get(id);
  }

  bulkUpdate(body: ClusterBulkUpdateDto): Promise<{ updated_count: number }> {
    return this.bulkUpdateRows(body.ids, { status: body.status, disabled: body.disabled }, CLUSTER_STATUS);
  }

  /** The detached keywords stay detached; the aggregates are recomputed from what is live now. */
  protected override afterRestore(manager: EntityManager, row: Cluster): Promise<void> {
    return refreshClusters(manager, [row.id]);
  }
}
