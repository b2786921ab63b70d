import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runStatement } from '../../database/statement.js';
import type { Role } from '../context/request-context.js';

/** What the auth layer needs to know about a user and their account, in one query. */
export interface UserIdentity {
  user_id: number;
  account_id: number;
  email: string;
  password_hash: string;
  role: Role;
  is_active: boolean;
  is_superuser: boolean;
  tokens_valid_after: Date | null;
  token_version: number;
  account_status: 'active' | 'suspended' | 'trial' | 'cancelled' | 'pending_payment';
  account_is_active: boolean;
  account_is_system: boolean;
  plan_is_active: boolean;
}

export interface SiteKeyIdentity {
  site_id: number;
  account_id: number;
  site_is_active: boolean;
  wp_api_key_hash: string;
  api_key_last_used_at: Date | null;
  account_status: UserIdentity['account_status'];
  account_is_active: boolean;
  account_is_system: boolean;
  plan_is_active: boolean;
}

const USER_SELECT = `
  SELECT u.id AS user_id, u.account_id, u.email, u.password_hash, u.role, u.is_active, u.is_superuser,
         u.tokens_valid_after, u.token_version, a.status AS account_status, a.is_active AS account_is_active,
         a.is_system AS account_is_system, p.is_active AS plan_is_active
    FROM igny8_users u
    JOIN igny8_accounts a ON a.id = u.account_id AND a.deleted_at IS NULL
    JOIN igny8_plans p ON p.id = a.plan_id
   WHERE u.deleted_at IS NULL`;

/**
 * The authentication layer's reads of identity rows. They run before any principal exists, so they
 * are deliberately unscoped — and only ever select the credential's own user or site. Each is one
 * statement on the pool (`runStatement`): one of them runs for nearly every request.
 */
@Injectable()
export class IdentityLookup {
  constructor(private readonly dataSource: DataSource) {}

  async userById(id: number): Promise<UserIdentity | null> {
    const rows = await runStatement<UserIdentity>(this.dataSource, `${USER_SELECT} AND u.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async userByEmail(email: string): Promise<UserIdentity | null> {
    const rows = await runStatement<UserIdentity>(
      this.dataSource,
      `${USER_SELECT} AND lower(u.email) = lower($1)`,
      [email.trim()],
    );
    return rows[0] ?? null;
  }

  async siteByKeyHash(hash: string): Promise<SiteKeyIdentity | null> {
    const rows = await runStatement<SiteKeyIdentity>(
      this.dataSource,
      `SELECT s.id AS site_id, s.account_id, s.is_active AS site_is_active, s.wp_api_key_hash,
              s.api_key_last_used_at, a.status AS account_status, a.is_active AS account_is_active,
              a.is_system AS account_is_system, p.is_active AS plan_is_active
         FROM igny8_sites s
         JOIN igny8_accounts a ON a.id = s.account_id AND a.deleted_at IS NULL
         JOIN igny8_plans p ON p.id = a.plan_id
        WHERE s.wp_api_key_hash = $1 AND s.deleted_at IS NULL`,
      [hash],
    );
    return rows[0] ?? null;
  }

  /** At most once a minute per site (docs/api-conventions.md#authentication). */
  async touchSiteKey(siteId: number): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE igny8_sites SET api_key_last_used_at = now()
        WHERE id = $1 AND (api_key_last_used_at IS NULL OR api_key_last_used_at < now() - interval '1 minute')`,
      [siteId],
    );
  }
}
