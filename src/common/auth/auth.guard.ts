import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { ApiError } from '../http/error-codes.js';
import { RouteMetadata } from '../http/route-metadata.js';
import { API_KEY_ALLOWED, OPTIONAL_AUTH, ROLES, SKIP_ACCOUNT_GATE } from './auth.decorators.js';
import type { AccountState, Authenticated } from './authenticated.js';
import { basicFrom, type CredentialKind, credentialKind, SESSION_COOKIE } from './credentials.js';
import { IS_PUBLIC } from './public.decorator.js';
import { hasRole, type RoleMark } from './roles.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { SessionCookieStrategy } from './strategies/session.strategy.js';
import { type StrategyOutcome, strategyRunner } from './strategy-runner.js';
import { invalidToken } from './token.service.js';

/** The route's auth decorators. */
interface RouteAuth {
  isPublic: boolean;
  optionalAuth: boolean;
  apiKeyAllowed: boolean;
  skipAccountGate: boolean;
  role: RoleMark;
}

/**
 * The one global guard. The first credential present decides (API key → JWT → session cookie →
 * Basic) and is checked by its Passport strategy; a failure answers that strategy's error, never a
 * fall-through to the next credential — except a dead session cookie, which counts as absent (the
 * cookie is cleared and Basic credentials sent with it still count). Then it writes the principal
 * to the context and applies the API-key allowance, the account status gate and the route's role.
 *
 * The guard runs the strategy instances it is given (`strategyRunner`), so several applications in
 * one process (tests) never use each other's strategies.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly strategies: Record<
    CredentialKind,
    (request: FastifyRequest) => Promise<StrategyOutcome<Authenticated>>
  >;

  private readonly routes = new RouteMetadata<RouteAuth>((targets) => {
    const flag = (key: string) =>
      this.reflector.getAllAndOverride<boolean | undefined>(key, targets) === true;
    return {
      isPublic: flag(IS_PUBLIC),
      optionalAuth: flag(OPTIONAL_AUTH),
      apiKeyAllowed: flag(API_KEY_ALLOWED),
      skipAccountGate: flag(SKIP_ACCOUNT_GATE),
      role: this.reflector.getAllAndOverride<RoleMark | undefined>(ROLES, targets) ?? 'viewer',
    };
  });

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly context: TenantContext,
    apiKey: ApiKeyStrategy,
    jwt: JwtStrategy,
    session: SessionCookieStrategy,
    basic: BasicStrategy,
  ) {
    this.strategies = {
      'api-key': strategyRunner(apiKey, 'api-key'),
      jwt: strategyRunner(jwt, 'jwt'),
      'session-cookie': strategyRunner(session, 'session-cookie'),
      basic: strategyRunner(basic, 'basic'),
    };
  }

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const route = this.routes.of(execution);
    if (route.isPublic) return true;

    const http = execution.switchToHttp();
    const authenticated = await this.authenticate(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
    );
    if (!authenticated) {
      if (route.optionalAuth) return true;
      throw new ApiError('authentication_required');
    }
    const { principal, account } = authenticated;
    this.context.setPrincipal(principal);

    if (principal.via === 'api_key' && !route.apiKeyAllowed) {
      throw new ApiError('api_key_not_allowed', 'This endpoint is not available with an API key.');
    }
    if (principal.role !== 'developer' && !route.skipAccountGate) checkAccountGate(account);
    if (!hasRole(principal.role, route.role)) throw new ApiError('permission_denied');
    return true;
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Authenticated | null> {
    const kind = credentialKind(request);
    if (kind === null) return null;
    const authenticated = await this.run(kind, request);
    if (authenticated || kind !== 'session-cookie') return authenticated;
    clearSessionCookie(reply, this.config);
    return basicFrom(request) ? this.run('basic', request) : null;
  }

  /**
   * One strategy. Strategies throw their own `ApiError`s; a plain failure is a dead session cookie, or
   * a token passport-jwt refused (expired, or invalid for any other reason).
   */
  private async run(kind: CredentialKind, request: FastifyRequest): Promise<Authenticated | null> {
    const { user, info } = await this.strategies[kind](request);
    if (user) return user;
    if (kind === 'jwt') throw jwtFailure(info);
    return null;
  }
}

function jwtFailure(info: unknown): ApiError {
  return (info as { name?: string } | undefined)?.name === 'TokenExpiredError'
    ? new ApiError('token_expired', 'Token is expired.')
    : invalidToken();
}

/** The account status gate, for every non-developer principal outside the exempt routes. */
export function checkAccountGate(account: AccountState): void {
  if (account.account_status === 'cancelled')
    throw new ApiError('account_inactive', 'This account is cancelled.');
  if (account.account_status === 'suspended' || !account.account_is_active) {
    throw new ApiError('account_inactive', 'This account is suspended.');
  }
  if (account.account_status === 'pending_payment') {
    throw new ApiError('payment_required', 'Payment is required to activate this account.');
  }
  if (!account.plan_is_active) {
    throw new ApiError('payment_required', 'Your plan is no longer available. Choose a plan to continue.');
  }
}

export function clearSessionCookie(reply: FastifyReply, config: AppConfig): void {
  void reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.isProduction,
  });
}
