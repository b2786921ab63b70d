import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { inList, TenantEntity } from '../../../database/base-entities.js';
import type { Site } from '../../identity/entities/site.entity.js';
import { AUTOMATION_FREQUENCIES, type AutomationFrequency } from '../next-run.js';

/**
 * The ranges of the numeric settings (docs/domain-model.md#automation-settings): batch sizes per stage,
 * delays in seconds.
 */
export const AUTOMATION_RANGES = {
  stage_1_batch_size: { min: 1, max: 100 },
  stage_2_batch_size: { min: 1, max: 20 },
  stage_3_batch_size: { min: 1, max: 100 },
  stage_4_batch_size: { min: 1, max: 10 },
  stage_5_batch_size: { min: 1, max: 10 },
  stage_6_batch_size: { min: 1, max: 20 },
  within_stage_delay: { min: 0, max: 300 },
  between_stage_delay: { min: 0, max: 600 },
} as const;

/** The configuration columns a site's config shares with the defaults (and copies from them). */
export const AUTOMATION_SETTING_FIELDS = [
  'is_enabled',
  'frequency',
  'scheduled_time',
  ...(Object.keys(AUTOMATION_RANGES) as (keyof typeof AUTOMATION_RANGES)[]),
] as const;

export type AutomationSettingField = (typeof AUTOMATION_SETTING_FIELDS)[number];

/** The CHECK constraints of the configuration columns, named after `table`. */
function settingChecks(table: string): ClassDecorator {
  const checks = [
    Check(`${table}_frequency_check`, inList('frequency', AUTOMATION_FREQUENCIES)),
    ...Object.entries(AUTOMATION_RANGES).map(([column, { min, max }]) =>
      Check(`${table}_${column}_check`, `"${column}" BETWEEN ${min} AND ${max}`),
    ),
  ];
  return (target) => {
    for (const check of checks) check(target);
  };
}

// TypeScript requires mixin constructors to take `any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AbstractType<T = object> = abstract new (...args: any[]) => T;

/** The configuration columns with their defaults. */
function withSettingColumns<TBase extends AbstractType>(base: TBase) {
  abstract class SettingColumns extends base {
    /** Enables scheduled runs. */
    @Column({ type: 'boolean', default: false })
    is_enabled: boolean;

    @Column({ type: 'varchar', length: 16, default: 'daily' })
    frequency: AutomationFrequency;

    /** Local time in the account time zone (`HH:MM:SS` from the database); the scheduler uses the hour. */
    @Column({ type: 'time', default: '02:00:00' })
    scheduled_time: string;

    @Column({ type: 'integer', default: 20 })
    stage_1_batch_size: number;

    @Column({ type: 'integer', default: 1 })
    stage_2_batch_size: number;

    @Column({ type: 'integer', default: 20 })
    stage_3_batch_size: number;

    @Column({ type: 'integer', default: 1 })
    stage_4_batch_size: number;

    @Column({ type: 'integer', default: 1 })
    stage_5_batch_size: number;

    @Column({ type: 'integer', default: 1 })
    stage_6_batch_size: number;

    @Column({ type: 'integer', default: 3 })
    within_stage_delay: number;

    @Column({ type: 'integer', default: 5 })
    between_stage_delay: number;
  }
  return SettingColumns;
}

abstract class SingletonRow {
  @PrimaryColumn({ type: 'bigint', default: 1 })
  id: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

/**
 * DefaultAutomationConfig — `igny8_default_automation_config` (docs/domain-model.md#automation-settings), the
 * singleton `id = 1`: what new site configs copy, and what "reset to defaults" copies again.
 */
@Entity('igny8_default_automation_config')
@Check('igny8_default_automation_config_singleton_check', '"id" = 1')
@settingChecks('igny8_default_automation_config')
export class DefaultAutomationConfig extends withSettingColumns(SingletonRow) {}

/**
 * AutomationConfig — `igny8_automation_configs` (docs/domain-model.md#automation-settings): one per site,
 * created lazily.
 */
@Entity('igny8_automation_configs')
@settingChecks('igny8_automation_configs')
export class AutomationConfig extends withSettingColumns(TenantEntity) {
  @Index('igny8_automation_configs_site_id_uniq', { unique: true })
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  /** Start of the last run (any trigger). */
  @Column({ type: 'timestamptz', nullable: true })
  last_run_at: Date | null;

  /** Next scheduled start (docs/domain-model.md#automation-settings); null while scheduling is off. */
  @Column({ type: 'timestamptz', nullable: true })
  next_run_at: Date | null;

  /** Developer-only one-shot trigger (`check_test_triggers`). */
  @Column({ type: 'timestamptz', nullable: true })
  test_trigger_at: Date | null;
}
