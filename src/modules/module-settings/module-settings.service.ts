import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { insertOrIgnore } from '../../common/tenancy/tenant-sql.js';
import { ApiError } from '../../common/http/error-codes.js';
import {
  MODULE_DEFAULTS,
  ModuleEnableSettings,
  type SwitchableModule,
} from './entities/module-enable-settings.entity.js';

export const MODULE_LABELS: Record<SwitchableModule, string> = { linker: 'Linker', optimizer: 'Optimizer' };

/** The 403 `module_disabled` of a module that is off for the caller's account. */
export function moduleDisabled(module: SwitchableModule): ApiError {
  return new ApiError(
    'module_disabled',
    `The ${MODULE_LABELS[module]} module is not enabled for this account.`,
  );
}

/** Why a task of a module that is off may not run (the AI engine's task refusal). */
export interface ModuleRefusal {
  error: string;
  code: 'module_disabled';
}

/** Changes to an account's flags: absent keeps. */
export type ModuleSettingsChanges = Partial<
  Pick<ModuleEnableSettings, 'linker_enabled' | 'optimizer_enabled'>
>;

/** ModuleEnableSettings as the API shows it. */
export interface ModuleSettingsView {
  linker_enabled: boolean;
  optimizer_enabled: boolean;
  updated_at: Date;
}

const FLAG: Record<SwitchableModule, 'linker_enabled' | 'optimizer_enabled'> = {
  linker: 'linker_enabled',
  optimizer: 'optimizer_enabled',
};

export function presentModuleSettings(row: ModuleEnableSettings): ModuleSettingsView {
  return {
    linker_enabled: row.linker_enabled,
    optimizer_enabled: row.optimizer_enabled,
    updated_at: row.updated_at,
  };
}

/**
 * Inserts the default flags of a new account (both modules off); a row that exists stays. Registration calls
 * it inside its own transaction.
 */
export async function createDefaultModuleSettings(manager: EntityManager, accountId: number): Promise<void> {
  await insertOrIgnore(manager, ModuleEnableSettings, { account_id: accountId, ...MODULE_DEFAULTS });
}

/**
 * The account's module flags (docs/module-settings.md): read by the module guard on every linker and
 * optimizer route, changed by owners and admins.
 */
@Injectable()
export class ModuleSettingsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether `module` is on for the account; an account without a row has the defaults (off). */
  async isEnabled(accountId: number, module: SwitchableModule): Promise<boolean> {
    const row = await this.dataSource.manager.findOne(ModuleEnableSettings, {
      select: { id: true, linker_enabled: true, optimizer_enabled: true },
      where: { account_id: accountId },
    });
    return row?.[FLAG[module]] ?? MODULE_DEFAULTS[FLAG[module]];
  }

  /**
   * For an AI task of a switchable module when it starts: the `module_disabled` failure when the account
   * switched the module off after the request, else null.
   */
  async refusal(accountId: number, module: SwitchableModule): Promise<ModuleRefusal | null> {
    if (await this.isEnabled(accountId, module)) return null;
    return { error: moduleDisabled(module).message, code: 'module_disabled' };
  }

  /** The account's row, created with the defaults the first time it is needed. */
  async forAccount(
    accountId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ModuleEnableSettings> {
    const existing = await manager.findOneBy(ModuleEnableSettings, { account_id: accountId });
    if (existing) return existing;
    await createDefaultModuleSettings(manager, accountId);
    return manager.findOneByOrFail(ModuleEnableSettings, { account_id: accountId });
  }

  update(accountId: number, changes: ModuleSettingsChanges): Promise<ModuleEnableSettings> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.forAccount(accountId, manager);
      if (changes.linker_enabled !== undefined) row.linker_enabled = changes.linker_enabled;
      if (changes.optimizer_enabled !== undefined) row.optimizer_enabled = changes.optimizer_enabled;
      return manager.save(ModuleEnableSettings, row);
    });
  }
}
