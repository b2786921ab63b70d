import { Column, Entity, Index } from 'typeorm';
import { TimestampedEntity } from '../../../database/base-entities.js';

/** The columns of the global catalogue tables (industries and their sector templates). */
export abstract class CatalogEntity extends TimestampedEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Inactive entries are hidden from public lists and cannot be chosen. */
  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'integer', default: 0 })
  sort_order: number;
}

/** Industry — `igny8_industries` (global, docs/domain-model.md#catalogue). */
@Entity('igny8_industries')
@Index('igny8_industries_name_uniq', ['name'], { unique: true })
@Index('igny8_industries_slug_uniq', ['slug'], { unique: true })
export class Industry extends CatalogEntity {}
