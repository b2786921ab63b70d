import { Injectable } from '@nestjs/common';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { EDITOR_OR_VIEWER, type ScopeOptions } from '../../common/tenancy/tenant-scope.js';
import { SiteUserAccess } from '../identity/entities/site-user-access.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import { User } from '../identity/entities/user.entity.js';
import { UsersStore } from '../identity/users.store.js';
import type { CreateSiteAccessDto } from './users.dto.js';

export interface SiteAccessView {
  id: number;
  user_id: number;
  site_id: number;
  granted_by: number | null;
  created_at: Date;
  user_email: string;
  site_name: string;
}

const DUPLICATE = 'This user already has access to this site.';

export const SITE_ACCESS_LIST = defineList({
  filters: {
    user_id: filter.relation('sa.user_id'),
    site_id: filter.relation('sa.site_id'),
  },
  ordering: { fields: { created_at: 'sa.created_at' }, default: '-created_at' },
});

/**
 * `auth/site-access/` (docs/tenancy.md#who-sees-what). A grant has no account column of its own: it
 * is scoped through its site and user (both live, joined in every read), so a grant whose site or
 * user is deleted or foreign is invisible. Grants go to editors and viewers only; DELETE is hard.
 */
@Injectable()
export class SiteAccessService extends ScopedResource<SiteUserAccess, SiteAccessView> {
  private readonly users: ScopedRepository<User>;
  private readonly sites: ScopedRepository<Site>;

  constructor(
    deps: ResourceDeps,
    scoped: ScopedRepositories,
    private readonly store: UsersStore,
  ) {
    super(deps, {
      entity: SiteUserAccess,
      table: 'igny8_site_user_access',
      alias: 'sa',
      shape: { account: 'sa_site.account_id', site: 'sa.site_id' },
      list: SITE_ACCESS_LIST,
      present: (rows) => presentGrants(deps.dataSource, rows),
      uniques: {
        igny8_site_user_access_user_id_site_id_uniq: { field: 'non_field_errors', message: DUPLICATE },
      },
    });
    this.users = scoped.for(User, 'u');
    this.sites = scoped.for(Site, 's');
  }

  protected override query(options: ScopeOptions = {}): SelectQueryBuilder<SiteUserAccess> {
    return super
      .query(options)
      .innerJoin(Site, 'sa_site', 'sa_site.id = sa.site_id AND sa_site.deleted_at IS NULL')
      .innerJoin(User, 'sa_user', 'sa_user.id = sa.user_id AND sa_user.deleted_at IS NULL');
  }

  /** The visible grant (404 otherwise); the joins above decide visibility, so not `repo.getVisible`. */
  override async find(id: number, options: ScopeOptions = {}): Promise<SiteUserAccess> {
    const row = await this.query(options).andWhere('sa.id = :grant_id', { grant_id: id }).getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async create(body: CreateSiteAccessDto): Promise<SiteAccessView> {
    const principal = this.deps.context.requirePrincipal();
    const user = await this.users.reference('user_id', body.user_id);
    const site = await this.sites.reference('site_id', body.site_id);
    if (!EDITOR_OR_VIEWER.has(user.role) || user.is_superuser) {
      throw ApiError.field('user_id', 'Site access can only be granted to editors and viewers.');
    }
    if (user.account_id !== site.account_id) {
      throw ApiError.field('site_id', 'The site and the user must belong to the same account.');
    }
    const id = await this.transaction(async (manager) => {
      const sql = tenantSql(manager);
      const sa = sql.table(SiteUserAccess, 'sa');
      const existing = await sql.query<unknown[]>`
        SELECT 1 FROM ${sa} WHERE ${sa.scope} AND sa.user_id = ${user.id} AND sa.site_id = ${site.id}`;
      if (existing.length > 0) throw ApiError.field('non_field_errors', DUPLICATE);
      const saved = await this.clashesReported(
        this.store.grantSite(manager, { user_id: user.id, site_id: site.id, granted_by: principal.userId }),
      );
      return saved.id;
    });
    return this.get(id);
  }

  /** Grants are not soft-deletable: DELETE removes the row. */
  override async remove(id: number): Promise<void> {
    const grant = await this.find(id);
    await this.store.removeGrant(this.deps.dataSource.manager, grant.id);
  }
}

/** `user_email` and `site_name` for a whole page in one query. */
async function presentGrants(dataSource: DataSource, rows: SiteUserAccess[]): Promise<SiteAccessView[]> {
  if (rows.length === 0) return [];
  const sql = tenantSql(dataSource.manager);
  const [sa, u, s] = [
    sql.table(SiteUserAccess, 'sa'),
    sql.table(User, 'u'),
    sql.table(Site, 's', { wholeAccount: true }),
  ];
  const labels = await sql.query<{ id: number; user_email: string; site_name: string }[]>`
    SELECT sa.id, u.email AS user_email, s.name AS site_name
      FROM ${sa}
      JOIN ${u} ON u.id = sa.user_id AND ${u.scope}
      JOIN ${s} ON s.id = sa.site_id AND ${s.scope}
     WHERE ${sa.scope} AND sa.id = ANY(${rows.map((row) => row.id)}::bigint[])`;
  const byId = new Map(labels.map((label) => [Number(label.id), label]));
  return rows.map((row) => ({
    id: row.id,
    user_id: row.user_id,
    site_id: row.site_id,
    granted_by: row.granted_by,
    created_at: row.created_at,
    user_email: byId.get(row.id)?.user_email ?? '',
    site_name: byId.get(row.id)?.site_name ?? '',
  }));
}
