import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { TenantContext } from '../context/tenant-context.service.js';
import { ResourceTracking } from './resource-tracking.service.js';

/**
 * Global, after authentication: starts resource tracking for admin/owner/developer requests that
 * send `X-Debug-Resource-Tracking: 1` (docs/api-conventions.md#request-id-and-resource-tracking); the header
 * is ignored for everyone else.
 */
@Injectable()
export class ResourceTrackingInterceptor implements NestInterceptor {
  constructor(
    private readonly tracking: ResourceTracking,
    private readonly context: TenantContext,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() === 'http') {
      const http = execution.switchToHttp();
      const request = http.getRequest<FastifyRequest>();
      const principal = this.context.principal;
      if (ResourceTracking.qualifies(request, principal)) {
        this.tracking.start(request, http.getResponse<FastifyReply>(), principal);
      }
    }
    return next.handle();
  }
}
