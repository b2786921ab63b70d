import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { inList, type ReferencedRow, TenantEntity } from '../../../database/base-entities.js';

export const NOTIFICATION_TYPES = [
  'ai_task_completed',
  'ai_task_failed',
  'automation_completed',
  'automation_failed',
  'content_published',
  'publish_failed',
  'credits_low',
  'payment_succeeded',
  'payment_failed',
  'invoice_due',
  'integration_error',
  'system',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_SEVERITIES = ['info', 'success', 'warning', 'error'] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/**
 * Notification — `igny8_notifications` (docs/system.md): an account-wide message (`user_id`
 * null) or one for a single user.
 */
@Entity('igny8_notifications')
@Index('igny8_notifications_account_created_idx', ['account_id', 'created_at'])
@Check('igny8_notifications_type_check', inList('notification_type', NOTIFICATION_TYPES))
@Check('igny8_notifications_severity_check', inList('severity', NOTIFICATION_SEVERITIES))
export class Notification extends TenantEntity {
  @Index('igny8_notifications_user_id_idx')
  @Column({ type: 'bigint', nullable: true })
  user_id: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: ReferencedRow;

  @Index('igny8_notifications_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_id' })
  site?: ReferencedRow;

  @Column({ type: 'varchar', length: 32 })
  notification_type: NotificationType;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: 16, default: 'info' })
  severity: NotificationSeverity;

  @Column({ type: 'varchar', length: 500, nullable: true })
  action_url: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  action_label: string | null;

  @Column({ type: 'boolean', default: false })
  is_read: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  read_at: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;
}

/**
 * NotificationPreference — `igny8_notification_preferences` (docs/system.md): whether a user
 * gets a type in the app and by email.
 */
@Entity('igny8_notification_preferences')
@Index('igny8_notification_preferences_uniq', ['account_id', 'user_id', 'notification_type'], {
  unique: true,
})
@Check('igny8_notification_preferences_type_check', inList('notification_type', NOTIFICATION_TYPES))
export class NotificationPreference extends TenantEntity {
  @Index('igny8_notification_preferences_user_id_idx')
  @Column({ type: 'bigint', nullable: true })
  user_id: number | null;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: ReferencedRow;

  @Column({ type: 'varchar', length: 32 })
  notification_type: NotificationType;

  @Column({ type: 'boolean', default: true })
  in_app: boolean;

  @Column({ type: 'boolean', default: false })
  email: boolean;
}
