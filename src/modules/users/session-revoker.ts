import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionStore } from '../../common/auth/session-store.js';
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
    await manager.query(
      `UPDATE igny8_refresh_tokens SET revoked_at = now(), revoked_reason = $2, updated_at = now()
        WHERE user_id = ANY($1::bigint[]) AND revoked_at IS NULL`,
      [userIds, reason],
    );
    await manager.query(
      `UPDATE igny8_users SET ${REVOKE_ACCESS_TOKENS}, updated_at = now() WHERE id = ANY($1::bigint[])`,
      [userIds],
    );
  }

  /** Every cookie session of these users; call after the revoking transaction committed. */
  async destroySessions(userIds: readonly number[]): Promise<void> {
    for (const userId of userIds) await this.sessions.destroyUser(userId);
  }
}
