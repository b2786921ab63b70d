import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SoftEntity } from '../../../database/base-entities.js';
import type { Account } from './account.entity.js';
import type { Site } from './site.entity.js';

/** Highest rank first (ranks in src/common/auth/roles.ts). */
export const USER_ROLES = ['developer', 'owner', 'admin', 'editor', 'viewer', 'system_bot'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * User — `igny8_users`; soft-deletable (docs/domain-model.md#users-and-roles).
 * The unique index on `lower(email)` (partial) is an expression index: created by the migration,
 * declared here with `synchronize: false` so the schema diff leaves it alone.
 */
@Entity('igny8_users')
@Index('igny8_users_email_uniq', { synchronize: false })
@Index('igny8_users_username_uniq', ['username'], { unique: true, where: '"deleted_at" IS NULL' })
@Index('igny8_users_account_id_role_idx', ['account_id', 'role'])
@Check('igny8_users_role_check', inList('role', USER_ROLES))
export class User extends SoftEntity {
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  /** Stored lowercased and trimmed. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 150 })
  username: string;

  @Column({ type: 'varchar', length: 150, default: '' })
  first_name: string;

  @Column({ type: 'varchar', length: 150, default: '' })
  last_name: string;

  /** argon2id hash; must never reach a response or a log. */
  @Column({ type: 'varchar', length: 255 })
  password_hash: string;

  @Column({ type: 'varchar', length: 32, default: 'viewer' })
  role: UserRole;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  /** Treated as `developer`. */
  @Column({ type: 'boolean', default: false })
  is_superuser: boolean;

  @Index('igny8_users_active_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  active_site_id: number | null;

  @ManyToOne('Site', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'active_site_id' })
  active_site?: Relation<Site>;

  @Column({ type: 'timestamptz', nullable: true })
  last_login: Date | null;

  /** Whole seconds; access tokens issued (`iat`) earlier are rejected. */
  @Column({ type: 'timestamptz', nullable: true })
  tokens_valid_after: Date | null;

  /**
   * Bumped by every revocation of all sessions; access tokens carry it (`ver`) and an older one is
   * refused, so a token issued in the same second as the revocation dies too.
   */
  @Column({ type: 'integer', default: 0 })
  token_version: number;
}
