import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { Public } from '../../common/auth/public.decorator.js';
import type { TokenPair } from '../../common/auth/token.service.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { WithMessage } from '../../common/http/responses.js';
import { ApiData, ApiErrorResponse } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  LoginDto,
  LogoutDto,
  PasswordChangeDto,
  PasswordResetConfirmDto,
  PasswordResetDto,
  RefreshDto,
  RegisterDto,
  UpdateMeDto,
} from './dto/auth-requests.dto.js';
import {
  LoginResponseDto,
  PasswordChangeResponseDto,
  RegisterResponseDto,
  RoleGroupDto,
  TokenPairDto,
  UserWithAccountDto,
} from './dto/auth-responses.dto.js';
import { AuthService, type RegisterResult, type RoleGroup } from './auth.service.js';
import type { UserWithAccountView } from './presenters.js';

export const RESET_REQUESTED_MESSAGE = 'If an account exists for this email, a reset link has been sent.';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly context: TenantContext,
  ) {}

  @Post('register')
  @Public()
  @UseThrottler('auth_strict')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'auth_register',
    summary: 'Create an account, its owner and subscription; logs the owner in',
    description:
      'Free plan (default `free-trial`): account `trial`, subscription `trialing`, the plan credits granted ' +
      'through a ledger entry. Paid plan: `payment_method` is required and must be available for ' +
      '`billing_country`; account and subscription are `pending_payment` with a pending invoice for the plan, ' +
      'and the answer carries `checkout_url` (Stripe/PayPal; null when the provider is not configured) or ' +
      '`payment_instructions` (bank transfer). These fields are null for free plans. Always sets the ' +
      '`igny8_session` cookie; sends a welcome email.',
  })
  @ApiData(RegisterResponseDto, { status: 201, description: 'Registered and logged in' })
  register(
    @Body() dto: RegisterDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisterResult> {
    return this.auth.register(dto, request, reply);
  }

  @Post('login')
  @Public()
  @UseThrottler('auth_strict')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_login',
    summary: 'Log in with email and password',
    description:
      'Returns the user and a token pair and sets a new `igny8_session` cookie (HttpOnly, SameSite=Lax). ' +
      'Unknown email, wrong password, inactive user: the same 401 `invalid_credentials`. Allowed for every ' +
      'account status.',
  })
  @ApiData(LoginResponseDto, { description: 'Logged in' })
  @ApiErrorResponse(401, 'Unknown email, wrong password or inactive user (`invalid_credentials`)')
  login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ user: UserWithAccountView; tokens: TokenPair }> {
    return this.auth.login(dto, request, reply);
  }

  @Post('token/refresh')
  @Public()
  @SkipAccountGate()
  @UseThrottler('auth')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_token_refresh',
    summary: 'Rotate a refresh token',
    description:
      'Returns a new pair in the same family; the presented token is used up. Presenting a token that was ' +
      'already rotated revokes the whole family (401 `token_reused`).',
  })
  @ApiData(TokenPairDto, { description: 'A new token pair' })
  @ApiErrorResponse(
    401,
    'Invalid, expired or reused refresh token (`token_invalid`, `token_expired`, `token_reused`)',
  )
  refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.auth.refresh(dto.refresh, request);
  }

  @Post('logout')
  @SkipAccountGate()
  @UseThrottler('auth')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_logout',
    summary: 'Log out',
    description:
      'Revokes the family of `refresh`, or every session of the user when `all` is true; destroys the ' +
      'cookie session (if any) and clears the cookie.',
  })
  @ApiData(null, { description: 'Logged out.' })
  async logout(
    @Body() dto: LogoutDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WithMessage<null>> {
    await this.auth.logout(this.context.requirePrincipal(), dto, request, reply);
    return new WithMessage(null, 'Logged out.');
  }

  @Get('me')
  @SkipAccountGate()
  @UseThrottler('auth')
  @ApiOperation({ operationId: 'auth_me', summary: 'The current user with its account' })
  @ApiData(UserWithAccountDto)
  me(): Promise<UserWithAccountView> {
    return this.auth.me(this.context.requirePrincipal());
  }

  @Patch('me')
  @SkipAccountGate()
  @UseThrottler('auth')
  @ApiOperation({ operationId: 'auth_me_update', summary: 'Update the current user’s name and username' })
  @ApiData(UserWithAccountDto)
  updateMe(@Body() dto: UpdateMeDto): Promise<UserWithAccountView> {
    return this.auth.updateMe(this.context.requirePrincipal(), dto);
  }

  @Post('password/change')
  @SkipAccountGate()
  @UseThrottler('auth_strict')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_password_change',
    summary: 'Change the password',
    description:
      'Revokes every session of the user (refresh tokens, cookies, earlier access tokens), then returns a ' +
      'new token pair and sets a new session cookie. Wrong current password: 400 `errors.old_password`.',
  })
  @ApiData(PasswordChangeResponseDto)
  changePassword(
    @Body() dto: PasswordChangeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ tokens: TokenPair }> {
    return this.auth.changePassword(this.context.requirePrincipal(), dto, request, reply);
  }

  @Post('password/reset')
  @Public()
  @UseThrottler('auth_strict')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_password_reset',
    summary: 'Request a password-reset link',
    description:
      'Always answers the same message. For an active user, emails a single-use link valid for one hour ' +
      '(at most 3 per user per hour; earlier links stop working).',
  })
  @ApiData(null, { description: RESET_REQUESTED_MESSAGE })
  async requestReset(
    @Body() dto: PasswordResetDto,
    @Req() request: FastifyRequest,
  ): Promise<WithMessage<null>> {
    await this.auth.requestPasswordReset(dto.email, request);
    return new WithMessage(null, RESET_REQUESTED_MESSAGE);
  }

  @Post('password/reset/confirm')
  @Public()
  @UseThrottler('auth_strict')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'auth_password_reset_confirm',
    summary: 'Set a new password with a reset token',
    description: 'Revokes every session of the user. Unknown, used or expired token: 400 `invalid_token`.',
  })
  @ApiData(null, { description: 'Password has been reset.' })
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<WithMessage<null>> {
    await this.auth.confirmPasswordReset(dto);
    return new WithMessage(null, 'Password has been reset.');
  }

  @Get('groups')
  @ApiOperation({ operationId: 'auth_groups', summary: 'The six roles with their rank and assignability' })
  @ApiData(RoleGroupDto, { isArray: true })
  groups(): RoleGroup[] {
    return this.auth.groups();
  }
}
