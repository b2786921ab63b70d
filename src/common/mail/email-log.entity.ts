import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { inList, type ReferencedRow, TimestampedEntity } from '../../database/base-entities.js';

export const EMAIL_STATUSES = ['queued', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** What the email log and the outbox both record of a message: account, user, template and addressee. */
export abstract class EmailEnvelopeEntity extends TimestampedEntity {
  @Column({ type: 'bigint', nullable: true })
  account_id: number | null;

  @ManyToOne('Account', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'bigint', nullable: true })
  user_id: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: ReferencedRow;

  @Column({ type: 'varchar', length: 100 })
  template_key: string;

  @Column({ type: 'varchar', length: 254 })
  to_email: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;
}

/**
 * EmailLog — `igny8_email_logs`: one row per email handed to the mail queue (docs/domain-model.md#email). No
 * bodies.
 */
@Entity('igny8_email_logs')
@Index('igny8_email_logs_account_id_idx', ['account_id'])
@Index('igny8_email_logs_user_id_idx', ['user_id'])
@Check('igny8_email_logs_status_check', inList('status', EMAIL_STATUSES))
export class EmailLog extends EmailEnvelopeEntity {
  @Column({ type: 'varchar', length: 32, default: 'queued' })
  status: EmailStatus;

  @Column({ type: 'varchar', length: 255, nullable: true })
  provider_message_id: string | null;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sent_at: Date | null;
}
