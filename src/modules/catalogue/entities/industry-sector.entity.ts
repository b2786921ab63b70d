import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CatalogEntity, type Industry } from './industry.entity.js';

/** IndustrySector — `igny8_industry_sectors` (global sector template, docs/domain-model.md#catalogue). */
@Entity('igny8_industry_sectors')
@Index('igny8_industry_sectors_industry_id_slug_uniq', ['industry_id', 'slug'], { unique: true })
@Index('igny8_industry_sectors_industry_id_name_uniq', ['industry_id', 'name'], { unique: true })
export class IndustrySector extends CatalogEntity {
  @Column({ type: 'bigint' })
  industry_id: number;

  @ManyToOne('Industry', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'industry_id' })
  industry?: Relation<Industry>;
}
