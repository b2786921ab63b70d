import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity, type ReferencedRow } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';

export const DESTINATIONS = ['wordpress', 'ghost', 'webflow', 'shopify'] as const;
export type Destination = (typeof DESTINATIONS)[number];

export const PUBLISHING_RECORD_STATUSES = [
  'pending',
  'publishing',
  'published',
  'failed',
  'retracted',
] as const;
export type PublishingRecordStatus = (typeof PUBLISHING_RECORD_STATUSES)[number];

export const PUBLISH_TRIGGERS = ['manual', 'scheduled', 'automation'] as const;
export type PublishTrigger = (typeof PUBLISH_TRIGGERS)[number];

/**
 * PublishingRecord — `igny8_publishing_records` (docs/publishing.md): one row per publish attempt of one
 * content item; unpublishing retracts the latest `published` one. Written only by the publisher.
 */
@Entity('igny8_publishing_records')
@Index('igny8_publishing_records_content_created_idx', ['content_id', 'created_at'])
@Index('igny8_publishing_records_site_status_idx', ['site_id', 'status'])
@Check('igny8_publishing_records_destination_check', inList('destination', DESTINATIONS))
@Check('igny8_publishing_records_status_check', inList('status', PUBLISHING_RECORD_STATUSES))
@Check('igny8_publishing_records_trigger_check', inList('trigger', PUBLISH_TRIGGERS))
export class PublishingRecord extends TenantEntity {
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'bigint' })
  content_id: number;

  @ManyToOne('Content', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_id' })
  content?: ReferencedRow;

  @Column({ type: 'varchar', length: 16, default: 'wordpress' })
  destination: Destination;

  @Column({ type: 'varchar', length: 255, nullable: true })
  external_id: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  external_url: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: PublishingRecordStatus;

  @Column({ type: 'timestamptz', nullable: true })
  published_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  retracted_at: Date | null;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;

  @Column({ type: 'varchar', length: 16, default: 'manual' })
  trigger: PublishTrigger;

  /** Request/response summary: adapter mode, HTTP status, remote post status, warnings. */
  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;
}
