import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { invalidReference } from '../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { ACCOUNT_STATUSES, Account } from '../identity/entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { type AccountView, presentAccount } from '../auth/presenters.js';
import { uniqueAccountSlug } from '../identity/unique-names.js';
import { AccountsStore } from '../identity/accounts.store.js';
import { SessionRevoker } from '../identity/session-revoker.js';
import {
  type AccountSettingsDto,
  canonicalTimeZone,
  type CreateAccountDto,
  type UpdateAccountDto,
} from './accounts.dto.js';
import { plansById } from './plans-by-id.js';

export const ACCOUNTS_LIST = defineList({
  filters: {
    status: filter.enum('a.status', ACCOUNT_STATUSES),
    plan_id: filter.relation('a.plan_id'),
  },
  search: ['a.name', 'a.slug'],
  ordering: {
    fields: { name: 'LOWER(a.name)', slug: 'a.slug', created_at: 'a.created_at' },
    default: '-created_at',
  },
});

const SLUG_ATTEMPTS = 3;

/** Accounts with their `plan {id, name, slug}`: one query for the plans of a whole page. */
async function presentAccounts(dataSource: DataSource, rows: Account[]): Promise<AccountView[]> {
  const plans = await plansById(dataSource, rows);
  return rows.map((row) => presentAccount(row, plans.get(row.plan_id)));
}

function blankName(): ApiError {
  return ApiError.field('name', 'This field may not be blank.');
}

/**
 * Accounts: the caller's own (`auth/account/`, `account/settings/`) and, for developers, all of them
 * (`auth/accounts/`, where the scope `a.id` makes every other caller see only its own). Deleting
 * an account soft-deletes its users and sites with it and revokes every session of its users;
 * system accounts cannot be deleted (403 `system_account_protected`).
 */
@Injectable()
export class AccountsService extends ScopedResource<Account, AccountView> {
  constructor(
    deps: ResourceDeps,
    private readonly revoker: SessionRevoker,
    private readonly store: AccountsStore,
  ) {
    super(deps, {
      entity: Account,
      table: 'igny8_accounts',
      alias: 'a',
      list: ACCOUNTS_LIST,
      present: (rows) => presentAccounts(deps.dataSource, rows),
      uniques: {
        igny8_accounts_slug_uniq: { field: 'name', message: 'An account with this slug already exists.' },
      },
    });
  }

  /** The caller's own account. */
  getOwn(): Promise<AccountView> {
    return this.get(this.deps.context.requirePrincipal().accountId);
  }

  async updateOwn(body: AccountSettingsDto): Promise<AccountView> {
    const account = await this.find(this.deps.context.requirePrincipal().accountId);
    if (typeof body.name === 'string') {
      if (body.name.trim() === '') throw blankName();
      account.name = body.name.trim();
    }
    if (typeof body.account_timezone === 'string') {
      account.account_timezone = canonicalTimeZone(body.account_timezone) ?? account.account_timezone;
    }
    if (body.billing_email !== undefined)
      account.billing_email = body.billing_email?.trim().toLowerCase() || null;
    if (body.billing_country !== undefined)
      account.billing_country = body.billing_country?.toUpperCase() || null;
    const texts = [
      'billing_address_line1',
      'billing_address_line2',
      'billing_city',
      'billing_state',
      'billing_postal_code',
      'tax_id',
    ] as const;
    for (const field of texts) {
      const value = body[field];
      if (typeof value === 'string') account[field] = value.trim();
    }
    await this.transaction((manager) => this.clashesReported(this.store.save(manager, account)));
    return this.get(account.id);
  }

  /** `DELETE auth/account/` (owner): the caller's own account. */
  removeOwn(): Promise<void> {
    return this.remove(this.deps.context.requirePrincipal().accountId);
  }

  /** `POST auth/accounts/`: slug from the name, like registration (never a reserved slug). */
  async create(body: CreateAccountDto): Promise<AccountView> {
    const name = body.name.trim();
    if (name === '') throw blankName();
    const plan = await this.deps.dataSource.manager.findOneBy(Plan, { slug: body.plan_slug.trim() });
    if (!plan) throw ApiError.field('plan_slug', `Object with slug=${body.plan_slug} does not exist.`);
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await this.transaction(async (manager) => {
          const account = await this.store.create(manager, {
            name,
            slug: await uniqueAccountSlug(manager, name),
            plan_id: plan.id,
            ...(body.status ? { status: body.status } : {}),
          });
          return account.id;
        });
        return await this.get(id);
      } catch (error) {
        // A concurrent creation took the same slug: pick the next one.
        const clash = (error as { constraint?: string }).constraint === 'igny8_accounts_slug_uniq';
        if (!clash || attempt >= SLUG_ATTEMPTS) throw this.uniqueClash(error) ?? error;
      }
    }
  }

  /** `PUT/PATCH auth/accounts/{id}/`: a plan change also moves the live subscription. */
  async update(id: number, body: UpdateAccountDto): Promise<AccountView> {
    const account = await this.find(id);
    if (typeof body.name === 'string') {
      if (body.name.trim() === '') throw blankName();
      account.name = body.name.trim();
    }
    if (body.status) account.status = body.status;
    if (typeof body.is_active === 'boolean') account.is_active = body.is_active;
    if (typeof body.account_timezone === 'string') {
      account.account_timezone = canonicalTimeZone(body.account_timezone) ?? account.account_timezone;
    }
    const planChanged = typeof body.plan_id === 'number' && body.plan_id !== account.plan_id;
    if (planChanged) {
      const plan = await this.deps.dataSource.manager.findOneBy(Plan, { id: body.plan_id });
      if (!plan) throw ApiError.field('plan_id', invalidReference(body.plan_id));
      if (account.is_system && plan.slug !== 'internal') {
        throw ApiError.field('plan_id', 'System accounts always use the internal plan.');
      }
      account.plan_id = plan.id;
    }
    await this.transaction(async (manager) => {
      await this.clashesReported(this.store.save(manager, account));
      if (planChanged) await this.store.moveSubscriptionsToPlan(manager, account.id, account.plan_id);
    });
    return this.get(account.id);
  }

  /** Soft delete with its users and sites; every session of its users is revoked at once. */
  override async remove(id: number): Promise<void> {
    const account = await this.find(id);
    if (account.is_system) {
      throw new ApiError('system_account_protected', 'System accounts cannot be deleted.');
    }
    const userIds = await this.transaction((manager) => this.store.softDelete(manager, account.id));
    await this.revoker.destroySessions(userIds);
  }
}
