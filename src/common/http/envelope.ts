import { StreamableFile } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { Accepted, Flat, Paginated, WithMessage } from './responses.js';

/**
 * The Fastify adapter that wraps every route handler's result in the unified success envelope
 * (docs/api-conventions.md#envelope) where Nest hands the result to the adapter to send it, after
 * the handler and its route interceptors. Not a global interceptor: with any interceptor on a route,
 * Nest runs each of its requests through an rxjs pipeline (deferred observables, a replay subject,
 * a watch for the client going away) that cost a list request more CPU and allocation than the
 * envelope itself (docs/performance.md#interceptors).
 */
export class EnvelopeFastifyAdapter extends FastifyAdapter {
  override reply(response: Parameters<FastifyAdapter['reply']>[0], body: unknown, statusCode?: number) {
    const enveloped = 'request' in response ? wrap(body, response.request.id, response) : body;
    return super.reply(response, enveloped, statusCode);
  }
}

/** A handler's result as the client receives it: the envelope shape of its marker type (`responses.ts`). */
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
