import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';

export const PUBLISH_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type PublishDay = (typeof PUBLISH_DAYS)[number];

export const POST_STATUSES = ['publish', 'draft'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/** The ranges of the publishing limits (docs/domain-model.md#publishing-settings). */
export const PUBLISH_LIMIT_RANGES = {
  daily_publish_limit: { min: 0, max: 100 },
  weekly_publish_limit: { min: 0, max: 500 },
  monthly_publish_limit: { min: 0, max: 2000 },
} as const;

export const MAX_TIME_SLOTS = 24;

/** A new site's settings, and what a reset restores (docs/domain-model.md#publishing-settings). */
export const PUBLISHING_DEFAULTS = {
  auto_approval_enabled: false,
  auto_publish_enabled: false,
  daily_publish_limit: 3,
  weekly_publish_limit: 15,
  monthly_publish_limit: 50,
  publish_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  publish_time_slots: ['09:00', '14:00', '18:00'],
  default_post_status: 'publish',
} as const satisfies Partial<Record<keyof PublishingSettings, unknown>>;

/** A jsonb literal as PostgreSQL prints it back (`", "` between items), so the schema shows no drift. */
function jsonbListDefault(items: readonly string[]): () => string {
  return () => `'[${items.map((item) => `"${item}"`).join(', ')}]'`;
}

/** `"<limit>" BETWEEN min AND max` for each publishing limit. */
function limitChecks(): ClassDecorator {
  const checks = Object.entries(PUBLISH_LIMIT_RANGES).map(([column, { min, max }]) =>
    Check(`igny8_publishing_settings_${column}_check`, `"${column}" BETWEEN ${min} AND ${max}`),
  );
  return (target) => {
    for (const check of checks) check(target);
  };
}

/**
 * PublishingSettings — `igny8_publishing_settings` (docs/domain-model.md#publishing-settings): one per site,
 * created lazily.
 */
@Entity('igny8_publishing_settings')
@Check('igny8_publishing_settings_default_post_status_check', inList('default_post_status', POST_STATUSES))
@limitChecks()
@Check(
  'igny8_publishing_settings_publish_days_check',
  `jsonb_array_length("publish_days") >= 1 AND "publish_days" <@ '${JSON.stringify(PUBLISH_DAYS)}'::jsonb`,
)
@Check(
  'igny8_publishing_settings_time_slots_check',
  `jsonb_array_length("publish_time_slots") BETWEEN 1 AND ${MAX_TIME_SLOTS}`,
)
export class PublishingSettings extends TenantEntity {
  @Index('igny8_publishing_settings_site_id_uniq', { unique: true })
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  /**
   * Content entering `review` moves to `approved` automatically (docs/domain-model.md#publishing-settings).
   */
  @Column({ type: 'boolean', default: PUBLISHING_DEFAULTS.auto_approval_enabled })
  auto_approval_enabled: boolean;

  /**
   * Approved content is scheduled and published by the scheduler (docs/domain-model.md#publishing-settings).
   */
  @Column({ type: 'boolean', default: PUBLISHING_DEFAULTS.auto_publish_enabled })
  auto_publish_enabled: boolean;

  @Column({ type: 'integer', default: PUBLISHING_DEFAULTS.daily_publish_limit })
  daily_publish_limit: number;

  @Column({ type: 'integer', default: PUBLISHING_DEFAULTS.weekly_publish_limit })
  weekly_publish_limit: number;

  @Column({ type: 'integer', default: PUBLISHING_DEFAULTS.monthly_publish_limit })
  monthly_publish_limit: number;

  /** Days of the week publishing may use, in week order. */
  @Column({ type: 'jsonb', default: jsonbListDefault(PUBLISHING_DEFAULTS.publish_days) })
  publish_days: PublishDay[];

  /** `HH:MM` local times (account time zone), ascending. */
  @Column({ type: 'jsonb', default: jsonbListDefault(PUBLISHING_DEFAULTS.publish_time_slots) })
  publish_time_slots: string[];

  /** WordPress status used when publishing. */
  @Column({ type: 'varchar', length: 16, default: PUBLISHING_DEFAULTS.default_post_status })
  default_post_status: PostStatus;
}
