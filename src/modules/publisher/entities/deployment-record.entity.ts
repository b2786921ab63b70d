import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';

export const DEPLOYMENT_TYPES = ['full', 'incremental'] as const;
export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

export const DEPLOYMENT_STATUSES = ['pending', 'deploying', 'completed', 'failed'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/**
 * DeploymentRecord — `igny8_deployment_records` (docs/publishing.md): one per multi-item publish call and
 * per scheduler batch of a site; `completed` when at least one item was published.
 */
@Entity('igny8_deployment_records')
@Index('igny8_deployment_records_site_status_idx', ['site_id', 'status'])
@Check('igny8_deployment_records_type_check', inList('deployment_type', DEPLOYMENT_TYPES))
@Check('igny8_deployment_records_status_check', inList('status', DEPLOYMENT_STATUSES))
export class DeploymentRecord extends TenantEntity {
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 16, default: 'incremental' })
  deployment_type: DeploymentType;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DeploymentStatus;

  @Column({ type: 'integer', default: 0 })
  items_deployed: number;

  @Column({ type: 'integer', default: 0 })
  items_failed: number;

  @Column({ type: 'timestamptz', nullable: true })
  started_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completed_at: Date | null;

  @Column({ type: 'text', default: '' })
  error_log: string;

  /** `{content_ids, publishing_record_ids}`. */
  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;
}
