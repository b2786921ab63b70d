import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedEntity, inList, type ReferencedRow } from '../../../database/base-entities.js';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from './billing-enums.js';

/**
 * WebhookEvent — `igny8_webhook_events` (docs/billing.md#tables): every verified provider event and
 * every manual-payment action, stored once by `(provider, event_id)` and processed at most once.
 */
@Entity('igny8_webhook_events')
@Index('igny8_webhook_events_provider_event_id_uniq', ['provider', 'event_id'], { unique: true })
@Check('igny8_webhook_events_provider_check', inList('provider', WEBHOOK_PROVIDERS))
@Check('igny8_webhook_events_attempts_check', '"attempts" >= 0')
export class WebhookEvent extends CreatedEntity {
  @Column({ type: 'varchar', length: 16 })
  provider: WebhookProvider;

  @Column({ type: 'varchar', length: 255 })
  event_id: string;

  @Column({ type: 'varchar', length: 100 })
  event_type: string;

  @Index('igny8_webhook_events_account_id_idx')
  @Column({ type: 'bigint', nullable: true })
  account_id: number | null;

  @ManyToOne('Account', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  processed: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  processed_at: Date | null;

  @Column({ type: 'text', nullable: true })
  processing_error: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
