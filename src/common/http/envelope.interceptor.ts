import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { Accepted, Flat, Paginated, WithMessage } from './responses.js';

/** Wraps every controller result in the unified success envelope (docs/api-conventions.md#envelope). */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(map((result: unknown) => wrap(result, request.id, reply)));
  }
}

export function wrap(result: unknown, requestId: string, reply: FastifyReply): unknown {
  if (result instanceof StreamableFile || Buffer.isBuffer(result)) return result;
  if (result instanceof Paginated) {
    const { count, next, previous, results } = result;
    return { success: true, count, next, previous, results, request_id: requestId };
  }
  if (result instanceof Accepted) {
    reply.status(202);
    return { success: true, data: result.data as unknown, message: result.message, request_id: requestId };
  }
  if (result instanceof Flat) {
    reply.status(result.status);
    return { success: result.success, ...result.fields, request_id: requestId };
  }
  if (result instanceof WithMessage) {
    return {
      success: true,
      data: (result.data as unknown) ?? null,
      message: result.message,
      request_id: requestId,
    };
  }
  return { success: true, data: result ?? null, request_id: requestId };
}
