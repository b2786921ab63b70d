import { Module } from '@nestjs/common';
import { MailModule } from '../../common/mail/mail.module.js';
import { SessionRevoker } from './session-revoker.js';
import { SiteAccessService } from './site-access.service.js';
import { SiteAccessController, UsersController } from './users.controllers.js';
import { UsersService } from './users.service.js';

/** Users of an account (`auth/users/`), their site grants (`auth/site-access/`) and session revocation. */
@Module({
  imports: [MailModule],
  controllers: [UsersController, SiteAccessController],
  providers: [UsersService, SiteAccessService, SessionRevoker],
  exports: [UsersService, SessionRevoker],
})
export class UsersModule {}
