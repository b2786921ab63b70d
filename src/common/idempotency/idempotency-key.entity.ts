import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { ReferencedRow } from '../../database/base-entities.js';

/**
 * Outcome of a request sent with an `Idempotency-Key` header, replayed for 24 hours.
 * Entity properties carry the column names, so rows serialise under them.
 */
@Entity('igny8_idempotency_keys')
@Index('igny8_idempotency_keys_account_key_uniq', ['account_id', 'key'], { unique: true })
export class IdempotencyKey {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @Index('igny8_idempotency_keys_account_id_idx')
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'char', length: 64 })
  request_hash: string;

  @Column({ type: 'integer', nullable: true })
  response_status: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response_body: unknown;

  @Column({ type: 'uuid', nullable: true })
  task_id: string | null;

  @Index('igny8_idempotency_keys_expires_at_idx')
  @Column({ type: 'timestamptz' })
  expires_at: Date;
}
