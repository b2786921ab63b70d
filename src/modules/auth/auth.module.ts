import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CleanupAuthTokensJob } from './jobs/cleanup-auth-tokens.job.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { RegistrationService } from './registration.service.js';

/**
 * `auth/` sessions: registration, login, token refresh, logout, me, passwords, groups. Authentication
 * itself (the guard, tokens, session store) is AuthCoreModule; mail and credits are global modules.
 */
@Module({
  imports: [IdentityModule],
  controllers: [AuthController],
  providers: [AuthService, RefreshTokensService, RegistrationService, CleanupAuthTokensJob],
  exports: [AuthService, RefreshTokensService, RegistrationService],
})
export class AuthModule {}
