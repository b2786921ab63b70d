import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SESSION_IDLE_MS } from '../../common/auth/session-store.js';
import { type SqlTable, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { PasswordResetToken } from './entities/password-reset-token.entity.js';
import { RefreshToken, type RefreshTokenRevokedReason } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/** The `igny8_users` assignments that make every access token issued so far invalid. */
const REVOKE_ACCESS_TOKENS =
  "tokens_valid_after = date_trunc('second', now()), token_version = token_version + 1";

export interface NewRefreshToken {
  userId: number;
  jti: string;
  familyId: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string;
}

export interface NewResetToken {
  userId: number;
  tokenHash: string;
  expiresAt: Date;
  ip: string | null;
}

export interface ExpiredAuthRows {
  refresh_tokens: number;
  sessions: number;
  password_reset_tokens: number;
}

/**
 * The writes of refresh tokens, password-reset tokens and the token version of users
 * (docs/domain-model.md#tokens-and-sessions). Every method runs in the caller's `manager` (its
 * transaction) and through `tenantSql`, so it is scoped to the caller's tenant context.
 */
@Injectable()
export class TokensStore {
  /** Stores an issued refresh token. */
  async insertRefreshToken(manager: EntityManager, token: NewRefreshToken): Promise<void> {
    const sql = tenantSql(manager);
    await sql.query`
      INSERT INTO ${sql.insertInto(RefreshToken)} (user_id, jti, family_id, expires_at, ip_address, user_agent)
      VALUES (${token.userId}, ${token.jti}, ${token.familyId}, ${token.expiresAt}, ${token.ip}, ${token.userAgent})`;
  }

  /**
   * Marks a live refresh token of the user used with one conditional UPDATE, so of parallel rotations
   * at most one wins. Returns its family, or null when it was not live.
   */
  async markRefreshTokenUsed(manager: EntityManager, jti: string, userId: number): Promise<string | null> {
    const sql = tenantSql(manager);
    const t = sql.table(RefreshToken, 't');
    const marked = await sql.query<{ family_id: string }[]>`
      WITH marked AS (
        UPDATE ${t} SET used_at = now(), updated_at = now()
         WHERE ${t.scope} AND t.jti = ${jti} AND t.user_id = ${userId}
           AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
        RETURNING t.family_id)
      SELECT family_id FROM marked`;
    return marked[0]?.family_id ?? null;
  }

  /** Revokes every live token of one refresh family (one login). */
  async revokeFamily(
    manager: EntityManager,
    familyId: string,
    reason: RefreshTokenRevokedReason,
  ): Promise<void> {
    const sql = tenantSql(manager);
    const t = sql.table(RefreshToken, 't');
    await sql.query`
      UPDATE ${t} SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
       WHERE ${t.scope} AND t.family_id = ${familyId} AND t.revoked_at IS NULL`;
  }

  /**
   * Every refresh family of these users revoked and their token version bumped (with
   * `tokens_valid_after = now()`, whole seconds) so every earlier access token stops working.
   * Returns the new token version of each user.
   */
  async revokeUserTokens(
    manager: EntityManager,
    userIds: readonly number[],
    reason: RefreshTokenRevokedReason,
  ): Promise<Map<number, number>> {
    if (userIds.length === 0) return new Map();
    const sql = tenantSql(manager);
    const [t, u] = [sql.table(RefreshToken, 't'), sql.table(User, 'u')];
    await sql.query`
      UPDATE ${t} SET revoked_at = now(), revoked_reason = ${reason}, updated_at = now()
       WHERE ${t.scope} AND t.user_id = ANY(${userIds}::bigint[]) AND t.revoked_at IS NULL`;
    const rows = await sql.query<{ id: number; token_version: number }[]>`
      WITH bumped AS (
        UPDATE ${u} SET ${sql.constant(REVOKE_ACCESS_TOKENS)}, updated_at = now()
         WHERE ${u.scope} AND u.id = ANY(${userIds}::bigint[]) RETURNING u.id, u.token_version)
      SELECT id, token_version FROM bumped`;
    return new Map(rows.map((row) => [Number(row.id), row.token_version]));
  }

  /** Stores a password-reset (or invitation) token; only its SHA-256 is given. */
  async insertResetToken(manager: EntityManager, token: NewResetToken): Promise<void> {
    const sql = tenantSql(manager);
    await sql.query`
      INSERT INTO ${sql.insertInto(PasswordResetToken)} (user_id, token_hash, expires_at, requested_ip)
      VALUES (${token.userId}, ${token.tokenHash}, ${token.expiresAt}, ${token.ip})`;
  }

  /**
   * A reset requested by the user: refused (false) when `perHour` tokens were already issued within
   * the hour, else earlier unused tokens stop working and the new one is stored. Locks the user row,
   * so parallel requests are counted one by one.
   */
  async issueResetToken(manager: EntityManager, token: NewResetToken, perHour: number): Promise<boolean> {
    const sql = tenantSql(manager);
    const [u, t] = [sql.table(User, 'u'), sql.table(PasswordResetToken, 't')];
    await sql.query`SELECT u.id FROM ${u} WHERE ${u.scope} AND u.id = ${token.userId} FOR UPDATE`;
    const recent = await sql.query<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${t}
       WHERE ${t.scope} AND t.user_id = ${token.userId} AND t.created_at > now() - interval '1 hour'`;
    if ((recent[0]?.n ?? 0) >= perHour) return false;
    await this.expireResetTokens(manager, token.userId);
    await this.insertResetToken(manager, token);
    return true;
  }

  /**
   * Uses a reset token once: marks it used if it is still live (false otherwise) and makes the user's
   * other unused tokens stop working.
   */
  async consumeResetToken(manager: EntityManager, tokenId: number, userId: number): Promise<boolean> {
    const sql = tenantSql(manager);
    const t = sql.table(PasswordResetToken, 't');
    const marked = await sql.query<unknown[]>`
      WITH marked AS (
        UPDATE ${t} SET used_at = now()
         WHERE ${t.scope} AND t.id = ${tokenId} AND t.used_at IS NULL AND t.expires_at > now()
        RETURNING t.id)
      SELECT id FROM marked`;
    if (marked.length === 0) return false;
    await this.expireResetTokens(manager, userId);
    return true;
  }

  /** Earlier unused reset tokens of the user stop working. */
  private async expireResetTokens(manager: EntityManager, userId: number): Promise<void> {
    const sql = tenantSql(manager);
    const t = sql.table(PasswordResetToken, 't');
    await sql.query`
      UPDATE ${t} SET expires_at = now()
       WHERE ${t.scope} AND t.user_id = ${userId} AND t.used_at IS NULL AND t.expires_at > now()`;
  }

  /**
   * Deletes refresh tokens expired or revoked more than 30 days ago, sessions past their absolute or
   * idle lifetime (the table store) and reset tokens expired more than 30 days ago.
   */
  async deleteExpired(manager: EntityManager, signal: AbortSignal): Promise<ExpiredAuthRows> {
    const sql = tenantSql(manager);
    const retention = sql.constant("interval '30 days'");
    const deleted = async (table: SqlTable, expired: ReturnType<typeof sql.sql>) => {
      signal.throwIfAborted();
      const [, count] = await sql.query<
        [unknown[], number]
      >`DELETE FROM ${table} WHERE ${table.scope} AND ${expired}`;
      return count;
    };
    const [t, s, r] = [
      sql.table(RefreshToken, 't'),
      sql.table(Session, 's'),
      sql.table(PasswordResetToken, 'r'),
    ];
    return {
      refresh_tokens: await deleted(
        t,
        sql.sql`(t.expires_at < now() - ${retention} OR t.revoked_at < now() - ${retention})`,
      ),
      sessions: await deleted(
        s,
        sql.sql`(s.expires_at <= now() OR s.last_seen_at <= now() - ${SESSION_IDLE_MS} * interval '1 millisecond')`,
      ),
      password_reset_tokens: await deleted(r, sql.sql`r.expires_at < now() - ${retention}`),
    };
  }
}
