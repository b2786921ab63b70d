import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';

export const PLUGIN_PLATFORMS = ['wordpress', 'shopify', 'custom'] as const;
export const PLUGIN_STATUSES = ['active', 'inactive', 'deprecated'] as const;
export const PLUGIN_VERSION_STATUSES = ['draft', 'released', 'yanked'] as const;
export type PluginVersionStatus = (typeof PLUGIN_VERSION_STATUSES)[number];

/** Plugin — `igny8_plugins` (global): a distributable plugin such as the WordPress bridge. */
@Entity('igny8_plugins')
@Index('igny8_plugins_slug_uniq', ['slug'], { unique: true })
@Check('igny8_plugins_platform_check', inList('platform', PLUGIN_PLATFORMS))
@Check('igny8_plugins_status_check', inList('status', PLUGIN_STATUSES))
export class Plugin extends TimestampedEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: string;
}

/** PluginVersion — `igny8_plugin_versions` (global): one released (or draft, or yanked) zip of a plugin. */
@Entity('igny8_plugin_versions')
@Index('igny8_plugin_versions_plugin_version_uniq', ['plugin_id', 'version'], { unique: true })
@Check('igny8_plugin_versions_status_check', inList('status', PLUGIN_VERSION_STATUSES))
export class PluginVersion extends TimestampedEntity {
  @Column({ type: 'bigint' })
  plugin_id: number;

  @ManyToOne(() => Plugin, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plugin_id' })
  plugin?: Relation<Plugin>;

  /** Semantic version `x.y.z`. */
  @Column({ type: 'varchar', length: 20 })
  version: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: string;

  /** The zip's file name in the releases directory. */
  @Column({ type: 'varchar', length: 500 })
  file_path: string;

  @Column({ type: 'integer' })
  file_size: number;

  @Column({ type: 'char', length: 64 })
  checksum_sha256: string;

  @Column({ type: 'text', default: '' })
  changelog: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  min_wp_version: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  min_php_version: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  released_at: Date | null;
}
