import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import type { Cluster } from '../../planner/entities/cluster.entity.js';
import type { ContentIdea } from '../../planner/entities/content-idea.entity.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from '../../planner/entities/content-kinds.js';
import type { ContentTaxonomy } from './content-taxonomy.entity.js';
import { LiveListIndexes } from '../../planner/entities/list-indexes.js';

export const TASK_STATUSES = ['queued', 'generating', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Task — `igny8_tasks`; [site-sector], soft-deletable (docs/domain-model.md#writer): a piece of content to
 * write. Purging a cluster that still has tasks fails (`cluster_id` ON DELETE RESTRICT).
 * Extra list indexes: `(account_id, site_id, status)` and `(account_id, created_at, id)` on live rows.
 */
@Entity('igny8_tasks')
@LiveListIndexes('igny8_tasks')
@Check('igny8_tasks_status_check', inList('status', TASK_STATUSES))
@Check('igny8_tasks_content_type_check', inList('content_type', CONTENT_TYPES))
@Check('igny8_tasks_content_structure_check', inList('content_structure', CONTENT_STRUCTURES))
@Check('igny8_tasks_word_count_check', '"word_count" BETWEEN 100 AND 10000')
export class Task extends SiteSectorSoftEntity {
  @Column({ type: 'varchar', length: 255 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** A cluster of the same site and sector. */
  @Index('igny8_tasks_cluster_id_idx')
  @Column({ type: 'bigint' })
  cluster_id: number;

  @ManyToOne('Cluster', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cluster_id' })
  cluster?: Relation<Cluster>;

  /** The idea the task was queued from (same site and sector). */
  @Index('igny8_tasks_idea_id_idx')
  @Column({ type: 'bigint', nullable: true })
  idea_id: number | null;

  @ManyToOne('ContentIdea', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'idea_id' })
  idea?: Relation<ContentIdea>;

  @Column({ type: 'varchar', length: 32, default: 'post' })
  content_type: ContentType;

  @Column({ type: 'varchar', length: 32, default: 'article' })
  content_structure: ContentStructure;

  /** A taxonomy term of the same site. */
  @Index('igny8_tasks_taxonomy_term_id_idx')
  @Column({ type: 'bigint', nullable: true })
  taxonomy_term_id: number | null;

  @ManyToOne('ContentTaxonomy', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'taxonomy_term_id' })
  taxonomy_term?: Relation<ContentTaxonomy>;

  /** Comma-separated keyword text. */
  @Column({ type: 'text', default: '' })
  keywords: string;

  /** Target length. */
  @Column({ type: 'integer', default: 1000 })
  word_count: number;

  /** Overrides the prompt for this task only. */
  @Column({ type: 'text', nullable: true })
  prompt_override: string | null;

  @Index('igny8_tasks_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'queued' })
  status: TaskStatus;

  /** Last generation error. */
  @Column({ type: 'text', nullable: true })
  error_message: string | null;
}
