import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { SESSION_IDLE_MS } from '../../../common/auth/session-store.js';

export interface AuthCleanupResult {
  refresh_tokens: number;
  sessions: number;
  password_reset_tokens: number;
}

const RETENTION = "interval '30 days'";

/**
 * `cleanup_auth_tokens` (daily, 04:00 UTC): refresh tokens expired or revoked more
 * than 30 days ago, sessions past their absolute or idle lifetime (the table store; Redis keys expire
 * by themselves), and reset tokens expired more than 30 days ago.
 */
@Injectable()
export class CleanupAuthTokensJob {
  private readonly logger = new Logger('CleanupAuthTokensJob');

  constructor(private readonly dataSource: DataSource) {}

  @JobHandler('cleanup_auth_tokens')
  async run(_payload: Record<string, never>, { signal }: JobRunContext): Promise<AuthCleanupResult> {
    const deleted = async (sql: string, params: unknown[] = []) => {
      signal.throwIfAborted();
      const [, count] = await this.dataSource.query<[unknown[], number]>(sql, params);
      return count;
    };
    const result: AuthCleanupResult = {
      refresh_tokens: await deleted(
        `DELETE FROM igny8_refresh_tokens
          WHERE expires_at < now() - ${RETENTION} OR revoked_at < now() - ${RETENTION}`,
      ),
      sessions: await deleted(
        `DELETE FROM igny8_sessions WHERE expires_at <= now() OR last_seen_at <= now() - $1 * interval '1 millisecond'`,
        [SESSION_IDLE_MS],
      ),
      password_reset_tokens: await deleted(
        `DELETE FROM igny8_password_reset_tokens WHERE expires_at < now() - ${RETENTION}`,
      ),
    };
    this.logger.log(result, 'Expired authentication rows deleted');
    return result;
  }
}
