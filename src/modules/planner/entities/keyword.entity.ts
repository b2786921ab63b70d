import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import type { SeedKeyword } from '../../catalogue/entities/seed-keyword.entity.js';
import type { Cluster } from './cluster.entity.js';
import { LIVE_ROWS, LiveListIndexes } from './list-indexes.js';

export const KEYWORD_STATUSES = ['new', 'mapped'] as const;
export type KeywordStatus = (typeof KEYWORD_STATUSES)[number];

/**
 * Keyword — `igny8_keywords`; [site-sector], soft-deletable (docs/domain-model.md#planner). A site's use of a
 * global seed keyword: `keyword`, `intent` and `country` come from the seed, `volume` and
 * `difficulty` are `COALESCE(<override>, seed.<value>)`, stored on the keyword and kept by triggers
 * (migration KeywordEffectiveValues), never written by the app.
 *
 * Besides the indexes above, three partial indexes on live rows serve the list endpoint:
 * `(account_id, site_id, status)` for the status filter inside the tenant scope,
 * `(account_id, created_at, id)` for the default/created_at ordering and `(account_id, volume, id)`
 * for the volume ordering.
 */
@Entity('igny8_keywords')
@Index('igny8_keywords_seed_site_sector_uniq', ['seed_keyword_id', 'site_id', 'sector_id'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Index('igny8_keywords_site_status_disabled_idx', ['site_id', 'status', 'disabled'])
@LiveListIndexes('igny8_keywords')
@Index('igny8_keywords_account_volume_idx', ['account_id', 'volume', 'id'], { where: LIVE_ROWS })
@Check('igny8_keywords_status_check', inList('status', KEYWORD_STATUSES))
@Check('igny8_keywords_volume_override_check', '"volume_override" >= 0')
@Check('igny8_keywords_difficulty_override_check', '"difficulty_override" BETWEEN 0 AND 100')
export class Keyword extends SiteSectorSoftEntity {
  /** An active seed of the site's industry and of the sector's IndustrySector (checked at creation). */
  @Index('igny8_keywords_seed_keyword_id_idx')
  @Column({ type: 'bigint' })
  seed_keyword_id: number;

  @ManyToOne('SeedKeyword', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seed_keyword_id' })
  seed_keyword?: Relation<SeedKeyword>;

  /** Replaces the seed's monthly volume when set. */
  @Column({ type: 'integer', nullable: true })
  volume_override: number | null;

  /** Replaces the seed's difficulty (0–100) when set. */
  @Column({ type: 'smallint', nullable: true })
  difficulty_override: number | null;

  /** The override, else the seed's volume: kept by triggers, read in SQL only (lists, presenters, export). */
  @Column({ type: 'integer', insert: false, update: false, select: false })
  volume: number;

  /** The override, else the seed's difficulty: kept by triggers, read in SQL only (lists, presenters, export). */
  @Column({ type: 'smallint', insert: false, update: false, select: false })
  difficulty: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  attribute_values: unknown[];

  /** A cluster of the same site and sector; set ⇒ `status = mapped`, cleared ⇒ `status = new`. */
  @Index('igny8_keywords_cluster_id_idx')
  @Column({ type: 'bigint', nullable: true })
  cluster_id: number | null;

  @ManyToOne('Cluster', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cluster_id' })
  cluster?: Relation<Cluster>;

  @Index('igny8_keywords_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'new' })
  status: KeywordStatus;

  /** Manual exclusion: disabled keywords are skipped by AI and automation. */
  @Column({ type: 'boolean', default: false })
  disabled: boolean;
}
