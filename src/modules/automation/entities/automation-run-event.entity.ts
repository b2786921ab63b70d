import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantEntity } from '../../../database/base-entities.js';
import type { AutomationRun } from './automation-run.entity.js';

/**
 * AutomationRunEvent — `igny8_automation_run_events`: the progress events of a run, numbered per run
 * (`seq` from 1), served by `automation/runs/{run_id}/events/` (Server-Sent Events; `Last-Event-ID` resumes).
 */
@Entity('igny8_automation_run_events')
@Index('igny8_automation_run_events_run_seq_uniq', ['run_pk', 'seq'], { unique: true })
export class AutomationRunEvent extends TenantEntity {
  /** `igny8_automation_runs.id` (the run is deleted with its site; its events with it). */
  @Column({ type: 'bigint' })
  run_pk: number;

  @ManyToOne('AutomationRun', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_pk' })
  run?: Relation<AutomationRun>;

  @Column({ type: 'integer' })
  seq: number;

  /** `status`, `stage`, `item`. */
  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}
