import { Module } from '@nestjs/common';
import { SystemAccountBootstrap, SystemAccountService } from './system-account.service.js';

/**
 * Accounts, users, sites, sectors, site access, subscriptions, tokens and sessions: the tables every
 * other module reads. Holds the system account, created at start-up when SYSTEM_ADMIN_EMAIL/PASSWORD
 * are set (`npm run create-system-account` runs the same service on its own).
 */
@Module({
  providers: [SystemAccountService, SystemAccountBootstrap],
  exports: [SystemAccountService],
})
export class IdentityModule {}
