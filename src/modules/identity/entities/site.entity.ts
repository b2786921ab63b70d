import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantSoftEntity } from '../../../database/base-entities.js';
import type { Industry } from '../../catalogue/entities/industry.entity.js';

export const SITE_TYPES = ['marketing', 'ecommerce', 'blog', 'portfolio', 'corporate'] as const;
export type SiteType = (typeof SITE_TYPES)[number];

export const HOSTING_TYPES = ['igny8_sites', 'wordpress', 'shopify', 'multi'] as const;
export type HostingType = (typeof HOSTING_TYPES)[number];

export const PLATFORM_TYPES = ['wordpress', 'shopify', 'custom'] as const;
export type PlatformType = (typeof PLATFORM_TYPES)[number];

/** Site — `igny8_sites`; [tenant], soft-deletable (docs/domain-model.md#sites-and-sectors). */
@Entity('igny8_sites')
@Index('igny8_sites_slug_uniq', ['slug'], { unique: true, where: '"deleted_at" IS NULL' })
// Not partial, unlike the slug index: a key hash is never shared, even with a deleted site.
@Index('igny8_sites_wp_api_key_hash_uniq', ['wp_api_key_hash'], { unique: true })
@Check('igny8_sites_site_type_check', inList('site_type', SITE_TYPES))
@Check('igny8_sites_hosting_type_check', inList('hosting_type', HOSTING_TYPES))
@Check('igny8_sites_platform_type_check', inList('platform_type', PLATFORM_TYPES))
export class Site extends TenantSoftEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Globally unique among live sites; used for public lookup. */
  @Column({ type: 'varchar', length: 255 })
  slug: string;

  /** Absolute http(s) URL without trailing slash. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  domain: string | null;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Required before sectors or keywords can be created. */
  @Index('igny8_sites_industry_id_idx')
  @Column({ type: 'bigint', nullable: true })
  industry_id: number | null;

  @ManyToOne('Industry', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'industry_id' })
  industry?: Relation<Industry>;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'varchar', length: 32, default: 'blog' })
  site_type: SiteType;

  @Column({ type: 'varchar', length: 32, default: 'wordpress' })
  hosting_type: HostingType;

  @Column({ type: 'varchar', length: 32, default: 'wordpress' })
  platform_type: PlatformType;

  /** SHA-256 hex of the full WordPress API key. */
  @Column({ type: 'char', length: 64, nullable: true })
  wp_api_key_hash: string | null;

  /** AES-256-GCM copy of the key (`v1:` format); never serialised. */
  @Column({ type: 'text', nullable: true })
  wp_api_key_encrypted: string | null;

  @Column({ type: 'char', length: 4, nullable: true })
  api_key_last4: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  api_key_created_at: Date | null;

  /** Updated at most once per minute. */
  @Column({ type: 'timestamptz', nullable: true })
  api_key_last_used_at: Date | null;
}
