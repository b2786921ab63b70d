import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ThrottleScope } from '../../config/config.schema.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { RouteMetadata } from '../http/route-metadata.js';
import { THROTTLE_SCOPE } from './throttle.decorator.js';
import { ThrottleService } from './throttle.service.js';

/**
 * Runs after the auth guard: counts the request against the route's scope, keyed by principal
 * (`user:`/`site:`) or client IP (`ip:`, plus the body's email for anonymous `auth_strict`).
 * Authenticated routes default to `default`; public routes are unthrottled unless they name a scope.
 */
@Injectable()
export class ThrottleGuard implements CanActivate {
  /** The route's scope, null when it is unthrottled. */
  private readonly scopes = new RouteMetadata<ThrottleScope | null>((targets) => {
    const declared = this.reflector.getAllAndOverride<ThrottleScope | null | undefined>(
      THROTTLE_SCOPE,
      targets,
    );
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true;
    return declared === undefined ? (isPublic ? null : 'default') : declared;
  });

  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: ThrottleService,
    private readonly context: TenantContext,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    if (!this.throttle.enabled) return true;
    const scope = this.scopes.of(execution);
    if (!scope) return true;

    const principal = this.context.principal;
    if (principal?.role === 'developer') return true;
    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    let key: string;
    if (principal?.via === 'api_key') key = `site:${principal.siteId}`;
    else if (principal) key = `user:${principal.userId}`;
    else {
      const email = (request.body as { email?: unknown } | undefined)?.email;
      key = `ip:${request.ip}`;
      if (scope === 'auth_strict' && typeof email === 'string') key += `:${email.trim().toLowerCase()}`;
    }
    this.throttle.apply(await this.throttle.consume(scope, key), http.getResponse<FastifyReply>());
    return true;
  }
}
