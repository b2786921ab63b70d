import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, type RawQuery } from '../../common/list/index.js';
import { queryValue } from '../../common/list/list-query.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { globalQuery, tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { Industry } from '../catalogue/entities/industry.entity.js';
import { PLATFORM_TYPES, Site } from '../identity/entities/site.entity.js';
import { User } from '../identity/entities/user.entity.js';
import { SitesStore } from '../identity/sites.store.js';
import { UsersStore } from '../identity/users.store.js';
import type { CreateSiteDto, UpdateSiteDto } from './dto/site.dto.js';
import { REQUIRED } from '../../common/http/field-rule.js';
import { assertWithinPlanLimit, lockPlanLimit } from './plan-limits.js';
import { presentPublicSite, presentSite, type PublicSiteView, type SiteView } from './presenters.js';
import { uniqueSiteSlug } from './site-slug.js';
import { activeIndustry, liveSectorCount, lockSite, sectorsIn, sitesIn } from './site-scope.js';
import { newSiteKey } from './site-keys.js';

export const SITES_LIST = defineList({
  filters: {
    is_active: filter.boolean('s.is_active'),
    platform_type: filter.enum('s.platform_type', PLATFORM_TYPES),
    industry_id: filter.relation('s.industry_id'),
  },
  search: ['s.name', 's.domain'],
  ordering: { fields: { name: 's.name', created_at: 's.created_at' }, default: '-created_at' },
});

/** The anonymous slug lookup: no filters, pages as usual. */
const PUBLIC_LOOKUP_LIST = defineList({ filters: {}, ordering: { fields: { id: 's.id' }, default: 'id' } });

const SLUG_INDEX = 'igny8_sites_slug_uniq';
const SLUG_ATTEMPTS = 3;

export type CreatedSiteView = SiteView & { api_key: string };

export interface RegeneratedKeyView {
  site_id: number;
  api_key: string;
  api_key_last4: string;
  api_key_created_at: Date;
}

/** `https://example.com/` → `https://example.com`; empty → null. */
export function normalizeDomain(domain: string | null): string | null {
  if (domain === null) return null;
  const trimmed = domain.trim().replace(/\/+$/, '');
  return trimmed === '' ? null : trimmed;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: name } = error as { code?: string; constraint?: string };
  return code === '23505' && name === constraint;
}

/**
 * `auth/sites/`: scoped CRUD with trash, the plan's `max_sites`, the API key
 * issued with the site, the anonymous lookup by slug and `set_active` / `regenerate_api_key`.
 */
@Injectable()
export class SitesService extends ScopedResource<Site, SiteView> {
  constructor(
    deps: ResourceDeps,
    private readonly config: AppConfig,
    private readonly store: SitesStore,
    private readonly users: UsersStore,
  ) {
    super(deps, {
      entity: Site,
      table: 'igny8_sites',
      alias: 's',
      list: SITES_LIST,
      present: (rows) => this.presentRows(rows),
      uniques: { [SLUG_INDEX]: { field: 'name', message: 'A site with this slug already exists.' } },
    });
  }

  /** Anonymous `GET auth/sites/?slug=`: at most one active site, four fields. */
  publicLookup(raw: RawQuery, request: FastifyRequest): Promise<Paginated<PublicSiteView>> {
    const slug = queryValue(raw, 'slug');
    if (typeof slug !== 'string' || slug === '') throw new ApiError('authentication_required');
    return this.deps.context.runAsSystem('public site lookup by slug', () =>
      this.deps.lists.list(
        this.repo.query().andWhere('s.slug = :public_slug AND s.is_active = true', { public_slug: slug }),
        PUBLIC_LOOKUP_LIST,
        raw,
        request,
        async (qb) => (await qb.getMany()).map(presentPublicSite),
      ),
    );
  }

