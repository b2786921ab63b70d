import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { globalQuery, tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { SETTING_KEY } from './dto/settings.dto.js';
import { AccountSetting, SystemSetting, UserSetting } from './entities/key-value-settings.entity.js';

export type SettingScope = 'system' | 'account' | 'user';

export interface SettingView {
  key: string;
  value: unknown;
  updated_at: Date;
}

export interface SystemSettingView extends SettingView {
  description: string;
}

export interface EffectiveSettingView {
  key: string;
  value: unknown;
  source: SettingScope;
}

const UNIQUE_VIOLATION = '23505';

const present = ({ key, value, updated_at }: SettingView): SettingView => ({ key, value, updated_at });

const presentSystem = (row: SystemSetting): SystemSettingView => ({
  ...present(row),
  description: row.description,
});

/** A key in a path: readable keys only; anything else is no setting (404). */
function readableKey(key: string): string {
  if (!SETTING_KEY.test(key)) throw ApiError.notFound();
  return key;
}

/** A key to write: 400 on `key` when it does not match the key pattern. */
function writableKey(key: string): string {
  if (!SETTING_KEY.test(key)) {
    throw ApiError.field('key', 'Use 1 to 100 characters: lowercase letters, digits, ".", "_" or "-".');
  }
  return key;
}

/**
 * Key/value settings (docs/system.md) at three levels: system (global, developers write), account
 * (the caller's account, admins write) and user (the caller's own). The effective value of a key is
 * the user's, else the account's, else the system's. Account and user settings always act on the
 * caller's own account and user, developers included.
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {}

  async listSystem(): Promise<SystemSettingView[]> {
    const rows = await globalQuery(this.manager, SystemSetting, 's').orderBy('s.key', 'ASC').getMany();
    return rows.map(presentSystem);
  }

  async getSystem(key: string): Promise<SystemSettingView> {
    const row = await this.systemRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    return presentSystem(row);
  }

  putSystem(key: string, value: unknown, description?: string): Promise<SystemSettingView> {
    writableKey(key);
    const userId = this.context.requirePrincipal().userId;
    return this.upsert(async (manager) => {
      const row =
        (await this.systemRow(manager, key)) ?? manager.create(SystemSetting, { key, description: '' });
      row.value = value;
      if (description !== undefined) row.description = description;
      row.updated_by = userId;
      return presentSystem(await manager.save(SystemSetting, row));
    });
  }

  async deleteSystem(key: string): Promise<void> {
    const row = await this.systemRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    await this.manager.delete(SystemSetting, { id: row.id });
  }

  async listAccount(): Promise<SettingView[]> {
    const rows = await this.accountRows(this.manager).orderBy('s.key', 'ASC').getMany();
    return rows.map(present);
  }

  async getAccount(key: string): Promise<SettingView> {
    const row = await this.accountRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    return present(row);
  }

  putAccount(key: string, value: unknown): Promise<SettingView> {
    writableKey(key);
    const accountId = this.context.requirePrincipal().accountId;
    return this.upsert(async (manager) => {
      const row =
        (await this.accountRow(manager, key)) ??
        manager.create(AccountSetting, { account_id: accountId, key });
      row.value = value;
      return present(await manager.save(AccountSetting, row));
    });
  }

  async deleteAccount(key: string): Promise<void> {
    const row = await this.accountRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    await this.manager.delete(AccountSetting, { id: row.id });
  }

  async listUser(): Promise<SettingView[]> {
    const rows = await this.userRows(this.manager).orderBy('s.key', 'ASC').getMany();
    return rows.map(present);
  }

  async getUser(key: string): Promise<SettingView> {
    const row = await this.userRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    return present(row);
  }

  putUser(key: string, value: unknown): Promise<SettingView> {
    writableKey(key);
    const { accountId, userId } = this.requireUser();
    return this.upsert(async (manager) => {
      const row =
        (await this.userRow(manager, key)) ??
        manager.create(UserSetting, { account_id: accountId, user_id: userId, key });
      row.value = value;
      return present(await manager.save(UserSetting, row));
    });
  }

  async deleteUser(key: string): Promise<void> {
    const row = await this.userRow(this.manager, readableKey(key));
    if (!row) throw ApiError.notFound();
    await this.manager.delete(UserSetting, { id: row.id });
  }

  /** The caller's value of `key`: user → account → system; 404 when none is set. */
  async effective(key: string): Promise<EffectiveSettingView> {
    readableKey(key);
    const manager = this.manager;
    const user = await this.userRow(manager, key);
    if (user) return { key, value: user.value, source: 'user' };
    const account = await this.accountRow(manager, key);
    if (account) return { key, value: account.value, source: 'account' };
    const system = await this.systemRow(manager, key);
    if (system) return { key, value: system.value, source: 'system' };
    throw ApiError.notFound();
  }

  private get manager(): EntityManager {
    return this.dataSource.manager;
  }

  private requireUser(): { accountId: number; userId: number } {
    const { accountId, userId } = this.context.requirePrincipal();
    if (userId === null) throw ApiError.notFound();
    return { accountId, userId };
  }

  private systemRow(manager: EntityManager, key: string): Promise<SystemSetting | null> {
    return globalQuery(manager, SystemSetting, 's').where('s.key = :key', { key }).getOne();
  }

  /** The caller's own account's rows (developers and system-account users included). */
  private accountRows(manager: EntityManager) {
    const accountId = this.context.requirePrincipal().accountId;
    return tenantQuery(manager, AccountSetting, 's').andWhere('s.account_id = :own_account', {
      own_account: accountId,
    });
  }

  private accountRow(manager: EntityManager, key: string): Promise<AccountSetting | null> {
    return this.accountRows(manager).andWhere('s.key = :key', { key }).getOne();
  }

  private userRows(manager: EntityManager) {
    const { accountId, userId } = this.requireUser();
    return tenantQuery(manager, UserSetting, 's').andWhere(
      's.account_id = :own_account AND s.user_id = :own_user',
      { own_account: accountId, own_user: userId },
    );
  }

  private userRow(manager: EntityManager, key: string): Promise<UserSetting | null> {
    return this.userRows(manager).andWhere('s.key = :key', { key }).getOne();
  }

  /** Read-then-write in a transaction; a concurrent insert of the same key makes the retry an update. */
  private async upsert<R>(write: (manager: EntityManager) => Promise<R>): Promise<R> {
    try {
      return await this.dataSource.transaction(write);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.dataSource.transaction(write);
    }
  }
}
