import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import type { ThrottleScope as Scope, ThrottlerName } from '../../config/config.schema.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { RouteMetadata } from '../http/route-metadata.js';
import { THROTTLE_SCOPE } from './throttle.decorator.js';
import { throttledError, throttleHeaders } from './throttle.service.js';
import type { WindowRecord, WindowStorage } from './throttler-storage.js';

/**
 * `@nestjs/throttler`'s guard, counting each request against one named throttler: the route's
 * scope (`@UseThrottler`; authenticated routes default to `default`, public routes are unthrottled
 * unless they name one). Runs after the auth guard; the key is the principal (`user:`/`site:`) or
 * the client IP (`ip:`, plus the body's lowercased email for anonymous `auth_strict`), shared by
 * every route of the scope. Developers are not throttled.
 */
@Injectable()
export class ScopedThrottlerGuard extends ThrottlerGuard {
  /** The route's scope, null when it is unthrottled. */
  private readonly scopes = new RouteMetadata<Scope | null>((targets) => {
    const declared = this.reflector.getAllAndOverride<Scope | null | undefined>(THROTTLE_SCOPE, targets);
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true;
    return declared === undefined ? (isPublic ? null : 'default') : declared;
  });

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: WindowStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
    private readonly context: TenantContext,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(execution: ExecutionContext): Promise<boolean> {
    if (!this.config.throttle.enabled) return true;
    const scope = this.scopes.of(execution);
    if (!scope || this.context.principal?.role === 'developer') return true;
    const throttler = this.throttlers.find((candidate) => candidate.name === scope);
    if (!throttler) return true;
    const { limit, windowMs } = this.config.throttle.rates[scope];
    return this.handleRequest({
      context: execution,
      limit,
      ttl: windowMs,
      blockDuration: windowMs,
      throttler,
      getTracker: (request) => this.tracker(request as FastifyRequest, scope),
      generateKey: (context, tracker, name) => this.generateKey(context, tracker, name),
    });
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler } = request;
    const http = context.switchToHttp();
    const tracker = await request.getTracker(http.getRequest<FastifyRequest>(), context);
    const key = request.generateKey(context, tracker, throttler.name!);
    const record = (await this.storageService.increment(
      key,
      ttl,
      limit,
      ttl,
      throttler.name!,
    )) as WindowRecord;
    if (record.unavailable) return true;
    if (record.isBlocked) {
      await this.throwThrottlingException(context, { limit, ttl, key, tracker, ...record });
    }
    const reply = http.getResponse<FastifyReply>();
    for (const [name, value] of Object.entries(throttleHeaders(limit, record))) reply.header(name, value);
    return true;
  }

  private tracker(request: FastifyRequest, scope: Scope): string {
    const principal = this.context.principal;
    if (principal?.via === 'api_key') return `site:${principal.siteId}`;
    if (principal) return `user:${principal.userId}`;
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (scope === 'auth_strict' && typeof email === 'string') {
      return `ip:${request.ip}:${email.trim().toLowerCase()}`;
    }
    return `ip:${request.ip}`;
  }

  /** Per scope and caller, whatever the route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw throttledError(
      this.scopes.of(context) as ThrottlerName,
      detail.limit,
      detail as unknown as WindowRecord,
    );
  }
}
