import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import type { Cluster } from '../../planner/entities/cluster.entity.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  SYNC_STATUSES,
  type ContentStructure,
  type ContentType,
  type SyncStatus,
} from '../../planner/entities/content-kinds.js';
import type { Task } from './task.entity.js';
import { LiveListIndexes } from '../../planner/entities/list-indexes.js';

/** Editorial status. */
export const CONTENT_STATUSES = ['draft', 'review', 'approved', 'published'] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];

/** Publishing status. */
export const CONTENT_SITE_STATUSES = [
  'not_published',
  'scheduled',
  'publishing',
  'published',
  'failed',
] as const;
export type ContentSiteStatus = (typeof CONTENT_SITE_STATUSES)[number];

/** `wordpress` = imported from the site. */
export const CONTENT_SOURCES = ['igny8', 'wordpress'] as const;
export type ContentSource = (typeof CONTENT_SOURCES)[number];

/** One link inserted by the linker. */
export interface InternalLink {
  anchor_text: string;
  target_content_id: number;
  target_url: string;
}

/**
 * Content — `igny8_content`; [site-sector], soft-deletable (docs/domain-model.md#writer). Its taxonomy terms
 * are rows of `igny8_content_taxonomy_relations` (ContentTaxonomyRelation), exposed as `taxonomy_term_ids`.
 *
 * The two publishing invariants are CHECK constraints: `scheduled` needs
 * `scheduled_publish_at`, `published` needs `external_id`. Extra list indexes on live rows:
 * `(account_id, site_id, status)`, `(account_id, created_at, id)` and `(account_id, published_at)`
 * (the `published_after`/`published_before` filters and the `published_at` ordering).
 */
@Entity('igny8_content')
@Index('igny8_content_task_uniq', ['task_id'], {
  unique: true,
  where: '"task_id" IS NOT NULL AND "deleted_at" IS NULL',
})
@Index('igny8_content_site_external_uniq', ['site_id', 'external_type', 'external_id'], {
  unique: true,
  where: '"external_id" IS NOT NULL AND "deleted_at" IS NULL',
})
@Index('igny8_content_site_status_scheduled_publish_at_idx', ['site_status', 'scheduled_publish_at'])
@LiveListIndexes('igny8_content')
@Index('igny8_content_account_published_at_idx', ['account_id', 'published_at'], {
  where: '"deleted_at" IS NULL',
})
@Check('igny8_content_status_check', inList('status', CONTENT_STATUSES))
@Check('igny8_content_site_status_check', inList('site_status', CONTENT_SITE_STATUSES))
@Check('igny8_content_source_check', inList('source', CONTENT_SOURCES))
@Check('igny8_content_sync_status_check', inList('sync_status', SYNC_STATUSES))
@Check('igny8_content_content_type_check', inList('content_type', CONTENT_TYPES))
@Check('igny8_content_content_structure_check', inList('content_structure', CONTENT_STRUCTURES))
@Check('igny8_content_word_count_check', '"word_count" >= 0')
@Check('igny8_content_scheduled_check', `"site_status" <> 'scheduled' OR "scheduled_publish_at" IS NOT NULL`)
@Check('igny8_content_published_check', `"site_status" <> 'published' OR "external_id" IS NOT NULL`)
export class Content extends SiteSectorSoftEntity {
  @Column({ type: 'varchar', length: 500 })
  title: string;

  /** Article body (HTML). */
  @Column({ type: 'text', default: '' })
  content_html: string;

  /** Recomputed on every save from the text of `content_html`. */
  @Column({ type: 'integer', default: 0 })
  word_count: number;

  @Column({ type: 'varchar', length: 255, default: '' })
  meta_title: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  meta_description: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  primary_keyword: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  secondary_keywords: string[];

  /** A cluster of the same site and sector; counted in its `mapped_pages`. */
  @Index('igny8_content_cluster_id_idx')
  @Column({ type: 'bigint', nullable: true })
  cluster_id: number | null;

  @ManyToOne('Cluster', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cluster_id' })
  cluster?: Relation<Cluster>;

  /** A task of the same site and sector; at most one live content per task. */
  @Index('igny8_content_task_id_idx')
  @Column({ type: 'bigint', nullable: true })
  task_id: number | null;

  @ManyToOne('Task', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'task_id' })
  task?: Relation<Task>;

  @Column({ type: 'varchar', length: 32, default: 'post' })
  content_type: ContentType;

  @Column({ type: 'varchar', length: 32, default: 'article' })
  content_structure: ContentStructure;

  @Column({ type: 'varchar', length: 32, default: 'igny8' })
  source: ContentSource;

  @Index('igny8_content_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'draft' })
  status: ContentStatus;

  @Index('igny8_content_site_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'not_published' })
  site_status: ContentSiteStatus;

  @Column({ type: 'timestamptz', nullable: true })
  scheduled_publish_at: Date | null;

  /** Last successful publish. */
  @Column({ type: 'timestamptz', nullable: true })
  published_at: Date | null;

  /** Remote post id (string). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  external_id: string | null;

  /** Remote post URL. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  external_url: string | null;

  /** Remote post type (`post`, `page`, …). */
  @Column({ type: 'varchar', length: 50, nullable: true })
  external_type: string | null;

  /** Remote status, term ids, `last_synced_at`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  external_metadata: Record<string, unknown>;

  @Column({ type: 'varchar', length: 32, default: 'not_synced' })
  sync_status: SyncStatus;

  /** Structured data (JSON-LD). */
  @Column({ type: 'jsonb', nullable: true })
  schema_markup: Record<string, unknown> | unknown[] | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  internal_links: InternalLink[];
}
