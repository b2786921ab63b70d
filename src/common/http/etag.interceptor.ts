import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { map, type Observable } from 'rxjs';

/** Whether an `If-None-Match` header names the tag (a list, `*`, weak or strong forms alike). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === bare);
}

/**
 * Conditional GET for the one-object answers of the GET routes it decorates (docs/api-conventions.md#etags):
 * a weak `ETag` computed from the answer's data, and 304 without a body when `If-None-Match` names it.
 * Any change of the object gives a new tag, so pollers re-read only what moved.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        const digest = createHash('sha256')
          .update(JSON.stringify(result ?? null))
          .digest('base64url');
        const etag = `W/"${digest.slice(0, 32)}"`;
        void reply.header('ETag', etag);
        void reply.header('Cache-Control', 'private, no-cache');
        if (!matches(request.headers['if-none-match'], etag)) return result;
        // No body: an empty buffer passes the envelope untouched.
        reply.status(304);
        return Buffer.alloc(0);
      }),
    );
  }
}
