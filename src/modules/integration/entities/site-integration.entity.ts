import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';

export const INTEGRATION_PLATFORMS = ['wordpress', 'shopify'] as const;
export type IntegrationPlatform = (typeof INTEGRATION_PLATFORMS)[number];

export const AUTH_MODES = ['bridge_api_key', 'application_password'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const INTEGRATION_SYNC_STATUSES = ['pending', 'syncing', 'completed', 'error'] as const;
export type IntegrationSyncStatus = (typeof INTEGRATION_SYNC_STATUSES)[number];

export const CONNECTION_STATUSES = ['pending', 'connected', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * What the integration knows about the remote site (docs/publishing.md): its post types and taxonomies,
 * the bridge plugin's versions, the meta keys WordPress lets us write, the SEO plugin, and how REST
 * routes are addressed (`query` = `?rest_route=` when the site has no pretty permalinks).
 */
export interface IntegrationConfig {
  content_types?: Record<string, unknown>;
  plugin?: Record<string, unknown>;
  writable_meta_keys?: string[];
  seo_plugin?: string;
  rest_style?: 'path' | 'query';
  [key: string]: unknown;
}

/**
 * SiteIntegration — `igny8_site_integrations` (docs/publishing.md): how one site reaches its remote platform.
 * One per site and platform; not soft-deletable. `credentials_encrypted` holds the AES-256-GCM encrypted
 * JSON `{username, application_password}` of the application-password mode and is never returned nor
 * logged; the bridge mode uses the site's own API key, which lives on the site.
 */
@Entity('igny8_site_integrations')
@Index('igny8_site_integrations_site_platform_uniq', ['site_id', 'platform'], { unique: true })
@Check('igny8_site_integrations_platform_check', inList('platform', INTEGRATION_PLATFORMS))
@Check('igny8_site_integrations_auth_mode_check', inList('auth_mode', AUTH_MODES))
@Check('igny8_site_integrations_sync_status_check', inList('sync_status', INTEGRATION_SYNC_STATUSES))
@Check('igny8_site_integrations_connection_status_check', inList('connection_status', CONNECTION_STATUSES))
@Check(
  'igny8_site_integrations_credentials_check',
  `"auth_mode" <> 'application_password' OR "credentials_encrypted" IS NOT NULL`,
)
export class SiteIntegration extends TenantEntity {
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 16, default: 'wordpress' })
  platform: IntegrationPlatform;

  @Column({ type: 'varchar', length: 32, default: 'bridge_api_key' })
  auth_mode: AuthMode;

  /** Absolute http(s) base URL, lowercase host, no trailing slash. */
  @Column({ type: 'varchar', length: 500 })
  external_site_url: string;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'boolean', default: false })
  sync_enabled: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  last_sync_at: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  sync_status: IntegrationSyncStatus;

  @Column({ type: 'text', nullable: true })
  sync_error: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  connection_status: ConnectionStatus;

  @Column({ type: 'timestamptz', nullable: true })
  last_connection_check_at: Date | null;

  @Column({ type: 'jsonb', default: {} })
  config_json: IntegrationConfig;

  /** Encrypted `{username, application_password}`; write-only (never in a response or a log). */
  @Column({ type: 'text', nullable: true, select: false })
  credentials_encrypted: string | null;
}
