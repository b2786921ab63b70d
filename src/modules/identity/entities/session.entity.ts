import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity } from '../../../database/base-entities.js';
import type { User } from './user.entity.js';

/**
 * Session — `igny8_sessions`: cookie sessions when Redis is not configured
 * (docs/domain-model.md#tokens-and-sessions).
 */
@Entity('igny8_sessions')
export class Session extends CreatedEntity {
  /** SHA-256 hex of the session id carried by the `igny8_session` cookie. */
  @Index('igny8_sessions_session_hash_uniq', { unique: true })
  @Column({ type: 'char', length: 64 })
  session_hash: string;

  @Index('igny8_sessions_user_id_idx')
  @Column({ type: 'bigint' })
  user_id: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** Refresh-token family of the login that created the session. */
  @Index('igny8_sessions_family_id_idx')
  @Column({ type: 'uuid' })
  family_id: string;

  /** Refreshed on use, at most once per minute; idle timeout 2 h. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  last_seen_at: Date;

  /** created_at + 7 days (absolute lifetime). */
  @Index('igny8_sessions_expires_at_idx')
  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip_address: string | null;

  @Column({ type: 'varchar', length: 500, default: '' })
  user_agent: string;
}
