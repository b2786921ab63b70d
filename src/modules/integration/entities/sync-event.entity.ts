import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity, inList, type ReferencedRow } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';
import type { SiteIntegration } from './site-integration.entity.js';

export const SYNC_EVENT_TYPES = [
  'test_connection',
  'site_structure',
  'metadata_sync',
  'publish',
  'unpublish',
  'status_check',
  'status_webhook',
  'metadata_webhook',
  'content_import',
] as const;
export type SyncEventType = (typeof SYNC_EVENT_TYPES)[number];

export const SYNC_DIRECTIONS = ['to_external', 'from_external'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

export const SYNC_EVENT_STATUSES = ['success', 'error'] as const;
export type SyncEventStatus = (typeof SYNC_EVENT_STATUSES)[number];

/**
 * SyncEvent — `igny8_sync_events`: the append-only log of every exchange with a remote platform (no
 * `updated_at`). `payload` is a summary without secrets. Rows older than 90 days are cleaned up.
 */
@Entity('igny8_sync_events')
@Index('igny8_sync_events_site_created_idx', ['site_id', 'created_at'])
@Index('igny8_sync_events_integration_created_idx', ['integration_id', 'created_at'])
@Check('igny8_sync_events_event_type_check', inList('event_type', SYNC_EVENT_TYPES))
@Check('igny8_sync_events_direction_check', inList('direction', SYNC_DIRECTIONS))
@Check('igny8_sync_events_status_check', inList('status', SYNC_EVENT_STATUSES))
export class SyncEvent extends CreatedEntity {
  @Index()
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'bigint', nullable: true })
  created_by: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by' })
  created_by_user?: ReferencedRow;

  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'bigint', nullable: true })
  integration_id: number | null;

  @ManyToOne('SiteIntegration', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'integration_id' })
  integration?: Relation<SiteIntegration>;

  @Index()
  @Column({ type: 'bigint', nullable: true })
  content_id: number | null;

  @ManyToOne('Content', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'content_id' })
  content?: ReferencedRow;

  @Column({ type: 'varchar', length: 32 })
  event_type: SyncEventType;

  @Column({ type: 'varchar', length: 16 })
  direction: SyncDirection;

  @Column({ type: 'varchar', length: 16 })
  status: SyncEventStatus;

  @Column({ type: 'varchar', length: 255, nullable: true })
  external_id: string | null;

  @Column({ type: 'integer', nullable: true })
  http_status: number | null;

  @Column({ type: 'integer', nullable: true })
  duration_ms: number | null;

  @Column({ type: 'varchar', length: 500, default: '' })
  description: string;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;

  @Column({ type: 'jsonb', default: {} })
  payload: Record<string, unknown>;
}
