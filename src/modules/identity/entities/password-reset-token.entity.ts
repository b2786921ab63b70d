import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity } from '../../../database/base-entities.js';
import type { User } from './user.entity.js';

/**
 * PasswordResetToken — `igny8_password_reset_tokens`; only the SHA-256 of the raw token is stored
 * (docs/domain-model.md#tokens-and-sessions).
 */
@Entity('igny8_password_reset_tokens')
export class PasswordResetToken extends CreatedEntity {
  @Index('igny8_password_reset_tokens_user_id_idx')
  @Column({ type: 'bigint' })
  user_id: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** SHA-256 hex of the raw token string. */
  @Index('igny8_password_reset_tokens_token_hash_uniq', { unique: true })
  @Column({ type: 'char', length: 64 })
  token_hash: string;

  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  used_at: Date | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  requested_ip: string | null;
}
