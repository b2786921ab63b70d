import { Injectable } from '@nestjs/common';
import { type EntityManager, Not } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import { REQUIRED } from '../../../common/http/field-rule.js';
import { defineList, filter } from '../../../common/list/index.js';
import { ResourceDeps, ScopedResource } from '../../../common/tenancy/scoped-resource.js';
import { AuthorProfile } from '../entities/author-profile.entity.js';
import { pick } from './presenters.js';
import type { CreateAuthorProfileDto, UpdateAuthorProfileDto } from './dto/author-profile.dto.js';

export const AUTHOR_PROFILES_LIST = defineList({
  filters: {
    is_active: filter.boolean('ap.is_active'),
    is_default: filter.boolean('ap.is_default'),
    language: filter.string('ap.language'),
  },
  search: ['ap.name', 'ap.description'],
  ordering: {
    fields: { name: 'ap.name', created_at: 'ap.created_at', updated_at: 'ap.updated_at' },
    default: 'name',
  },
});

export const AUTHOR_PROFILE_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'name',
  'description',
  'tone',
  'writing_style',
  'target_audience',
  'language',
  'is_default',
  'is_active',
] as const satisfies readonly (keyof AuthorProfile)[];

export type AuthorProfileView = Pick<AuthorProfile, (typeof AUTHOR_PROFILE_FIELDS)[number]>;

/** Copies the fields present in `body` onto `row` (absent fields keep their value). */
export function assignDefined<T extends object>(row: T, body: Partial<T>): void {
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined) (row as Record<string, unknown>)[key] = value;
  }
}

export function presentAuthorProfile(row: AuthorProfile): AuthorProfileView {
  return pick(row, AUTHOR_PROFILE_FIELDS);
}

/**
 * `system/author-profiles/` (docs/system.md#author-profiles-and-strategies): the account's author
 * profiles. At most one is the default: marking one default clears the flag on the others in the
 * same transaction. Names are unique per account. Profiles are created in the caller's account.
 */
@Injectable()
export class AuthorProfilesService extends ScopedResource<AuthorProfile, AuthorProfileView> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: AuthorProfile,
      table: 'igny8_author_profiles',
      alias: 'ap',
      list: AUTHOR_PROFILES_LIST,
      present: (rows) => rows.map(presentAuthorProfile),
      uniques: {
        igny8_author_profiles_account_name_uniq: {
          field: 'name',
          message: 'An author profile with this name already exists.',
        },
        igny8_author_profiles_account_default_uniq: {
          field: 'is_default',
          message: 'Another default profile was set at the same time; try again.',
        },
      },
    });
  }

  create(body: CreateAuthorProfileDto): Promise<AuthorProfileView> {
    const accountId = this.deps.context.requirePrincipal().accountId;
    const row = this.deps.dataSource.manager.create(AuthorProfile, {
      account_id: accountId,
      description: '',
      tone: '',
      writing_style: '',
      target_audience: '',
      language: 'en',
      is_default: false,
      is_active: true,
    });
    return this.persist(row, body);
  }

  async update(
    id: number,
    body: UpdateAuthorProfileDto,
    { partial }: { partial: boolean },
  ): Promise<AuthorProfileView> {
    if (!partial && body.name === undefined) throw ApiError.field('name', REQUIRED);
    return this.persist(await this.find(id), body);
  }

  /** Author profiles are not soft-deletable: deleting one removes it. */
  override async remove(id: number): Promise<void> {
    const row = await this.find(id);
    await this.deps.dataSource.manager.delete(AuthorProfile, { id: row.id });
  }

  private persist(row: AuthorProfile, body: UpdateAuthorProfileDto): Promise<AuthorProfileView> {
    return this.transaction(async (manager) => {
      assignDefined(row, body);
      if (row.is_default) await this.clearOtherDefaults(manager, row);
      return presentAuthorProfile(await this.save(manager, row));
    });
  }

  /** The other profiles of the account lose the default flag (one default per account). */
  private async clearOtherDefaults(manager: EntityManager, row: AuthorProfile): Promise<void> {
    await manager.update(
      AuthorProfile,
      { account_id: row.account_id, is_default: true, ...(row.id ? { id: Not(row.id) } : {}) },
      { is_default: false },
    );
  }
}
