import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';

/** `account/settings/` and `account/team/`, over the accounts and users services. */
@Module({
  imports: [AccountsModule, UsersModule],
  controllers: [AccountController],
})
export class AccountModule {}
