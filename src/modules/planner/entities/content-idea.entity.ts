import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from './content-kinds.js';
import type { Cluster } from './cluster.entity.js';
import { LiveListIndexes } from './list-indexes.js';

export const IDEA_STATUSES = ['new', 'queued', 'completed'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

/** One outline section of an idea: `{heading, points[]}`. */
export interface IdeaOutlineSection {
  heading: string;
  points: string[];
}

/**
 * ContentIdea — `igny8_content_ideas`; [site-sector], soft-deletable (docs/domain-model.md#planner). Its
 * keywords are rows of `igny8_content_ideas_keyword_objects` (ContentIdeaKeyword), exposed as `keyword_ids`.
 * Extra list indexes: `(account_id, site_id, status)` and `(account_id, created_at, id)` on live rows.
 */
@Entity('igny8_content_ideas')
@LiveListIndexes('igny8_content_ideas')
@Check('igny8_content_ideas_status_check', inList('status', IDEA_STATUSES))
@Check('igny8_content_ideas_content_type_check', inList('content_type', CONTENT_TYPES))
@Check('igny8_content_ideas_content_structure_check', inList('content_structure', CONTENT_STRUCTURES))
@Check('igny8_content_ideas_estimated_word_count_check', '"estimated_word_count" BETWEEN 100 AND 10000')
export class ContentIdea extends SiteSectorSoftEntity {
  @Column({ type: 'varchar', length: 255 })
  idea_title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Legacy comma-separated keyword text. */
  @Column({ type: 'varchar', length: 1000, default: '' })
  target_keywords: string;

  /** A cluster of the same site and sector; required to queue the idea. */
  @Index('igny8_content_ideas_keyword_cluster_id_idx')
  @Column({ type: 'bigint', nullable: true })
  keyword_cluster_id: number | null;

  @ManyToOne('Cluster', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'keyword_cluster_id' })
  keyword_cluster?: Relation<Cluster>;

  @Index('igny8_content_ideas_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'new' })
  status: IdeaStatus;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ type: 'integer', default: 1000 })
  estimated_word_count: number;

  @Column({ type: 'varchar', length: 32, default: 'post' })
  content_type: ContentType;

  @Column({ type: 'varchar', length: 32, default: 'article' })
  content_structure: ContentStructure;

  @Column({ type: 'jsonb', nullable: true })
  outline: IdeaOutlineSection[] | null;

  @Column({ type: 'text', default: '' })
  brief: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  audience: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  tone: string;

  @Column({ type: 'text', default: '' })
  call_to_action: string;

  @Column({ type: 'varchar', length: 10, default: 'en' })
  language: string;

  @Column({ type: 'boolean', default: false })
  is_priority: boolean;
}
