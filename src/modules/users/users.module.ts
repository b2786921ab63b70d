import { Module } from '@nestjs/common';
import { MailModule } from '../../common/mail/mail.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { SiteAccessService } from './site-access.service.js';
import { SiteAccessController, UsersController } from './users.controllers.js';
import { UsersService } from './users.service.js';

/** Users of an account (`auth/users/`) and their site grants (`auth/site-access/`); identity's stores write them. */
@Module({
  imports: [MailModule, IdentityModule],
  controllers: [UsersController, SiteAccessController],
  providers: [UsersService, SiteAccessService],
  exports: [UsersService],
})
export class UsersModule {}
