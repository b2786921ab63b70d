import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { IdentityLookup } from '../../common/auth/identity-lookup.js';
import { SessionStore } from '../../common/auth/session-store.js';
import { type TokenPair, TokenService } from '../../common/auth/token.service.js';
import type { Role } from '../../common/context/request-context.js';
import { ApiError } from '../../common/http/error-codes.js';
import { RefreshToken, type RefreshTokenRevokedReason } from '../identity/entities/refresh-token.entity.js';

/** Where a login or refresh came from (stored with the refresh token and the session). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string;
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ? request.ip.slice(0, 45) : null, userAgent: (agent ?? '').slice(0, 500) };
}

/** What a token is issued for. */
export interface TokenSubject {
  id: number;
  account_id: number;
  role: Role;
  token_version: number;
}

/** The `igny8_users` assignments that make every access token issued so far invalid. */
export const REVOKE_ACCESS_TOKENS =
  "tokens_valid_after = date_trunc('second', now()), token_version = token_version + 1";

function tokenInvalid(): ApiError {
  return new ApiError('token_invalid', 'Given token not valid for any token type.');
}

interface TokenState {
  user_id: number;
  family_id: string;
  used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}

/**
 * Refresh-token families (docs/domain-model.md#tokens-and-sessions): issuing, rotation with reuse detection,
 * and revocation. Rotation marks the presented token used with one conditional UPDATE
 * (`… WHERE used_at IS NULL`), so of several parallel refreshes with the same token at most one succeeds; the
 * others see a used token, which is a reuse, and the whole family is revoked.
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly sessions: SessionStore,
    private readonly identities: IdentityLookup,
  ) {}

  /** A new access + refresh pair; a new family unless `familyId` is given. Stores the refresh row. */
  async issuePair(
    subject: TokenSubject,
    client: ClientInfo,
    familyId?: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ pair: TokenPair; familyId: string }> {
    const refresh = this.tokens.issueRefresh(subject.id, familyId);
    await manager.getRepository(RefreshToken).insert({
      user_id: subject.id,
      jti: refresh.jti,
      family_id: refresh.familyId,
      expires_at: refresh.expiresAt,
      ip_address: client.ip,
      user_agent: client.userAgent,
    });
    const access = this.tokens.issueAccess(subject);
    return {
      familyId: refresh.familyId,
      pair: {
        access: access.token,
        refresh: refresh.token,
        access_expires_at: access.expiresAt.toISOString(),
        refresh_expires_at: refresh.expiresAt.toISOString(),
      },
    };
  }

  /** `auth/token/refresh/`: a new pair in the same family; reuse of a rotated token revokes the family. */
  async rotate(token: string, client: ClientInfo): Promise<TokenPair> {
    const claims = this.tokens.verifyRefresh(token);
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || userId <= 0) throw tokenInvalid();
    const user = await this.identities.userById(userId);
    if (!user || !user.is_active || user.role === 'system_bot') throw tokenInvalid();

    const outcome = await this.dataSource.transaction(async (tx) => {
      const marked: { family_id: string }[] = await tx.query(
        `WITH marked AS (
           UPDATE igny8_refresh_tokens SET used_at = now(), updated_at = now()
            WHERE jti = $1 AND user_id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
           RETURNING family_id)
         SELECT family_id FROM marked`,
        [claims.jti, userId],
      );
      if (!marked[0]) return { rotated: null };
      const subject = {
        id: user.user_id,
        account_id: user.account_id,
        role: user.role,
        token_version: user.token_version,
      };
      const { pair } = await this.issuePair(subject, client, marked[0].family_id, tx);
      return { rotated: pair };
    });
    if (outcome.rotated) return outcome.rotated;

    const rows: TokenState[] = await this.dataSource.query(
      'SELECT user_id, family_id, used_at, revoked_at, expires_at FROM igny8_refresh_tokens WHERE jti = $1',
      [claims.jti],
    );
    const state = rows[0];
    if (!state || state.user_id !== userId) throw tokenInvalid();
    if (state.used_at) {
      await this.revokeFamily(state.family_id, 'reuse_detected');
      throw new ApiError('token_reused', 'Token has already been used; its session was revoked.');
    }
    if (!state.revoked_at && state.expires_at.getTime() <= Date.now()) {
      throw new ApiError('token_expired', 'Token is expired.');
    }
    throw tokenInvalid();
  }

  /** The family of a valid refresh token of this user, or null (logout ignores foreign or bad tokens). */
  async familyOf(token: string, userId: number): Promise<string | null> {
    let jti: string;
    try {
      jti = this.tokens.verifyRefresh(token).jti;
    } catch {
      return null;
    }
    const row = await this.dataSource
      .getRepository(RefreshToken)
      .findOne({ where: { jti, user_id: userId }, select: { id: true, family_id: true } });
    return row?.family_id ?? null;
  }

  /** Revokes every token of the family and destroys the cookie sessions of that login. */
  async revokeFamily(familyId: string, reason: RefreshTokenRevokedReason): Promise<void> {
    await this.dataSource.query(
      `UPDATE igny8_refresh_tokens SET revoked_at = now(), revoked_reason = $2, updated_at = now()
        WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
    await this.sessions.destroyFamily(familyId);
  }

  /**
   * "Revoking all sessions" of a user: every family revoked, every cookie session destroyed, and
   * the user's token version bumped (with `tokens_valid_after = now()`, whole seconds) so every
   * earlier access token stops working. Returns the new token version, for a login that follows.
   * Not inside a caller's transaction: the table session store uses its own connection.
   */
  async revokeAll(userId: number, reason: RefreshTokenRevokedReason): Promise<number> {
    await this.dataSource.query(
      `UPDATE igny8_refresh_tokens SET revoked_at = now(), revoked_reason = $2, updated_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, reason],
    );
    const [row]: { token_version: number }[] = await this.dataSource.query(
      `WITH bumped AS (
         UPDATE igny8_users SET ${REVOKE_ACCESS_TOKENS}, updated_at = now() WHERE id = $1 RETURNING token_version)
       SELECT token_version FROM bumped`,
      [userId],
    );
    await this.sessions.destroyUser(userId);
    return row?.token_version ?? 0;
  }
}
