import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { SESSION_IDLE_MS } from '../../../common/auth/session-store.js';
import { type SqlTable, tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { PasswordResetToken } from '../../identity/entities/password-reset-token.entity.js';
import { RefreshToken } from '../../identity/entities/refresh-token.entity.js';
import { Session } from '../../identity/entities/session.entity.js';

export interface AuthCleanupResult {
  refresh_tokens: number;
  sessions: number;
  password_reset_tokens: number;
}

/**
 * `cleanup_auth_tokens` (daily, 04:00 UTC, a system job): refresh tokens expired or revoked more
 * than 30 days ago, sessions past their absolute or idle lifetime (the table store; Redis keys expire
 * by themselves), and reset tokens expired more than 30 days ago.
 */
@Injectable()
export class CleanupAuthTokensJob {
  private readonly logger = new Logger('CleanupAuthTokensJob');

  constructor(private readonly dataSource: DataSource) {}

  @JobHandler('cleanup_auth_tokens')
  async run(_payload: Record<string, never>, { signal }: JobRunContext): Promise<AuthCleanupResult> {
    const sql = tenantSql(this.dataSource.manager);
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
    const result: AuthCleanupResult = {
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
    this.logger.log(result, 'Expired authentication rows deleted');
    return result;
  }
}
