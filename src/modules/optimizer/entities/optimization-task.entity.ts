import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { inList, type ReferencedRow, SiteSectorEntity } from '../../../database/base-entities.js';

export const ENTRY_POINTS = ['auto', 'igny8', 'wordpress', 'manual'] as const;
export type EntryPoint = (typeof ENTRY_POINTS)[number];

export const OPTIMIZATION_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type OptimizationStatus = (typeof OPTIMIZATION_STATUSES)[number];

/** `{overall, seo, readability, keyword_usage, structure}`, each 0–100 (docs/optimizer.md). */
export interface OptimizationScores {
  overall: number;
  seo: number;
  readability: number;
  keyword_usage: number;
  structure: number;
}

/**
 * OptimizationTask — `igny8_optimization_tasks` (docs/optimizer.md): one optimisation job of one content
 * item, with the body and scores before and after.
 */
@Entity('igny8_optimization_tasks')
@Check('igny8_optimization_tasks_entry_point_check', inList('entry_point', ENTRY_POINTS))
@Check('igny8_optimization_tasks_status_check', inList('status', OPTIMIZATION_STATUSES))
@Check('igny8_optimization_tasks_credits_used_check', '"credits_used" >= 0')
export class OptimizationTask extends SiteSectorEntity {
  @Index('igny8_optimization_tasks_content_id_idx')
  @Column({ type: 'bigint' })
  content_id: number;

  @ManyToOne('Content', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_id' })
  content?: ReferencedRow;

  @Column({ type: 'varchar', length: 16, default: 'igny8' })
  entry_point: EntryPoint;

  @Index('igny8_optimization_tasks_status_idx')
  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OptimizationStatus;

  @Index('igny8_optimization_tasks_task_id_idx')
  @Column({ type: 'uuid', nullable: true })
  task_id: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  scores_before: OptimizationScores | Record<string, never>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  scores_after: OptimizationScores | Record<string, never>;

  @Column({ type: 'text', default: '' })
  html_before: string;

  @Column({ type: 'text', default: '' })
  html_after: string;

  @Column({ type: 'integer', default: 0 })
  credits_used: number;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;
}
