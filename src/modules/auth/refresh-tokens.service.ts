import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { IdentityLookup } from '../../common/auth/identity-lookup.js';
import { SessionStore } from '../../common/auth/session-store.js';
import { type TokenPair, TokenService } from '../../common/auth/token.service.js';
import type { Role } from '../../common/context/request-context.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { User } from '../identity/entities/user.entity.js';
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
    private readonly context: TenantContext,
  ) {}

  /** A new access + refresh pair; a new family unless `familyId` is given. Stores the refresh row. */
  async issuePair(
    subject: TokenSubject,
    client: ClientInfo,
    familyId?: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ pair: TokenPair; familyId: string }> {
    const refresh = this.tokens.issueRefresh(subject.id, familyId);
    const sql = tenantSql(manager);
    await sql.query`
      INSERT INTO ${sql.insertInto(RefreshToken)} (user_id, jti, family_id, expires_at, ip_address, user_agent)
      VALUES (${subject.id}, ${refresh.jti}, ${refresh.familyId}, ${refresh.expiresAt}, ${client.ip}, ${client.userAgent})`;
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

  /**
   * `auth/token/refresh/`: a new pair in the same family; reuse of a rotated token revokes the family.
   * The refresh token is the only credential, so the work runs as the system.
   */
  async rotate(token: string, client: ClientInfo): Promise<TokenPair> {
    const claims = this.tokens.verifyRefresh(token);
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || userId <= 0) throw tokenInvalid();
    return this.context.runAsSystem(
      'a refresh token is rotated before its user is signed in',
      () => this.rotateVerified(claims.jti, userId, client),
      'debug',
    );
  }

  private async rotateVerified(jti: string, userId: number, client: ClientInfo): Promise<TokenPair> {
    const user = await this.identities.userById(userId);
    if (!user || !user.is_active || user.role === 'system_bot') throw tokenInvalid();

    const outcome = await this.dataSource.transaction(async (tx) => {
      const sql = tenantSql(tx);
      const t = sql.table(RefreshToken, 't');
      const marked = await sql.query<{ family_id: string }[]>`
        WITH marked AS (
          UPDATE ${t} SET used_at = now(), updated_at = now()
           WHERE ${t.scope} AND t.jti = ${jti} AND t.user_id = ${userId}
             AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
          RETURNING t.family_id)
        SELECT family_id FROM marked`;
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

    const sql = tenantSql(this.dataSource.manager);
    const t = sql.table(RefreshToken, 't');
    const rows = await sql.query<TokenState[]>`
      SELECT t.user_id, t.family_id, t.used_at, t.revoked_at, t.expires_at FROM ${t}
       WHERE ${t.scope} AND t.jti = ${jti}`;
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
    const row = await tenantQuery(this.dataSource.manager, RefreshToken, 'token')
      .select(['token.id', 'token.family_id'])
      .andWhere('token.jti = :jti AND token.user_id = :userId', { jti, userId })
      .getOne();
    return row?.family_id ?? null;
  }

  /** Revokes every token of the family and destroys the cookie sessions of that login. */
  async revokeFamily(familyId: string, reason: RefreshTokenRevokedReason): Promise<void> {
    const sql = tenantSql(this.dataSource.manager);
    const t = sql.table(RefreshToken, 't');
    await sql.query`
      UPDATE ${t} SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
       WHERE ${t.scope} AND t.family_id = ${familyId} AND t.revoked_at IS NULL`;
    await this.sessions.destroyFamily(familyId);
  }

  /**
   * "Revoking all sessions" of a user: every family revoked, every cookie session destroyed, and
   * the user's token version bumped (with `tokens_valid_after = now()`, whole seconds) so every
   * earlier access token stops working. Returns the new token version, for a login that follows.
   * Not inside a caller's transaction: the table session store uses its own connection.
   */
  async revokeAll(userId: number, reason: RefreshTokenRevokedReason): Promise<number> {
    const sql = tenantSql(this.dataSource.manager);
    const [t, u] = [sql.table(RefreshToken, 't'), sql.table(User, 'u')];
    await sql.query`
      UPDATE ${t} SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
       WHERE ${t.scope} AND t.user_id = ${userId} AND t.revoked_at IS NULL`;
    const [row] = await sql.query<{ token_version: number }[]>`
      WITH bumped AS (
        UPDATE ${u} SET ${sql.constant(REVOKE_ACCESS_TOKENS)}, updated_at = now()
         WHERE ${u.scope} AND u.id = ${userId} RETURNING u.token_version)
      SELECT token_version FROM bumped`;
    await this.sessions.destroyUser(userId);
    return row?.token_version ?? 0;
  }
}
