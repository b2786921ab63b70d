import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import type { User } from './user.entity.js';

export const REFRESH_TOKEN_REVOKED_REASONS = [
  'logout',
  'reuse_detected',
  'password_change',
  'password_reset',
  'user_deleted',
  'account_deleted',
  'admin',
] as const;
export type RefreshTokenRevokedReason = (typeof REFRESH_TOKEN_REVOKED_REASONS)[number];

/**
 * RefreshToken — `igny8_refresh_tokens`: one row per issued refresh JWT
 * (docs/domain-model.md#tokens-and-sessions).
 */
@Entity('igny8_refresh_tokens')
@Index('igny8_refresh_tokens_user_id_revoked_at_idx', ['user_id', 'revoked_at'])
@Check('igny8_refresh_tokens_revoked_reason_check', inList('revoked_reason', REFRESH_TOKEN_REVOKED_REASONS))
export class RefreshToken extends TimestampedEntity {
  @Column({ type: 'bigint' })
  user_id: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** The `jti` claim of the refresh JWT. */
  @Index('igny8_refresh_tokens_jti_uniq', { unique: true })
  @Column({ type: 'uuid' })
  jti: string;

  /** Same for every token of one login. */
  @Index('igny8_refresh_tokens_family_id_idx')
  @Column({ type: 'uuid' })
  family_id: string;

  @Column({ type: 'timestamptz' })
  expires_at: Date;

  /** Set when rotated. */
  @Column({ type: 'timestamptz', nullable: true })
  used_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  revoked_reason: RefreshTokenRevokedReason | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip_address: string | null;

  @Column({ type: 'varchar', length: 500, default: '' })
  user_agent: string;
}
