import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, type JobRunContext } from '../../../common/jobs/job-handler.decorator.js';
import { type ExpiredAuthRows, TokensStore } from '../../identity/tokens.store.js';

export type AuthCleanupResult = ExpiredAuthRows;

/**
 * `cleanup_auth_tokens` (daily, 04:00 UTC, a system job): refresh tokens expired or revoked more
 * than 30 days ago, sessions past their absolute or idle lifetime (the table store; Redis keys expire
 * by themselves), and reset tokens expired more than 30 days ago.
 */
@Injectable()
export class CleanupAuthTokensJob {
  private readonly logger = new Logger('CleanupAuthTokensJob');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokensStore,
  ) {}

  @JobHandler('cleanup_auth_tokens')
  async run(_payload: Record<string, never>, { signal }: JobRunContext): Promise<AuthCleanupResult> {
    const result = await this.tokens.deleteExpired(this.dataSource.manager, signal);
    this.logger.log(result, 'Expired authentication rows deleted');
    return result;
  }
}
