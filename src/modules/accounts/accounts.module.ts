import { type OnModuleInit, Module } from '@nestjs/common';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
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
  imports: [UsersModule],
  controllers: [OwnAccountController, AccountsController, SubscriptionsController, AccountController],
  providers: [AccountsService, SubscriptionsService],
  exports: [AccountsService],
})
export class AccountsModule implements OnModuleInit {
  constructor(private readonly softDeletes: SoftDeleteService) {}

  /** Soft-deleting an account soft-deletes its users and sites (domain.md 0.3). */
  onModuleInit(): void {
    this.softDeletes.registerCascade('igny8_accounts', { table: 'igny8_users', column: 'account_id' });
    this.softDeletes.registerCascade('igny8_accounts', { table: 'igny8_sites', column: 'account_id' });
  }
}
