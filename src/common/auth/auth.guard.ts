import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import type { Principal } from '../context/request-context.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { safeEqual, sha256Hex } from '../crypto.js';
import { ApiError } from '../http/error-codes.js';
import { isAllowedOrigin } from '../http/http-setup.js';
import { RouteMetadata } from '../http/route-metadata.js';
import { ThrottleService } from '../throttling/throttle.service.js';
import { API_KEY_ALLOWED, OPTIONAL_AUTH, ROLES, SKIP_ACCOUNT_GATE } from './auth.decorators.js';
import { IdentityLookup, type SiteKeyIdentity, type UserIdentity } from './identity-lookup.js';
import { PasswordHasher } from './password-hasher.js';
import { IS_PUBLIC } from './public.decorator.js';
import { hasRole, type RoleMark } from './roles.js';
import { SessionStore } from './session-store.js';
import { TokenService } from './token.service.js';

export const SESSION_COOKIE = 'igny8_session';
const API_KEY_FORMAT = /^igny8_sk_[0-9A-Za-z]{40}$/;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type AccountState = Pick<UserIdentity, 'account_status' | 'account_is_active' | 'plan_is_active'>;

interface Authenticated {
  principal: Principal;
  account: AccountState;
}

/** The route's auth decorators. */
interface RouteAuth {
  isPublic: boolean;
  optionalAuth: boolean;
  apiKeyAllowed: boolean;
  skipAccountGate: boolean;
  role: RoleMark;
}

type Credential =
  | { kind: 'api_key'; key: string }
  | { kind: 'jwt'; token: string }
  | { kind: 'session'; id: string }
  | { kind: 'basic'; email: string; password: string };

/** Reads the first credential present, in the order of api.md 2.1. */
export function readCredential(request: FastifyRequest): Credential | null {
  const headerKey = request.headers['x-igny8-api-key'];
  if (typeof headerKey === 'string' && headerKey !== '') return { kind: 'api_key', key: headerKey.trim() };
  const authorization = request.headers.authorization?.trim() ?? '';
  const [scheme, ...rest] = authorization.split(/\s+/);
  const value = rest.join(' ');
  switch (scheme?.toLowerCase()) {
    case 'apikey':
      return { kind: 'api_key', key: value };
    case 'bearer':
      return value.startsWith('igny8_sk_') ? { kind: 'api_key', key: value } : { kind: 'jwt', token: value };
    default:
      break;
  }
  const sessionId = request.cookies?.[SESSION_COOKIE];
  if (sessionId) return { kind: 'session', id: sessionId };
  return readBasic(request);
}

