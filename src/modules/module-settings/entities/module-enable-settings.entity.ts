import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { type ReferencedRow, TimestampedEntity } from '../../../database/base-entities.js';

/** The account modules that can be switched on and off (docs/module-settings.md). */
export const SWITCHABLE_MODULES = ['linker', 'optimizer'] as const;
export type SwitchableModule = (typeof SWITCHABLE_MODULES)[number];

/** A new account's flags, and those of an account without a row: both modules off. */
export const MODULE_DEFAULTS = { linker_enabled: false, optimizer_enabled: false } as const;

/**
 * ModuleEnableSettings — `igny8_module_enable_settings` (docs/module-settings.md): one row per account,
 * created at signup (and lazily for an account without one).
 */
@Entity('igny8_module_enable_settings')
export class ModuleEnableSettings extends TimestampedEntity {
  @Index('igny8_module_enable_settings_account_id_uniq', { unique: true })
  @Column({ type: 'bigint' })
  account_id: number;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: ReferencedRow;

  @Column({ type: 'boolean', default: MODULE_DEFAULTS.linker_enabled })
  linker_enabled: boolean;

  @Column({ type: 'boolean', default: MODULE_DEFAULTS.optimizer_enabled })
  optimizer_enabled: boolean;
}
