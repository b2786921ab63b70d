import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity } from '../../../database/base-entities.js';
import type { Site } from './site.entity.js';
import type { User } from './user.entity.js';

/**
 * SiteUserAccess — `igny8_site_user_access`: site grants of editors and viewers
 * (docs/tenancy.md#who-sees-what).
 */
@Entity('igny8_site_user_access')
@Index('igny8_site_user_access_user_id_site_id_uniq', ['user_id', 'site_id'], { unique: true })
export class SiteUserAccess extends CreatedEntity {
  @Column({ type: 'bigint' })
  user_id: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Index('igny8_site_user_access_site_id_idx')
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Index('igny8_site_user_access_granted_by_idx')
  @Column({ type: 'bigint', nullable: true })
  granted_by: number | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'granted_by' })
  granted_by_user?: Relation<User>;
}
