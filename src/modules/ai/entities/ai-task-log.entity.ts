import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';
import type { User } from '../../identity/entities/user.entity.js';

export const TASK_FUNCTIONS = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'generate_images',
  'optimize_content',
  'link_content',
  'run_automation',
  'integration_sync',
] as const;
export type TaskFunction = (typeof TASK_FUNCTIONS)[number];

export const TASK_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINISHED_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

export const TASK_PHASES = ['INIT', 'PREP', 'AI_CALL', 'PARSE', 'SAVE', 'DONE'] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

/**
 * AITaskLog — `igny8_ai_task_logs` (docs/domain-model.md#ai-engine): one row per background task, public by
 * `task_id`.
 */
@Entity('igny8_ai_task_logs')
@Index('igny8_ai_task_logs_account_created_idx', { synchronize: false })
@Check('igny8_ai_task_logs_function_check', inList('function', TASK_FUNCTIONS))
@Check('igny8_ai_task_logs_status_check', inList('status', TASK_STATUSES))
@Check('igny8_ai_task_logs_phase_check', inList('phase', TASK_PHASES))
@Check('igny8_ai_task_logs_percent_check', '"percent" BETWEEN 0 AND 100')
@Check('igny8_ai_task_logs_held_credits_check', '"held_credits" >= 0')
export class AiTaskLog extends TenantEntity {
  @Index('igny8_ai_task_logs_task_id_uniq', { unique: true })
  @Column({ type: 'uuid' })
  task_id: string;

  @Index('igny8_ai_task_logs_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_ai_task_logs_user_id_idx')
  @Column({ type: 'bigint', nullable: true })
  user_id: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 32 })
  function: TaskFunction;

  @Index('igny8_ai_task_logs_status_idx')
  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: TaskStatus;

  @Column({ type: 'varchar', length: 8, default: 'INIT' })
  phase: TaskPhase;

  @Column({ type: 'smallint', default: 0 })
  percent: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  message: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  error_code: string | null;

  @Column({ type: 'integer', default: 0 })
  credits_used: number;

  @Column({ type: 'integer', default: 0 })
  held_credits: number;

  @Column({ type: 'integer', default: 0 })
  tokens_input: number;

  @Column({ type: 'integer', default: 0 })
  tokens_output: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, default: () => '0.000000' })
  cost_usd: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  model_used: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  started_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at: Date | null;
}
