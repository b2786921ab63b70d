import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionStore } from '../../common/auth/session-store.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { RefreshToken } from '../identity/entities/refresh-token.entity.js';
import { User } from '../identity/entities/user.entity.js';
import type { RefreshTokenRevokedReason } from '../identity/entities/refresh-token.entity.js';
import { REVOKE_ACCESS_TOKENS } from '../auth/refresh-tokens.service.js';

/**
 * "Revoking all sessions" of users: every refresh-token family revoked, every cookie session
 * destroyed, and the token version bumped (with `tokens_valid_after`) so earlier access tokens stop
 * working. The database part can join the caller's transaction (`revokeTokens`); cookie sessions
 * live in Redis or use their own connection, so they are destroyed once it has committed.
 */
@Injectable()
export class SessionRevoker {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionStore,
  ) {}

  /** Both parts, in order: tokens (one transaction), then the cookie sessions. */
  async revoke(userIds: readonly number[], reason: RefreshTokenRevokedReason): Promise<void> {
    await this.dataSource.transaction((manager) => this.revokeTokens(manager, userIds, reason));
    await this.destroySessions(userIds);
  }

  /** Refresh families and access tokens, inside `manager`'s transaction. */
  async revokeTokens(
    manager: EntityManager,
    userIds: readonly number[],
    reason: RefreshTokenRevokedReason,
  ): Promise<void> {
    if (userIds.length === 0) return;
    const sql = tenantSql(manager);
    const [t, u] = [sql.table(RefreshToken, 't'), sql.table(User, 'u')];
    await sql.query`
      UPDATE ${t} SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
       WHERE ${t.scope} AND t.user_id = ANY(${userIds}::bigint[]) AND t.revoked_at IS NULL`;
    await sql.query`
      UPDATE ${u} SET ${sql.constant(REVOKE_ACCESS_TOKENS)}, updated_at = now()
       WHERE ${u.scope} AND u.id = ANY(${userIds}::bigint[])`;
  }

  /** Every cookie session of these users; call after the revoking transaction committed. */
  async destroySessions(userIds: readonly number[]): Promise<void> {
    for (const userId of userIds) await this.sessions.destroyUser(userId);
  }
}
