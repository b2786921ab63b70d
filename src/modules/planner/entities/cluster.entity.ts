import { Check, Column, Entity, Index } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import { LiveListIndexes } from './list-indexes.js';

export const CLUSTER_STATUSES = ['new', 'mapped'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/**
 * Cluster — `igny8_clusters`; [site-sector], soft-deletable (docs/domain-model.md#planner).
 *
 * `keywords_count`, `volume` and `mapped_pages` are maintained by the services in the same
 * transaction as every change that affects them (never below 0).
 *
 * `igny8_clusters_site_sector_name_uniq` — `(site_id, sector_id, lower(name)) WHERE deleted_at IS NULL`
 * — is an expression index created by the migration and left alone by the schema diff
 * (`synchronize: false`). Extra list indexes on live rows: LiveListIndexes. The maintained columns
 * are not indexed for their orderings: they change on every keyword write (HOT updates), and a
 * site has few clusters.
 */
@Entity('igny8_clusters')
@Index('igny8_clusters_site_sector_name_uniq', { synchronize: false })
@Index('igny8_clusters_site_id_sector_id_idx', ['site_id', 'sector_id'])
@LiveListIndexes('igny8_clusters')
@Check('igny8_clusters_status_check', inList('status', CLUSTER_STATUSES))
@Check('igny8_clusters_keywords_count_check', '"keywords_count" >= 0')
@Check('igny8_clusters_volume_check', '"volume" >= 0')
@Check('igny8_clusters_mapped_pages_check', '"mapped_pages" >= 0')
export class Cluster extends SiteSectorSoftEntity {
  /** Unique per site and sector among live clusters, case-insensitively. */
  @Index('igny8_clusters_name_idx')
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Maintained: number of non-deleted keywords in the cluster. */
  @Column({ type: 'integer', default: 0 })
  keywords_count: number;

  /** Maintained: sum of those keywords' effective volume. */
  @Column({ type: 'integer', default: 0 })
  volume: number;

  /** Maintained: number of non-deleted Content rows with this `cluster_id`. */
  @Column({ type: 'integer', default: 0 })
  mapped_pages: number;

  /** Becomes `mapped` when the first idea is created for the cluster. */
  @Index('igny8_clusters_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'new' })
  status: ClusterStatus;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;
}
