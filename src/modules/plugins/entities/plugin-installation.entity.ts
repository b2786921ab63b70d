import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity, inList, type ReferencedRow, TenantEntity } from '../../../database/base-entities.js';
import { Plugin, PluginVersion } from './plugin.entity.js';

export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** PluginInstallation — `igny8_plugin_installations`; [tenant]: the plugin as installed on one site. */
@Entity('igny8_plugin_installations')
@Index('igny8_plugin_installations_plugin_site_uniq', ['plugin_id', 'site_id'], { unique: true })
@Check('igny8_plugin_installations_health_status_check', inList('health_status', HEALTH_STATUSES))
export class PluginInstallation extends TenantEntity {
  @Column({ type: 'bigint' })
  plugin_id: number;

  @ManyToOne(() => Plugin, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plugin_id' })
  plugin?: Relation<Plugin>;

  @Index()
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: ReferencedRow;

  @Index()
  @Column({ type: 'bigint', nullable: true })
  version_id: number | null;

  @ManyToOne(() => PluginVersion, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'version_id' })
  plugin_version?: Relation<PluginVersion>;

  @Column({ type: 'varchar', length: 500 })
  site_url: string;

  /** The version the plugin reported, also when no released version of that number is known. */
  @Column({ type: 'varchar', length: 20, default: '' })
  version: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  wp_version: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  php_version: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  health_status: HealthStatus | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  health_details: Record<string, unknown>;

  @Column({ type: 'timestamptz', nullable: true })
  last_health_check_at: Date | null;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}

/** PluginDownload — `igny8_plugin_downloads`: one download of a plugin zip (no `updated_at`). */
@Entity('igny8_plugin_downloads')
export class PluginDownload extends CreatedEntity {
  @Index()
  @Column({ type: 'bigint' })
  plugin_id: number;

  @ManyToOne(() => Plugin, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plugin_id' })
  plugin?: Relation<Plugin>;

  @Index()
  @Column({ type: 'bigint' })
  version_id: number;

  @ManyToOne(() => PluginVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id' })
  plugin_version?: Relation<PluginVersion>;

  /** The downloading account, when the request carried credentials. */
  @Index()
  @Column({ type: 'bigint', nullable: true })
  account_id: number | null;

  @ManyToOne('Account', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Index()
  @Column({ type: 'bigint', nullable: true })
  site_id: number | null;

  @ManyToOne('Site', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_id' })
  site?: ReferencedRow;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip_address: string | null;

  @Column({ type: 'varchar', length: 500, default: '' })
  user_agent: string;
}