function readBasic(request: FastifyRequest): Extract<Credential, { kind: 'basic' }> | null {
  const [scheme, ...rest] = (request.headers.authorization?.trim() ?? '').split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(rest.join(' '), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon > 0) return { kind: 'basic', email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  return { kind: 'basic', email: '', password: '' };
}

/**
 * The one global guard: authenticates (API key → JWT → session cookie → Basic), writes the principal
 * to the context, then applies the API-key allowance, the account status gate and the route's role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
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
    private readonly identities: IdentityLookup,
    private readonly tokens: TokenService,
    private readonly sessions: SessionStore,
    private readonly hasher: PasswordHasher,
    private readonly throttle: ThrottleService,
    private readonly context: TenantContext,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const route = this.routes.of(execution);
    if (route.isPublic) return true;

    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const authenticated = await this.authenticate(request, reply);
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
    const credential = readCredential(request);
    switch (credential?.kind) {
      case 'api_key':
        return this.fromApiKey(credential.key);
      case 'jwt':
        return this.fromJwt(credential.token);
      case 'session': {
        const fromCookie = await this.fromSession(credential.id, request, reply);
        if (fromCookie) return fromCookie;
        // A dead cookie is treated as absent: Basic credentials sent with it still count.
        const basic = readBasic(request);
        return basic ? this.fromBasic(basic.email, basic.password, request, reply) : null;
      }
      case 'basic':
        return this.fromBasic(credential.email, credential.password, request, reply);
      default:
        return null;
    }
  }

  private async fromApiKey(key: string): Promise<Authenticated> {
    const invalid = new ApiError('invalid_api_key', 'Invalid API key.');
    if (!API_KEY_FORMAT.test(key)) throw invalid;
    const hash = sha256Hex(key);
    const site = await this.identities.siteByKeyHash(hash);
    if (!site || !safeEqual(site.wp_api_key_hash, hash)) throw invalid;
    if (!site.site_is_active) throw new ApiError('permission_denied', 'Site is inactive.');
    if (!site.api_key_last_used_at || Date.now() - site.api_key_last_used_at.getTime() > 60_000) {
      await this.identities.touchSiteKey(site.site_id);
    }
    return { principal: apiKeyPrincipal(site), account: site };
  }

  private async fromJwt(token: string): Promise<Authenticated> {
    const claims = this.tokens.verifyAccess(token);
    const user = await this.identities.userById(claims.user_id);
    if (!user || !user.is_active || user.role === 'system_bot' || String(user.user_id) !== claims.sub) {
      throw new ApiError('token_invalid', 'Given token not valid for any token type.');
    }
    if (user.tokens_valid_after && claims.iat * 1000 < user.tokens_valid_after.getTime()) {
      throw new ApiError('token_invalid', 'Given token not valid for any token type.');
    }
    return { principal: userPrincipal(user, 'jwt'), account: user };
  }

  private async fromSession(
    id: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Authenticated | null> {
    const hash = sha256Hex(id);
    const session = await this.sessions.find(hash);
    const user = session ? await this.identities.userById(session.userId) : null;
    if (!session || !user || !user.is_active || user.role === 'system_bot') {
      if (session) await this.sessions.destroy(hash);
      clearSessionCookie(reply, this.config);
      return null;
    }
    if (UNSAFE_METHODS.has(request.method) && !this.sameOrigin(request)) {
      throw new ApiError('csrf_failed', 'CSRF check failed.');
    }
    return { principal: userPrincipal(user, 'session'), account: user };
  }

  private async fromBasic(
    email: string,
    password: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Authenticated> {
    const invalid = new ApiError('invalid_credentials', 'Invalid email or password.');
    if (!this.config.auth.basicEnabled) throw invalid;
    const throttleKey = `ip:${request.ip}:${email.trim().toLowerCase()}`;
    if (this.throttle.enabled) {
      const blocked = await this.throttle.isBlocked('auth_strict', throttleKey);
      if (blocked) this.throttle.apply(blocked, reply);
    }
    const user = email ? await this.identities.userByEmail(email) : null;
    const valid = user
      ? await this.hasher.verify(user.password_hash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!user || !valid || !user.is_active || user.role === 'system_bot') {
      if (this.throttle.enabled) await this.throttle.consume('auth_strict', throttleKey);
      throw invalid;
    }
    return { principal: userPrincipal(user, 'basic'), account: user };
  }

  private sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    if (origin) return isAllowedOrigin(this.config, origin);
    const referer = request.headers.referer;
    if (!referer) return false;
    try {
      return isAllowedOrigin(this.config, new URL(referer).origin);
    } catch {
      return false;
    }
  }
}

function userPrincipal(user: UserIdentity, via: 'jwt' | 'session' | 'basic'): Principal {
  const developer = user.role === 'developer' || user.is_superuser;
  return {
    userId: user.user_id,
    accountId: user.account_id,
    siteId: null,
    role: developer ? 'developer' : user.role,
    bypassTenant: developer || user.account_is_system,
    via,
  };
}

function apiKeyPrincipal(site: SiteKeyIdentity): Principal {
  return {
    userId: null,
    accountId: site.account_id,
    siteId: site.site_id,
    role: 'editor',
    bypassTenant: false,
    via: 'api_key',
  };
}

/** api.md 3.2, for every non-developer principal outside the exempt routes. */
function checkAccountGate(account: AccountState): void {
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
