import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantSoftEntity } from '../../../database/base-entities.js';
import type { IndustrySector } from '../../catalogue/entities/industry-sector.entity.js';
import type { Site } from './site.entity.js';

/**
 * Sector — `igny8_sectors`; [tenant], soft-deletable; 1 to 5 live sectors per site
 * (docs/domain-model.md#sites-and-sectors).
 */
@Entity('igny8_sectors')
@Index('igny8_sectors_site_id_industry_sector_id_uniq', ['site_id', 'industry_sector_id'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Index('igny8_sectors_site_id_slug_uniq', ['site_id', 'slug'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Index('igny8_sectors_account_id_site_id_idx', ['account_id', 'site_id'])
export class Sector extends TenantSoftEntity {
  @Index('igny8_sectors_site_id_idx')
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_sectors_industry_sector_id_idx')
  @Column({ type: 'bigint' })
  industry_sector_id: number;

  @ManyToOne('IndustrySector', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'industry_sector_id' })
  industry_sector?: Relation<IndustrySector>;

  /** Defaults to the template name. */
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Defaults to the template slug. */
  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}
