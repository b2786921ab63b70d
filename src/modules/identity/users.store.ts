import { Injectable } from '@nestjs/common';
import type { DeepPartial, EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import type { RefreshTokenRevokedReason } from './entities/refresh-token.entity.js';
import { SiteUserAccess } from './entities/site-user-access.entity.js';
import { User } from './entities/user.entity.js';
import { TokensStore } from './tokens.store.js';

/** The profile columns a user changes on its own row (`auth/me/`, password change and reset). */
export type OwnUserColumns = Partial<Pick<User, 'first_name' | 'last_name' | 'username' | 'password_hash'>>;

/**
 * The writes of users and their site grants. Every method runs in the caller's `manager` (its
 * transaction): inserts are stamped and checked by the tenant subscriber, raw statements go through
 * `tenantSql`, so each stays within the caller's tenant context.
 */
@Injectable()
export class UsersStore {
  constructor(
    private readonly context: TenantContext,
    private readonly softDeletes: SoftDeleteService,
    private readonly tokens: TokensStore,
  ) {}

  /** A new user. */
  create(manager: EntityManager, fields: DeepPartial<User>): Promise<User> {
    return manager.save(manager.create(User, fields));
  }

  /** Saves the changed columns of a loaded user. */
  save(manager: EntityManager, user: User): Promise<User> {
    return manager.save(User, user);
  }

  /** Sets columns of one user's own row. */
  async updateColumns(manager: EntityManager, userId: number, changes: OwnUserColumns): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    const sql = tenantSql(manager);
    const u = sql.table(User, 'u');
    const assignments = Object.entries(changes).map(
      ([column, value]) => sql.sql`${sql.identifier(column)} = ${value}`,
    );
    await sql.query`
      UPDATE ${u} SET ${sql.join(assignments, ', ')}, updated_at = now()
       WHERE ${u.scope} AND u.id = ${userId}`;
  }

  /** `last_login` of a user signing in. */
  async recordLogin(manager: EntityManager, userId: number): Promise<void> {
    const sql = tenantSql(manager);
    const u = sql.table(User, 'u');
    await sql.query`UPDATE ${u} SET last_login = now() WHERE ${u.scope} AND u.id = ${userId}`;
  }

  /** The site a user works in (`set_active`). */
  async setActiveSite(manager: EntityManager, userId: number, siteId: number): Promise<void> {
    await manager.update(User, { id: userId }, { active_site_id: siteId });
  }

  /**
   * Soft-deletes users (with what their deletion cascades to) and revokes their tokens in the same
   * transaction; the caller destroys their cookie sessions once it committed (SessionRevoker).
   */
  async softDelete(
    manager: EntityManager,
    userIds: number[],
    reason: RefreshTokenRevokedReason,
  ): Promise<number> {
    const deleted = await this.softDeletes.softDelete(manager, User, userIds, this.actorId());
    await this.tokens.revokeUserTokens(manager, userIds, reason);
    return deleted;
  }

  /** Site grants of one user (editors and viewers), given by `grantedBy`. */
  async grantSites(
    manager: EntityManager,
    userId: number,
    siteIds: readonly number[],
    grantedBy: number | null,
  ): Promise<void> {
    if (siteIds.length === 0) return;
    await manager.insert(
      SiteUserAccess,
      siteIds.map((site_id) => ({ user_id: userId, site_id, granted_by: grantedBy })),
    );
  }

  /** One site grant. */
  grantSite(
    manager: EntityManager,
    grant: Pick<SiteUserAccess, 'user_id' | 'site_id' | 'granted_by'>,
  ): Promise<SiteUserAccess> {
    return manager.save(manager.create(SiteUserAccess, grant));
  }

  /** Removes a grant (grants are hard-deleted). */
  async removeGrant(manager: EntityManager, grantId: number): Promise<void> {
    const sql = tenantSql(manager);
    const sa = sql.table(SiteUserAccess, 'sa');
    await sql.query`DELETE FROM ${sa} WHERE ${sa.scope} AND sa.id = ${grantId}`;
  }

  private actorId(): number | null {
    return this.context.principal?.userId ?? null;
  }
}
