import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Principal } from '../context/request-context.js';
import type { TenantContext } from '../context/tenant-context.service.js';
import { MissingTenantContextError } from '../context/tenant-context.service.js';

/** Which columns carry a resource's tenancy, as SQL on the query's main alias. */
export interface TenantShape {
  /** The account column (`k.account_id`; for accounts themselves `a.id`); null for global tables. */
  account: string | null;
  /** The site column for site-scoped rows (`k.site_id`; for sites themselves `s.id`). */
  site?: string;
  /** The soft-delete column, when the table has one. */
  deletedAt?: string;
}

export interface ScopeOptions {
  /** Read the trash (deleted rows) instead of live rows. */
  trash?: boolean;
  /** Cross-account callers may narrow to one account (`account_id` list parameter). */
  accountId?: number;
}

export const EDITOR_OR_VIEWER = new Set(['editor', 'viewer']);

/** Whether `principal` is limited to the sites granted to it (editors and viewers of a normal account). */
export function limitedToGrantedSites(principal: Principal): boolean {
  return !principal.bypassTenant && EDITOR_OR_VIEWER.has(principal.role) && principal.via !== 'api_key';
}

/** Binds a value as a query parameter and returns its placeholder (`:name` or `$n`). */
export type BindParameter = (name: string, value: unknown) => string;

/**
 * The caller's tenancy as SQL conditions on `shape`'s columns: its account (unless it bypasses
 * tenant filtering), its API-key site or its granted sites. Fails closed: no principal outside
 * `runAsSystem` throws.
 */
export function tenantConditions(
  context: TenantContext,
  shape: TenantShape,
  bind: BindParameter,
  options: ScopeOptions & { wholeAccount?: boolean } = {},
): string[] {
  const principal = context.principal;
  if (!principal) {
    if (context.isSystem) return [];
    throw new MissingTenantContextError();
  }
  const conditions: string[] = [];
  if (shape.account) {
    if (!principal.bypassTenant) {
      conditions.push(`${shape.account} = ${bind('tenant_account_id', principal.accountId)}`);
    } else if (options.accountId !== undefined) {
      conditions.push(`${shape.account} = ${bind('tenant_account_id', options.accountId)}`);
    }
  }
  if (shape.site && !options.wholeAccount) {
    if (principal.via === 'api_key') {
      conditions.push(`${shape.site} = ${bind('tenant_site_id', principal.siteId)}`);
    } else if (limitedToGrantedSites(principal)) {
      conditions.push(
        `${shape.site} IN (SELECT tenant_grant.site_id FROM igny8_site_user_access tenant_grant WHERE tenant_grant.user_id = ${bind('tenant_user_id', principal.userId)})`,
      );
    }
  }
  return conditions;
}

/** Adds the caller's tenancy (`tenantConditions`) and live or trashed rows to `qb`. */
export function applyTenantScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  context: TenantContext,
  shape: TenantShape,
  options: ScopeOptions = {},
): SelectQueryBuilder<T> {
  if (shape.deletedAt) qb.andWhere(`${shape.deletedAt} ${options.trash ? 'IS NOT NULL' : 'IS NULL'}`);
  const bind: BindParameter = (name, value) => {
    qb.setParameter(name, value);
    return `:${name}`;
  };
  for (const condition of tenantConditions(context, shape, bind, options)) qb.andWhere(condition);
  return qb;
}
