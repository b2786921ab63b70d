import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantContext } from '../context/tenant-context.service.js';
import { ResourceTracking } from './resource-tracking.service.js';

/**
 * Global, after the authentication and throttling guards (AppModule loads AuthCoreModule, whose
 * guards they are, before MetricsModule): starts resource tracking for admin/owner/developer requests
 * that send `X-Debug-Resource-Tracking: 1` (docs/api-conventions.md#request-id-and-resource-tracking);
 * the header is ignored for everyone else. It never refuses a request. A guard rather than an
 * interceptor because it only has to run before the handler, and an interceptor on every route costs
 * each request an rxjs pipeline (docs/performance.md#interceptors).
 */
@Injectable()
export class ResourceTrackingGuard implements CanActivate {
  constructor(
    private readonly tracking: ResourceTracking,
    private readonly context: TenantContext,
  ) {}

  canActivate(execution: ExecutionContext): true {
    if (execution.getType() === 'http') {
      const http = execution.switchToHttp();
      const request = http.getRequest<FastifyRequest>();
      const principal = this.context.principal;
      if (ResourceTracking.qualifies(request, principal)) {
        this.tracking.start(request, http.getResponse<FastifyReply>(), principal);
      }
    }
    return true;
  }
}
