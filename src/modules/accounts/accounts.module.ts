import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';
import { AccountsController, OwnAccountController, SubscriptionsController } from './accounts.controllers.js';
import { AccountsService } from './accounts.service.js';
import { SubscriptionsService } from './subscriptions.service.js';

/**
 * Accounts (`auth/account/`, developer `auth/accounts/`), their subscriptions (`auth/subscriptions/`)
 * and the account owner's pages over accounts and users (`account/settings/`, `account/team/`).
 */
@Module({
  imports: [UsersModule, IdentityModule],
  controllers: [OwnAccountController, AccountsController, SubscriptionsController, AccountController],
  providers: [AccountsService, SubscriptionsService],
  exports: [AccountsService],
})
export class AccountsModule {}
