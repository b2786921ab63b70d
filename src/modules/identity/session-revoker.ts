import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionStore } from '../../common/auth/session-store.js';
import type { RefreshTokenRevokedReason } from './entities/refresh-token.entity.js';
import { TokensStore } from './tokens.store.js';

/**
 * "Revoking all sessions" of users (logout everywhere, password change or reset, a deactivated or
 * deleted user, a deleted account): every refresh-token family revoked, every cookie session destroyed,
 * and the token version bumped so earlier access tokens stop working. The database part can join the
 * caller's transaction (`revokeTokens`); cookie sessions live in Redis or use their own connection, so
 * they are destroyed once it has committed (`destroySessions`).
 */
@Injectable()
export class SessionRevoker {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionStore,
    private readonly tokens: TokensStore,
  ) {}

  /** Both parts, in order: tokens (one transaction), then the cookie sessions. Returns the new token versions. */
  async revoke(userIds: readonly number[], reason: RefreshTokenRevokedReason): Promise<Map<number, number>> {
    const versions = await this.dataSource.transaction((manager) =>
      this.revokeTokens(manager, userIds, reason),
    );
    await this.destroySessions(userIds);
    return versions;
  }

  /** Refresh families and access tokens, inside `manager`'s transaction; the new token version of each user. */
  revokeTokens(
    manager: EntityManager,
    userIds: readonly number[],
    reason: RefreshTokenRevokedReason,
  ): Promise<Map<number, number>> {
    return this.tokens.revokeUserTokens(manager, userIds, reason);
  }

  /** Every cookie session of these users; call after the revoking transaction committed. */
  async destroySessions(userIds: readonly number[]): Promise<void> {
    for (const userId of userIds) await this.sessions.destroyUser(userId);
  }

  /** One login ends: its refresh family is revoked and the cookie sessions bound to it destroyed. */
  async revokeFamily(familyId: string, reason: RefreshTokenRevokedReason): Promise<void> {
    await this.tokens.revokeFamily(this.dataSource.manager, familyId, reason);
    await this.sessions.destroyFamily(familyId);
  }
}
