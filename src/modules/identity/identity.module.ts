import { Module } from '@nestjs/common';
import { AccountCredits } from './account-credits.js';
import { AccountsStore } from './accounts.store.js';
import { SessionRevoker } from './session-revoker.js';
import { SitesStore } from './sites.store.js';
import { SystemAccountBootstrap, SystemAccountService } from './system-account.service.js';
import { TokensStore } from './tokens.store.js';
import { UsersStore } from './users.store.js';

const STORES = [AccountsStore, AccountCredits, UsersStore, SitesStore, TokensStore, SessionRevoker];

/**
 * Accounts, users, sites, sectors, site access, subscriptions, tokens and sessions: the tables every
 * other module reads, and only this module writes. Its stores (`*.store.ts`, AccountCredits,
 * SessionRevoker) take the caller's EntityManager, so one transaction spans the caller's module and
 * this one. Holds the system account, created at start-up when SYSTEM_ADMIN_EMAIL/PASSWORD are set
 * (`npm run create-system-account` runs the same service on its own).
 */
@Module({
  providers: [SystemAccountService, SystemAccountBootstrap, ...STORES],
  exports: [SystemAccountService, ...STORES],
})
export class IdentityModule {}
