import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { IdentityLookup } from '../../common/auth/identity-lookup.js';
import { type TokenPair, TokenService } from '../../common/auth/token.service.js';
import type { Role } from '../../common/context/request-context.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { RefreshToken } from '../identity/entities/refresh-token.entity.js';
import { SessionRevoker } from '../identity/session-revoker.js';
import { TokensStore } from '../identity/tokens.store.js';

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
    private readonly identities: IdentityLookup,
    private readonly context: TenantContext,
    private readonly store: TokensStore,
    private readonly revoker: SessionRevoker,
  ) {}

  /** A new access + refresh pair; a new family unless `familyId` is given. Stores the refresh row. */
  async issuePair(
    subject: TokenSubject,
    client: ClientInfo,
    familyId?: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ pair: TokenPair; familyId: string }> {
    const refresh = this.tokens.issueRefresh(subject.id, familyId);
    await this.store.insertRefreshToken(manager, {
      userId: subject.id,
      jti: refresh.jti,
      familyId: refresh.familyId,
      expiresAt: refresh.expiresAt,
      ip: client.ip,
      userAgent: client.userAgent,
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
      const family = await this.store.markRefreshTokenUsed(tx, jti, userId);
      if (!family) return { rotated: null };
      const subject = {
        id: user.user_id,
        account_id: user.account_id,
        role: user.role,
        token_version: user.token_version,
      };
      const { pair } = await this.issuePair(subject, client, family, tx);
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
      await this.revoker.revokeFamily(state.family_id, 'reuse_detected');
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
}
