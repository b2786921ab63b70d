import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantEntity } from '../../../database/base-entities.js';
import type { Sector } from '../../identity/entities/sector.entity.js';
import type { Site } from '../../identity/entities/site.entity.js';
import type { PromptType } from './ai-prompt.entity.js';

/**
 * Strategy — `igny8_strategies` (docs/domain-model.md#ai-configuration): prompt overrides for an account, a
 * site or a sector; the most specific active one applies. At most one active strategy per scope.
 */
@Entity('igny8_strategies')
@Index('igny8_strategies_active_scope_uniq', ['account_id', 'site_id', 'sector_id'], {
  unique: true,
  where: '"is_active"',
})
export class Strategy extends TenantEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Index('igny8_strategies_site_id_idx')
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_strategies_sector_id_idx')
  @Column({ type: 'bigint', nullable: true })
  sector_id: number | null;

  @ManyToOne('Sector', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sector_id' })
  sector?: Relation<Sector>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  prompt_overrides: Partial<Record<PromptType, string>>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}
