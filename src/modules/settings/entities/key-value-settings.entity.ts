import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { type ReferencedRow, TenantEntity, TimestampedEntity } from '../../../database/base-entities.js';

/**
 * SystemSettings — `igny8_system_settings` (docs/system.md): global key/value settings, written by
 * developers.
 */
@Entity('igny8_system_settings')
export class SystemSetting extends TimestampedEntity {
  @Index('igny8_system_settings_key_uniq', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;

  @Column({ type: 'text', default: '' })
  description: string;

  @Index('igny8_system_settings_updated_by_idx')
  @Column({ type: 'bigint', nullable: true })
  updated_by: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by' })
  updated_by_user?: ReferencedRow;
}

/** AccountSettings — `igny8_account_settings` (docs/system.md): one value per account and key. */
@Entity('igny8_account_settings')
@Index('igny8_account_settings_account_key_uniq', ['account_id', 'key'], { unique: true })
export class AccountSetting extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;
}

/** UserSettings — `igny8_user_settings` (docs/system.md): one value per user and key. */
@Entity('igny8_user_settings')
@Index('igny8_user_settings_user_key_uniq', ['user_id', 'key'], { unique: true })
export class UserSetting extends TimestampedEntity {
  @Column({ type: 'bigint' })
  user_id: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: ReferencedRow;

  @Index('igny8_user_settings_account_id_idx')
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;
}
