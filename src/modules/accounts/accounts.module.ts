import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AccountsController, OwnAccountController, SubscriptionsController } from './accounts.controllers.js';
import { AccountsService } from './accounts.service.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** Accounts (`auth/account/`, developer `auth/accounts/`) and their subscriptions (`auth/subscriptions/`). */
@Module({
  imports: [UsersModule],
  controllers: [OwnAccountController, AccountsController, SubscriptionsController],
  providers: [AccountsService, SubscriptionsService],
  exports: [AccountsService],
})
export class AccountsModule {}
