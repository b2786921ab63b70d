import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, SiteSectorSoftEntity } from '../../../database/base-entities.js';
import type { Content } from './content.entity.js';
import type { Task } from './task.entity.js';
import { LiveListIndexes } from '../../planner/entities/list-indexes.js';

/** `desktop` is a legacy value: read, never created (use IMAGE_CREATABLE_TYPES for writes). */
export const IMAGE_TYPES = ['featured', 'in_article', 'desktop'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export const IMAGE_CREATABLE_TYPES = ['featured', 'in_article'] as const;

export const IMAGE_STATUSES = ['pending', 'generated', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** Tier of the model used (`quality_option2` models record `quality`). */
export const IMAGE_QUALITY_TIERS = ['basic', 'quality', 'premium'] as const;
export type ImageQualityTier = (typeof IMAGE_QUALITY_TIERS)[number];

/**
 * Image — `igny8_images`; [site-sector], soft-deletable (docs/domain-model.md#writer): the featured image
 * (position 0) or an in-article image (positions 0, 1, 2, …) of a content. One live row per
 * `(content_id, image_type, position)`; with `igny8_images_featured_position_check` that makes at
 * most one featured image per content. Extra list indexes on live rows: `(account_id, site_id, status)`
 * and `(account_id, created_at, id)`.
 */
@Entity('igny8_images')
@Index('igny8_images_content_type_position_uniq', ['content_id', 'image_type', 'position'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@LiveListIndexes('igny8_images')
@Check('igny8_images_image_type_check', inList('image_type', IMAGE_TYPES))
@Check('igny8_images_status_check', inList('status', IMAGE_STATUSES))
@Check('igny8_images_quality_tier_check', inList('quality_tier', IMAGE_QUALITY_TIERS))
@Check('igny8_images_position_check', '"position" >= 0')
@Check('igny8_images_featured_position_check', `"image_type" <> 'featured' OR "position" = 0`)
export class Image extends SiteSectorSoftEntity {
  /** The content of the same site and sector; required for rows created by this API. */
  @Index('igny8_images_content_id_idx')
  @Column({ type: 'bigint', nullable: true })
  content_id: number | null;

  @ManyToOne('Content', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_id' })
  content?: Relation<Content>;

  /** Legacy link. */
  @Index('igny8_images_task_id_idx')
  @Column({ type: 'bigint', nullable: true })
  task_id: number | null;

  @ManyToOne('Task', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'task_id' })
  task?: Relation<Task>;

  @Column({ type: 'varchar', length: 32 })
  image_type: ImageType;

  /** Featured = 0; in-article 0, 1, 2, … (below the effective `max_images`). */
  @Column({ type: 'smallint', default: 0 })
  position: number;

  @Column({ type: 'text', default: '' })
  prompt: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  alt_text: string;

  @Column({ type: 'text', default: '' })
  caption: string;

  /** Absolute public URL of the file (`…/media/<image_path>`). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  image_url: string | null;

  /** Path under the media root: 32 random hex characters + `.webp`. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  image_path: string | null;

  @Index('igny8_images_status_idx')
  @Column({ type: 'varchar', length: 32, default: 'pending' })
  status: ImageStatus;

  @Column({ type: 'varchar', length: 100, nullable: true })
  model_used: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  quality_tier: ImageQualityTier | null;

  @Column({ type: 'integer', nullable: true })
  width: number | null;

  @Column({ type: 'integer', nullable: true })
  height: number | null;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;
}
