import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';

export const RUN_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['running', 'paused'];

export const TRIGGER_TYPES = ['manual', 'scheduled'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const STAGE_STATUSES = ['pending', 'running', 'completed', 'partial', 'skipped', 'failed'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export interface StageError {
  item_type: string;
  item_id: number;
  error: string;
  code: string;
}

/** `stage_N_result` (docs/automation.md#runs): written after every batch. */
export interface StageResult {
  stage: number;
  name: string;
  status: StageStatus;
  items_total: number;
  items_processed: number;
  items_created: number;
  items_failed: number;
  credits_used: number;
  started_at: string | null;
  completed_at: string | null;
  skip_reason: string | null;
  errors: StageError[];
}

/**
 * AutomationRun — `igny8_automation_runs` (docs/automation.md#runs): one run of the seven-stage pipeline on
 * one site. At most one run per site is `running` or `paused` (partial unique index).
 */
@Entity('igny8_automation_runs')
@Index('igny8_automation_runs_site_started_idx', ['site_id', 'started_at'])
@Index('igny8_automation_runs_one_active_uniq', ['site_id'], {
  unique: true,
  where: `"status" IN ('running', 'paused')`,
})
@Check('igny8_automation_runs_status_check', inList('status', RUN_STATUSES))
@Check('igny8_automation_runs_trigger_type_check', inList('trigger_type', TRIGGER_TYPES))
@Check('igny8_automation_runs_current_stage_check', '"current_stage" BETWEEN 1 AND 7')
export class AutomationRun extends TenantEntity {
  @Index('igny8_automation_runs_run_id_uniq', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  run_id: string;

  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 16 })
  trigger_type: TriggerType;

  @Column({ type: 'varchar', length: 16, default: 'running' })
  status: RunStatus;

  @Column({ type: 'smallint', default: 1 })
  current_stage: number;

  @Column({ type: 'jsonb', nullable: true })
  stage_1_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_2_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_3_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_4_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_5_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_6_result: StageResult | null;

  @Column({ type: 'jsonb', nullable: true })
  stage_7_result: StageResult | null;

  @Column({ type: 'integer', default: 0 })
  total_credits_used: number;

  @Column({ type: 'integer', default: 0 })
  estimated_credits: number;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;

  /** The background task (AITaskLog `run_automation`) executing the run. */
  @Column({ type: 'uuid', nullable: true })
  task_id: string | null;

  /** The item being worked on (`current_processing/`): `{type, id, label}`, or null between items. */
  @Column({ type: 'jsonb', nullable: true })
  current_item: { type: string; id: number; label: string } | null;

  /** Bumped by every event of the run (`events/` ids). */
  @Column({ type: 'integer', default: 0 })
  event_seq: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  started_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  paused_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resumed_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelled_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completed_at: Date | null;
}
