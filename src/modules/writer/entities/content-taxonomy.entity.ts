import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantSoftEntity } from '../../../database/base-entities.js';
import type { Sector } from '../../identity/entities/sector.entity.js';
import type { Site } from '../../identity/entities/site.entity.js';
import { SYNC_STATUSES, type SyncStatus } from '../../planner/entities/content-kinds.js';
import { LiveListIndexes } from '../../planner/entities/list-indexes.js';

export const TAXONOMY_TYPES = ['category', 'tag'] as const;
export type TaxonomyType = (typeof TAXONOMY_TYPES)[number];

/**
 * ContentTaxonomy — `igny8_content_taxonomy_terms`; [tenant], soft-deletable (docs/domain-model.md#writer): a
 * category or tag of a site, optionally of one sector. `account_id` is copied from the site and a
 * set sector must belong to the site (TenantSubscriber). Extra list indexes on live rows:
 * `(account_id, site_id, taxonomy_type)` and `(account_id, created_at, id)`.
 */
@Entity('igny8_content_taxonomy_terms')
@Index('igny8_content_taxonomy_terms_site_slug_type_uniq', ['site_id', 'slug', 'taxonomy_type'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Index('igny8_content_taxonomy_terms_site_external_uniq', ['site_id', 'external_id', 'external_taxonomy'], {
  unique: true,
  where: '"external_id" IS NOT NULL AND "deleted_at" IS NULL',
})
@LiveListIndexes('igny8_content_taxonomy_terms', { column: 'taxonomy_type', suffix: 'type' })
@Check('igny8_content_taxonomy_terms_taxonomy_type_check', inList('taxonomy_type', TAXONOMY_TYPES))
@Check('igny8_content_taxonomy_terms_sync_status_check', inList('sync_status', SYNC_STATUSES))
@Check('igny8_content_taxonomy_terms_count_check', '"count" >= 0')
export class ContentTaxonomy extends TenantSoftEntity {
  @Index('igny8_content_taxonomy_terms_site_id_idx')
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_content_taxonomy_terms_sector_id_idx')
  @Column({ type: 'bigint', nullable: true })
  sector_id: number | null;

  @ManyToOne('Sector', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sector_id' })
  sector?: Relation<Sector>;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Slugified from the name when omitted; unique per site and type among live terms. */
  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'varchar', length: 32 })
  taxonomy_type: TaxonomyType;

  /** Remote taxonomy (`category`, `post_tag`, `product_cat`, …). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  external_taxonomy: string | null;

  /** Remote term id. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  external_id: string | null;

  @Column({ type: 'varchar', length: 32, default: 'not_synced' })
  sync_status: SyncStatus;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Number of remote posts using the term (from sync). */
  @Column({ type: 'integer', default: 0 })
  count: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;
}