  async create(body: CreateSiteDto): Promise<CreatedSiteView> {
    const principal = this.deps.context.requirePrincipal();
    const manager = this.deps.dataSource.manager;
    if (body.industry_id != null) await activeIndustry(manager, 'industry_id', { id: body.industry_id });
    const key = newSiteKey(this.config.encryptionKey);
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await this.transaction(async (tx) => {
          await this.assertSiteLimit(tx, principal.accountId);
          const name = body.name.trim();
          const site = await this.store.createSite(tx, {
            name,
            slug: await uniqueSiteSlug(tx, this.deps.context, name),
            domain: normalizeDomain(body.domain ?? null),
            description: body.description ?? '',
            industry_id: body.industry_id ?? null,
            site_type: body.site_type ?? 'blog',
            hosting_type: body.hosting_type ?? 'wordpress',
            platform_type: body.platform_type ?? 'wordpress',
            is_active: body.is_active ?? true,
            ...key.columns,
          });
          return site.id;
        });
        return { ...(await this.get(id)), api_key: key.value };
      } catch (error) {
        if (isUniqueViolation(error, SLUG_INDEX) && attempt < SLUG_ATTEMPTS) continue;
        throw this.uniqueClash(error) ?? error;
      }
    }
  }

  async update(id: number, body: UpdateSiteDto, { partial }: { partial: boolean }): Promise<SiteView> {
    if (!partial && body.name === undefined) throw ApiError.field('name', REQUIRED);
    const site = await this.find(id);
    const industryChanges = body.industry_id !== undefined && body.industry_id !== site.industry_id;
    if (industryChanges && body.industry_id !== null) {
      await activeIndustry(this.deps.dataSource.manager, 'industry_id', { id: body.industry_id! });
    }
    await this.transaction(async (tx) => {
      if (industryChanges) {
        await lockSite(tx, id);
        if ((await liveSectorCount(tx, id)) > 0) {
          throw ApiError.field('industry_id', 'The industry cannot be changed while the site has sectors.');
        }
        site.industry_id = body.industry_id!;
      }
      if (body.name !== undefined) site.name = body.name.trim();
      if (body.domain !== undefined) site.domain = normalizeDomain(body.domain);
      if (body.description !== undefined) site.description = body.description;
      if (body.site_type !== undefined) site.site_type = body.site_type;
      if (body.hosting_type !== undefined) site.hosting_type = body.hosting_type;
      if (body.platform_type !== undefined) site.platform_type = body.platform_type;
      if (body.is_active !== undefined) site.is_active = body.is_active;
      await this.clashesReported(this.store.saveSite(tx, site));
    });
    return this.get(id);
  }

  /** Sets the caller's `active_site_id`. */
  async setActive(id: number): Promise<SiteView> {
    const principal = this.deps.context.requirePrincipal();
    await this.find(id);
    if (principal.userId === null) throw new ApiError('permission_denied');
    await this.users.setActiveSite(this.deps.dataSource.manager, principal.userId, id);
    return this.get(id);
  }

  /** A new key replaces the old one at once: authentication looks keys up by hash on every request. */
  async regenerateApiKey(id: number): Promise<RegeneratedKeyView> {
    await this.find(id);
    const key = newSiteKey(this.config.encryptionKey);
    await this.transaction(async (tx) => {
      await lockSite(tx, id);
      await this.store.replaceApiKey(tx, id, key.columns);
    });
    return {
      site_id: id,
      api_key: key.value,
      api_key_last4: key.columns.api_key_last4!,
      api_key_created_at: key.columns.api_key_created_at!,
    };
  }

  protected override async beforeRestore(manager: EntityManager, row: Site): Promise<void> {
    await this.assertSiteLimit(manager, row.account_id);
  }

  /**
   * `max_sites` counts the live sites of the account (docs/domain-model.md#plans-subscriptions-and-limits).
   */
  private async assertSiteLimit(manager: EntityManager, accountId: number): Promise<void> {
    const max = await lockPlanLimit(manager, accountId, 'max_sites');
    if (max === null) return;
    const current = await sitesIn(manager, { accountId })
      .andWhere('s.account_id = :limit_account_id', { limit_account_id: accountId })
      .getCount();
    assertWithinPlanLimit('max_sites', max, current, 1);
  }

  /** Computed fields for a page: two lookups plus the caller's active site, whatever the page size. */
  private async presentRows(rows: Site[]): Promise<SiteView[]> {
    if (rows.length === 0) return [];
    const manager = this.deps.dataSource.manager;
    const industryIds = [...new Set(rows.map((row) => row.industry_id).filter((id) => id !== null))];
    const industries = industryIds.length
      ? await globalQuery(manager, Industry, 'i')
          .where('i.id IN (:...industry_ids)', { industry_ids: industryIds })
          .getMany()
      : [];
    const counts = await sectorsIn(manager)
      .select('x.site_id', 'site_id')
      .addSelect('COUNT(*)', 'count')
      .andWhere('x.site_id IN (:...count_site_ids)', { count_site_ids: rows.map((row) => row.id) })
      .groupBy('x.site_id')
      .getRawMany<{ site_id: number; count: string | number }>();
    const activeSiteId = await this.callerActiveSiteId();
    const industryById = new Map(industries.map((industry) => [industry.id, industry]));
    const countBySite = new Map(counts.map((row) => [Number(row.site_id), Number(row.count)]));
    return rows.map((row) => {
      const industry = row.industry_id === null ? undefined : industryById.get(row.industry_id);
      return presentSite(row, {
        industry_name: industry?.name ?? null,
        industry_slug: industry?.slug ?? null,
        sectors_count: countBySite.get(row.id) ?? 0,
        has_api_key: row.wp_api_key_hash !== null,
        is_active_site: activeSiteId !== null && activeSiteId === row.id,
      });
    });
  }

  /** The caller's own `active_site_id` (API keys have none). */
  private async callerActiveSiteId(): Promise<number | null> {
    const userId = this.deps.context.principal?.userId;
    if (!userId) return null;
    const row = await tenantQuery(this.deps.dataSource.manager, User, 'u')
      .select('u.active_site_id', 'active_site_id')
      .andWhere('u.id = :user_id', { user_id: userId })
      .getRawOne<{ active_site_id: number | null }>();
    return row?.active_site_id ?? null;
  }
}
